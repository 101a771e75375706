# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import datetime, timedelta
from pathlib import Path

from odoo.exceptions import UserError, ValidationError
from odoo.tests import BaseCase, tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import StatusPageCommon

NOTIFICATION_LOGGER = "odoo.addons.helpdesk_mgmt_status_page.models.helpdesk_ticket"
# The logger named by each mute_logger() or assertLogs(), its string
# literal possibly split over lines.
MUTED_LOGGER_RE = re.compile(r"(?:mute_logger|assertLogs)\(((?:\s*\"[^\"\n]*\")+)")
MODULE_LOGGER_PREFIX = "odoo.addons.helpdesk_mgmt_status_page."
# 23:00 in Riyadh (UTC+3 all year), inside quiet hours from 22:00.
NIGHT = datetime(2026, 5, 10, 20, 0)


class NotificationDefectsCommon(StatusPageCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"notify_delay": 0, "notify_channel": "both"})
        cls.partner.tz = "Asia/Riyadh"

    def _mails(self, tickets):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)])
        )

    def _sms(self, tickets):
        return (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "helpdesk.ticket"),
                    ("mail_message_id.res_id", "in", tickets.ids),
                ]
            )
        )

    def _notes(self, ticket):
        ticket.invalidate_recordset(["message_ids"])
        return " ".join(ticket.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestDisabledPageSendsNothing(NotificationDefectsCommon):
    """Issue 21, item 9: a disabled page's links answer 404, so it sends
    nothing, and keeps its configuration."""

    def test_create_and_move_send_nothing_and_the_page_stays(self):
        self.page.active = False
        ticket = self._create_ticket()
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_done
        self.assertFalse(self._mails(ticket))
        self.assertFalse(self._sms(ticket))
        self.assertFalse(ticket.status_notify_due)
        # The configuration is kept: enabled again, the page sends again.
        self.assertEqual(ticket.status_page_id, self.page)
        self.assertEqual(self.page.notify_channel, "both")
        self.page.active = True
        ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._mails(ticket)), 1)
        self.assertEqual(len(self._sms(ticket)), 1)

    def test_pending_message_dropped_when_the_page_is_disabled(self):
        self.page.notify_delay = 60
        now = datetime(2026, 5, 1, 10, 0)
        with self.mock_datetime_and_now(now):
            self.ticket.stage_id = self.stage_progress
        self.assertTrue(self.ticket.status_notify_due)
        sent = (self._mails(self.ticket), self._sms(self.ticket))
        self.page.active = False
        with self.mock_datetime_and_now(now + timedelta(seconds=90)):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual((self._mails(self.ticket), self._sms(self.ticket)), sent)
        self.assertFalse(self.ticket.status_notify_due)
        self.assertIn("is disabled", self.ticket.message_ids[0].body)

    def test_held_sms_dropped_when_the_page_is_disabled(self):
        self.page.write({"quiet_start": 22.0, "quiet_end": 7.0})
        with self.mock_datetime_and_now(NIGHT):
            self.ticket.stage_id = self.stage_progress
        self.assertTrue(self.ticket.status_sms_due)
        sms = self._sms(self.ticket)
        self.page.active = False
        with self.mock_datetime_and_now(NIGHT + timedelta(hours=9)):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual(self._sms(self.ticket), sms)
        self.assertFalse(self.ticket.status_sms_due)
        self.assertIn("is disabled", self.ticket.message_ids[0].body)

    def test_no_late_notice(self):
        self.page.write(
            {"promise_mode": "days", "promise_days": 1, "notify_late": True}
        )
        with self.mock_datetime_and_now(datetime(2026, 5, 1, 10, 0)):
            ticket = self._create_ticket()
        sent = self._mails(ticket)
        self.page.active = False
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 10, 0)):
            self.assertFalse(ticket._notify_status_late())
        self.assertEqual(self._mails(ticket), sent)
        # Nothing remembered either: enabled again, the notice goes out.
        self.assertFalse(ticket.status_late_notified_promise)
        self.page.active = True
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 10, 0)):
            self.assertEqual(ticket._notify_status_late(), ticket)

    def test_send_status_link_says_why(self):
        self.page.active = False
        sent = self._mails(self.ticket)
        with self.assertRaisesRegex(UserError, "Test support.*is disabled"):
            self.ticket.action_send_status_link()
        self.assertEqual(self._mails(self.ticket), sent)
        # With tickets of an enabled page: theirs go, the others are named.
        other_page = self.env["helpdesk.status.page"].create(
            {"name": "Other support", "slug": "other-support"}
        )
        other_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Other team", "status_page_id": other_page.id}
        )
        other = self._create_ticket(team_id=other_team.id)
        answer = (self.ticket | other).action_send_status_link()
        self.assertEqual(answer["params"]["type"], "warning")
        self.assertIn("customer@example.com", answer["params"]["message"])
        self.assertIn(self.ticket.number, answer["params"]["message"])
        self.assertIn("is disabled", answer["params"]["message"])
        self.assertEqual(self._mails(self.ticket), sent)
        self.assertIn("your status link", self._mails(other).sorted("id")[-1].subject)


