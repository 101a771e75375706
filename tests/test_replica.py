# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 25, SPEC §17: the customer's read routes are Odoo's read-only
routes (they run on a streaming replica with ``--db_replica_host``) and
write nothing; after a POST, a read route reads its own write.

In tests, Odoo runs a read-only route in a ``SET TRANSACTION READ ONLY``
transaction: a write there raises, and Odoo runs the request again on a
read/write cursor, with a warning. No such warning means no write."""

import inspect
import io
from unittest.mock import patch

from PIL import Image

from odoo import http
from odoo.tests import BaseCase, tagged

from ..controllers import status_page as status_page_controller
from ..controllers.actions import StatusPageActions
from ..controllers.appearance import StatusPageAppearanceController
from ..controllers.live import StatusPageLive
from ..controllers.one_tap import StatusPageOneTap
from ..controllers.remember import StatusPageRemember
from ..controllers.status_page import StatusPageController
from ..controllers.verification import StatusPageVerification
from ..tools.replica import WROTE_LSN_KEY, is_replayed, parse_lsn
from .test_customer_actions import StatusPageActionCommon

RETRY_LOG = "retrying with a read/write cursor"


def make_png():
    data = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 40, 40)).save(data, "PNG")
    return data.getvalue()


class TestReplicaTools(BaseCase):
    def test_parse_lsn(self):
        self.assertEqual(parse_lsn("0/0"), 0)
        self.assertEqual(parse_lsn("0/16B3748"), 0x16B3748)
        self.assertEqual(parse_lsn("1/0"), 1 << 32)
        self.assertEqual(parse_lsn("FFFFFFFF/FFFFFFFF"), (1 << 64) - 1)
        for bad in (None, "", "16B3748", "0/", "/1", "1/2/3", "G/0", 12, "0/1 "):
            with self.subTest(value=bad):
                self.assertIsNone(parse_lsn(bad))

    def test_is_replayed(self):
        self.assertTrue(is_replayed("0/16B3748", "0/16B3748"))
        self.assertTrue(is_replayed("1/0", "0/FFFFFFFF"))
        self.assertFalse(is_replayed("0/FFFFFFFF", "1/0"))
        self.assertFalse(is_replayed("0/A", "0/B"))
        # The primary (no replay position) shows everything.
        self.assertTrue(is_replayed(None, "FFFFFFFF/FFFFFFFF"))
        # A session value that is no position asks for nothing.
        self.assertTrue(is_replayed("0/A", "junk"))
        self.assertTrue(is_replayed("0/A", None))
        # A replica answering junk is not trusted to be caught up.
        self.assertFalse(is_replayed("junk", "0/A"))


@tagged("post_install", "-at_install")
class TestReadOnlyRoutes(StatusPageActionCommon):
    def _routes(self):
        """``{(path, method): readonly}`` of the module's routes."""
        routes = {}
        for controller in (
            StatusPageActions,
            StatusPageAppearanceController,
            StatusPageController,
            StatusPageLive,
            StatusPageOneTap,
            StatusPageRemember,
            StatusPageVerification,
        ):
            for _name, func in inspect.getmembers(controller, inspect.isfunction):
                routing = getattr(func, "original_routing", None)
                if not routing:
                    continue
                for path in routing["routes"]:
                    for method in routing["methods"]:
                        routes[(path, method)] = routing.get("readonly")
        return routes

    def test_every_public_get_is_readonly_every_post_is_not(self):
        routes = self._routes()
        expected = {
            "/status": True,
            "/status/<string:slug>": True,
            "/status/<string:slug>/<string:token>": True,
            "/status/<string:slug>/<string:token>/version": True,
            "/status/<string:slug>/<string:token>/attachment/<int:attachment_id>": (
                True
            ),
            "/status/<string:slug>/logo": True,
            "/status/<string:slug>/code": True,
            "/status/<string:slug>/<string:token>/tap/<string:tap>": True,
        }
        for path, readonly in expected.items():
            with self.subTest(path=path):
                self.assertIs(routes[(path, "GET")], readonly)
        gets = [key for key in routes if key[1] == "GET"]
        posts = [key for key in routes if key[1] == "POST"]
        self.assertGreater(len(posts), 10)
        for key in gets:
            with self.subTest(route=key):
                # Previews write (the sample ticket), as an agent.
                self.assertIs(routes[key], "/preview/" not in key[0])
        for key in posts:
            with self.subTest(route=key):
                self.assertFalse(routes[key])

    def _assert_reads_only(self, path, status=200):
        with patch.object(http._logger, "warning") as warning:
            response = self._get(path)
        self.assertEqual(response.status_code, status, path)
        retries = [
            call for call in warning.call_args_list if RETRY_LOG in str(call.args[0])
        ]
        self.assertFalse(retries, f"{path} wrote on a read-only cursor")
        return response

    def test_read_routes_write_nothing(self):
        self.page.write({"allow_attachment_download": True})
        photo = self._agent_says(
            "<p>photo</p>", attachments=[("photo.png", make_png())]
        ).attachment_ids
        slug = self.page.slug
        # Before any grant: the forms, the dead ends.
        for path, status in (
            ("/status", 200),
            (f"/status/{slug}", 200),
            (self._token_path(), 200),
            ("/status/no-such-page", 404),
            (f"{self._token_path()[:-3]}xyz", 404),
            (f"/status/{slug}/code", 200),
            (f"/status/{slug}/verify", 200),
            (f"{self._token_path()}/version", 404),
            (f"{self._token_path()}/tap/nothing-here", 200),
        ):
            with self.subTest(path=path):
                self._assert_reads_only(path, status)
        self._grant()
        base = self._token_path()
        for path in (
            base,
            base,
            f"{base}/version",
            f"{base}/attachment/{photo.id}",
            f"{base}/attachment/{photo.id}/thumbnail?size=256",
        ):
            with self.subTest(path=path):
                self._assert_reads_only(path)

    def test_visit_is_recorded_by_the_grant_not_by_the_view(self):
        visits = self.env["helpdesk.status.page.visit"].sudo()
        self._assert_reads_only(self._token_path())
        self.assertFalse(visits.search([("ticket_id", "=", self.ticket.id)]))
        self._grant()
        visit = visits.search([("ticket_id", "=", self.ticket.id)])
        self.assertTrue(visit)
        self.ticket.invalidate_recordset(["status_page_last_view"])
        self.assertTrue(self.ticket.status_page_last_view)


