"""The table of bench/million.sh: each figure at the smallest and at the
largest size, against /web/login of the same run, with SPEC §17's targets.

Usage: python bench/million_report.py OUT_DIR SIZE...
"""

import sys
from pathlib import Path

from common import print_table, read_jsonl

CUSTOMER_ROUTES = [
    "view small",
    "view large",
    "version poll",
    "look-up by token (form)",
    "look-up by number",
    "verification POST",
    "code-sending POST",
]
# SPEC §17 (ratios of server time to /web/login's, at the largest size) and
# §9 (20 queries for a verification POST on a real server).
RATIO_TARGETS = {"view small": 0.8, "view large": 0.8, "version poll": 0.25}
POST_QUERY_BUDGET = 20
CUSTOMER_REPLIED_MS = 200
# A cron's memory is bounded when the largest run's peak stays within this
# much of the smallest's: a batch's records, not the database's.
RSS_SLACK_MB = 100


def read(path):
    return read_jsonl(path) if path.exists() else []


def by_name(rows):
    return {row["name"]: row for row in rows}


def fmt_size(size):
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def load(out, sizes):
    data = {}
    for size in sizes:
        folder = out / str(size)
        data[size] = {
            "http": by_name(read(folder / "http.jsonl")),
            "backend": by_name(read(folder / "backend.jsonl")),
            "cron": by_name(read(folder / "cron.jsonl")),
            "wrk": by_name(read(folder / "wrk.jsonl")),
            "plans": read(folder / "plans.jsonl"),
            "build": read(folder / "build.jsonl"),
        }
    return data


class Rows(list):
    def add(self, name, first, last, ratio, target, ok):
        result = "-" if ok is None else ("PASS" if ok else "FAIL")
        self.append((name, first, last, ratio, target, result))


def http_rows(row, s, big):
    login_s = s["http"].get("/web/login", {}).get("server_ms")
    login_l = big["http"].get("/web/login", {}).get("server_ms")
    for name in CUSTOMER_ROUTES + ["/web/login", "/web/health", "/my/ticket (portal)"]:
        a, b = s["http"].get(name), big["http"].get(name)
        if not (a and b):
            row(name, "not measured", "", "", "", False)
            continue
        same = a["queries_max"] == b["queries_max"]
        budget = name in CUSTOMER_ROUTES and name.endswith("POST")
        row(
            f"{name}: queries",
            f"{a['queries_max']}",
            f"{b['queries_max']}",
            "-",
            "same as 1k" + (f", <= {POST_QUERY_BUDGET}" if budget else "")
            if name in CUSTOMER_ROUTES
            else "(reference)",
            (same and (not budget or b["queries_max"] + 0 <= POST_QUERY_BUDGET))
            if name in CUSTOMER_ROUTES
            else None,
        )
        ratio = b["server_ms"] / login_l
        target = RATIO_TARGETS.get(name)
        row(
            f"{name}: server ms",
            f"{a['server_ms']:.1f} ({a['server_ms'] / login_s:.2f}x)",
            f"{b['server_ms']:.1f}",
            f"{ratio:.2f}x",
            f"<= {target}x /web/login" if target else "(reported)",
            ratio <= target if target else None,
        )


def backend_rows(row, s, big):
    for name in (
        "customer replied search",
        "customer replied list (web_search_read)",
        "ticket list (web_search_read)",
    ):
        a, b = s["backend"].get(name), big["backend"].get(name)
        if not (a and b):
            row(name, "not measured", "", "", "", False)
            continue
        replied = name.startswith("customer replied search")
        row(
            f"{name}: ms, queries",
            f"{a['server_ms']:.1f}, {a['queries']} q ({a['found']} found)",
            f"{b['server_ms']:.1f}, {b['queries']} q ({b['found']} found)",
            "-",
            f"<= {CUSTOMER_REPLIED_MS} ms" if replied else "(reported)",
            b["server_ms"] <= CUSTOMER_REPLIED_MS if replied else None,
        )


def span(values):
    """``min-max`` of ``values``, one figure when they are all equal."""
    if not values:
        return "-"
    return "-".join(map(str, sorted({min(values), max(values)})))


