# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .test_customer_actions import StatusPageActionCommon

ACTIVITY_TYPE = "helpdesk_mgmt_status_page.mail_activity_customer_replied"
RATE_LIMITS = (
    "max_requests_per_ip_hour",
    "max_replies_per_hour",
    "resend_delay",
    "max_attempts",
    "max_failures_per_day",
    "max_codes_per_hour",
)


@tagged("post_install", "-at_install")
class TestAgentNotice(StatusPageActionCommon):
    """Issue 23, items 9 and 10: a customer reply is noticed by the agent,
    and the move it causes is credited to the customer's contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.name = "Noura Al-Harbi"
        cls.page.customer_reply = "open"
        cls.leader = new_test_user(
            cls.env,
            login="hsp_leader",
            name="Team Leader",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.activity_type = cls.env.ref(ACTIVITY_TYPE)

    def _activities(self, ticket=None):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", (ticket or self.ticket).id),
                    ("activity_type_id", "=", self.activity_type.id),
                ]
            )
        )

    def _reply(self, text, ticket=None):
        response = self._act("reply", {"message": text}, ticket=ticket)
        self.assertEqual(response.status_code, 303)
        (ticket or self.ticket).invalidate_recordset()

    # Item 9: the activity

    def test_reply_gives_the_agent_one_activity_done_when_answered(self):
        self._grant()
        self._reply("Any news?")
        activity = self._activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(activity.activity_type_id.name, "Customer replied")
        self.assertNotEqual(activity.create_uid, self.env.ref("base.public_user"))
        # A second reply does not stack a second activity.
        self._reply("Hello?")
        self.assertEqual(self._activities(), activity)
        # An internal note is no answer to the customer.
        self.ticket.with_user(self.agent).message_post(
            body="Checking with the warehouse.", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(self._activities(), activity)
        self._agent_says("<p>It ships tomorrow.</p>")
        self.assertFalse(self._activities())
        done = self.ticket.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.activity_type
        )
        self.assertEqual(len(done), 1)
        self.assertEqual(done.author_id, self.agent.partner_id)
        # The next reply is noticed again.
        self._reply("Thanks, and the invoice?")
        self.assertEqual(len(self._activities()), 1)

    def test_reply_of_an_unassigned_ticket_goes_to_the_team_leader(self):
        self.team.user_id = self.leader
        ticket = self._create_ticket(name="Unassigned", user_id=False)
        self.assertFalse(ticket.user_id)
        self._grant(ticket)
        self._reply("Anyone there?", ticket=ticket)
        self.assertEqual(self._activities(ticket).user_id, self.leader)
        # Nobody to notice: no activity, and the reply goes through.
        self.team.user_id = False
        orphan = self._create_ticket(name="Nobody's", user_id=False)
        self._grant(orphan)
        self._reply("Hello?", ticket=orphan)
        self.assertFalse(self._activities(orphan))
        self.assertTrue(self._customer_messages(orphan))
        self.assertTrue(orphan.status_customer_replied)

    def test_page_setting_turns_the_activity_off(self):
        self.assertTrue(self.env["helpdesk.status.page"].new({}).reply_activity)
        self.page.reply_activity = False
        self._grant()
        self._reply("Any news?")
        self.assertFalse(self._activities())
        # The marker does not depend on the setting.
        self.assertTrue(self.ticket.status_customer_replied)

    def test_reopen_reason_gives_the_activity(self):
        self.ticket.stage_id = self.stage_done
        self._grant()
        self._act("reopen", {"reason": "Still smoking."})
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        self.assertEqual(self._activities().user_id, self.agent)

    # Item 9: the marker and the menu

    def test_marker_until_an_agent_answers(self):
        Ticket = self.env["helpdesk.ticket"]
        quiet = self._create_ticket(name="Quiet")
        self._grant()
        self._reply("Any news?")
        self.assertTrue(self.ticket.status_customer_replied)
        self.assertFalse(quiet.status_customer_replied)
        replied = Ticket.search([("status_customer_replied", "=", True)])
        self.assertIn(self.ticket, replied)
        self.assertNotIn(quiet, replied)
        self._agent_says("<p>Tomorrow.</p>")
        self.ticket.invalidate_recordset()
        self.assertFalse(self.ticket.status_customer_replied)
        self.assertNotIn(
            self.ticket, Ticket.search([("status_customer_replied", "=", True)])
        )
        # The list and the kanban show it.
        for view_type in ("list", "kanban"):
            arch = Ticket.get_view(view_type=view_type)["arch"]
            self.assertIn('name="status_customer_replied"', arch, view_type)
        kanban = Ticket.get_view(view_type="kanban")["arch"]
        self.assertIn("Customer replied", kanban)

    def test_customer_replied_one_click_from_the_tickets_menu(self):
        menu = self.env.ref("helpdesk_mgmt_status_page.helpdesk_customer_replied_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_menu")
        )
        action = menu.action
        self.assertEqual(action.res_model, "helpdesk.ticket")
        domain = safe_eval(action.domain, {"uid": self.env.uid})
        self.assertEqual(domain, [("status_customer_replied", "=", True)])
        quiet = self._create_ticket(name="Quiet")
        self._grant()
        self._reply("Any news?")
        found = self.env["helpdesk.ticket"].with_user(self.agent).search(domain)
        self.assertIn(self.ticket, found)
        self.assertNotIn(quiet, found)

    # Item 10: attribution

    def test_automatic_move_credited_to_the_contact(self):
        self.ticket.stage_id = self.stage_awaiting
        self._grant()
        self._reply("A LaserJet 2100.")
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        tracking = self.ticket.message_ids.filtered(
            lambda m: m.tracking_value_ids.filtered(
                lambda v: v.field_id.name == "stage_id"
                and v.new_value_integer == self.stage_progress.id
            )
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.author_id, self.partner)
        public = self.env.ref("base.public_user")
        self.assertNotIn(public.partner_id, self.ticket.message_ids.author_id)
        log = self.ticket.status_log_ids[:1]
        self.assertEqual(log.stage_id, self.stage_progress)
        self.assertEqual(log.author_partner_id, self.partner)
        self.assertFalse(log.author_id)
        self.assertEqual(log.moved_by, "Noura Al-Harbi (status page)")
        # An agent's own move stays the agent's.
        self.ticket.with_user(self.agent).stage_id = self.stage_awaiting
        log = self.ticket.status_log_ids[:1]
        self.assertEqual(log.author_id, self.agent)
        self.assertFalse(log.author_partner_id)
        self.assertEqual(log.moved_by, "Agent Smith")
        # The history list of the ticket shows who moved it.
        arch = self.env["helpdesk.ticket.status.log"].get_view(view_type="list")
        self.assertIn('name="moved_by"', arch["arch"])

    def test_reopening_credited_to_the_contact(self):
        self.ticket.stage_id = self.stage_done
        self._grant()
        self._act("reopen", {"reason": "Still smoking."})
        log = self.ticket.status_log_ids[:1]
        self.assertEqual(log.stage_id, self.stage_progress)
        self.assertEqual(log.moved_by, "Noura Al-Harbi (status page)")


@tagged("post_install", "-at_install")
class TestAdminFormAdvanced(StatusPageActionCommon):
    """Issue 23, item 11: rate limits in an Advanced tab at the end of the
    page form; the field lines reached one way, in the form."""

    def test_rate_limits_only_in_the_advanced_tab(self):
        arch = etree.fromstring(
            self.env["helpdesk.status.page"].get_view(view_type="form")["arch"]
        )
        pages = arch.xpath("//notebook/page")
        self.assertEqual(pages[-1].get("name"), "advanced")
        self.assertEqual(pages[-1].get("string"), "Advanced")
        for name in RATE_LIMITS:
            nodes = arch.xpath(f"//field[@name='{name}']")
            self.assertEqual(len(nodes), 1, name)
            self.assertTrue(nodes[0].xpath("ancestor::page[@name='advanced']"), name)
        replies = arch.xpath(
            "//page[@name='customer_actions']//field[@name='reply_activity']"
        )
        self.assertEqual(len(replies), 1)

    def test_field_lines_have_no_menu_of_their_own(self):
        self.assertFalse(
            self.env.ref(
                "helpdesk_mgmt_status_page.helpdesk_status_page_field_menu",
                raise_if_not_found=False,
            )
        )
        action = self.env.ref(
            "helpdesk_mgmt_status_page.helpdesk_status_page_field_action"
        )
        self.assertFalse(
            self.env["ir.ui.menu"].search(
                [("action", "=", f"{action._name},{action.id}")]
            )
        )
        # The lines are edited in the page form.
        arch = self.env["helpdesk.status.page"].get_view(view_type="form")["arch"]
        self.assertIn('name="field_ids"', arch)
