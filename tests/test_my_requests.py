# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""All my requests (SPEC §16, issue 24 §3): after a code, or on a
remembered device, the ticket view lists the proved contact's tickets that
pages of the same company and website serve, each opened with no code;
never another contact's, company's or website's, never on plain-match
pages, never a ticket whose verification field differs."""

import re
from datetime import datetime, timedelta

from odoo.tests import tagged

from .common_remember import RememberCommon
from .test_performance import VIEW_QUERY_BUDGET

NUMBER_RE = re.compile(
    r'class="o_status_request[ "].*?<bdi dir="ltr">([^<]+)</bdi>', re.S
)


@tagged("post_install", "-at_install")
class TestMyRequests(RememberCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Page = cls.env["helpdesk.status.page"]
        Team = cls.env["helpdesk.ticket.team"]
        cls.sa = cls.env.ref("base.sa")
        cls.email_page = Page.create(
            {"name": "Repairs", "slug": "repairs", "verification_field": "email"}
        )
        cls.phone_page = Page.create(
            {"name": "Calls", "slug": "calls", "verification_field": "phone"}
        )
        cls.match_page = Page.create(
            {"name": "Shop", "slug": "shop", "verification_method": "match"}
        )
        cls.other_website = cls.env["website"].create(
            {"name": "Other site", "company_id": cls.company.id}
        )
        cls.website_page = Page.create(
            {
                "name": "Elsewhere",
                "slug": "elsewhere",
                "website_id": cls.other_website.id,
            }
        )
        cls.teams = {
            page: Team.create({"name": f"Team {page.slug}", "status_page_id": page.id})
            for page in (
                cls.email_page,
                cls.phone_page,
                cls.match_page,
                cls.website_page,
            )
        }

    def _ticket(self, name, page=None, **values):
        team = self.teams[page] if page else self.team
        return self._create_ticket(name=name, team_id=team.id, **values)

    def _listed(self, html):
        """Ticket numbers in "Your requests", in their order."""
        section = html.split('class="o_status_card o_status_requests"', 1)
        if len(section) < 2:
            return []
        return NUMBER_RE.findall(section[1])

    def _view(self, ticket=None, page=None, **params):
        path = (
            f"/status/{(page or self.page).slug}/{(ticket or self.ticket).status_token}"
        )
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self._get(f"{path}?{query}" if query else path).text

    # What is listed

    def test_list_after_code_newest_first_with_status_and_date(self):
        self.stage_progress.customer_label = "We are on it"
        older = self._ticket("Old printer", stage_id=self.stage_progress.id)
        newer = self._ticket("New scanner")
        repair = self._ticket("Repair", page=self.email_page)
        now = datetime.now()
        for age, ticket in enumerate((repair, newer, self.ticket, older)):
            ticket.last_stage_update = now - timedelta(days=age)
        self._verify_by_code(remember=False)
        html = self._view()
        self.assertIn("Your requests", html)
        self.assertEqual(
            self._listed(html),
            [t.number for t in (repair, newer, self.ticket, older)],
        )
        self.assertIn("We are on it", html)
        self.assertIn("Old printer", html)
        self.assertIn("(this request)", html)
        self.assertIn("<time datetime=", html)
        # Without a code (a plain match), no list.
        self._restart_browser(keep_device=False)
        self.page.verification_method = "match"
        self.assertNotIn("o_status_requests", self._grant().text)

    def test_never_other_companies_websites_methods_or_fields(self):
        listed = [
            self._ticket("Here"),
            self._ticket("Repair", page=self.email_page),
        ]
        hidden = [
            self._ticket("Phone only page", page=self.phone_page),
            self._ticket("Plain match page", page=self.match_page),
            self._ticket("Other website", page=self.website_page),
        ]
        other_company = self.env["res.company"].create({"name": "Other company"})
        self.env["helpdesk.status.page"].create(
            {
                "name": "Other",
                "slug": "other-company",
                "company_id": other_company.id,
                "is_default": True,
            }
        )
        hidden.append(
            self.env["helpdesk.ticket"]
            .sudo()
            .create(
                {
                    "name": "Other company",
                    "description": "<p>Elsewhere</p>",
                    "company_id": other_company.id,
                    "partner_email": "customer@example.com",
                }
            )
        )
        self._verify_by_code(remember=False)
        numbers = self._listed(self._view())
        for ticket in listed:
            self.assertIn(ticket.number, numbers)
        for ticket in hidden:
            with self.subTest(ticket=ticket.name):
                self.assertNotIn(ticket.number, numbers)
                self.assertNotIn("o_status_timeline", self._post_open(ticket).text)

    def test_never_another_contact_email_case_and_unicode(self):
        same = [
            self._ticket(
                "Upper case", partner_id=False, partner_email="CUSTOMER@Example.COM"
            ),
            self._ticket(
                "Named",
                partner_id=False,
                partner_email='"Customer" <customer@example.com>',
            ),
        ]
        others = [
            self._ticket(
                "Longer",
                partner_id=False,
                partner_email="customer@example.com.evil.test",
            ),
            # Cyrillic "а" in the domain: looks the same, is another address.
            self._ticket(
                "Look-alike", partner_id=False, partner_email="customer@exаmple.com"
            ),
            self._ticket("Other", partner_id=False, partner_email="other@example.com"),
            self._ticket("No e-mail", partner_id=False, partner_email=False),
        ]
        unicode_ticket = self._ticket(
            "Jürgen", partner_id=False, partner_email="jürgen@example.com"
        )
        unicode_other = self._ticket(
            "Jurgen", partner_id=False, partner_email="jurgen@example.com"
        )
        unicode_upper = self._ticket(
            "JÜRGEN", partner_id=False, partner_email="JÜRGEN@example.com"
        )
        self._verify_by_code(remember=False)
        numbers = self._listed(self._view())
        for ticket in same:
            self.assertIn(ticket.number, numbers)
        for ticket in others + [unicode_ticket, unicode_other, unicode_upper]:
            with self.subTest(ticket=ticket.name):
                self.assertNotIn(ticket.number, numbers)
        # The Unicode customer sees their own, in any case, never the ASCII one.
        self._restart_browser(keep_device=False)
        self._verify_by_code(
            unicode_ticket, contact="JÜRGEN@example.com", remember=False
        )
        numbers = self._listed(self._view(unicode_ticket))
        self.assertIn(unicode_upper.number, numbers)
        self.assertNotIn(unicode_other.number, numbers)
        self.assertNotIn(self.ticket.number, numbers)

    def test_phone_variants_and_never_email_only_tickets(self):
        def partner(phone, country=self.sa):
            return (
                self.env["res.partner"]
                .create({"name": phone, "phone": phone, "country_id": country.id})
                .id
            )

        variants = [
            self._ticket(
                "Local", partner_id=partner("050 123 4567"), partner_email=False
            ),
            self._ticket(
                "Plus", partner_id=partner("+966501234567"), partner_email=False
            ),
            self._ticket(
                "Zeros", partner_id=partner("00966-50-123-4567"), partner_email=False
            ),
        ]
        others = [
            self._ticket(
                "Next number",
                partner_id=partner("+966 50 123 4568"),
                partner_email=False,
            ),
            # The customer's e-mail but no phone: a phone proves nothing for it.
            self._ticket(
                "E-mail only", partner_id=False, partner_email="customer@example.com"
            ),
        ]
        calls = self._ticket("On the phone page", page=self.phone_page)
        self._verify_by_code(contact="0501234567", remember=False)
        numbers = self._listed(self._view())
        for ticket in variants + [calls]:
            self.assertIn(ticket.number, numbers)
        for ticket in others:
            with self.subTest(ticket=ticket.name):
                self.assertNotIn(ticket.number, numbers)
                self.assertNotIn("o_status_timeline", self._post_open(ticket).text)

    def test_ticket_whose_contact_changed_after_remembering(self):
        moved = self._ticket("Moved")
        self._verify_by_code()
        self._restart_browser()
        self.assertIn(moved.number, self._listed(self._post_open(moved).text))
        self._restart_browser()
        moved.partner_email = "someone.else@example.com"
        self.assertNotIn("o_status_timeline", self._post_open(moved).text)
        self.assertIn("o_status_timeline", self._post_open(self.ticket).text)
        self.assertNotIn(moved.number, self._listed(self._view()))

    # Opening and paging

    def test_each_entry_opens_with_no_code_on_its_own_page(self):
        repair = self._ticket("Repair", page=self.email_page)
        self._verify_by_code(remember=False)
        mails = self.env["mail.mail"].sudo().search_count([])
        response = self._post_open(repair)
        self.assertTrue(response.url.endswith(f"/status/repairs/{repair.status_token}"))
        self.assertIn("o_status_timeline", response.text)
        self.assertIn("Repair", response.text)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        # Its own view lists the requests too.
        self.assertIn(self.ticket.number, self._listed(response.text))

    def test_remembered_device_lists_on_the_other_page_too(self):
        repair = self._ticket("Repair", page=self.email_page)
        self._verify_by_code()
        self._restart_browser()
        response = self._post_open(repair)
        self.assertIn("o_status_timeline", response.text)
        self.assertIn(self.ticket.number, self._listed(response.text))

    def test_paged_ten_by_ten(self):
        now = datetime.now()
        extra = [self._ticket(f"Request {index}") for index in range(11)]
        for age, ticket in enumerate(extra + [self.ticket]):
            ticket.last_stage_update = now - timedelta(hours=age)
        self._verify_by_code(remember=False)
        html = self._view()
        self.assertEqual(self._listed(html), [t.number for t in extra[:10]])
        self.assertIn("Older requests", html)
        self.assertNotIn("Newer requests", html)
        html = self._view(requests=2)
        self.assertEqual(self._listed(html), [extra[10].number, self.ticket.number])
        self.assertIn("Newer requests", html)
        self.assertNotIn("Older requests", html)
        # A hostile page number is the first page.
        self.assertEqual(len(self._listed(self._view(requests="x'"))), 10)

    def test_view_queries_constant_with_the_list(self):
        """The list costs a constant number of queries, within the view's
        budget, after a code and on a remembered device alone."""
        self.page.resend_delay = 0
        self._verify_by_code()
        path = self._token_path()
        session = self._view_queries(path)
        self._restart_browser()
        self._post_open(self.ticket)
        device = self._view_queries(path)
        for index in range(8):
            self._ticket(f"More {index}")
        self.assertEqual(len(self._listed(self._get(path).text)), 9)
        self.assertEqual(self._view_queries(path), device)
        self._restart_browser(keep_device=False)
        self._verify_by_code(remember=False)
        self.assertEqual(self._view_queries(path), session)
        self.assertLessEqual(session, VIEW_QUERY_BUDGET)
        self.assertLessEqual(device, VIEW_QUERY_BUDGET)