def per_sent(run, late):
    """Queries per batch: for the running-late cron, those of the batches
    that send messages (however many), after the first one, and those of
    the batches that send none; for the others, of every batch."""
    if late and "sending_batch_queries" in run:
        told = f"idle {span(run['idle_batch_queries'])} q"
        if run["first_sending_batch_queries"] is None:
            return told
        return (
            f"sending {span(run['sending_batch_queries'])} q"
            f" ({span(run['sent_per_batch'])} sent; first"
            f" {run['first_sending_batch_queries']} q), {told}"
        )
    return ", ".join(
        f"{'-'.join(map(str, sorted({min(v), max(v)})))} q"
        + (f" ({sent} sent)" if late else "")
        for sent, v in run["queries_by_sent"].items()
    )


def constant_batches(run, late):
    """The rule: a running-late batch that sends costs one number of
    queries whatever it sends, one that sends nothing one smaller number;
    another cron's batches all cost the same."""
    if late and "sending_batch_queries" in run:
        sending, idle = run["sending_batch_queries"], run["idle_batch_queries"]
        return (
            len(sending) <= 1
            and len(idle) <= 1
            and not (sending and idle and idle[0] >= sending[0])
        )
    counts = {q for v in run["queries_by_sent"].values() for q in v}
    return len(counts) <= 1


def cron_rows(row, s, big):
    for name in ("cron late", "cron purge"):
        a, b = s["cron"].get(name), big["cron"].get(name)
        if not (a and b):
            row(name, "not measured", "", "", "", False)
            continue

        late = name == "cron late"
        row(
            f"{name}: queries per batch",
            f"{per_sent(a, late)}; {a['batches']} batches",
            f"{per_sent(b, late)}; {b['batches']} batches, {b['seconds']:.0f} s",
            "-",
            "one figure sending, one smaller idle" if late else "constant",
            constant_batches(b, late),
        )
        row(
            f"{name}: peak RSS (MB)",
            f"{a['peak_rss_mb']} (after batch 1: {a['rss_after_first_mb']})",
            f"{b['peak_rss_mb']} (after batch 1: {b['rss_after_first_mb']})",
            "-",
            f"<= 1k + {RSS_SLACK_MB} MB",
            b["peak_rss_mb"] <= a["peak_rss_mb"] + RSS_SLACK_MB,
        )


def wrk_rows(row, s, big):
    login_w = big["wrk"].get("wrk /web/login")
    for name in ("wrk view large", "wrk version poll", "wrk /web/login"):
        a, b = s["wrk"].get(name), big["wrk"].get(name)
        if not (a and b and login_w):
            row(name, "not measured", "", "", "", False)
            continue
        row(
            f"{name}, 16 conn.: req/s",
            f"{a['rps']:.0f} ({a['errors'] + a['socket_errors']} err.)",
            f"{b['rps']:.0f} ({b['errors'] + b['socket_errors']} err.)",
            f"{b['rps'] / login_w['rps']:.2f}x",
            "no error",
            not (b["errors"] or b["socket_errors"]),
        )


def main():
    out = Path(sys.argv[1])
    sizes = [int(size) for size in sys.argv[2:]]
    small, large = sizes[0], sizes[-1]
    data = load(out, sizes)
    rows = Rows()
    row = rows.add
    for part in (http_rows, backend_rows, cron_rows, wrk_rows):
        part(row, data[small], data[large])
    for size in (small, large):
        plans = data[size]["plans"]
        seq = [plan for plan in plans if not plan["index"]]
        row(
            f"plans reading a big table, {fmt_size(size)}",
            f"{len(plans)} queries",
            f"{len(seq)} with a Seq Scan",
            "-",
            "index scans only",
            bool(plans) and not seq,
        )
    header = (
        "measurement",
        fmt_size(small),
        fmt_size(large),
        f"{fmt_size(large)} / login",
        "target",
        "result",
    )
    failed = print_table(header, rows)
    for size in (small, large):
        for build in data[size]["build"]:
            print(
                f"build {fmt_size(size)}: {build['rows']}, {build['db_mb']} MB, "
                f"{build['total']:.0f} s"
            )
    for size in (small, large):
        for plan in data[size]["plans"]:
            if not plan["index"]:
                print(
                    f"\nSeq Scan at {fmt_size(size)}: {plan['query']}\n{plan['plan']}"
                )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
