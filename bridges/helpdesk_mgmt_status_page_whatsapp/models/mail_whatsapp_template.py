# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailWhatsAppTemplate(models.Model):
    _inherit = "mail.whatsapp.template"

    # === BUSINESS METHODS: SENDING ===#

    def _prepare_button_components(self, variable_ids_value):
        """Each dynamic URL button's parameter, read by its placeholder's
        name (``{{1}}``, see ``mail.whatsapp.template.variable``) where
        mail_gateway_whatsapp reads it by the button's text."""
        components = super()._prepare_button_components(variable_ids_value)
        buttons = self.button_ids
        for component in components:
            button = buttons[component["index"]]
            key = f"button-{button.variable_ids[:1].name}"
            if key in variable_ids_value:
                value = (variable_ids_value[key] or " ").replace(
                    button.website_url or "", ""
                )
                component["parameters"] = [
                    {"type": "text", "text": value.lstrip("/") or " "}
                ]
        return components

    # === BUSINESS METHODS: STATUS PAGE ===#

    def _get_status_lang_variant(self, lang):
        """This template in the customer's language: the approved template
        of the same gateway and Meta name whose language is ``lang``
        (``ar_001``) or its base (``ar``), else this one.

        :param str lang: an Odoo language code, as the page chooses it
        """
        return self._get_status_lang_variants([lang])[lang]

    def _get_status_lang_variants(self, langs):
        """This template in each of ``langs``, as
        ``_get_status_lang_variant`` chooses it, with one search for all:
        a batch of messages in several languages.

        :param langs: Odoo language codes (``False`` for none)
        :return: ``{lang: mail.whatsapp.template}``
        """
        self.ensure_one()
        candidates = {lang: [lang, lang.split("_")[0]] for lang in langs if lang}
        by_language = {}
        if candidates:
            variants = self.search(
                [
                    ("gateway_id", "=", self.gateway_id.id),
                    ("template_name", "=", self.template_name),
                    ("state", "=", "approved"),
                    (
                        "language",
                        "in",
                        sorted({c for codes in candidates.values() for c in codes}),
                    ),
                ]
            )
            for variant in variants:
                by_language.setdefault(variant.language, variant)
        return {
            lang: next(
                (by_language[c] for c in candidates.get(lang, ()) if c in by_language),
                self,
            )
            for lang in langs
        }
