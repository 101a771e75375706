# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import StatusPageCommon
from .test_status_page_http import StatusPageHttpCommon

CURRENT_RE = re.compile(r'<dd class="o_status_current"[^>]*>([^<]*)</dd>')
# The customer label of each of helpdesk_mgmt's default stages, from i18n.
DEFAULT_LABELS = {
    "pl_PL": {
        "new": "Otrzymane",
        "in_progress": "W toku",
        "awaiting": "Czekamy na Twoją odpowiedź",
        "done": "Rozwiązane",
        "cancelled": "Anulowane",
    },
    "ar_001": {
        "new": "تم الاستلام",
        "in_progress": "قيد المعالجة",
        "awaiting": "بانتظار ردّك",
        "done": "تم الحل",
        "cancelled": "أُلغيت",
    },
}
URL_LANGS = {"pl_PL": "pl", "ar_001": "ar"}


def _setup_site_langs(env):
    """Polish and Arabic on the website, with this module's translations."""
    langs = env["res.lang"]
    for code in DEFAULT_LABELS:
        langs |= env["res.lang"]._activate_lang(code)
    env["ir.module.module"]._load_module_terms(
        ["helpdesk_mgmt_status_page"], list(DEFAULT_LABELS)
    )
    env["website"].get_current_website().language_ids |= langs
    return langs


@tagged("post_install", "-at_install")
class TestDefaultStageLabels(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.langs = _setup_site_langs(cls.env)

    def test_polish_and_arabic_pages_show_translated_labels(self):
        self._grant()
        for lang, labels in DEFAULT_LABELS.items():
            for xmlid, label in labels.items():
                stage = self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}")
                self.ticket.stage_id = stage
                path = f"/{URL_LANGS[lang]}{self._token_path()}"
                with self.subTest(lang=lang, stage=xmlid):
                    match = CURRENT_RE.search(self._get(path).text)
                    self.assertTrue(match, "no current status on the page")
                    self.assertEqual(match.group(1).strip(), label)

    def test_default_stages_need_no_warning(self):
        stages = self.env["helpdesk.ticket.stage"].browse(
            self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}").id
            for xmlid in DEFAULT_LABELS["pl_PL"]
        )
        for stage in stages:
            with self.subTest(stage=stage.name):
                self.assertFalse(stage.customer_label_missing_langs)

    def test_warning_names_the_languages_without_label(self):
        polish = self.env["res.lang"]._lang_get("pl_PL")
        arabic = self.env["res.lang"]._lang_get("ar_001")
        english = self.env["res.lang"]._lang_get("en_US")
        stage = self.env["helpdesk.ticket.stage"].create(
            {"name": "Repair", "customer_label": "Being repaired"}
        )
        missing = stage.customer_label_missing_langs
        self.assertIn(polish.name, missing)
        self.assertIn(arabic.name, missing)
        self.assertNotIn(english.name, missing)
        stage.update_field_translations("customer_label", {"pl_PL": "W naprawie"})
        self.assertNotIn(polish.name, stage.customer_label_missing_langs)
        self.assertIn(arabic.name, stage.customer_label_missing_langs)
        stage.update_field_translations("customer_label", {"ar_001": "قيد الإصلاح"})
        self.assertFalse(stage.customer_label_missing_langs)
        # Without a label, customers read the name: its translations count.
        bare = self.env["helpdesk.ticket.stage"].create({"name": "Diagnosis"})
        self.assertIn(polish.name, bare.customer_label_missing_langs)
        bare.update_field_translations(
            "name", {"pl_PL": "Diagnoza", "ar_001": "التشخيص"}
        )
        self.assertFalse(bare.customer_label_missing_langs)
        # A website without Arabic: Arabic is nobody's language.
        self.env["website"].get_current_website().language_ids -= arabic
        self.assertEqual(
            self.env["helpdesk.ticket.stage"]
            .create({"name": "Parts", "customer_label": "Waiting for parts"})
            .customer_label_missing_langs,
            polish.name,
        )

    def test_warning_follows_the_form(self):
        stage = self.env["helpdesk.ticket.stage"].create({"name": "Repair"})
        stage.update_field_translations("name", {"pl_PL": "Naprawa", "ar_001": "إصلاح"})
        self.assertFalse(stage.customer_label_missing_langs)
        # A label typed (in English) replaces the translated name: the
        # stage form warns before saving.
        with Form(stage) as form:
            self.assertFalse(form.customer_label_missing_langs)
            form.customer_label = "Being repaired"
            self.assertIn("Polish", form.customer_label_missing_langs)
            self.assertIn("Arabic", form.customer_label_missing_langs)
        self.assertIn("Polish", stage.customer_label_missing_langs)


