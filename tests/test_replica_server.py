# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 25, SPEC §17, on real processes: a streaming replica of this
machine's PostgreSQL made by ``scripts/replica.sh`` (``pg_basebackup -R``,
its own port and slot), and an Odoo server started with
``--db_replica_host``/``--db_replica_port`` on the test database.

The data is committed (``RealServerCase``), so the replica has it. The
server's connections log every statement (``PGOPTIONS=-c
log_statement=all``, for its sessions only: nothing changes for the other
users of the cluster); the test reads what each request sent to the
primary (the cluster's log) and to the replica (its ``replica.log``), by
backend pid of the server's connections (``ODOO_PGAPPNAME``).

On the primary, Odoo itself opens one short transaction per request before
it knows the route (``_open_registry`` then ``ir.http._match`` in
``odoo/http.py``): the registry and cache signaling sequences are read
there, on purpose, since sequences are not replicated (SPEC §17). Those
statements (``DISCARD ALL``, psycopg2's reset of a pooled connection;
``BEGIN``; the ``base_registry_signaling`` read; ``ROLLBACK``) are the only
ones a read route may send to the primary."""

import contextlib
import glob
import os
import re
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import psycopg2
import requests

from odoo.tests import tagged

from .common_server import CSRF_RE, RealServerCase
from .test_customer_actions import NONCE_RE

REPLICA_SH = Path(__file__).resolve().parents[1] / "scripts" / "replica.sh"
SOCKET = "/var/run/postgresql"
# Not the script's default (5433): a replica made by hand stays untouched.
REPLICA_PORT = int(os.environ.get("HSP_TEST_REPLICA_PORT", "5441"))
REPLICA_DIR = Path(f"/var/lib/postgresql/hsp-replica-test-{REPLICA_PORT}")
APP_NAME = "hsp-replica-test-{pid}"
# "2026-12-03 15:20:12.797 UTC [6731] root@db LOG:  statement: SELECT 1"
LOG_RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\][^\n]*? LOG:  "
    r"statement: (.*)",
    re.S,
)
RECORD_START_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.M)
# What Odoo sends to the primary for every request, before the route.
REQUEST_START = re.compile(
    r"^(DISCARD ALL|BEGIN\b.*|ROLLBACK"
    r"|SELECT base_registry_signaling\.last_value\b.*)$",
    re.S,
)
WRITE_RE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def _replica_sh(*args, check=True):
    env = {
        **os.environ,
        "HSP_REPLICA_PORT": str(REPLICA_PORT),
        "HSP_REPLICA_DIR": str(REPLICA_DIR),
        "HSP_REPLICA_SOCKET": SOCKET,
    }
    result = subprocess.run(
        ["bash", str(REPLICA_SH), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and result.returncode:
        raise RuntimeError(
            f"replica.sh {' '.join(args)} failed ({result.returncode}): {result.stderr}"
        )
    return result


@tagged("post_install", "-at_install")
class TestRealReplica(RealServerCase):
    """A real replica, a real server; the replica is destroyed (its data and
    replication slot) and the server stopped at the end, even on failure."""

    @classmethod
    def setUpClass(cls):
        # A replica left by an interrupted run goes first (and its slot).
        left = _replica_sh("destroy", check=False)
        if left.returncode == 3:
            raise unittest.SkipTest(left.stderr.strip())
        super().setUpClass()
        cls.addClassCleanup(cls._stop_all)
        _replica_sh("start")
        cls.replica_log = REPLICA_DIR / "replica.log"
        cls.primary_log = cls._primary_log()
        cls.server_log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="hsp-replica-server-", suffix=".log"
        )
        cls.addClassCleanup(cls.server_log.close)
        cls.app_name = APP_NAME.replace("{pid}", str(os.getpid()))
        env = {
            **os.environ,
            "PGOPTIONS": "-c log_statement=all",
            "ODOO_PGAPPNAME": cls.app_name,
        }
        cls.url = cls._start_server(
            workers=0,
            options=(
                f"--db_replica_host={SOCKET}",
                f"--db_replica_port={REPLICA_PORT}",
            ),
            env=env,
            log=cls.server_log,
        )

    @classmethod
    def _stop_all(cls):
        for server in cls.servers:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(30)
        _replica_sh("destroy", check=False)

    @classmethod
    def _primary_log(cls):
        """The primary cluster's log file: the logging collector's, or the
        one Debian's ``pg_ctlcluster`` writes stderr to."""
        with cls._connect() as cnx, cnx.cursor() as cr:
            cr.execute("SELECT pg_current_logfile(), current_setting('port')")
            current, port = cr.fetchone()
            cr.execute("SELECT current_setting('data_directory')")
            data = cr.fetchone()[0]
        if current:
            return Path(current if current.startswith("/") else f"{data}/{current}")
        for line in subprocess.run(
            ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
        ).stdout.splitlines():
            fields = line.split()
            if fields[2] == port:
                return Path(fields[6])
        logs = glob.glob("/var/log/postgresql/*.log")
        raise RuntimeError(f"no log file for the cluster on :{port} in {logs}")

    @classmethod
    def _connect(cls, port=None):
        """A connection of the test (not the server's) to the test database
        on the primary, or on ``port``."""
        options = {"dbname": cls.db}
        if port:
            options.update(host=SOCKET, port=port)
        cnx = psycopg2.connect(**options)
        cnx.autocommit = True
        return contextlib.closing(cnx)

    def _sql(self, query, port=None):
        with self._connect(port) as cnx, cnx.cursor() as cr:
            cr.execute(query)
            return cr.fetchone()[0]

    # ------------------------------------------------------------
    # What the server sent to each cluster
    # ------------------------------------------------------------

    def _server_pids(self, port=None):
        with contextlib.suppress(psycopg2.OperationalError):
            with self._connect(port) as cnx, cnx.cursor() as cr:
                cr.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                    [self.app_name],
                )
                return {row[0] for row in cr.fetchall()}
        return set()

    def _statements_in(self, path, offset, pids):
        with open(path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            text = log.read()
        statements = []
        starts = [m.start() for m in RECORD_START_RE.finditer(text)] + [len(text)]
        for start, end in zip(starts, starts[1:], strict=False):
            match = LOG_RECORD_RE.match(text[start:end])
            if match and int(match.group(1)) in pids:
                statements.append(" ".join(match.group(2).split()))
        return statements

    @contextlib.contextmanager
    def _statements(self):
        """``{"primary": [...], "replica": [...]}``: the statements the
        server sent to each cluster within the block."""
        logs = {"primary": self.primary_log, "replica": self.replica_log}
        ports = {"primary": None, "replica": REPLICA_PORT}
        pids = {name: self._server_pids(ports[name]) for name in logs}
        offsets = {name: path.stat().st_size for name, path in logs.items()}
        sent = {}
        yield sent
        time.sleep(0.3)  # the backends' last lines (ROLLBACK) reach the file
        for name, path in logs.items():
            pids[name] |= self._server_pids(ports[name])
            sent[name] = self._statements_in(path, offsets[name], pids[name])

    def assertRequestStartOnly(self, statements, what):
        others = [s[:160] for s in statements if not REQUEST_START.match(s)]
        self.assertFalse(others, f"{what}: statements on the primary")

    def assertNoWrite(self, statements, what):
        self.assertFalse([s for s in statements if WRITE_RE.match(s)], what)

    # ------------------------------------------------------------
    # The customer
    # ------------------------------------------------------------

    def _path(self, suffix=""):
        return f"{self.url}/status/{self.slug}/{self.token}{suffix}"

    def _wait_replayed(self):
        """Wait until the replica replayed everything written so far."""
        wrote = self._sql("SELECT pg_current_wal_lsn()::text")
        for _try in range(600):
            if self._sql(
                f"SELECT pg_last_wal_replay_lsn() >= '{wrote}'::pg_lsn",
                REPLICA_PORT,
            ):
                return
            time.sleep(0.5)
        raise AssertionError(f"the replica did not replay up to {wrote}")

    def _granted(self):
        """A browser verified by a code (a POST on the primary): the
        statements of that POST."""
        self._set_page(verification_method="code", resend_delay=0)
        browser = self._browser(self.url)
        ask = self._post_form(
            browser,
            self.url,
            f"/status/{self.slug}/{self.token}/verify",
            {"contact": self.email},
        )
        self.assertLess(ask.status_code, 500)
        form = browser.get(self._path(), timeout=60)
        csrf = CSRF_RE.search(form.text).group(1)
        with self._statements() as sent:
            answer = browser.post(
                self._path("/code"),
                data={"csrf_token": csrf, "code": self._last_code()},
                timeout=60,
                allow_redirects=False,
            )
        self.assertEqual(answer.status_code, 303, answer.text[:300])
        return browser, sent

    def _view(self, browser):
        with self._statements() as sent:
            response = browser.get(self._path(), timeout=60)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_status_timeline", response.text)
        return response, sent

    def _reply(self, browser, text):
        """Post ``text`` as the customer; the redirected view's answer and
        the statements of the POST and of that view."""
        view = browser.get(self._path(), timeout=60).text
        with self._statements() as posted:
            answer = browser.post(
                self._path("/reply"),
                data={
                    "csrf_token": CSRF_RE.search(view).group(1),
                    "nonce": NONCE_RE.search(view).group(1),
                    "message": text,
                },
                timeout=60,
                allow_redirects=False,
            )
        self.assertEqual(answer.status_code, 303, answer.text[:300])
        with self._statements() as viewed:
            shown = browser.get(
                requests.compat.urljoin(self.url, answer.headers["Location"]),
                timeout=60,
            )
        self.assertEqual(shown.status_code, 200)
        return shown, posted, viewed

    def _set_delay(self, delay):
        """Set the replica's ``recovery_min_apply_delay``, back to none at
        the end of the test."""
        _replica_sh("delay", delay)
        self.addCleanup(_replica_sh, "delay", "0")
        time.sleep(1)  # the reload reaches the replica's startup process

    def _server_warnings(self):
        self.server_log.flush()
        return Path(self.server_log.name).read_text(errors="replace")

    # ------------------------------------------------------------
    # Tests (in this order: the last one stops the replica)
    # ------------------------------------------------------------

    def test_1_view_and_poll_run_on_the_replica(self):
        browser, sent = self._granted()
        # The verification lands on the primary; the replica writes nothing.
        self.assertTrue([s for s in sent["primary"] if WRITE_RE.match(s)], sent)
        self.assertNoWrite(sent["replica"], "the replica wrote")
        self._wait_replayed()
        self._view(browser)  # the first view asks the replay position
        for _warm in range(2):
            _response, sent = self._view(browser)
        self.assertRequestStartOnly(sent["primary"], "ticket view")
        self.assertTrue(
            [s for s in sent["replica"] if "helpdesk_ticket" in s], sent["replica"]
        )
        with self._statements() as sent:
            poll = browser.get(self._path("/version"), timeout=60)
        self.assertEqual(poll.status_code, 200)
        self.assertTrue(poll.text.strip())
        self.assertRequestStartOnly(sent["primary"], "version poll")
        self.assertTrue(sent["replica"], "the poll read nothing on the replica")
        self.assertNoWrite(sent["replica"], "the poll wrote")

    def test_2_reply_lands_on_the_primary_and_shows_after_replay(self):
        browser, _sent = self._granted()
        # The replica replays this reply only after 2 seconds.
        self._set_delay("2s")
        _shown, posted, _viewed = self._reply(browser, "Replayed reply 8841")
        self.assertTrue(
            [
                s
                for s in posted["primary"]
                if s.startswith('INSERT INTO "mail_message"')
            ],
            posted["primary"],
        )
        self.assertNoWrite(posted["replica"], "the POST wrote on the replica")
        self._wait_replayed()
        response, sent = self._view(browser)
        self.assertIn("Replayed reply 8841", response.text)
        self.assertRequestStartOnly(sent["primary"], "view after replay")

    def test_3_read_your_writes_under_lag(self):
        browser, _sent = self._granted()
        self._wait_replayed()
        self._set_delay("30s")
        before = self._server_warnings().count("retrying with a read/write cursor")
        shown, _posted, viewed = self._reply(browser, "Lagging reply 5127")
        # The replica has not replayed it: the view fell back to the primary.
        self.assertIn("Lagging reply 5127", shown.text)
        self.assertFalse(
            self._sql(
                "SELECT count(*) FROM mail_message"
                " WHERE body LIKE '%Lagging reply 5127%'",
                REPLICA_PORT,
            ),
            "the replica already had the reply: no lag to show",
        )
        self.assertTrue(
            [s for s in viewed["primary"] if "helpdesk_ticket" in s], viewed
        )
        after = self._server_warnings().count("retrying with a read/write cursor")
        self.assertEqual(after, before + 1, self._server_warnings()[-2000:])
        # Until the replica catches up, every read of this browser does so.
        poll = browser.get(self._path("/version"), timeout=60)
        self.assertEqual(poll.status_code, 200)

    def test_4_replica_stopped_mid_run(self):
        browser, _sent = self._granted()
        self._wait_replayed()
        self._view(browser)
        _replica_sh("stop")
        for _try in range(3):
            _response, sent = self._view(browser)
            self.assertFalse(sent["replica"])
            self.assertTrue(
                [s for s in sent["primary"] if "helpdesk_ticket" in s], sent
            )
            poll = browser.get(self._path("/version"), timeout=60)
            self.assertEqual(poll.status_code, 200, poll.text[:300])
        # Writes go on, on the primary.
        shown, _posted, _viewed = self._reply(browser, "Reply without replica")
        self.assertIn("Reply without replica", shown.text)
        self.assertNotIn(" 500 ", self._server_warnings())
        stranger = requests.get(self._path(), timeout=60)
        self.assertEqual(stranger.status_code, 200)
