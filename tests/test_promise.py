# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_status_page_http import StatusPageHttpCommon

# A Friday: two working days later is the next Tuesday.
FRIDAY = datetime(2026, 3, 6, 10, 0)


@tagged("post_install", "-at_install")
class TestPromise(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write(
            {
                "notify_on_create": False,
                "notify_delay": 0,
                "promise_mode": "days",
                "promise_days": 14,
            }
        )
        cls._set_page_tz("UTC")
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "UTC"

    @classmethod
    def _set_page_tz(cls, tz):
        """The page's zone: the assigned agent's, else the company's."""
        cls.env.user.tz = tz
        cls.company.partner_id.tz = tz

    def _ticket_created_at(self, when, **values):
        with self.mock_datetime_and_now(when):
            return self._create_ticket(**values)

    def _promise(self, ticket):
        return ticket._get_status_promises()[ticket.id]

    # ------------------------------------------------------------
    # Modes
    # ------------------------------------------------------------

    def test_no_promise_by_default(self):
        self.page.promise_mode = "none"
        self.assertFalse(self._promise(self.ticket))

    def test_calendar_days(self):
        ticket = self._ticket_created_at(FRIDAY)
        self.assertEqual(self._promise(ticket), date(2026, 3, 20))
        # The day of creation is the page's: 23:30 UTC is the next day in Riyadh.
        self._set_page_tz("Asia/Riyadh")
        late_evening = self._ticket_created_at(datetime(2026, 3, 6, 23, 30))
        self.assertEqual(self._promise(late_evening), date(2026, 3, 21))

    def test_working_days_skip_the_weekend_and_holidays(self):
        self.page.write({"promise_day_kind": "working", "promise_days": 2})
        ticket = self._ticket_created_at(FRIDAY)
        saturday = self._ticket_created_at(FRIDAY + timedelta(days=1))
        promises = (ticket | saturday)._get_status_promises()
        self.assertEqual(promises[ticket.id], date(2026, 3, 10))  # Tuesday
        self.assertEqual(promises[saturday.id], date(2026, 3, 10))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )
        self.assertEqual(self._promise(ticket), date(2026, 3, 11))

    def test_missing_or_empty_calendar_counts_calendar_days(self):
        self.page.write({"promise_day_kind": "working", "promise_days": 2})
        ticket = self._ticket_created_at(FRIDAY)
        self.calendar.attendance_ids.unlink()
        self.assertEqual(self._promise(ticket), date(2026, 3, 8))
        self.company.resource_calendar_id = False
        self.assertEqual(self._promise(ticket), date(2026, 3, 8))

    def test_field_mode_date_and_datetime(self):
        deadline = datetime(2026, 4, 1, 15, 30)
        self.ticket.assigned_date = deadline
        self.page.write(
            {
                "promise_mode": "field",
                "promise_field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", "assigned_date")
                .id,
            }
        )
        self.assertEqual(self._promise(self.ticket), deadline)
        # A date: the deadline of the ticket's next activity.
        self.page.promise_field_id = self.env["ir.model.fields"]._get(
            "helpdesk.ticket", "activity_date_deadline"
        )
        self.assertFalse(self._promise(self.ticket))
        self.ticket.activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=date(2026, 4, 2)
        )
        self.assertEqual(self._promise(self.ticket), date(2026, 4, 2))

    def test_promise_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.page.promise_days = 0
        with self.assertRaises(ValidationError):
            self.page.write({"promise_mode": "field", "promise_field_id": False})
        with self.assertRaises(ValidationError):
            self.page.write(
                {
                    "promise_mode": "field",
                    "promise_field_id": self.env["ir.model.fields"]
                    ._get("helpdesk.ticket", "name")
                    .id,
                }
            )

    # ------------------------------------------------------------
    # Public view
    # ------------------------------------------------------------

    def test_view_shows_the_promise_and_what_happens_now(self):
        self.stage_new.customer_description = "We read every request within a day."
        self.page.promise_days = 2000
        self._grant()
        body = self._get(self._token_path()).text
        self.assertIn("We read every request within a day.", body)
        self.assertIn("We will answer by", body)
        promise = self._promise(self.ticket)
        self.assertIn(f'<time datetime="{promise.isoformat()}">', body)
        self.assertNotIn("running late", body)

    def test_view_without_field_value_shows_no_promise(self):
        self.page.write(
            {
                "promise_mode": "field",
                "promise_field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", "activity_date_deadline")
                .id,
            }
        )
        self._grant()
        response = self._get(self._token_path())
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("We will answer by", response.text)

    def test_view_datetime_promise_in_page_zone(self):
        self._set_page_tz("Europe/Warsaw")
        self.ticket.assigned_date = datetime(2030, 1, 15, 22, 30)
        self.page.write(
            {
                "promise_mode": "field",
                "promise_field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", "assigned_date")
                .id,
            }
        )
        self._grant()
        body = self._get(self._token_path()).text
        self.assertIn('<time datetime="2030-01-15T22:30:00Z">', body)
        self.assertIn("Jan 15, 2030, 11:30", body)

    def test_running_late_view_keeps_the_promise(self):
        ticket = self._ticket_created_at(datetime.now() - timedelta(days=20))
        self._grant(ticket)
        body = self._get(self._token_path(ticket)).text
        self.assertIn("We are running late, sorry.", body)
        self.assertIn("We promised to answer by", body)
        self.assertIn(f'<time datetime="{self._promise(ticket).isoformat()}">', body)

    def test_resolved_view_says_when(self):
        ticket = self._ticket_created_at(datetime.now() - timedelta(days=20))
        ticket.stage_id = self.stage_done
        self._grant(ticket)
        body = self._get(self._token_path(ticket)).text
        self.assertIn("Resolved on", body)
        self.assertNotIn("We will answer by", body)
        self.assertNotIn("running late", body)

    # ------------------------------------------------------------
    # Running late notification
    # ------------------------------------------------------------

    def _late_mails(self, tickets):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("subject", "ilike", "running late"),
                ]
            )
        )

    def _late_sms(self, tickets):
        return (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", tickets.partner_id.ids),
                    ("body", "ilike", "longer than we promised"),
                ]
            )
        )

    def test_late_notified_once_per_promise(self):
        self.page.notify_late = True
        late = self._ticket_created_at(datetime.now() - timedelta(days=20))
        on_time = self._ticket_created_at(datetime.now() - timedelta(days=2))
        resolved = self._ticket_created_at(datetime.now() - timedelta(days=20))
        resolved.stage_id = self.stage_done
        tickets = late | on_time | resolved
        Ticket = self.env["helpdesk.ticket"]
        Ticket._cron_notify_late()
        mails = self._late_mails(tickets)
        self.assertEqual(mails.mapped("res_id"), late.ids)
        self.assertIn(late.status_page_url, mails.body_html)
        sms = self._late_sms(tickets)
        self.assertEqual(len(sms), 1)
        self.assertIn(late.status_page_url, sms.body)
        self.assertEqual(
            late.status_late_notified_promise,
            datetime.combine(self._promise(late), datetime.min.time()),
        )
        Ticket._cron_notify_late()
        self.assertEqual(len(self._late_mails(tickets)), 1)
        self.assertEqual(len(self._late_sms(tickets)), 1)
        # A new promise, missed too, is apologised for once more.
        self.page.promise_days = 10
        Ticket._cron_notify_late()
        Ticket._cron_notify_late()
        self.assertEqual(len(self._late_mails(tickets)), 2)

    def test_late_not_notified_when_disabled(self):
        self._ticket_created_at(datetime.now() - timedelta(days=20))
        self.env["helpdesk.ticket"]._cron_notify_late()
        self.assertFalse(self._late_mails(self.env["helpdesk.ticket"].search([])))

    def test_late_batches_cost_constant_queries(self):
        """1,000 late tickets: one message each, and a batch of 50 costs
        the queries of a batch of 10."""
        self.page.write({"notify_late": True, "notify_channel": "both"})
        created = datetime.now() - timedelta(days=20)
        with self.mock_datetime_and_now(created):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Late {index}",
                        "team_id": self.team.id,
                        "partner_id": self.partner.id,
                        "partner_email": self.partner.email,
                        "description": "<p>Late</p>",
                    }
                    for index in range(1000)
                ]
            )

        def queries(batch):
            batch.invalidate_model()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            batch._notify_status_late()
            return self.cr.sql_log_count - before

        queries(tickets[:5])  # templates compiled, caches warm
        # Odoo renders e-mails by 50 (mail.batch_size): within that, the
        # batch's size adds no query.
        self.assertEqual(queries(tickets[5:15]), queries(tickets[15:65]))
        self.env["helpdesk.ticket"]._cron_notify_late(batch_size=200)
        self.env["helpdesk.ticket"]._cron_notify_late(batch_size=200)
        mails = self._late_mails(tickets)
        self.assertEqual(len(mails), 1000)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(tickets.ids))
        self.assertEqual(
            self.env["sms.sms"]
            .sudo()
            .search_count([("body", "ilike", "longer than we promised")]),
            1000,
        )
