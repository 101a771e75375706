# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailWhatsAppTemplate(models.Model):
    _inherit = "mail.whatsapp.template"

    # === BUSINESS METHODS: STATUS PAGE ===#

    def _get_status_lang_variant(self, lang):
        """This template in the customer's language: the approved template
        of the same gateway and Meta name whose language is ``lang``
        (``ar_001``) or its base (``ar``), else this one.

        :param str lang: an Odoo language code, as the page chooses it
        """
        self.ensure_one()
        if not lang:
            return self
        candidates = [lang, lang.split("_")[0]]
        variants = self.search(
            [
                ("gateway_id", "=", self.gateway_id.id),
                ("template_name", "=", self.template_name),
                ("state", "=", "approved"),
                ("language", "in", candidates),
            ]
        )
        for candidate in candidates:
            variant = variants.filtered(lambda t, c=candidate: t.language == c)
            if variant:
                return variant[:1]
        return self
