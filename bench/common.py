"""What the benchmarks share: Odoo's registry, a browser, the server's request
log, wrk, the peak RSS and the printed table.

Odoo's werkzeug log line ends with "<queries> <query time> <other time>"; the
server time of a request is the sum of the two times.
"""

import json
import re
import resource
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

LINE_RE = re.compile(
    r'"(?P<method>GET|POST) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) - '
    r"(?P<queries>\d+) (?P<qtime>[\d.]+) (?P<rtime>[\d.]+)"
)
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
# Only the ticket view has the timeline: without it, the grant was refused.
TICKET_VIEW_MARK = "o_status_timeline"
# The page's own rate limits would refuse the benchmark's verifications and
# codes after a few runs: raised to the highest values the page accepts.
UNTHROTTLED = {
    "max_requests_per_ip_hour": 10000,
    "max_codes_per_hour": 60,
    "max_failures_per_day": 100,
    "resend_delay": 0,
}
SLEEP_FOR_LOG = 0.5  # the log line is written after the response is sent


# ------------------------------------------------------------
# Odoo
# ------------------------------------------------------------


def open_registry(db, options):
    """The registry of ``db``, Odoo configured by ``options`` (command line)."""
    # Imported here: the report scripts use this module without Odoo.
    import odoo
    from odoo.tools import config

    config.parse_config(["-d", db, "--log-level=warn", *options])
    return odoo.modules.registry.Registry(db)


def add_portal_user(env, partner, name, login):
    """A portal account for ``partner``, its password its login."""
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": name,
            "login": login,
            "password": login,
            "partner_id": partner.id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )


def rss_mb():
    """This process's peak RSS, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# ------------------------------------------------------------
# Browser
# ------------------------------------------------------------


class Client:
    """A browser: one cookie jar, so one Odoo session."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path, data):
        """POST a form, redirects followed; an HTTP error status raises."""
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base_url + path, body, timeout=60) as response:
            return response.read().decode()

    def csrf(self, path):
        return CSRF_RE.search(self.get(path)).group(1)

    def submit(self, form_path, path, data):
        """POST ``data`` to ``path`` with the CSRF token of the form that
        ``form_path`` shows, as the browser sends that form."""
        return self.post(path, {"csrf_token": self.csrf(form_path), **data})

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def portal_client(base_url, login):
    """A browser logged in to the portal as ``login`` (password the same)."""
    client = Client(base_url)
    client.submit("/web/login", "/web/login", {"login": login, "password": login})
    return client


def verify(client, slug, token, contact):
    """Verify with ``contact`` on the ticket's link; the 303 leads to the
    view. Returns the link's path."""
    path = f"/status/{slug}/{token}"
    html = client.submit(path, f"{path}/verify", {"contact": contact})
    if TICKET_VIEW_MARK not in html:
        raise RuntimeError(f"verification refused on {path}")
    return path


# ------------------------------------------------------------
# Request log
# ------------------------------------------------------------


def log_end(logfile):
    with open(logfile, "rb") as log:
        return log.seek(0, 2)


def read_log(logfile, offset, method, path):
    time.sleep(SLEEP_FOR_LOG)
    with open(logfile, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        text = log.read()
    return [
        m
        for m in LINE_RE.finditer(text)
        if m["method"] == method and m["path"].split("?")[0] == path
    ]


def summary(name, entries):
    return {
        "name": name,
        "requests": len(entries),
        "status": sorted({m["status"] for m in entries}),
        "queries": statistics.median(int(m["queries"]) for m in entries),
        "queries_max": max(int(m["queries"]) for m in entries),
        "server_ms": statistics.median(
            (float(m["qtime"]) + float(m["rtime"])) * 1000 for m in entries
        ),
    }


def measure_together(logfile, repeat, pages):
    """GET each of ``pages`` (name, client, path) once to warm the caches,
    then ``repeat`` rounds of one request to each, in turn: a slower moment
    of the machine weighs on every page of a ratio alike."""
    for _name, client, path in pages:
        client.get(path)
    offset = log_end(logfile)
    for _ in range(repeat):
        for _name, client, path in pages:
            client.get(path)
    results = []
    for name, _client, path in pages:
        entries = read_log(logfile, offset, "GET", path)
        if {m["status"] for m in entries} != {"200"}:
            raise RuntimeError(f"{path} answered {[m['status'] for m in entries]}")
        results.append(summary(name, entries))
    return results


def measure_posts(logfile, repeat, flow, posts):
    """Run ``flow`` (a new browser each time) once to warm the caches, then
    ``repeat`` times; one summary per (name, path) POST of ``posts``."""
    flow()
    offset = log_end(logfile)
    for _ in range(repeat):
        flow()
    return [
        summary(name, read_log(logfile, offset, "POST", path)) for name, path in posts
    ]


# ------------------------------------------------------------
# wrk
# ------------------------------------------------------------


def listen_overflows():
    """Connections the kernel turned away since boot because a listening
    socket's accept queue was full (TcpExt ListenOverflows)."""
    with open("/proc/net/netstat", encoding="ascii") as netstat:
        names, values = [line.split() for line in netstat if line.startswith("TcpExt:")]
    return int(values[names.index("ListenOverflows")])


def wrk(url, cookie, connections=32, seconds=30):
    """wrk for ``seconds``: requests/s, non-2xx/3xx answers, socket errors,
    the 99th percentile latency (ms) and the accept-queue overflows
    meanwhile.

    wrk waits up to 30 s for an answer: a connection the kernel made retry
    is slow, not failed, and shows in the p99."""
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    overflows = listen_overflows()
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds * 3 + 30
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "connections": connections,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "listen_overflows": listen_overflows() - overflows,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
    }


# ------------------------------------------------------------
# Report
# ------------------------------------------------------------


def read_jsonl(path):
    """The JSON lines a measurement wrote to ``path`` (a Path)."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def print_table(header, rows):
    """``rows`` in columns under ``header``, then the count of PASS and FAIL
    (each row's last cell); returns the number of FAIL."""
    widths = [max(len(str(r[i])) for r in [*rows, header]) for i in range(len(header))]
    for line in [header, tuple("-" * w for w in widths), *rows]:
        print(
            " | ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True))
        )
    failed = sum(r[-1] == "FAIL" for r in rows)
    print(f"\n{sum(r[-1] == 'PASS' for r in rows)} PASS, {failed} FAIL")
    return failed
