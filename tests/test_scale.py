# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Query shapes that hold at a million tickets (SPEC §9, §17): the
figures themselves come from bench/million.sh, these keep the shapes."""

from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tests.common import warmup

from .common import StatusPageCommon
from .test_status_page_http import CSRF_RE, StatusPageHttpCommon

# SPEC §9: 20 queries for a verification POST on a real server, which adds 3
# of its own to every request (database list, registry signaling, now()).
POST_QUERY_BUDGET = 17


@tagged("post_install", "-at_install")
class TestScaleQueries(StatusPageHttpCommon):
    def _csrf(self):
        return CSRF_RE.search(self._get(self._token_path()).text).group(1)

    @warmup
    def test_code_sending_post_within_spec(self):
        """Sending a one-time code (the verification POST of a page that
        verifies by code) stays within SPEC §9's 20 queries."""
        self.page.verification_method = "code"
        self.page.resend_delay = 0
        token, path = self._csrf(), f"{self._token_path()}/verify"
        with self.assertQueryCount(POST_QUERY_BUDGET):
            response = self.url_open(
                path,
                data={"csrf_token": token, "contact": "customer@example.com"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(self._last_code())


@tagged("post_install", "-at_install")
class TestScaleCustomerReplied(StatusPageCommon):
    """The agents' *Customer replied* filter reads a stored flag through
    a partial index, kept by the messages and the contact."""

    def _customer_writes(self, ticket=None, **values):
        ticket = ticket or self.ticket
        return ticket.message_post(
            body="Any news?",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=ticket.partner_id.id,
            **values,
        )

    def _agent_writes(self, internal=False):
        return self.ticket.with_user(self.agent).message_post(
            body="Tomorrow.",
            message_type="comment",
            subtype_xmlid="mail.mt_note" if internal else "mail.mt_comment",
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="hsp_scale_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )

    def test_search_is_one_query_on_the_ticket_table(self):
        self._customer_writes()
        Ticket = self.env["helpdesk.ticket"]
        self.env.flush_all()
        before = self.cr.sql_log_count
        found = Ticket.search([("status_customer_replied", "=", True)])
        self.assertEqual(self.cr.sql_log_count - before, 1)
        self.assertEqual(found, self.ticket)

    def test_flag_follows_the_last_public_message(self):
        self.assertFalse(self.ticket.status_customer_replied)
        asked = self._customer_writes()
        self.assertTrue(self.ticket.status_customer_replied)
        # A note is not an answer to the customer.
        self._agent_writes(internal=True)
        self.assertTrue(self.ticket.status_customer_replied)
        answer = self._agent_writes()
        self.assertFalse(self.ticket.status_customer_replied)
        # The answer deleted: the customer waits again.
        answer.unlink()
        self.assertTrue(self.ticket.status_customer_replied)
        # The customer's message made internal: nothing public waits.
        asked.is_internal = True
        self.assertFalse(self.ticket.status_customer_replied)
        asked.is_internal = False
        self.assertTrue(self.ticket.status_customer_replied)
        # Another contact: the last word is no longer the ticket's contact's.
        self.ticket.partner_id = self.env["res.partner"].create({"name": "Other"})
        self.assertFalse(self.ticket.status_customer_replied)
        self.assertEqual(
            self.env["helpdesk.ticket"].search(
                [("status_customer_replied", "=", False), ("id", "=", self.ticket.id)]
            ),
            self.ticket,
        )

    def test_messages_of_other_models_write_no_ticket(self):
        partner = self.env["res.partner"].create({"name": "Elsewhere"})
        self.env.flush_all()
        with patch.object(
            type(self.env["helpdesk.ticket"]), "_write_status_customer_replied"
        ) as write:
            partner.message_post(body="Hello", message_type="comment")
            self._agent_writes(internal=True)
        write.assert_not_called()

    def test_tickets_inserted_in_sql_are_filled(self):
        """Tickets with no flag (from before it was stored, or inserted in
        SQL) get it from their messages."""
        other = self._create_ticket(name="Other")
        self._customer_writes()
        self._customer_writes(ticket=other)
        self.env.flush_all()
        self.cr.execute(
            "UPDATE helpdesk_ticket SET status_customer_replied = NULL WHERE id IN %s",
            [(self.ticket.id, other.id)],
        )
        self.env.invalidate_all()
        self.env["helpdesk.ticket"]._fill_status_customer_replied()
        self.assertTrue(self.ticket.status_customer_replied)
        self.assertTrue(other.status_customer_replied)


@tagged("post_install", "-at_install")
class TestScaleCrons(StatusPageCommon):
    """Crons over a whole database: the same queries for every batch."""

    def _batch_queries(self, run):
        """Queries between two progress notices of the cron ``run``."""
        Cron = type(self.env["ir.cron"])
        counts, mark = [], [self.cr.sql_log_count]

        def notify(cron, *, done, remaining, deactivate=False):
            counts.append(self.cr.sql_log_count - mark[0])
            mark[0] = self.cr.sql_log_count

        with patch.object(Cron, "_notify_progress", notify):
            self.env.flush_all()
            mark[0] = self.cr.sql_log_count
            run()
        return counts

    def test_purge_in_constant_batches(self):
        Challenge = self.env["helpdesk.status.page.challenge"].sudo()
        old = Challenge.create(
            [
                {"kind": "request", "page_id": self.page.id, "ip": f"192.0.2.{i}"}
                for i in range(7)
            ]
        )
        recent = Challenge.create({"kind": "request", "page_id": self.page.id})
        self.env.flush_all()
        self.cr.execute(
            "UPDATE helpdesk_status_page_challenge"
            " SET create_date = now() - interval '2 day' WHERE id IN %s",
            [tuple(old.ids)],
        )
        self.env.invalidate_all()
        counts = self._batch_queries(lambda: Challenge._cron_purge(batch_size=2))
        self.assertEqual(len(counts), 4)
        # The first batch also counts the rows; the last one is smaller.
        self.assertEqual(len(set(counts[1:])), 1, counts)
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_running_late_batches_forget_what_they_read(self):
        """Each batch leaves the cache empty: memory stays one batch's,
        and the next batch costs the same queries."""
        self.page.write(
            {"promise_mode": "days", "promise_days": 1, "notify_late": True}
        )
        tickets = self.ticket | self._create_ticket(name="Two")
        tickets |= self._create_ticket(name="Three") | self._create_ticket(name="Four")
        counts = self._batch_queries(
            lambda: self.env["helpdesk.ticket"]._cron_notify_late(batch_size=1)
        )
        # One batch per open ticket of the page's tickets (and of the
        # database's other pages), each costing the same.
        self.assertGreaterEqual(len(counts), len(tickets))
        self.assertEqual(len(set(counts[1:])), 1, counts)
        cached = self.env.cache.get_records(tickets.browse(), tickets._fields["name"])
        self.assertFalse(cached & tickets)
