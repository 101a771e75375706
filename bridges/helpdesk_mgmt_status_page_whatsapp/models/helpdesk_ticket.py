# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import is_html_empty

from odoo.addons.helpdesk_mgmt_status_page.tools.contact import mask_phone

from ..tools.phone import is_mobile_number

_logger = logging.getLogger(__name__)

# Meta's customer-service window: after the customer's last WhatsApp
# message, free text may be sent for this long; only templates after it.
WHATSAPP_WINDOW = timedelta(hours=24)
MESSAGE_KINDS = [
    ("create", "Creation"),
    ("status", "Status change"),
    ("late", "Running late"),
    ("link", "Status link"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # === FIELDS ===#

    status_whatsapp_last_inbound = fields.Datetime(
        string="Last WhatsApp message received",
        copy=False,
        readonly=True,
        help="When the customer last wrote about this ticket on WhatsApp: "
        "an agent's public reply is sent as text within the 24 hours after "
        "it (Meta's customer-service window), as the status template after.",
    )
    status_whatsapp_held_kind = fields.Selection(
        MESSAGE_KINDS,
        string="Held status WhatsApp message",
        copy=False,
        readonly=True,
        help="The status WhatsApp message held by the customer's quiet hours "
        'until "Status SMS held until", as a held SMS is.',
    )
    status_whatsapp_message_ref = fields.Char(
        string="Last status WhatsApp message",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Meta's id of the last WhatsApp message sent to the customer: "
        "when Meta reports later that it failed, the message of the same "
        "kind goes by SMS, then e-mail.",
    )
    status_whatsapp_message_kind = fields.Selection(
        MESSAGE_KINDS,
        string="Kind of the last status WhatsApp message",
        copy=False,
        readonly=True,
    )
    status_last_notified = fields.Datetime(
        string="Customer last notified",
        copy=False,
        readonly=True,
        help="When a status message last went to the customer: a WhatsApp "
        "message from a number with several open tickets goes to the one "
        "notified last.",
    )

    # === BUSINESS METHODS: NOTIFICATIONS AND QUIET HOURS ===#

    def _send_status_notifications_for_page(self, page, kind):
        """WhatsApp first. A page whose channel is *WhatsApp* sends every
        ticket's status message as its WhatsApp template; *auto* does so for
        the tickets with a mobile number when the page has a WhatsApp
        gateway and a template of this kind, and sends its usual channels
        to the others. A failed WhatsApp message falls back to SMS, then
        e-mail. The main module records the status as notified."""
        if page.notify_channel == "whatsapp":
            self._send_or_hold_status_whatsapp(page, kind)
            # Its "whatsapp" channel sends nothing there.
            res = super()._send_status_notifications_for_page(page, kind)
        else:
            by_whatsapp = self._get_status_whatsapp_recipients(page, kind)
            if by_whatsapp:
                by_whatsapp._send_or_hold_status_whatsapp(page, kind)
            res = super(
                HelpdeskTicket, self - by_whatsapp
            )._send_status_notifications_for_page(page, kind)
            by_whatsapp._record_status_notified(kind)
        # Whatever the channel: a WhatsApp message from a number with several
        # open tickets goes to the one notified last.
        self.sudo().write({"status_last_notified": fields.Datetime.now()})
        return res

    def _send_or_hold_status_whatsapp(self, page, kind):
        """Send the status WhatsApp message now, except to customers inside
        their page's quiet hours (the customer's zone, as for SMS): theirs
        waits for the end of the quiet hours in the held SMS's time field,
        sent by the same cron (the latest held message replaces an earlier
        one)."""
        now = fields.Datetime.now()
        held = {}
        if page.quiet_hours_enabled:
            for ticket in self.filtered("partner_phone"):
                tz = ticket._get_status_customer_tz()
                due = page._get_quiet_hours_end(now, tz)
                if due:
                    held[ticket] = (due, tz)
        held_tickets = self.browse([ticket.id for ticket in held])
        (self - held_tickets)._send_status_whatsapp(page, kind)
        if not held:
            return
        for due, tickets in held_tickets.grouped(lambda t: held[t][0]).items():
            tickets.sudo().write(
                {"status_sms_due": due, "status_whatsapp_held_kind": kind}
            )
        self.env.ref(
            "helpdesk_mgmt_status_page.ir_cron_send_status_notifications"
        )._trigger(at=sorted({due for due, _tz in held.values()}))
        held_tickets._message_log_batch(
            {
                ticket.id: self.env._(
                    "Status WhatsApp message held until %(time)s %(zone)s, the "
                    "end of the customer's quiet hours.",
                    time=ticket._format_status_time(due, tz),
                    zone=tz,
                )
                for ticket, (due, tz) in held.items()
            }
        )

    @api.model
    def _send_held_status_sms(self):
        """Also send the WhatsApp messages whose quiet hours are over, except
        where the page was disabled meanwhile (noted by the main module)."""
        due = self.with_context(active_test=False).search(
            [
                ("status_sms_due", "<=", fields.Datetime.now()),
                ("status_whatsapp_held_kind", "!=", False),
            ]
        )
        by_kind = due.grouped("status_whatsapp_held_kind")
        due.sudo().write({"status_whatsapp_held_kind": False})
        res = super()._send_held_status_sms()
        for kind, tickets in by_kind.items():
            tickets = tickets.filtered("status_page_id.active")
            for page, page_tickets in tickets.grouped("status_page_id").items():
                page_tickets._send_status_whatsapp(page, kind)
        return res

    # === BUSINESS METHODS: CONVERSATION AND CUSTOMER ACTIONS ===#

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        if self._is_status_whatsapp_reply(message):
            self._send_status_whatsapp_reply(message)
        return res

    def _is_status_whatsapp_reply(self, message):
        """Whether ``message`` is an agent's public reply to be sent to the
        customer by WhatsApp: an internal user's public comment with text,
        on a ticket its page would send WhatsApp messages to."""
        if len(self) != 1 or not self.status_page_id.active:
            return False
        if (
            message.is_internal
            or message.message_type != "comment"
            or message.subtype_id.id
            != self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
            or is_html_empty(message.body)
        ):
            return False
        author = message.author_id
        if not author or author == self.partner_id:
            return False
        if not any(not user.share for user in author.sudo().user_ids):
            return False
        return bool(self._get_status_whatsapp_recipients(self.status_page_id))

    def _send_status_whatsapp_reply(self, message):
        """Send an agent's public reply by WhatsApp: as text inside Meta's
        24-hour window (the customer wrote on WhatsApp less than 24 hours
        ago), else as the page's status template, whose button opens the
        page with the reply. A failure falls back to the status SMS, then
        the status e-mail; the chatter says what went where."""
        self.ensure_one()
        ticket = self.sudo()
        page = ticket.status_page_id
        gateway = page.whatsapp_gateway_id
        number = ticket._format_status_phone()
        masked = ticket._mask_status_phone(number)
        last_inbound = ticket.status_whatsapp_last_inbound
        posted = None
        if last_inbound and fields.Datetime.now() - last_inbound <= WHATSAPP_WINDOW:
            posted = ticket._post_status_whatsapp(gateway, number, body=message.body)
            note = self.env._(
                "Reply sent by WhatsApp to %(phone)s as text: the customer "
                "wrote on WhatsApp within the last 24 hours.",
                phone=masked,
            )
        else:
            template = page._get_status_whatsapp_template("status")
            if template:
                posted = ticket._post_status_whatsapp(
                    gateway,
                    number,
                    template=template.sudo()._get_status_lang_variant(
                        ticket._get_status_whatsapp_lang()
                    ),
                )
            note = self.env._(
                "Reply announced by WhatsApp to %(phone)s with the status "
                "template: the customer has not written on WhatsApp in the "
                "last 24 hours.",
                phone=masked,
            )
        if posted is None:
            ref = False
            failure = self.env._("the page has no WhatsApp status template")
        else:
            outcomes = ticket._get_status_whatsapp_outcomes({ticket: posted})
            ref, failure = outcomes[ticket]
        if failure:
            note = self.env._(
                "The reply could not be sent by WhatsApp to %(phone)s: %(error)s.",
                phone=masked,
                error=failure,
            )
            fallback = ticket._send_status_fallback(page, "status")
            note = f"{note} {fallback[ticket]}"
        else:
            ticket._record_status_whatsapp_sent({ticket: ref}, "status")
        ticket._message_log(body=note)

    # === BUSINESS METHODS: WHATSAPP ===#

    def _get_status_whatsapp_recipients(self, page, kind=None):
        """The tickets ``page`` sends its WhatsApp message to: all of them
        when its channel is *WhatsApp*; with *auto*, those with a mobile
        number, when the page has a WhatsApp gateway (and a template of
        ``kind``, when given).

        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        channel = page.notify_channel
        if channel == "whatsapp":
            return self
        if channel != "auto" or not page.whatsapp_gateway_id:
            return self.browse()
        if kind and not page._get_status_whatsapp_template(kind):
            return self.browse()
        return self.filtered(lambda t: is_mobile_number(t._format_status_phone()))

    def _mask_status_phone(self, number):
        """``number`` (E.164) as the chatter shows it: ``+966 •• ••• 4567``."""
        self.ensure_one()
        return mask_phone(number, self._get_status_phone_country().phone_code)

    def _send_status_whatsapp(self, page, kind):
        """Send the page's WhatsApp template of ``kind`` to each ticket's
        phone, one per ticket, fall back to SMS, then e-mail, where it
        failed, and note the outcome on the ticket's chatter.

        :param page: the tickets' ``helpdesk.status.page``
        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        gateway = page.whatsapp_gateway_id
        template = page._get_status_whatsapp_template(kind)
        # The template in each customer's language, found once for the batch.
        variants = (
            template.sudo()._get_status_lang_variants(
                {ticket._get_status_whatsapp_lang() for ticket in self}
            )
            if gateway and template
            else {}
        )
        notes = {}
        posted = {}
        for ticket in self:
            number = ticket._format_status_phone()
            if not (gateway and template):
                notes[ticket.id] = self.env._(
                    "No WhatsApp gateway or template on the status page: the "
                    "status WhatsApp message was not sent."
                )
            elif not number:
                notes[ticket.id] = self.env._(
                    "No phone number: the status WhatsApp message was not sent."
                )
            else:
                posted[ticket] = ticket._post_status_whatsapp(
                    gateway.sudo(),
                    number,
                    template=variants[ticket._get_status_whatsapp_lang()],
                )
        refs = {}
        failed = self.browse()
        for ticket, (ref, failure) in self._get_status_whatsapp_outcomes(
            posted
        ).items():
            masked = ticket._mask_status_phone(ticket._format_status_phone())
            if failure:
                failed |= ticket
                notes[ticket.id] = self.env._(
                    "The status WhatsApp message to %(phone)s could not be "
                    "sent: %(error)s.",
                    phone=masked,
                    error=failure,
                )
            else:
                refs[ticket] = ref
                notes[ticket.id] = self.env._(
                    "Status link sent by WhatsApp to %(phone)s.", phone=masked
                )
        self._record_status_whatsapp_sent(refs, kind)
        for ticket, note in failed._send_status_fallback(page, kind).items():
            notes[ticket.id] = f"{notes[ticket.id]} {note}"
        self._message_log_batch(notes)

    def _get_status_whatsapp_lang(self):
        """The language of the ticket's WhatsApp messages: its page's for
        the customer, else the user's."""
        self.ensure_one()
        return self.status_page_lang or self.env.lang

    def _post_status_whatsapp(self, gateway, number, body=None, template=None):
        """Send one WhatsApp message to the ticket's E.164 ``number``:
        ``template`` (already in the customer's language, see
        ``mail.whatsapp.template._get_status_lang_variants``), else ``body``
        as text. It goes through the gateway's conversation with the
        number, which mail_gateway_whatsapp sends at once.

        :return: the message posted in the conversation: what Meta
            answered is read by ``_get_status_whatsapp_outcomes``
        """
        self.ensure_one()
        lang = self._get_status_whatsapp_lang()
        channel = self._get_status_whatsapp_channel(gateway, number).with_context(
            lang=lang, status_whatsapp_sending=True
        )
        if template:
            template = template.sudo()
            # mail_gateway_whatsapp reads the template and the record its
            # variables come from in the context.
            body = template.with_context(
                default_res_id=self.id, lang=lang
            ).render_body_message()
            channel = channel.with_context(
                whatsapp_template_id=template.id, res_id=self.id
            )
        return channel.message_post(
            body=body, subtype_xmlid="mail.mt_comment", message_type="comment"
        )

    @api.model
    def _get_status_whatsapp_outcomes(self, posted):
        """What Meta answered to the messages ``_post_status_whatsapp``
        posted, read at once from their gateway notifications.

        :param dict posted: ``{ticket: mail.message}``
        :return: ``{ticket: (ref, failure)}``: Meta's id of the message and
            ``False`` when Meta accepted it, else ``False`` and why Meta
            refused it
        """
        messages = (
            self.env["mail.message"]
            .sudo()
            .browse([message.id for message in posted.values()])
        )
        by_id = {message.id: message for message in messages}
        outcomes = {}
        for ticket, message in posted.items():
            notification = by_id[message.id].notification_ids.filtered(
                lambda n: n.notification_type == "gateway"
            )
            if notification and notification.notification_status == "exception":
                outcomes[ticket] = (
                    False,
                    notification.failure_reason or self.env._("unknown error"),
                )
            else:
                outcomes[ticket] = (notification.gateway_message_id, False)
        return outcomes

    def _record_status_whatsapp_sent(self, refs, kind):
        """Remember each ticket's last WhatsApp message, for Meta's later
        report that it failed (see ``_on_status_whatsapp_failed``): one
        write per distinct message id.

        :param dict refs: ``{ticket: Meta's id of its message}``
        :param str kind: the message kind to fall back to (``status`` for
            an agent's reply)
        """
        tickets = self.browse([ticket.id for ticket in refs])
        for ref, group in tickets.grouped(lambda t: refs[t]).items():
            group.sudo().write(
                {
                    "status_whatsapp_message_ref": ref,
                    "status_whatsapp_message_kind": kind,
                }
            )

    @api.model
    def _on_status_whatsapp_failed(self, notifications):
        """Meta reported that these WhatsApp messages failed (``failed``
        status webhook): the tickets whose last status message they were
        get it by SMS, then e-mail, and the chatter says so.

        :param notifications: failed gateway ``mail.notification``
        """
        reasons = {n.gateway_message_id: n.failure_reason for n in notifications}
        tickets = self.with_context(active_test=False).search(
            [("status_whatsapp_message_ref", "in", list(reasons))]
        )
        if not tickets:
            return
        kinds = {
            ticket: ticket.status_whatsapp_message_kind or "status"
            for ticket in tickets
        }
        notes = {}
        for ticket in tickets:
            number = ticket._format_status_phone()
            notes[ticket] = self.env._(
                "WhatsApp reported that the message to %(phone)s was not "
                "delivered: %(error)s.",
                phone=ticket._mask_status_phone(number) if number else "",
                error=reasons[ticket.status_whatsapp_message_ref]
                or self.env._("unknown error"),
            )
        tickets.write(
            {
                "status_whatsapp_message_ref": False,
                "status_whatsapp_message_kind": False,
            }
        )
        # One fallback per page and message kind.
        for (page, kind), group in (
            tickets.filtered("status_page_id.active")
            .grouped(lambda t: (t.status_page_id, kinds[t]))
            .items()
        ):
            for ticket, fallback in group._send_status_fallback(page, kind).items():
                notes[ticket] = f"{notes[ticket]} {fallback}"
        tickets._message_log_batch({ticket.id: note for ticket, note in notes.items()})

    def _send_status_fallback(self, page, kind):
        """After a failed WhatsApp message: the page's SMS of ``kind`` to the
        ticket's phone (held by quiet hours as any), else, or when it fails
        too, its e-mail.

        :return: ``{ticket: note for the chatter}``
        """
        mail_template, sms_template = page._get_status_fallback_templates(kind)
        notes = {}
        by_sms = self.filtered("partner_phone") if sms_template else self.browse()
        if by_sms:
            try:
                with self.env.cr.savepoint():
                    held = by_sms._send_or_hold_status_sms(sms_template)
            except Exception as error:  # pylint: disable=broad-except
                _logger.exception("Fallback status SMS failed for %s", by_sms)
                for ticket in by_sms:
                    notes[ticket] = self.env._(
                        "The SMS instead could not be sent: %(error)s.",
                        error=str(error),
                    )
                by_sms = self.browse()
            else:
                for ticket in by_sms:
                    notes[ticket] = self.env._("Sent by SMS instead.")
                for ticket, (due, tz) in held.items():
                    notes[ticket] = self.env._(
                        "Sent by SMS instead, held until %(time)s %(zone)s, the "
                        "end of the customer's quiet hours.",
                        time=ticket._format_status_time(due, tz),
                        zone=tz,
                    )
        rest = self - by_sms
        by_email = (
            rest.filtered(lambda t: t._get_status_email())
            if mail_template
            else self.browse()
        )
        if by_email:
            taps = self.env["helpdesk.status.page.tap"]._issue(page, by_email)
            mail_template.with_context(status_one_tap=taps).send_mail_batch(
                by_email.ids, email_layout_xmlid="mail.mail_notification_light"
            )
            for ticket in by_email:
                note = self.env._(
                    "Sent by e-mail to %(email)s instead.",
                    email=ticket._get_status_email(),
                )
                notes[ticket] = f"{notes[ticket]} {note}" if ticket in notes else note
        for ticket in rest - by_email:
            notes.setdefault(
                ticket, self.env._("No SMS or e-mail could be sent instead.")
            )
        return notes

    def _get_status_whatsapp_channel(self, gateway, number):
        """The gateway's WhatsApp conversation with ``number`` (E.164, the
        form verification compares), created on first use and linked to
        the ticket's customer."""
        self.ensure_one()
        token = number.lstrip("+")
        partner = self.partner_id
        links = self.env["res.partner.gateway.channel"].sudo()
        if partner and not links.search_count(
            [
                ("partner_id", "=", partner.id),
                ("gateway_id", "=", gateway.id),
                ("gateway_token", "=", token),
            ],
            limit=1,
        ):
            links.create(
                {
                    "name": gateway.name,
                    "partner_id": partner.id,
                    "gateway_id": gateway.id,
                    "gateway_token": token,
                }
            )
        name = partner.display_name or self.partner_name or number
        return (
            self.env["mail.gateway.whatsapp"]
            .sudo()
            ._get_channel(
                gateway,
                token,
                {
                    "contacts": [{"wa_id": token, "profile": {"name": name}}],
                    "messages": [{"from": token}],
                },
                force_create=True,
            )
        )

    # === BUSINESS METHODS: WHATSAPP REPLIES ===#

    @api.model
    def _get_status_whatsapp_tickets(self, gateway, number):
        """The tickets a WhatsApp message from ``number`` (E.164) to
        ``gateway`` may be about: those whose phone is that number as
        verification compares it, served by an active page that sends
        through ``gateway``, the most recently notified first.
        """
        if not number:
            return self.browse()
        tickets = self.sudo().search(
            [("status_contact_phone", "=", number)],
            order="status_last_notified desc nulls last, id desc",
            limit=200,
        )
        return tickets.filtered(
            lambda ticket: (
                ticket.status_page_id.active
                and ticket.status_page_id.whatsapp_gateway_id == gateway
                and ticket.status_page_id._is_ticket_reachable(ticket)
                and (ticket.partner_id or ticket.partner_email)
            )
        )

    def _post_status_whatsapp_reply(self, message):
        """Post the customer's WhatsApp ``message`` (as the gateway's
        conversation holds it, files included) on this ticket as the
        customer's public message, as a reply from the status page is
        posted: shown on the page, and counted as the customer's answer.

        :return: the ticket's new ``mail.message``
        """
        self.ensure_one()
        ticket = self.sudo()
        posted = ticket.with_context(mail_create_nosubscribe=True).message_post(
            body=message.body,
            author_id=ticket.partner_id.id or None,
            email_from=ticket.partner_id.email_formatted or ticket.partner_email,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            gateway_type="whatsapp",
            attachments=[
                (attachment.name, attachment.raw)
                for attachment in message.sudo().attachment_ids
            ],
        )
        self._after_status_customer_message()
        return posted

    def _after_status_customer_message(self):
        """What a customer's message from outside the page sets off, as a
        reply from the page does: from a waiting stage, the move to the
        stage's reply stage; the "Customer replied" activity."""
        self.ensure_one()
        stage = self.stage_id
        if stage.waiting_on_customer and stage.customer_reply_stage_id:
            self._move_status_as_customer(stage.customer_reply_stage_id)
        self._schedule_status_reply_activity(self.status_page_id)
