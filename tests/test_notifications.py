# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import models
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestNotifications(StatusPageCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"notify_delay": 0, "notify_channel": "auto"})

    def _mails(self, tickets):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)])
        )

    def _sms(self, tickets):
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("message_type", "=", "sms"),
                ]
            )
        )
        return (
            self.env["sms.sms"].sudo().search([("mail_message_id", "in", messages.ids)])
        )

    def test_creation_sends_email_and_sms_with_link(self):
        ticket = self._create_ticket()
        mail = self._mails(ticket)
        sms = self._sms(ticket)
        self.assertEqual(len(mail), 1)
        self.assertIn(ticket.status_page_url, mail.body_html)
        self.assertIn(self.partner, mail.recipient_ids)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+966501234567")
        self.assertIn(ticket.status_page_url, sms.body)
        self.assertIn("we received your request", sms.body)

    def test_creation_not_notified_when_disabled(self):
        self.page.notify_on_create = False
        ticket = self._create_ticket()
        self.assertFalse(self._mails(ticket) or self._sms(ticket))

    def test_channels_and_missing_contact(self):
        no_phone = self.env["res.partner"].create(
            {"name": "Mail only", "email": "mailonly@example.com"}
        )
        for channel, partner, mails, sms in (
            ("auto", no_phone, 1, 0),
            ("email", self.partner, 1, 0),
            ("sms", self.partner, 0, 1),
            ("both", self.partner, 1, 1),
            ("both", no_phone, 1, 0),
        ):
            self.page.notify_channel = channel
            ticket = self._create_ticket(
                partner_id=partner.id, partner_email=partner.email
            )
            self.assertEqual(len(self._mails(ticket)), mails, channel)
            self.assertEqual(len(self._sms(ticket)), sms, channel)
            if channel == "both" and partner == no_phone:
                self.assertIn("No phone number", ticket.message_ids[0].body)

    def test_status_change_uses_customer_label(self):
        self.stage_progress.customer_label = "We are on it"
        self.ticket.stage_id = self.stage_progress
        mail = self._mails(self.ticket).filtered(lambda m: "now" in m.subject)
        self.assertEqual(len(mail), 1)
        self.assertIn("We are on it", mail.body_html)
        self.assertNotIn("In Progress", mail.body_html)
        self.assertEqual(len(self._sms(self.ticket)), 2)  # creation + change

    def test_no_notification_without_stage_change_or_flag(self):
        before = len(self._mails(self.ticket))
        self.ticket.write({"stage_id": self.ticket.stage_id.id})
        self.ticket.name = "Renamed"
        self.stage_progress.notify_customer = False
        self.ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._mails(self.ticket)), before)
        self.page.notify_on_status_change = False
        self.ticket.stage_id = self.stage_done
        self.assertEqual(len(self._mails(self.ticket)), before)

    def test_debounce_sends_final_status_once(self):
        self.page.notify_delay = 60
        ticket = self._create_ticket()
        ticket.status_notified_stage_id = self.stage_new
        sent_before = len(self._mails(ticket))
        now = datetime(2026, 5, 1, 10, 0)
        with self.mock_datetime_and_now(now):
            ticket.stage_id = self.stage_progress
        with self.mock_datetime_and_now(now + timedelta(seconds=30)):
            ticket.stage_id = self.stage_awaiting
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual(len(self._mails(ticket)), sent_before, "not due yet")
        with self.mock_datetime_and_now(now + timedelta(seconds=95)):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        new = self._mails(ticket)[: len(self._mails(ticket)) - sent_before]
        self.assertEqual(len(new), 1)
        self.assertIn("Waiting for your reply", new.body_html)
        # A quick move away and back to the status already sent: nothing.
        with self.mock_datetime_and_now(now + timedelta(seconds=200)):
            ticket.stage_id = self.stage_done
            ticket.stage_id = self.stage_awaiting
        with self.mock_datetime_and_now(now + timedelta(seconds=400)):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual(len(self._mails(ticket)), sent_before + 1)

    def test_bulk_move_constant_queries(self):
        """Notifying costs the same queries for 10 or 200 tickets.

        Odoo's own stage tracking writes one message per ticket; it is paid with
        or without this module, so it is measured apart and subtracted.
        """

        def move(count, notify):
            self.page.notify_on_status_change = notify
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Bulk {i}",
                        "description": "d",
                        "team_id": self.team.id,
                        "partner_id": self.partner.id,
                        "partner_email": self.partner.email,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.cr.precommit.run()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            tickets.write({"stage_id": self.stage_progress.id})
            self.env.flush_all()
            self.cr.precommit.run()  # stage tracking, as at commit
            return tickets, self.env.cr.sql_log_count - before

        # One e-mail rendering batch (Odoo renders 50 by default) and one INSERT
        # or UPDATE per table (the ORM splits them by 100 rows) for both sizes:
        # what is left is what this module costs per batch.
        self.env["ir.config_parameter"].sudo().set_param("mail.batch_size", 500)
        move(2, True)  # warm the caches
        overhead = {}
        with (
            patch.object(models, "INSERT_BATCH_SIZE", 500),
            patch.object(models, "UPDATE_BATCH_SIZE", 500),
        ):
            for count in (10, 200):
                _tickets, plain = move(count, False)
                many, notified = move(count, True)
                overhead[count] = notified - plain
        self.assertEqual(overhead[10], overhead[200])
        self.assertEqual(len(self._mails(many)), 400)  # creation + move
        self.assertEqual(len(self._sms(many)), 400)

    def test_sms_failure_keeps_stage_and_shows(self):
        with self.mockSMSGateway(sim_error="credit"):
            self.ticket.stage_id = self.stage_progress
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id.res_id", "=", self.ticket.id),
                    ("notification_type", "=", "sms"),
                ]
            )
        )
        self.assertTrue(notifications)
        self.assertEqual(
            set(notifications.mapped("notification_status")), {"exception"}
        )

    def test_render_failure_never_blocks_stage_change(self):
        self.page.mail_template_id.body_html = "<p>{{ object.does_not_exist }}</p>"
        self.page.mail_template_id.subject = "{{ object.does_not_exist.name }}"
        # The failure is logged with its traceback, and shown on the ticket.
        with self.assertLogs(
            "odoo.addons.helpdesk_mgmt_status_page.models.helpdesk_ticket",
            "ERROR",
        ):
            self.ticket.stage_id = self.stage_progress
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        self.assertIn("could not be sent", self.ticket.message_ids[0].body)

    def test_sms_in_partner_language(self):
        self.env["res.lang"]._activate_lang("ar_001")
        template = self.page.sms_template_id
        template.update_field_translations(
            "body",
            {"ar_001": "تذكرتك {{ object.number }}: {{ object.status_page_url }}"},
        )
        self.partner.lang = "ar_001"
        self.ticket.stage_id = self.stage_progress
        sms = self._sms(self.ticket).sorted("id")[-1]
        self.assertIn("تذكرتك", sms.body)
        self.assertIn("/ar/status/", sms.body)

    def test_manual_button_and_server_action(self):
        before = len(self._mails(self.ticket))
        answer = self.ticket.action_send_status_link()
        # The agent is told what went where.
        self.assertEqual(answer["tag"], "display_notification")
        self.assertIn("customer@example.com", answer["params"]["message"])
        self.assertIn("+966", answer["params"]["message"])
        answer = self.ticket.action_regenerate_status_token()
        self.assertIn("Send status link", answer["params"]["message"])
        # The ticket offers to send the new link until it is sent.
        self.assertTrue(self.ticket.status_link_unsent)
        action = self.env.ref(
            "helpdesk_mgmt_status_page.action_server_send_status_link"
        )
        action.with_context(
            active_model="helpdesk.ticket", active_ids=self.ticket.ids
        ).run()
        self.assertEqual(len(self._mails(self.ticket)), before + 2)
        self.assertFalse(self.ticket.status_link_unsent)
        self.assertIn("e-mailed", self.ticket.message_ids[0].body)

    def test_send_link_says_here_is_your_link(self):
        """The button sends the link, not a status change nobody made."""
        self.ticket.stage_id = self.stage_progress
        self.ticket.action_send_status_link()
        mail = self._mails(self.ticket).sorted("id")[-1]
        self.assertIn("your status link", mail.subject)
        self.assertNotIn("is now", mail.subject)
        self.assertIn("Here is your link", mail.body_html)
        self.assertIn(self.ticket.status_page_url, mail.body_html)
        sms = self._sms(self.ticket).sorted("id")[-1]
        self.assertIn("here is your link", sms.body)
        self.assertNotIn("is now", sms.body)

    def test_link_message_shipped_in_arabic(self):
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt_status_page"], ["ar_001"]
        )
        self.partner.lang = "ar_001"
        self.ticket.action_send_status_link()
        mail = self._mails(self.ticket).sorted("id")[-1]
        self.assertIn("رابط حالة طلبك", mail.subject)
        self.assertIn("إليك الرابط لمتابعة طلبك", mail.body_html)
        sms = self._sms(self.ticket).sorted("id")[-1]
        self.assertIn("إليك الرابط", sms.body)

    def test_pending_message_shows_and_cancel_is_noted(self):
        """The ticket shows when its customer message goes out, and says so
        when moving back cancelled it."""
        self.page.notify_delay = 60
        ticket = self._create_ticket()
        ticket.status_notified_stage_id = self.stage_new
        now = datetime(2026, 5, 1, 10, 0)
        with self.mock_datetime_and_now(now):
            ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.status_notify_due, now + timedelta(seconds=60))
        with self.mock_datetime_and_now(now + timedelta(seconds=20)):
            ticket.stage_id = self.stage_new
        self.assertFalse(ticket.status_notify_due)
        self.assertIn("cancelled", ticket.message_ids[0].body)
        self.assertIn(self.stage_new.name, ticket.message_ids[0].body)
        sent = len(self._mails(ticket))
        with self.mock_datetime_and_now(now + timedelta(seconds=90)):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual(len(self._mails(ticket)), sent)

    def test_send_test_to_current_user(self):
        self.page.test_ticket_id = self.ticket
        self.env.user.email = "admin@example.com"
        self.env.user.partner_id.phone = "+48 601 000 000"
        messages = self.ticket.message_ids
        self.page.action_send_test()
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(mail.email_to, "admin@example.com")
        # Nothing in the real ticket's chatter, as if sent to the customer.
        self.assertFalse(mail.model or mail.res_id)
        self.ticket.invalidate_recordset(["message_ids"])
        self.assertEqual(self.ticket.message_ids, messages)
        sms = self.env["sms.sms"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(sms.number, "+48 601 000 000")

    def test_auto_without_any_contact_is_logged(self):
        nobody = self.env["res.partner"].create({"name": "No contact"})
        ticket = self._create_ticket(partner_id=nobody.id, partner_email=False)
        self.assertFalse(self._mails(ticket) or self._sms(ticket))
        self.assertIn("No e-mail address", ticket.message_ids[0].body)
        self.assertIn("No phone number", ticket.message_ids[0].body)

    def test_demo_sends_one_email_per_move(self):
        """The demo clears helpdesk_mgmt's "ticket closed" template, so a move
        to Done sends the page's message only."""
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertFalse(done.mail_template_id)
        ticket = self._create_ticket()
        ticket.stage_id = done
        self.flush_tracking()
        subjects = self._mails(ticket).mapped("subject")
        self.assertFalse([s for s in subjects if "has been closed" in s])
        self.assertEqual(len([s for s in subjects if "is now" in s]), 1)

    def test_send_test_needs_contact(self):
        self.page.test_ticket_id = self.ticket
        self.env.user.email = False
        self.env.user.partner_id.write({"phone": False, "mobile": False})
        with self.assertRaises(UserError):
            self.page.action_send_test()