@tagged("post_install", "-at_install")
class TestReadYourOwnWrites(StatusPageActionCommon):
    def _session(self):
        return http.root.session_store.get(self.opener.cookies["session_id"])

    def _set_wrote(self, lsn):
        session = self._session()
        session[WROTE_LSN_KEY] = lsn
        http.root.session_store.save(session)

    def _view(self, replayed):
        with (
            patch.object(
                status_page_controller, "replayed_lsn", return_value=replayed
            ) as asked,
            patch.object(http._logger, "warning") as warning,
        ):
            response = self._get(self._token_path())
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_status_timeline", response.text)
        retried = any(RETRY_LOG in str(c.args[0]) for c in warning.call_args_list)
        return asked.call_count, retried

    def test_lagging_replica_falls_back_to_the_primary(self):
        self._grant()
        # No write of this session pending: no question to the replica.
        self.assertEqual(self._view("0/1"), (0, False))
        self._set_wrote("5/0")
        # The replica is behind: Odoo runs the view again on the primary,
        # which is not asked (it shows everything); the position stays.
        self.assertEqual(self._view("4/FFFFFFFF"), (1, True))
        self.assertEqual(self._session().get(WROTE_LSN_KEY), "5/0")
        # Caught up: served on the replica, and the session forgets.
        self.assertEqual(self._view("5/0"), (1, False))
        self.assertNotIn(WROTE_LSN_KEY, self._session())
        self.assertEqual(self._view("0/1"), (0, False))

    def test_replay_position_of_the_primary_is_null(self):
        self.assertIsNone(status_page_controller.replayed_lsn(self.env.cr))

    def test_write_position_is_a_wal_position(self):
        session = {}
        status_page_controller.remember_lsn(self.env.cr, session)
        self.assertIsNotNone(parse_lsn(session[WROTE_LSN_KEY]))

    def test_post_remembers_its_position_only_with_a_replica(self):
        self._grant()
        hooks = []
        real_add = type(self.env.cr.postcommit).add

        def add(callbacks, func):
            hooks.append(func)
            return real_add(callbacks, func)

        for replica, expected in ((False, 0), (True, 1)):
            hooks.clear()
            with (
                patch.object(
                    status_page_controller, "has_replica", return_value=replica
                ),
                patch.object(type(self.env.cr.postcommit), "add", add),
            ):
                self._act("solved" if not replica else "reopen", {"reason": "x"})
            names = [hook.__name__ for hook in hooks]
            self.assertEqual(names.count("remember"), expected, names)