@tagged("post_install", "-at_install")
class TestQuietHoursAndFailingSms(NotificationDefectsCommon):
    """Issue 21, item 21: every accepted quiet hour works, and a failing
    SMS never takes the batch's e-mails down with it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.notify_on_create = False

    def test_bounds_are_checked_to_the_minute(self):
        for hour in (23.995, 24.0, -0.01, float("inf"), float("nan")):
            with self.assertRaisesRegex(ValidationError, "23:59"), self.cr.savepoint():
                self.page.write({"quiet_start": 22.0, "quiet_end": hour})
        # 23.99 is 23:59, and works.
        self.page.write({"quiet_start": 22.0, "quiet_end": 23.99})
        self.assertEqual(
            self.page._get_quiet_hours_end(datetime(2026, 5, 10, 22, 30), "UTC"),
            datetime(2026, 5, 10, 23, 59),
        )

    def test_stored_bound_of_24_hours_is_midnight(self):
        """A bound saved before the check (by import or SQL) still works."""
        self.page.quiet_start = 22.0
        self.env.cr.execute(
            "UPDATE helpdesk_status_page SET quiet_end = 23.995 WHERE id = %s",
            [self.page.id],
        )
        self.page.invalidate_recordset(["quiet_end"])
        sent = self._mails(self.ticket)
        with self.mock_datetime_and_now(NIGHT):
            self.ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._mails(self.ticket) - sent), 1)
        # Midnight in Riyadh is 21:00 UTC.
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 10, 21, 0))
        self.assertIn("quiet hours", self.ticket.message_ids[0].body)

    def test_failing_sms_keeps_the_emails(self):
        self.page.sms_template_id.body = "{{ object.does_not_exist }}"
        mails, sms = self._mails(self.ticket), self._sms(self.ticket)
        with self.assertLogs(NOTIFICATION_LOGGER, "ERROR"):
            self.ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._mails(self.ticket) - mails), 1)
        self.assertEqual(self._sms(self.ticket), sms)
        self.assertIn("status SMS could not be sent", self._notes(self.ticket))
        self.assertEqual(self.ticket.status_notified_stage_id, self.stage_progress)

    def test_failing_held_sms_keeps_the_cron_emails(self):
        self.page.write({"quiet_start": 22.0, "quiet_end": 7.0, "notify_delay": 60})
        with self.mock_datetime_and_now(NIGHT - timedelta(minutes=2)):
            self.ticket.stage_id = self.stage_progress
        with self.mock_datetime_and_now(NIGHT):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertTrue(self.ticket.status_sms_due)
        sms = self._sms(self.ticket)
        # In the morning, one run sends another ticket's pending e-mail and
        # the held SMS, which now fails.
        morning = NIGHT + timedelta(hours=9)
        other = self._create_ticket()
        with self.mock_datetime_and_now(morning - timedelta(minutes=2)):
            other.stage_id = self.stage_progress
        self.page.sms_template_id.body = "{{ object.does_not_exist }}"
        with (
            self.mock_datetime_and_now(morning),
            self.assertLogs(NOTIFICATION_LOGGER, "ERROR"),
        ):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual(len(self._mails(other)), 1)
        self.assertEqual(self._sms(self.ticket), sms)
        self.assertFalse(self.ticket.status_sms_due)
        self.assertIn("status SMS could not be sent", self._notes(self.ticket))


@tagged("post_install", "-at_install")
class TestMutedLoggers(BaseCase):
    """Issue 21, item 13: a test muting a logger nothing logs to lets the
    expected traceback through, an ERROR line in a green run of Odoo's
    runner."""

    def test_muted_loggers_are_the_module_loggers(self):
        tests_dir = Path(__file__).parent
        for path in sorted(tests_dir.glob("*.py")):
            for literal in MUTED_LOGGER_RE.findall(path.read_text()):
                name = "".join(re.findall(r'"([^"]*)"', literal))
                if not name.startswith(MODULE_LOGGER_PREFIX):
                    continue
                module = name.removeprefix(MODULE_LOGGER_PREFIX).split(".")
                source = tests_dir.parent.joinpath(*module).with_suffix(".py")
                self.assertRegex(
                    source.read_text() if source.is_file() else "",
                    r"(?m)^_logger = logging\.getLogger\(__name__\)",
                    f"{path.name} mutes {name}, which logs nothing",
                )
