# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import difflib
import importlib.util
import tempfile
from pathlib import Path

from odoo.tests import TransactionCase, tagged

ADDON_DIR = Path(__file__).resolve().parent.parent
SCRIPT = ADDON_DIR / "scripts" / "gen_description.py"
INDEX = ADDON_DIR / "static" / "description" / "index.html"


def _load_generator(test):
    if not SCRIPT.is_file():
        test.skipTest(f"{SCRIPT} is not shipped with this copy of the module")
    if importlib.util.find_spec("markdown_it") is None:
        test.skipTest("markdown-it-py (test-requirements.txt) is not installed")
    spec = importlib.util.spec_from_file_location("_hsp_gen_description", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestDescription(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = _load_generator(cls)

    def test_index_html_is_current(self):
        expected = self.generator.render(ADDON_DIR)
        shipped = INDEX.read_text(encoding="utf-8") if INDEX.is_file() else ""
        if shipped != expected:
            diff = difflib.unified_diff(
                shipped.splitlines(),
                expected.splitlines(),
                "shipped",
                "generated",
                lineterm="",
            )
            self.fail(
                "static/description/index.html is not generated from the current "
                "readme/ fragments and manifest: run "
                "`/opt/odoo18/venv/bin/python scripts/gen_description.py` and "
                "commit the result.\n" + "\n".join(list(diff)[:30])
            )

    def test_index_html_is_clean(self):
        page = self.generator.render(ADDON_DIR)
        # Markdown is converted, not shown as text.
        for raw in ("`", "#", "**", "](", "\n- ", "\n1. "):
            self.assertNotIn(raw, page)
        for tag in ("<h1>", "<h2>Configuration</h2>", "<h2>Usage</h2>", "<li>"):
            self.assertIn(tag, page)
        self.assertIn("<code>{{ object.status_page_url }}</code>", page)
        self.assertIn('<table class="table table-sm">', page)
        # Self-contained: nothing loaded from elsewhere.
        for remote in ("<script", "<link", 'src="http', "@import"):
            self.assertNotIn(remote, page)

    def test_odoo_shows_the_generated_description(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "helpdesk_mgmt_status_page")]
        )
        description = str(module.description_html)
        self.assertIn("<h2>Configuration</h2>", description)
        self.assertIn("<strong>status page</strong>", description)
        self.assertNotIn("**", description)

    def test_images_and_links_of_fragments(self):
        with tempfile.TemporaryDirectory() as tmp:
            addon = Path(tmp)
            (addon / "readme").mkdir()
            (addon / "static" / "description").mkdir(parents=True)
            (addon / "static" / "description" / "shot.png").write_bytes(b"png")
            (addon / "__manifest__.py").write_text(
                "{'name': 'Demo', 'author': 'Someone',"
                " 'website': 'https://github.com/OCA/helpdesk'}"
            )
            description = addon / "readme" / "DESCRIPTION.md"
            description.write_text(
                "## Title\n\n![Shot](../static/description/shot.png)\n"
                "![Again](static/description/shot.png)\n\n"
                "[Usage](USAGE.md) and [site](https://example.com)\n"
            )
            page = self.generator.render(addon)
            # Odoo serves a bare name from static/description/.
            self.assertIn('<img src="shot.png" alt="Shot" />', page)
            self.assertIn('<img src="shot.png" alt="Again" />', page)
            self.assertIn("<h4>Title</h4>", page)
            self.assertIn(
                'href="https://github.com/OCA/helpdesk/blob/18.0/'
                'helpdesk_mgmt_status_page/readme/USAGE.md"',
                page,
            )
            self.assertIn('href="https://example.com"', page)
            description.write_text("![Remote](https://example.com/shot.png)\n")
            with self.assertRaisesRegex(ValueError, "self-contained"):
                self.generator.render(addon)
            description.write_text("![Missing](../static/description/none.png)\n")
            with self.assertRaisesRegex(ValueError, "not a file"):
                self.generator.render(addon)
