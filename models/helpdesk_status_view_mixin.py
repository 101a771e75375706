# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools

from markupsafe import Markup

from odoo import api, models
from odoo.tools import (
    SQL,
    format_date,
    format_datetime,
    formatLang,
    html_sanitize,
    is_html_empty,
)
from odoo.tools.misc import babel_locale_parse

from .helpdesk_ticket_stage import MAIN_STATUSES
from .helpdesk_ticket_status_log import FINISHING_STATUSES

# Bodies longer than this are sanitized on each view, never remembered:
# the cache holds at most SANITIZE_CACHE_SIZE bodies of this size.
SANITIZE_CACHE_MAX_LENGTH = 20_000
SANITIZE_CACHE_SIZE = 512


@functools.lru_cache(maxsize=SANITIZE_CACHE_SIZE)
def _sanitize_html_cached(html):
    return Markup(html_sanitize(html))


def sanitize_html(html):
    """``html`` sanitized again for a customer, as Markup: a translation or
    a body may come from anywhere (import, SQL, another module). Remembered,
    as every reload shows the same bodies (the result only depends on
    ``html``), unless very large: the cache stays a few megabytes at most."""
    if html and len(html) > SANITIZE_CACHE_MAX_LENGTH:
        return Markup(html_sanitize(html))
    return _sanitize_html_cached(html)


@functools.cache
def date_pattern(lang):
    """The locale's medium date: unambiguous in every language."""
    return babel_locale_parse(lang).date_formats["medium"].pattern


@functools.cache
def time_pattern(lang):
    """The locale's medium date and short time, as portal templates show
    times (seconds mean nothing to a customer)."""
    locale = babel_locale_parse(lang)
    return locale.datetime_formats["medium"].format(
        locale.time_formats["short"].pattern, date_pattern(lang)
    )


