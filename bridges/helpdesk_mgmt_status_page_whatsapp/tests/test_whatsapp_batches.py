# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A batch of status WhatsApp messages costs the same queries whatever its
size and its languages: the templates in the customers' languages are
found once, and the tickets are written once per distinct value. What each
message costs by nature (its conversation with the number, the message
posted there and sent to Meta) is left out of the count."""

from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from .test_whatsapp_outbound import WhatsappOutboundCommon

# The end of the customers' quiet hours in ``_in_quiet_hours``: 07:00 in
# Riyadh, in UTC.
QUIET_END = datetime(2026, 5, 11, 4, 0)


@tagged("post_install", "-at_install")
class TestWhatsappBatchQueries(WhatsappOutboundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ar_001")
        cls.partner_ar = cls.env["res.partner"].create(
            {
                "name": "Customer Riyadh",
                "email": "riyadh@example.com",
                "phone": "+966 50 765 4321",
                "country_id": cls.env.ref("base.sa").id,
                "lang": "ar_001",
            }
        )
        # Batches of their own: the first loads what every later one reads
        # from the caches, then one ticket, one per language, and ten.
        cls.warm = cls.ticket | cls._create_customer_tickets(cls.partner_ar)
        cls.one = cls._create_customer_tickets(cls.partner_ar)
        cls.pair = cls._create_customer_tickets(cls.partner, cls.partner_ar)
        cls.batch = cls._create_customer_tickets(*[cls.partner, cls.partner_ar] * 5)

    @classmethod
    def _create_customer_tickets(cls, *partners):
        tickets = cls.env["helpdesk.ticket"]
        for partner in partners:
            tickets |= cls._create_ticket(
                partner_id=partner.id, partner_email=partner.email
            )
        return tickets

    @contextmanager
    def _count_queries(self):
        """Count the queries of the block, except those of each message's
        own post: its gateway conversation with the number (found or
        created) and the message posted in it, which mail_gateway_whatsapp
        sends to Meta. What is written before is flushed first, and counted.

        :return: yields a dict whose ``count`` is set at the block's end
        """
        cr = self.env.cr
        Ticket = self.registry["helpdesk.ticket"]
        Channel = self.registry["discuss.channel"]
        result = {"excluded": 0}
        depth = [0]

        def excluded(method):
            def wrapper(record, *args, **kwargs):
                if depth[0]:
                    return method(record, *args, **kwargs)
                record.env.flush_all()
                start = cr.sql_log_count
                depth[0] += 1
                try:
                    res = method(record, *args, **kwargs)
                    record.env.flush_all()
                    return res
                finally:
                    depth[0] -= 1
                    result["excluded"] += cr.sql_log_count - start

            return wrapper

        self.env.flush_all()
        self.env.invalidate_all()
        start = cr.sql_log_count
        with (
            patch.object(
                Ticket,
                "_get_status_whatsapp_channel",
                excluded(Ticket._get_status_whatsapp_channel),
            ),
            patch.object(Channel, "message_post", excluded(Channel.message_post)),
            patch("random.random", lambda: 1),
        ):
            yield result
            self.env.flush_all()
        result["count"] = cr.sql_log_count - start - result["excluded"]

    def _sent_queries(self, tickets, kind="link"):
        """The queries of sending ``tickets`` their message of ``kind``;
        the languages of the templates sent."""
        with self._graph() as post, self._count_queries() as queries:
            tickets._send_status_notifications(kind)
        self.assertEqual(post.call_count, len(tickets))
        languages = {
            call.kwargs["json"]["template"]["language"]["code"]
            for call in post.call_args_list
        }
        return queries["count"], languages

    def test_batch_of_ten_in_two_languages_costs_as_one(self):
        self._sent_queries(self.warm)
        one, languages = self._sent_queries(self.one)
        self.assertEqual(languages, {"ar"})
        ten, languages = self._sent_queries(self.batch)
        self.assertEqual(languages, {"ar", "en"})
        self.assertEqual(ten, one)
        # Each ticket remembers its message, for Meta's report of a failure.
        self.assertEqual(
            set(self.batch.mapped("status_whatsapp_message_ref")), {"wamid.HBgM"}
        )
        self.assertEqual(
            set(self.batch.mapped("status_whatsapp_message_kind")), {"link"}
        )

    @contextmanager
    def _in_quiet_hours(self):
        """23:00 in Riyadh, inside the customers' quiet hours (22:00 to
        07:00): what waits is due at ``QUIET_END``."""
        self.page.write({"quiet_start": 22.0, "quiet_end": 7.0})
        (self.partner | self.partner_ar).tz = "Asia/Riyadh"
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 20, 0)):
            yield

    def test_batch_held_by_quiet_hours_costs_as_one(self):
        """Inside the customers' quiet hours every message waits: the
        tickets are written once per end of quiet hours."""
        with self._in_quiet_hours():
            self._held_queries(self.warm)
            one = self._held_queries(self.one)
            ten = self._held_queries(self.batch)
        self.assertEqual(ten, one)
        self.assertEqual(set(self.batch.mapped("status_whatsapp_held_kind")), {"link"})
        self.assertEqual(set(self.batch.mapped("status_sms_due")), {QUIET_END})

    def _held_queries(self, tickets):
        with self._graph() as post, self._count_queries() as queries:
            tickets._send_status_notifications("link")
        post.assert_not_called()
        return queries["count"]

    def _failed_queries(self, tickets):
        """The queries of Meta's report that the messages of ``tickets``
        failed, as mail_gateway_whatsapp records it on their gateway
        notifications (at once for all)."""
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    (
                        "gateway_message_id",
                        "in",
                        tickets.mapped("status_whatsapp_message_ref"),
                    )
                ]
            )
        )
        self.assertEqual(len(notifications), len(tickets))
        with self._count_queries() as queries:
            notifications.write(
                {
                    "notification_status": "exception",
                    "failure_reason": "Receiver is not on WhatsApp",
                }
            )
        self.assertFalse(any(tickets.mapped("status_whatsapp_message_ref")))
        return queries["count"]

    def _send_each_its_id(self, tickets):
        """Send the tickets' status link, Meta answering each message with an
        id of its own."""
        with self._graph() as post:
            ids = iter(range(1, 1000))
            post.return_value.json.side_effect = lambda: {
                "messages": [{"id": f"wamid.{tickets[:1].id}.{next(ids)}"}]
            }
            tickets._send_status_notifications("link")
        self.assertEqual(
            len(set(tickets.mapped("status_whatsapp_message_ref"))), len(tickets)
        )

    def test_failed_batch_falls_back_at_the_cost_of_one(self):
        """Meta reports failures: the tickets are written once, and get the
        SMS instead in one batch per page and message kind."""
        for tickets in (self.warm, self.pair, self.batch):
            self._send_each_its_id(tickets)
        self._failed_queries(self.warm)
        two = self._failed_queries(self.pair)
        ten = self._failed_queries(self.batch)
        self.assertEqual(ten, two)
        for ticket in self.batch:
            sms = self._sms(ticket).filtered(
                lambda s, t=ticket: t.status_page_url in s.body
            )
            self.assertEqual(len(sms), 1)
            self.assertIn(
                "was not delivered: Receiver is not on WhatsApp. Sent by SMS instead.",
                self._notes(ticket)[0].body,
            )

    def test_failed_batch_in_quiet_hours_holds_the_sms_at_the_cost_of_one(self):
        """Meta reports failures inside the customers' quiet hours: the SMS
        instead waits, the tickets written once per end of quiet hours."""
        for tickets in (self.warm, self.pair, self.batch):
            self._send_each_its_id(tickets)
        with self._in_quiet_hours():
            self._failed_queries(self.warm)
            two = self._failed_queries(self.pair)
            ten = self._failed_queries(self.batch)
        self.assertEqual(ten, two)
        self.assertEqual(set(self.batch.mapped("status_sms_due")), {QUIET_END})
        self.assertEqual(len(set(self.batch.mapped("status_sms_template_id"))), 1)
