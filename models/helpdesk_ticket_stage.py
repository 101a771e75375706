# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.statuses import MAIN_STATUSES


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    customer_label = fields.Char(
        string="Customer label",
        translate=True,
        help="What customers see on the status page and in notifications. "
        "Leave empty to show the stage name.",
    )
    customer_status_label = fields.Char(
        string="Customer status",
        compute="_compute_customer_status_label",
        help="Customer label, or the stage name when no label is set.",
    )
    customer_description = fields.Text(
        string="What happens now",
        translate=True,
        help="One or two sentences shown to customers under the current "
        "status, e.g. 'Our technician is testing your device; this usually "
        "takes two days.'",
    )
    main_status = fields.Selection(
        selection=MAIN_STATUSES,
        required=True,
        compute="_compute_main_status",
        store=True,
        readonly=False,
        precompute=True,
        help="Step of the customer timeline this stage belongs to.",
    )
    notify_customer = fields.Boolean(
        string="Notify customer",
        default=True,
        help="Moving a ticket into this stage notifies the customer "
        "with the status link (see the status page's notification settings).",
    )
    waiting_on_customer = fields.Boolean(
        string="Waiting on customer",
        help="Tickets in this stage wait for the customer: the status page "
        "opens with an 'action needed' card and a reply form, and the status "
        "notification says an action is needed.",
    )
    customer_instructions = fields.Text(
        translate=True,
        help="What the customer should do, shown on the 'action needed' card "
        "of the status page (e.g. 'Send us a photo of the serial number').",
    )
    customer_reply_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Stage after the customer's reply",
        ondelete="set null",
        help="A customer's reply from the status page moves the ticket from "
        "this stage to that one. Empty: the ticket stays where it is.",
    )

    customer_label_missing_langs = fields.Char(
        string="Untranslated for",
        compute="_compute_customer_label_missing_langs",
        help="Languages of the websites in which customers would read this "
        "stage's status untranslated: it has no customer label (or, without "
        "one, no name) of their own.",
    )
    sends_two_emails = fields.Boolean(
        string="Sends two e-mails",
        compute="_compute_sends_two_emails",
        help="The stage's own e-mail template and the status page's message "
        "both go out on a move into this stage.",
    )

    @api.depends("mail_template_id", "notify_customer")
    def _compute_sends_two_emails(self):
        for stage in self:
            stage.sends_two_emails = bool(
                stage.mail_template_id and stage.notify_customer
            )

    @api.depends("customer_label", "name")
    @api.depends_context("lang")
    def _compute_customer_status_label(self):
        for stage in self:
            stage.customer_status_label = stage.customer_label or stage.name

    @api.depends("customer_label", "name", "company_id")
    def _compute_customer_label_missing_langs(self):
        # Every stage may be a ticket's current status: customers see them all.
        websites = self.env["website"].sudo().search([])
        for stage in self:
            site_langs = websites.filtered(
                lambda site, stage=stage: (
                    not stage.company_id or site.company_id == stage.company_id
                )
            ).language_ids
            own_langs = stage._get_customer_label_langs()
            stage.customer_label_missing_langs = ", ".join(
                lang.name for lang in site_langs if lang.code not in own_langs
            )

    def _get_customer_label_langs(self):
        """Languages in which the customer label (else, without one, the
        stage name) has a value of its own: other languages show the English
        one."""
        self.ensure_one()
        fname = "customer_label" if self.customer_label else "name"
        origin = self._origin
        stored = origin.id and self._fields[fname]._get_stored_translations(origin)
        langs = {lang for lang, value in (stored or {}).items() if value}
        # Typed in the form, not saved yet: it is the label of the user's
        # language.
        if self[fname] and self[fname] != origin[fname]:
            langs.add(self.env.lang or "en_US")
        return langs

    @api.depends("closed")
    def _compute_main_status(self):
        # Only new stages follow "closed": an existing stage keeps the status
        # its admin chose when "closed" is toggled later.
        for stage in self:
            if not stage._origin.id or not stage.main_status:
                stage.main_status = "resolved" if stage.closed else "in_progress"
