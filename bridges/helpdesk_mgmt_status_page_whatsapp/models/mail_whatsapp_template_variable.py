# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# The one placeholder of a dynamic URL button, as Meta names it (the URL
# ends with it) and as mail_gateway_whatsapp's check_variable_ids expects.
BUTTON_PLACEHOLDER = "{{1}}"


class MailWhatsAppTemplateVariable(models.Model):
    """A dynamic URL button's placeholder is ``{{1}}``.

    mail_gateway_whatsapp 18.0.2.2.0 names it after the button's text, which
    its ``{{number}}`` check then refuses unless the text is a number, the
    text Meta would show on the button. The button's parameter is read by
    the placeholder's name (see ``mail.whatsapp.template``). On a helpdesk
    ticket's template it is the customer's status link by default.
    """

    _inherit = "mail.whatsapp.template.variable"

    # === CRUD METHODS ===#

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("line_type") == "button":
                vals["name"] = BUTTON_PLACEHOLDER
                template = self.env["mail.whatsapp.template"].browse(
                    vals.get("template_id")
                )
                if not vals.get("field_name") and template.model == "helpdesk.ticket":
                    vals["field_name"] = "status_page_url"
        return super().create(vals_list)

    def write(self, vals):
        if "name" in vals and (
            vals.get("line_type") == "button"
            or ("line_type" not in vals and set(self.mapped("line_type")) == {"button"})
        ):
            vals = dict(vals, name=BUTTON_PLACEHOLDER)
        return super().write(vals)