@tagged("post_install", "-at_install")
class TestRecordRulesMirrorTickets(StatusPageCommon):
    """Whoever cannot read a ticket cannot read what names it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = {
            "own": "helpdesk_mgmt.group_helpdesk_user_own",
            "team": "helpdesk_mgmt.group_helpdesk_user_team",
            "user": "helpdesk_mgmt.group_helpdesk_user",
            "manager": "helpdesk_mgmt.group_helpdesk_manager",
        }
        # base.group_system: the only group that reads challenges at all.
        cls.users = {
            key: new_test_user(
                cls.env,
                login=f"rules_{key}",
                groups=f"base.group_user,base.group_system,{group}",
            )
            for key, group in groups.items()
        }
        cls.other_agent = new_test_user(
            cls.env, login="rules_other", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.team_a = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Team A",
                "status_page_id": cls.page.id,
                "user_ids": [(6, 0, [u.id for u in cls.users.values()])],
            }
        )
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "Team B", "user_ids": [(6, 0, cls.other_agent.ids)]}
        )
        own = cls.users["own"]
        cls.tickets = (
            cls._create_ticket(team_id=cls.team_a.id, user_id=own.id)
            | cls._create_ticket(team_id=cls.team_a.id, user_id=cls.other_agent.id)
            | cls._create_ticket(team_id=cls.team_a.id, user_id=False)
            | cls._create_ticket(team_id=cls.team_b.id, user_id=False)
            | cls._create_ticket(team_id=cls.team_b.id, user_id=cls.other_agent.id)
            | cls._create_ticket(team_id=False, user_id=cls.other_agent.id)
        )
        followed = cls._create_ticket(team_id=cls.team_b.id, user_id=cls.other_agent.id)
        followed.message_subscribe(partner_ids=own.partner_id.ids)
        cls.tickets |= followed
        Challenge = cls.env["helpdesk.status.page.challenge"].sudo()
        Challenge.create(
            [
                {"kind": "request", "page_id": cls.page.id, "ticket_id": ticket.id}
                for ticket in cls.tickets
            ]
            + [{"kind": "request", "page_id": cls.page.id, "ip": "192.0.2.1"}]
        )

    def _readable(self, user, model):
        records = self.env[model].with_user(user).search([])
        if model == "helpdesk.ticket":
            return records & self.tickets
        return records.ticket_id & self.tickets

    def test_history_and_challenges_follow_the_ticket(self):
        for key, user in self.users.items():
            tickets = self._readable(user, "helpdesk.ticket")
            with self.subTest(user=key):
                self.assertTrue(tickets)
                self.assertEqual(
                    self._readable(user, "helpdesk.ticket.status.log"), tickets
                )
                self.assertEqual(
                    self._readable(user, "helpdesk.status.page.challenge"), tickets
                )
        # The groups really differ: the personal agent misses tickets.
        self.assertLess(
            len(self._readable(self.users["own"], "helpdesk.ticket")),
            len(self._readable(self.users["user"], "helpdesk.ticket")),
        )

    def test_personal_agent_cannot_open_a_hidden_history(self):
        own = self.users["own"]
        hidden = self.tickets - self._readable(own, "helpdesk.ticket")
        self.assertTrue(hidden)
        log = hidden.sudo().status_log_ids[:1]
        with (
            mute_logger("odoo.addons.base.models.ir_rule"),
            self.assertRaises(AccessError),
        ):
            log.with_user(own).read(["stage_name"])

    def test_ticketless_challenges_stay_readable(self):
        Challenge = self.env["helpdesk.status.page.challenge"]
        for key, user in self.users.items():
            with self.subTest(user=key):
                self.assertTrue(
                    Challenge.with_user(user).search([("ticket_id", "=", False)])
                )


@tagged("post_install", "-at_install")
class TestTeamPageCompany(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})

    def test_team_of_another_company_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["helpdesk.ticket.team"].create(
                {
                    "name": "B team",
                    "company_id": self.company_b.id,
                    "status_page_id": self.page.id,
                }
            )
        team_b = self.env["helpdesk.ticket.team"].create(
            {"name": "B team", "company_id": self.company_b.id}
        )
        with self.assertRaises(ValidationError):
            team_b.status_page_id = self.page
        with self.assertRaises(ValidationError):
            self.page.team_ids = [(4, team_b.id)]
        # A team shared by companies: each ticket gets its company's page.
        with self.assertRaises(ValidationError):
            self.team.company_id = False

    def test_page_cannot_move_away_from_its_teams(self):
        with self.assertRaises(ValidationError):
            self.page.company_id = self.company_b

    def test_ticket_of_another_company_is_not_served(self):
        page_b = self.env["helpdesk.status.page"].create(
            {
                "name": "B support",
                "slug": "b-support",
                "company_id": self.company_b.id,
                "is_default": True,
            }
        )
        # helpdesk_mgmt gives a new ticket its team's company; not a write.
        ticket = self._create_ticket()
        ticket.company_id = self.company_b
        self.assertEqual(ticket.team_id.status_page_id, self.page)
        self.assertEqual(ticket.status_page_id, page_b)
        self.assertEqual(self.ticket.status_page_id, self.page)


@tagged("post_install", "-at_install")
class TestSchemaOwnership(StatusPageCommon):
    """What the module puts in the database goes with it."""

    def _indexes(self, table):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [table],
        )
        return dict(self.env.cr.fetchall())

    def _table_exists(self, table):
        self.env.cr.execute("SELECT to_regclass(%s)", [table])
        return bool(self.env.cr.fetchone()[0])

    def test_one_index_on_status_token(self):
        definitions = [
            re.sub(r"^.* USING ", "", definition)
            for definition in self._indexes("helpdesk_ticket").values()
        ]
        token = [d for d in definitions if "(status_token)" in d]
        self.assertEqual(len(token), 1, token)

    def test_lock_table_belongs_to_the_orm(self):
        Lock = self.env["helpdesk.status.page.lock"]
        self.assertFalse(Lock._abstract)
        self.assertFalse(self._table_exists("helpdesk_status_page_challenge_lock"))
        self.assertTrue(self._table_exists(Lock._table))
        model = self.env["ir.model"]._get(Lock._name)
        # Owned by this module: uninstalling drops the model and its table.
        self.assertIn(
            "helpdesk_mgmt_status_page", model.with_context(lang="en_US").modules
        )
        # Its semantics: lock, bump, claim once, purge.
        Lock._lock_keys("ticket:1", "ip:192.0.2.1")
        Lock._bump_keys("ticket:1")
        self.assertTrue(Lock._claim_key("nonce:x"))
        self.assertFalse(Lock._claim_key("nonce:x"))
        self.assertEqual(Lock.sudo().search([("key", "=", "ticket:1")]).serial, 1)
        Lock._purge()
        self.assertTrue(Lock._claim_key("nonce:x"))

    def test_uninstall_hook_drops_what_the_orm_does_not_own(self):
        # Imported here: a missing hook fails this test only.
        from odoo.addons.helpdesk_mgmt_status_page.hooks import uninstall_hook

        number_indexes = {
            "helpdesk_ticket_number_key_index",
            "helpdesk_ticket_number_digits_index",
        }
        self.assertLessEqual(number_indexes, set(self._indexes("helpdesk_ticket")))
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute(
                "CREATE TABLE helpdesk_status_page_challenge_lock (key varchar)"
            )
            uninstall_hook(self.env)
            self.assertFalse(number_indexes & set(self._indexes("helpdesk_ticket")))
            self.assertFalse(self._table_exists("helpdesk_status_page_challenge_lock"))
            savepoint.rollback()
