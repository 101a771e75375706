# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from datetime import datetime

import pytz

from odoo import api, fields, models
from odoo.osv import expression

from ..tools.working_days import (
    get_local_date,
    get_local_dates,
    get_promise_day,
    get_search_window,
)

# OPEN_STATUSES: the team still owes the customer an answer.
from .helpdesk_ticket_status_log import FINISHING_STATUSES, OPEN_STATUSES

LATE_BATCH_SIZE = 200


class HelpdeskStatusPromiseMixin(models.AbstractModel):
    """The answer a ticket's status page promises, whether it is running
    late, and the one "running late" message per promise. Inherited by
    ``helpdesk.ticket``.
    """

    _name = "helpdesk.status.promise.mixin"
    _description = "Status Page Promise"

    status_late_notified_promise = fields.Datetime(
        string="Running late notice sent for",
        copy=False,
        readonly=True,
        help="Promise the customer was told is running late: a new promise "
        "may be apologised for again, the same one never.",
    )

    # ------------------------------------------------------------
    # Promise
    # ------------------------------------------------------------

    def _get_status_promises(self):
        """The promised answer of each ticket, by its page's rule, in a
        constant number of queries for the whole batch.

        :return: ``{ticket_id: promise}``: a ``date`` (answer within that
            day), a naive UTC ``datetime``, or ``False`` (no promise)
        """
        promises = dict.fromkeys(self.ids, False)
        for page, tickets in self.grouped("status_page_id").items():
            if page.promise_mode == "field":
                fname = page.promise_field_id.name
                # An uninstalled module may take the field with it.
                if fname in tickets._fields:
                    promises.update((ticket.id, ticket[fname]) for ticket in tickets)
            elif page.promise_mode == "days":
                for calendar, group in tickets.grouped(
                    lambda t, page=page: page.promise_day_kind == "working"
                    and t._get_status_promise_calendar()
                ).items():
                    promises.update(group._get_status_day_promises(page, calendar))
        return promises

    def _get_status_promise_calendar(self):
        """Working hours the promise counts in: the team's where the team
        has some (``helpdesk_mgmt_sla`` adds them), else the company's."""
        self.ensure_one()
        team = self.team_id
        calendar = "resource_calendar_id" in team._fields and team.resource_calendar_id
        return calendar or self.company_id.resource_calendar_id

    def _get_status_day_promises(self, page, calendar):
        """Promises ``page.promise_days`` days after creation: the local day
        of creation plus that many calendar days, or that many working days
        of ``calendar`` after it. A calendar without working days (deleted,
        emptied) counts calendar days.

        :return: ``{ticket_id: date}``
        """
        days = page.promise_days
        created = {
            ticket.id: ticket._get_status_local_date(
                ticket.create_date, calendar.tz if calendar else None
            )
            for ticket in self
        }
        working_days = calendar and self._get_status_working_days(
            calendar, min(created.values()), max(created.values()), days
        )
        return {
            ticket_id: get_promise_day(day, days, working_days)
            for ticket_id, day in created.items()
        }

    @api.model
    def _get_status_working_days(self, calendar, first, last, days):
        """Sorted local days with working hours in ``calendar``, after
        ``first`` and far enough after ``last`` to hold ``days`` of them,
        public holidays left out; one read of the calendar for any batch."""
        zone = pytz.timezone(calendar.tz or "UTC")
        start, end = get_search_window(first, last, days, zone)
        intervals = calendar._work_intervals_batch(start, end, tz=zone)[False]
        return get_local_dates((interval[0] for interval in intervals), zone)

    def _get_status_local_date(self, value, tz=None):
        """Day of the naive UTC ``value`` in ``tz``, by default the page's."""
        self.ensure_one()
        return get_local_date(value, tz or self._get_status_page_tz())

    def _is_status_promise_past(self, promise, now=None):
        """Whether ``promise`` is over: a datetime once passed, a day once
        over in the page's time zone."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        if isinstance(promise, datetime):
            return now > promise
        return self._get_status_local_date(now) > promise

    def _is_status_open(self):
        """Whether the team still owes the customer an answer."""
        self.ensure_one()
        return (self.stage_id.main_status or "received") in OPEN_STATUSES

    def _get_status_promise_values(self, timeline, tz):
        """The promise block of the public view, or what became of the
        request, told as the timeline tells it: "Resolved on" only when the
        timeline's Resolved step is done, "Closed on" when its Closed step
        is, and an earlier resolution undone by a re-opening as the history
        the timeline shows.

        :param list timeline: steps of ``_get_status_timeline``, with their
            ``history_display``
        :param str tz: the page's time zone
        :return: dict with ``promise`` and ``promise_display``/``_iso``,
            ``late``, ``outcome`` (list of dicts with ``status``, ``label``,
            ``date_display``, ``date_iso``) and ``reopened``
            (the history lines of the re-opening)
        """
        self.ensure_one()
        reopened = [
            step["history_display"] for step in timeline if step["history_display"]
        ]
        if self.stage_id.closed or not self._is_status_open():
            outcome = [
                {
                    "status": step["status"],
                    "label": step["label"],
                    "date_display": self._format_status_time(step["date"], tz),
                    "date_iso": step["date"].isoformat() + "Z",
                }
                for step in timeline
                if step["status"] in FINISHING_STATUSES
                and step["state"] in ("done", "current")
                and step["date"]
            ]
            return {"promise": False, "outcome": outcome, "reopened": reopened}
        promise = self._get_status_promises()[self.id]
        if not promise:
            return {"promise": False, "reopened": reopened}
        if isinstance(promise, datetime):
            display, iso = self._format_status_time(promise, tz), promise.isoformat()
            iso += "Z"
        else:
            display, iso = self._format_status_date(promise), promise.isoformat()
        return {
            "promise": promise,
            "promise_display": display,
            "promise_iso": iso,
            "late": self._is_status_promise_past(promise),
            "reopened": reopened,
        }

    # ------------------------------------------------------------
    # Running late
    # ------------------------------------------------------------

    @api.model
    def _get_status_late_domain(self):
        """Open tickets of the pages that tell customers when running late."""
        pages = self.env["helpdesk.status.page"].search(
            [("notify_late", "=", True), ("promise_mode", "!=", "none")]
        )
        if not pages:
            return expression.FALSE_DOMAIN
        defaults = pages.filtered("is_default")
        return expression.AND(
            [
                [("stage_id.main_status", "in", OPEN_STATUSES)],
                expression.OR(
                    [
                        [("team_id.status_page_id", "in", pages.ids)],
                        [
                            ("company_id", "in", defaults.company_id.ids),
                            "|",
                            ("team_id", "=", False),
                            ("team_id.status_page_id", "=", False),
                        ],
                    ]
                ),
            ]
        )

    @api.model
    def _cron_notify_late(self, batch_size=LATE_BATCH_SIZE):
        """Tell the customers of open tickets past their promise, once per
        promise, ``batch_size`` tickets at a time; each batch is committed,
        so a timeout loses no message sent."""
        domain = self._get_status_late_domain()
        Cron = self.env["ir.cron"]
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        remaining = self.with_context(active_test=False).search_count(domain)
        done, last_id = 0, 0
        while True:
            batch = self.with_context(active_test=False).search(
                expression.AND([domain, [("id", ">", last_id)]]),
                order="id",
                limit=batch_size,
            )
            if not batch:
                break
            batch._notify_status_late()
            last_id = batch[-1].id
            done, remaining = done + len(batch), max(remaining - len(batch), 0)
            Cron._notify_progress(done=done, remaining=remaining)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _notify_status_late(self):
        """Send the "running late" message to these tickets' customers where
        the promise is past and not apologised for yet, and remember it.
        A disabled page sends nothing and remembers nothing."""
        now = fields.Datetime.now()
        promises = self._get_status_promises()
        late = self.filtered(
            lambda t: t.status_page_id.active
            and promises[t.id]
            and t._is_status_promise_past(promises[t.id], now)
            and t.status_late_notified_promise
            != fields.Datetime.to_datetime(promises[t.id])
        )
        if not late:
            return late
        late._send_status_notifications("late")
        for ticket in late.sudo():
            ticket.status_late_notified_promise = fields.Datetime.to_datetime(
                promises[ticket.id]
            )
        return late
