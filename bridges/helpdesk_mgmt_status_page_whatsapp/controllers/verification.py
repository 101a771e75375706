# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt_status_page.controllers.status_page import (
    page_and_ticket_paths,
    status_route,
)
from odoo.addons.helpdesk_mgmt_status_page.controllers.verification import (
    StatusPageVerification,
    checked_post,
)


class StatusPageWhatsappVerification(StatusPageVerification):
    """The code step offers the code by WhatsApp (see
    ``helpdesk.status.page.challenge._is_whatsapp_code_offered``)."""

    def _get_code_step_values(self, page, ticket, channel):
        values = super()._get_code_step_values(page, ticket, channel)
        Challenge = request.env["helpdesk.status.page.challenge"]
        offered = Challenge._is_whatsapp_code_offered(page, ticket, channel)
        values["whatsapp_offered"] = offered
        values["whatsapp_wait"] = (
            offered
            and Challenge._get_code_step(page, ticket, "whatsapp")["resend_wait"]
        )
        return values

    @status_route(page_and_ticket_paths("whatsapp"), "POST", csrf=False)
    @checked_post
    def status_whatsapp_code(self, slug, token=None, **kwargs):
        """Send a new code by WhatsApp to the phone verified before."""
        return self._resend_code(slug, token, kind="whatsapp")

    def _check_code_kind(self, page, ticket, channel, kind):
        Challenge = request.env["helpdesk.status.page.challenge"]
        if kind == "whatsapp" and not Challenge._is_whatsapp_code_offered(
            page, ticket, channel
        ):
            raise UserError(
                request.env._("Codes cannot be sent by WhatsApp for this request.")
            )
        return super()._check_code_kind(page, ticket, channel, kind)

    @status_route(page_and_ticket_paths("whatsapp"))
    def status_whatsapp_answer(self, slug, token=None, **kwargs):
        """A GET on the form's address goes to the customer's step."""
        return self.status_form_answer(slug, token=token, **kwargs)