class HelpdeskStatusViewMixin(models.AbstractModel):
    """What the public ticket view shows, formatted for the customer:
    timeline, last update, fields, properties and attachments, in the
    page's time zone. Inherited by ``helpdesk.ticket``.
    """

    _name = "helpdesk.status.view.mixin"
    _description = "Status Page Ticket View"

    def _get_status_timeline(self):
        """The main statuses of the customer timeline, for one ticket.

        A step before the current one is ``done``, the current one ``current``,
        later ones ``upcoming`` without a time. A finished ticket (a stage of
        helpdesk_mgmt marked ``closed``) has nothing to come: its current step
        is ``done``, the steps after it are left out, and a step before it
        that the ticket never reached is ``skipped`` (a ticket cancelled while
        new is "Closed", never "Resolved").

        A re-opening (from resolved or closed back to an open status) undoes
        the resolution: the finishing steps only count what happened since,
        and one reached before it carries it as ``history`` ("Resolved on X,
        reopened on Y"), shown under the step, upcoming or skipped again.

        :return: list of dicts with ``status``, ``label``, ``state``,
            ``current``, ``date`` and ``history`` (``(date, reopened)`` or
            False), and the time of the last status change (the history's
            last row)
        """
        self.ensure_one()
        labels = (
            self.status_page_id._get_main_status_labels()
            if self.status_page_id
            else dict(MAIN_STATUSES)
        )
        dates = self.env["helpdesk.ticket.status.log"]._get_status_dates(self)[self.id]
        reached = dict(dates["first"])
        for status in FINISHING_STATUSES:
            reached.pop(status, None)
            if status in dates["since_reopened"]:
                reached[status] = dates["since_reopened"][status]
        # A ticket is received when it is created, history or not.
        reached.setdefault("received", self.create_date)
        statuses = [status for status, _label in MAIN_STATUSES]
        current_index = statuses.index(self.stage_id.main_status or "received")
        finished = self.stage_id.closed
        if finished:
            statuses = statuses[: current_index + 1]
        timeline = []
        for index, status in enumerate(statuses):
            if index > current_index:
                state = "upcoming"
            elif finished and status not in reached:
                state = "skipped"
            elif index < current_index or finished:
                state = "done"
            else:
                state = "current"
            undone = (
                state in ("upcoming", "skipped")
                and status in FINISHING_STATUSES
                and dates["reopened"]
            )
            timeline.append(
                {
                    "status": status,
                    "label": labels[status],
                    "state": state,
                    "current": index == current_index,
                    "date": reached.get(status)
                    if state in ("done", "current")
                    else False,
                    "history": undone
                    and status in dates["last"]
                    and (dates["last"][status], dates["reopened"]),
                }
            )
        return timeline, dates["last_change"] or self.create_date

    @api.model
    def _format_status_history(self, step, tz):
        """What a timeline step undone by a re-opening says: "Resolved on X,
        reopened on Y"; False for a step without such history."""
        if not step["history"]:
            return False
        date, reopened = (
            self._format_status_time(value, tz) for value in step["history"]
        )
        if step["status"] == "resolved":
            return self.env._(
                "Resolved on %(date)s, reopened on %(reopened)s.",
                date=date,
                reopened=reopened,
            )
        return self.env._(
            "Closed on %(date)s, reopened on %(reopened)s.",
            date=date,
            reopened=reopened,
        )

    def _get_status_page_tz(self):
        """Time zone of the page: the assigned agent's, else the company's,
        else UTC."""
        self.ensure_one()
        return self.status_page_tz

    def _get_status_page_attachments(self):
        """The ticket's files customers may download (see
        ``_query_status_page_attachments``), in one query.

        :return: ``{id: name}``, in upload order
        """
        self.ensure_one()
        return self._query_status_page_attachments()

    def _query_status_page_attachments(self, include_shared=True):
        """The stored files of these tickets that reached their customer:
        those of public messages (see ``_get_public_message_sql``, the
        customer's replies included) and those made with the ticket, by the
        request that created it (an e-mail, the website form) and in no
        other message; with ``include_shared``, also those an agent shared
        on the status page. Never files added in the chatter or generated
        later, those of notes or of other records, nor of binary fields.

        :return: ``{id: name}``, in upload order
        """
        self.env["ir.attachment"].flush_model(
            ["res_model", "res_id", "res_field", "type", "status_page_shared"]
        )
        self.env["mail.message"].flush_model()
        self.flush_model(["create_date", "create_uid"])
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, a.name FROM ir_attachment a
                  JOIN helpdesk_ticket t ON t.id = a.res_id
                 WHERE a.res_model = 'helpdesk.ticket' AND a.res_id = ANY(%(tickets)s)
                   AND a.res_field IS NULL AND a.type = 'binary'
                   AND (
                       (%(shared)s AND a.status_page_shared)
                       OR EXISTS (
                           SELECT 1 FROM message_attachment_rel r
                             JOIN mail_message m ON m.id = r.message_id
                            WHERE r.attachment_id = a.id AND m.res_id = a.res_id
                              AND %(public)s
                       )
                       OR (
                           a.create_date = t.create_date
                           AND a.create_uid IS NOT DISTINCT FROM t.create_uid
                           AND NOT EXISTS (
                               SELECT 1 FROM message_attachment_rel r
                                WHERE r.attachment_id = a.id
                           )
                       )
                   )
                 ORDER BY a.id
                """,
                tickets=self.ids,
                shared=include_shared,
                public=self._get_public_message_sql(),
            )
        )
        return dict(self.env.cr.fetchall())

    def _format_status_field(self, field, tz):
        """Customer-facing text of one of the ticket's fields (Markup for
        HTML fields, sanitized again)."""
        value = self[field.name]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if not value and field.type not in ("integer", "float", "monetary"):
            return "—"
        if field.type == "html":
            return sanitize_html(value)
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type in ("float", "monetary"):
            currency = field.type == "monetary" and field.get_currency_field(self)
            return formatLang(
                self.env, value, currency_obj=currency and self[currency] or None
            )
        if field.type == "date":
            return self._format_status_date(value)
        if field.type == "datetime":
            return self._format_status_time(value, tz)
        if field.type == "many2one":
            return value.display_name
        if field.type == "many2many":
            return ", ".join(value.mapped("display_name"))
        return str(value)

    @api.model
    def _format_status_property(self, prop, tz):
        """Customer-facing text of one property of ``read(['properties'])``."""
        value = prop.get("value")
        kind = prop.get("type")
        if kind == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if value in (False, None, "", []):
            return "—"
        if kind == "date":
            return self._format_status_date(value)
        if kind == "datetime":
            return self._format_status_time(value, tz)
        if kind == "many2one":
            return value[1]
        if kind == "many2many":
            return ", ".join(name for _id, name in value)
        if kind in ("selection", "tags"):
            labels = {
                option[0]: option[1]
                for option in prop.get(kind if kind == "selection" else "tags") or []
            }
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(labels.get(v, v)) for v in values)
        return str(value)

    @api.model
    def _format_status_date(self, value):
        """``value`` (date or ``YYYY-MM-DD``) in the locale's medium date."""
        return format_date(
            self.env, value, date_format=date_pattern(self.env.lang or "en_US")
        )

    @api.model
    def _format_status_time(self, value, tz):
        """``value`` (naive UTC, datetime or string) in time zone ``tz`` (UTC
        when unknown), in the context's language."""
        return format_datetime(
            self.env, value, tz or "UTC", time_pattern(self.env.lang or "en_US")
        )

    def _read_status_properties(self):
        """The ticket's properties as ``read`` gives them (definition, value,
        display names), with the team's definition from cache: a page showing
        properties reads no team."""
        self.ensure_one()
        field = self._fields["properties"]
        definition = self.env["helpdesk.ticket.team"]._get_status_properties_definition(
            self.team_id.id
        )
        # The cached definition is frozen: each property is copied before
        # its value and display names are added to it.
        values = self.properties or {}
        properties = [
            {**prop, "value": values.get(prop["name"])} for prop in definition
        ]
        field._parse_json_types(
            properties, self.env, field._get_res_ids_per_model(self, [properties])
        )
        field._add_display_name(properties, self.env)
        return properties

    def _get_status_page_fields(self, page, tz):
        """``[(label, value)]`` of the fields the page shows."""
        self.ensure_one()
        lines = self.env["helpdesk.status.page.field"]._get_shown_lines(page.id)
        properties = {}
        if any(self._fields[name].type == "properties" for name, _p, _l in lines):
            properties = {prop["name"]: prop for prop in self._read_status_properties()}
        result = []
        for field_name, property_name, label in lines:
            field = self._fields[field_name]
            if field.type == "properties":
                prop = properties.get(property_name)
                if prop:
                    label = label or prop.get("string") or property_name
                    result.append((label, self._format_status_property(prop, tz)))
                continue
            result.append((label, self._format_status_field(field, tz)))
        return result

    def _get_status_page_values(self, page):
        """Everything the public ticket view shows, formatted for the
        customer, in the page's time zone.

        :param page: the ``helpdesk.status.page`` serving the ticket
        """
        self.ensure_one()
        tz = self._get_status_page_tz()

        def when(value):
            return self._format_status_time(value, tz) if value else "—"

        steps, last_change = self._get_status_timeline()
        timeline = [
            dict(
                step,
                date_display=when(step["date"]),
                history_display=self._format_status_history(step, tz),
            )
            for step in steps
        ]
        description = self.description
        return {
            "ticket": self,
            "number": self.number,
            "status_label": self.stage_id.customer_status_label,
            "status_description": self.stage_id.customer_description,
            "last_change": last_change,
            "last_update": when(last_change),
            "timeline": timeline,
            "description": (
                sanitize_html(description) if not is_html_empty(description) else False
            ),
            "fields": self._get_status_page_fields(page, tz),
            "attachments": (
                self._get_status_page_attachments()
                if page.allow_attachment_download
                else {}
            ),
            "tz": tz,
            **self._get_status_promise_values(timeline, tz),
        }
