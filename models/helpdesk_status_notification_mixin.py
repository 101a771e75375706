# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

import pytz

from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)


class HelpdeskStatusNotificationMixin(models.AbstractModel):
    """Status e-mails and SMS of a ticket: scheduled after a stage move,
    debounced by the page's delay, sent in batches by the page's channels.

    Inherited by ``helpdesk.ticket``.
    """

    _name = "helpdesk.status.notification.mixin"
    _description = "Status Page Notifications"

    status_notify_due = fields.Datetime(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the pending status notification goes out, unless the "
        "ticket moves back to the status the customer already knows.",
    )
    status_notified_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="Stage the customer was last told about.",
    )
    status_sms_due = fields.Datetime(
        string="Status SMS held until",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the status SMS held by the customer's quiet hours goes out.",
    )
    status_sms_template_id = fields.Many2one(
        "sms.template",
        string="Held status SMS template",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="Template of the status SMS held by the customer's quiet hours.",
    )

    status_link_unsent = fields.Boolean(
        string="New status link not sent",
        copy=False,
        readonly=True,
        help="The status link was regenerated and the customer has not been "
        "sent the new one yet.",
    )

    def _schedule_status_notifications(self):
        """Notify moves into customer-visible stages, after the page's delay.

        A pending notification is replaced by the latest move, so several moves
        within the delay send one message with the final status, and moving
        back to the status the customer already knows sends nothing.
        """
        self._cancel_status_notifications()
        to_notify = self.filtered(
            lambda t: t.status_page_id.active
            and t.status_page_id.notify_on_status_change
            and t.stage_id.notify_customer
            and t.stage_id != t.status_notified_stage_id
        )
        now = fields.Datetime.now()
        immediate = to_notify.filtered(lambda t: not t.status_page_id.notify_delay)
        immediate._send_status_notifications("status")
        delayed = to_notify - immediate
        for delay, tickets in delayed.grouped(
            lambda t: t.status_page_id.notify_delay
        ).items():
            due = now + timedelta(seconds=delay)
            tickets.sudo().write({"status_notify_due": due})
            self.env.ref(
                "helpdesk_mgmt_status_page.ir_cron_send_status_notifications"
            )._trigger(at=due)

    def _cancel_status_notifications(self):
        """Drop the pending message of tickets now back in the status the
        customer knows, or in a stage that does not notify, and say so on
        the ticket: the agent saw it was due."""
        cancelled = self.filtered(
            lambda t: t.status_notify_due
            and (
                t.stage_id == t.status_notified_stage_id
                or not t.stage_id.notify_customer
            )
        )
        if not cancelled:
            return
        cancelled.sudo().write({"status_notify_due": False})
        cancelled._message_log_batch(
            {
                ticket.id: self.env._(
                    "Pending status message to the customer cancelled: the "
                    'ticket moved to "%(stage)s" before it went out.',
                    stage=ticket.stage_id.name,
                )
                for ticket in cancelled
            }
        )

    @api.model
    def _cron_send_status_notifications(self):
        """Send the status notifications whose delay is over.

        Nothing goes out when the ticket is back in the status the customer
        was last told about, or now sits in a stage that does not notify, or
        its page was disabled meanwhile (noted: the agent saw it was due).
        """
        due = self.with_context(active_test=False).search(
            [("status_notify_due", "<=", fields.Datetime.now())]
        )
        due.sudo().write({"status_notify_due": False})
        changed = due.filtered(
            lambda t: t.stage_id.notify_customer
            and t.stage_id != t.status_notified_stage_id
        )
        changed._send_status_notifications("status")
        changed._log_status_page_disabled()
        self._send_held_status_sms()

    def _log_status_page_disabled(self):
        """Say on the tickets whose page was disabled that their pending
        message did not go out: the agent saw it was due."""
        disabled = self.filtered(
            lambda t: t.status_page_id and not t.status_page_id.active
        )
        disabled._message_log_batch(
            {
                ticket.id: self.env._(
                    "Pending status message to the customer not sent: the "
                    'status page "%(page)s" is disabled.',
                    page=ticket.status_page_id.name,
                )
                for ticket in disabled
            }
        )

    def _send_status_notifications(self, kind):
        """Queue the page's e-mail and SMS for these tickets, in batches.

        A failure is logged on the tickets and never undoes the caller's
        change (stage move, creation). Tickets without a page, or whose page
        is disabled (its links answer "page not found"), get nothing.

        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        for page, tickets in self.grouped("status_page_id").items():
            if not page.active:
                continue
            try:
                with self.env.cr.savepoint():
                    tickets._send_status_notifications_for_page(page, kind)
            except Exception as error:  # pylint: disable=broad-except
                _logger.exception("Status notification failed for %s", tickets)
                tickets._message_log_batch(
                    {
                        ticket.id: self.env._(
                            "The status notification could not be sent: %(error)s",
                            error=str(error),
                        )
                        for ticket in tickets
                    }
                )

    def _send_status_notifications_for_page(self, page, kind):
        """Queue one page's messages for these tickets, by its channel.

        Each template is rendered once for the whole batch; a channel the
        ticket has no contact data for is skipped and noted on the chatter.

        :param page: the tickets' ``helpdesk.status.page``
        :param str kind: ``create``, ``status`` or ``link`` (an agent sends
            the link: "here is your link", whether or not the status changed)
        """
        mail_template, sms_template = {
            "create": (page.mail_template_create_id, page.sms_template_create_id),
            "status": (page.mail_template_id, page.sms_template_id),
            "late": (page.mail_template_late_id, page.sms_template_late_id),
            "link": (page.mail_template_link_id, page.sms_template_link_id),
        }[kind]
        channel = page.notify_channel
        wants_email = channel in ("auto", "email", "both") and mail_template
        wants_sms = channel in ("auto", "sms", "both") and sms_template
        by_email = self.filtered(lambda t: t._get_status_email())
        by_sms = self.filtered("partner_phone")
        notes = {ticket.id: [] for ticket in self}
        if wants_email and by_email:
            mail_template.send_mail_batch(
                by_email.ids, email_layout_xmlid="mail.mail_notification_light"
            )
            for ticket in by_email:
                notes[ticket.id].append(
                    self.env._(
                        "Status link e-mailed to %(email)s.",
                        email=ticket._get_status_email(),
                    )
                )
        if wants_sms and by_sms:
            for ticket, note in by_sms._send_status_sms_safely(sms_template).items():
                notes[ticket.id].append(note)
        # "auto" means the channels the ticket has contact data for: a missing
        # one is only worth a note when the ticket has none at all.
        unreachable = self - by_email - by_sms if channel == "auto" else self
        if wants_email:
            for ticket in unreachable - by_email:
                notes[ticket.id].append(
                    self.env._("No e-mail address: the status e-mail was not sent.")
                )
        if wants_sms:
            for ticket in unreachable - by_sms:
                notes[ticket.id].append(
                    self.env._("No phone number: the status SMS was not sent.")
                )
        noted = self.browse([ticket_id for ticket_id, note in notes.items() if note])
        noted._message_log_batch(
            {ticket.id: " ".join(notes[ticket.id]) for ticket in noted}
        )
        if kind == "late":
            return
        for stage, tickets in self.grouped("stage_id").items():
            # Every message carries the link: a regenerated one is now sent.
            tickets.sudo().write(
                {"status_notified_stage_id": stage.id, "status_link_unsent": False}
            )

    def _send_status_sms_safely(self, template):
        """Send or hold the status SMS on their own: a failure undoes the
        SMS only, never the e-mails queued beside them.

        :return: ``{ticket: note for the chatter}`` of the held or failed SMS
        """
        try:
            with self.env.cr.savepoint():
                held = self._send_or_hold_status_sms(template)
        except Exception as error:  # pylint: disable=broad-except
            _logger.exception("Status SMS failed for %s", self)
            return dict.fromkeys(
                self,
                self.env._(
                    "The status SMS could not be sent: %(error)s", error=str(error)
                ),
            )
        return {
            ticket: self.env._(
                "Status SMS held until %(time)s, the end of the customer's "
                "quiet hours.",
                time=ticket._format_status_time(due, ticket._get_status_customer_tz()),
            )
            for ticket, due in held.items()
        }

    def _get_status_customer_tz(self):
        """The customer's time zone: the contact's when valid, else the
        page's."""
        self.ensure_one()
        tz = self.partner_id.tz
        return tz if tz in pytz.all_timezones_set else self._get_status_page_tz()

    def _send_or_hold_status_sms(self, template):
        """Send the status SMS now, except to customers inside their page's
        quiet hours: theirs waits for the end of the quiet hours (the latest
        held SMS replaces an earlier one). E-mails are never held, so a
        message by both channels sends its e-mail now and its SMS later.

        :return: ``{ticket: naive UTC due time}`` of the held SMS
        """
        now = fields.Datetime.now()
        held = {}
        for ticket in self:
            due = ticket.status_page_id._get_quiet_hours_end(
                now, ticket._get_status_customer_tz()
            )
            if due:
                held[ticket] = due
        now_tickets = self - self.browse([ticket.id for ticket in held])
        if now_tickets:
            now_tickets._send_status_sms(template)
        for ticket, due in held.items():
            ticket.sudo().write(
                {"status_sms_due": due, "status_sms_template_id": template.id}
            )
        if held:
            self.env.ref(
                "helpdesk_mgmt_status_page.ir_cron_send_status_notifications"
            )._trigger(at=sorted(set(held.values())))
        return held

    @api.model
    def _send_held_status_sms(self):
        """Send the SMS whose quiet hours are over, rendered now, except
        where the page was disabled meanwhile. A failure is noted on the
        tickets once, not retried at every run."""
        due = self.with_context(active_test=False).search(
            [("status_sms_due", "<=", fields.Datetime.now())]
        )
        by_template = due.grouped("status_sms_template_id")
        due.sudo().write({"status_sms_due": False, "status_sms_template_id": False})
        due._log_status_page_disabled()
        for template, tickets in by_template.items():
            tickets = tickets.filtered("status_page_id.active")
            if not (template and tickets):
                continue
            notes = tickets._send_status_sms_safely(template)
            self.browse([ticket.id for ticket in notes])._message_log_batch(
                {ticket.id: note for ticket, note in notes.items()}
            )

    def _send_status_sms(self, template):
        """One chatter SMS message and one queued ``sms.sms`` per ticket, in
        bulk; a failed SMS shows on its message and can be resent from there."""
        bodies = template._render_field("body", self.ids, compute_lang=True)
        messages = self._message_log_batch(
            {ticket.id: bodies[ticket.id] for ticket in self},
            message_type="sms",
        )
        message_by_ticket = {message.res_id: message for message in messages}
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "number": ticket._format_status_phone() or ticket.partner_phone,
                        "body": bodies[ticket.id],
                        "partner_id": ticket.partner_id.id,
                        "mail_message_id": message_by_ticket[ticket.id].id,
                        "state": "outgoing",
                    }
                    for ticket in self
                ]
            )
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": sms.mail_message_id.author_id.id,
                    "mail_message_id": sms.mail_message_id.id,
                    "res_partner_id": sms.partner_id.id,
                    "sms_id_int": sms.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": sms.uuid})],
                    "sms_number": sms.number,
                    "notification_type": "sms",
                    "notification_status": "ready",
                    "is_read": True,
                }
                for sms in sms
            ]
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
