# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The running-late cron at scale (SPEC §17): each batch costs a constant
number of queries, whatever how many of its tickets are late and which."""

from datetime import date, datetime, time
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import StatusPageCommon

EN, AR, A, B, BOTH = "en_US", "ar_001", 0, 1, "both"
# Late tickets of every channel, language and page (see _batch).
MIXED = [
    (channel, lang, page)
    for channel in ("email", "sms", BOTH)
    for lang in (EN, AR)
    for page in (A, B)
]


@tagged("post_install", "-at_install")
class TestLateBatches(StatusPageCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ar_001")
        # Only the two pages below tell customers when running late.
        cls.env["helpdesk.status.page"].search([]).notify_late = False
        late_values = {
            "notify_late": True,
            "notify_on_create": False,
            "notify_delay": 0,
            "notify_channel": "auto",
            "promise_mode": "days",
            "promise_days": 1,
        }
        cls.page.write(late_values)
        cls.page_b = cls.env["helpdesk.status.page"].create(
            {
                "name": "Other support",
                "slug": "other-support",
                "email_one_tap": True,
                **late_values,
            }
        )
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "Other team", "status_page_id": cls.page_b.id}
        )
        cls.ticket.stage_id = cls.stage_done

    def _batch(self, tag, late=(), size=12):
        """``size`` open tickets past their promise, the ones described by
        ``late`` (``(channel, lang, page)``: channel ``email``, ``sms`` or
        ``both``) not told yet, the others (e-mail, English, first page)
        already told."""
        specs = list(late) + [None] * (size - len(late))
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Customer {tag} {index}",
                    "email": (
                        f"{tag}{index}@example.com"
                        if not spec or spec[0] in ("email", "both")
                        else False
                    ),
                    "phone": (
                        f"+966 50 123 {index:04d}"
                        if spec and spec[0] in ("sms", "both")
                        else False
                    ),
                    "lang": spec[1] if spec else "en_US",
                }
                for index, spec in enumerate(specs)
            ]
        )
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Request {tag} {index}",
                    "description": "<p>Late</p>",
                    "team_id": (self.team_b if spec and spec[2] else self.team).id,
                    "partner_id": customer.id,
                    "partner_email": customer.email,
                    "partner_phone": customer.phone,
                    "stage_id": self.stage_progress.id,
                }
                for index, (customer, spec) in enumerate(
                    zip(customers, specs, strict=False)
                )
            ]
        )
        self.env.flush_all()
        self.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = now() - interval '20 day'"
            " WHERE id IN %s",
            [tuple(tickets.ids)],
        )
        self.env.invalidate_all()
        promises = tickets._get_status_promises()
        for ticket in tickets[len(late) :]:
            ticket.status_late_notified_promise = promises[ticket.id]
        return tickets[: len(late)]

    def _batch_queries(self, batch_size):
        """Run the cron; the queries of each of its batches."""
        Cron = type(self.env["ir.cron"])
        counts, mark = [], [0]

        def notify(cron, *, done, remaining, deactivate=False):
            counts.append(self.cr.sql_log_count - mark[0])
            mark[0] = self.cr.sql_log_count

        with patch.object(Cron, "_notify_progress", notify), self.mockSMSGateway():
            self.env.flush_all()
            mark[0] = self.cr.sql_log_count
            self.env["helpdesk.ticket"]._cron_notify_late(batch_size=batch_size)
        return counts

    def _assert_told(self, late):
        """Each ticket of ``late`` got its e-mail and SMS by its contact
        data, and its promise is remembered as apologised for."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "in", late.ids)])
        )
        by_email = late.filtered("partner_email")
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(by_email.ids))
        for mail in mails:
            ticket = late.browse(mail.res_id)
            self.assertIn(ticket.number, mail.subject)
            self.assertIn(f"/status/{ticket.status_page_id.slug}/", mail.body_html)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", late.partner_id.ids)])
        )
        by_sms = late.filtered("partner_phone")
        self.assertEqual(sorted(sms.partner_id.ids), sorted(by_sms.partner_id.ids))
        for one in sms:
            ticket = by_sms.filtered(lambda t, one=one: t.partner_id == one.partner_id)
            self.assertIn(ticket.status_page_url, one.body)
        promises = late._get_status_promises()
        for ticket in late:
            self.assertEqual(
                ticket.status_late_notified_promise,
                datetime.combine(promises[ticket.id], time.min),
            )

    def test_batch_costs_the_same_whatever_its_late_tickets(self):
        """Batches of 12 open tickets: a batch that sends costs the same
        queries whether one ticket or ten are late, whichever customers,
        channels and language; a batch sending nothing costs the same
        after a batch that sent as after one that did not."""
        warm = self._batch("warm", MIXED)
        one = self._batch("one", [(BOTH, EN, A)])
        ten = self._batch(
            "ten",
            [("email", EN, A), ("sms", EN, A), (BOTH, EN, A)] * 3 + [(BOTH, EN, A)],
        )
        arabic = self._batch("arabic", [(BOTH, AR, A)])
        self._batch("quiet", [])
        self._batch("still", [])
        counts = self._batch_queries(batch_size=12)
        self.assertEqual(len(counts), 6, counts)
        _warm, sent_one, sent_ten, sent_arabic, after_sending, after_none = counts
        self.assertEqual(sent_ten, sent_one, counts)
        self.assertEqual(sent_arabic, sent_one, counts)
        self.assertEqual(after_sending, after_none, counts)
        self.assertLess(after_none, sent_one, counts)
        self._assert_told(warm | one | ten | arabic)

    def test_pages_and_languages_cost_once_per_batch(self):
        """Two pages, two languages, every channel: twelve late tickets
        cost what four do, one per page and language."""
        warm = self._batch("warm", MIXED)
        four = self._batch(
            "four", [(BOTH, lang, page) for lang in (EN, AR) for page in (A, B)]
        )
        twelve = self._batch("twelve", list(reversed(MIXED)))
        counts = self._batch_queries(batch_size=12)
        self.assertEqual(len(counts), 3, counts)
        self.assertEqual(counts[2], counts[1], counts)
        self._assert_told(warm | four | twelve)

    def test_sms_held_in_quiet_hours_cost_the_same(self):
        """Inside the customers' quiet hours (noon in Riyadh, the zone of
        their numbers), the SMS wait and the e-mails go: one held SMS
        costs what ten do."""
        self.page.write({"quiet_start": 10.0, "quiet_end": 14.0})
        warm = self._batch("warm", MIXED)
        one = self._batch("one", [(BOTH, EN, A)])
        ten = self._batch("ten", [("sms", EN, A), (BOTH, AR, A)] * 5)
        with self.mock_datetime_and_now(datetime.combine(date.today(), time(9, 0))):
            counts = self._batch_queries(batch_size=12)
        self.assertEqual(len(counts), 3, counts)
        self.assertEqual(counts[2], counts[1], counts)
        late = one | ten
        held = late.filtered("partner_phone")
        self.assertEqual(len(held), 11)
        self.assertTrue(all(ticket.status_sms_due for ticket in held))
        sms = self.env["sms.sms"].sudo()
        self.assertFalse(sms.search([("partner_id", "in", held.partner_id.ids)]))
        emailed = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "in", late.ids)])
        )
        by_email = late.filtered("partner_email")
        self.assertEqual(sorted(emailed.mapped("res_id")), sorted(by_email.ids))
        self.assertTrue(all(t.status_late_notified_promise for t in warm | late))
