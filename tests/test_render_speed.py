# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The status page skips the website's attribute rewriting where it has
nothing to do (``models/ir_qweb.py``): the page reads exactly the same, in
every language, and other website pages keep the whole rewriting."""

import re
from unittest.mock import patch

from odoo.tests import tagged

from ..models.ir_qweb import STATUS_PAGE_RENDER, IrQweb
from .test_status_page_http import CSRF_TOKEN_RE, StatusPageHttpCommon

# What changes from one response to the next whatever the rendering: the
# CSP nonce and the forms' one-time nonce.
NONCE_RE = re.compile(r'nonce(?:="|-|" value=")[A-Za-z0-9_-]+')


def full_rewriting(self, tagName, atts):
    return super(IrQweb, self)._post_processing_att(tagName, atts)


@tagged("post_install", "-at_install")
class TestRenderSpeed(StatusPageHttpCommon):
    def _page(self, path):
        html = self._get(path).text
        return NONCE_RE.sub("nonce", CSRF_TOKEN_RE.sub("csrf", html))

    def _as_the_website_renders_it(self, path):
        with patch.object(IrQweb, "_post_processing_att", full_rewriting):
            # Templates compiled with the shortcut are the status page's own.
            self.env.registry.clear_cache("templates")
            return self._page(path)

    def test_same_page_as_with_the_whole_rewriting(self):
        lang = self.env["res.lang"]._activate_lang("ar_001")
        self.env["website"].get_current_website().language_ids |= lang
        self._grant()
        self.ticket.message_post(
            body="<p>We ordered the <a href='/shop'>part</a>.</p>",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        slug = self.page.slug
        for path in (
            self._token_path(),
            f"/ar{self._token_path()}",
            f"/status/{slug}",
            f"/ar/status/{slug}",
            "/status/no-such-page",
        ):
            with self.subTest(path=path):
                fast = self._page(path)
                self.assertEqual(fast, self._as_the_website_renders_it(path))
                if path.startswith("/ar/"):
                    # The language stays in the page's own links.
                    self.assertIn(f'action="/ar/status/{slug}', fast)

    def test_other_pages_keep_the_whole_rewriting(self):
        self.env.registry.clear_cache("templates")
        login = self._page("/web/login")
        self._grant()
        self._get(self._token_path())
        contexts = []

        def recording(qweb, tagName, atts):
            contexts.append(qweb.env.context.get(STATUS_PAGE_RENDER))
            return full_rewriting(qweb, tagName, atts)

        with patch.object(IrQweb, "_post_processing_att", recording):
            # Compiled after the status page's templates: not their copy.
            self.assertEqual(self._page("/web/login"), login)
        self.assertTrue(contexts)
        self.assertFalse(any(contexts), "the shortcut stays on the status page")
