# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

PROMISE_FIELD_TYPES = ("date", "datetime")
MINUTES_PER_DAY = 24 * 60


class HelpdeskStatusPagePromiseMixin(models.AbstractModel):
    """When a status page promises an answer, what it says when the promise
    slips, and when its SMS keep quiet. Inherited by ``helpdesk.status.page``.
    """

    _name = "helpdesk.status.page.promise.mixin"
    _description = "Status Page Promise and Quiet Hours"

    promise_mode = fields.Selection(
        [
            ("none", "No promise"),
            ("days", "A number of days after creation"),
            ("field", "A date field of the ticket"),
        ],
        string="Promise",
        required=True,
        default="none",
        help="What the page promises while a ticket is open: 'We will answer "
        "by ...'. Days count from the ticket's creation; a field is a date the "
        "team sets or computes (e.g. an SLA deadline).",
    )
    promise_days = fields.Integer(
        string="Promised within (days)",
        default=14,
        help="Days after creation the answer is promised by, e.g. 14 calendar "
        "days for consumer complaints.",
    )
    promise_day_kind = fields.Selection(
        [("calendar", "Calendar days"), ("working", "Working days")],
        string="Count",
        required=True,
        default="calendar",
        help="Working days follow the working hours of the team (when the "
        "team has working hours, e.g. with the SLA module), else of the "
        "company, public holidays included; without working hours, calendar "
        "days are counted.",
    )
    promise_field_id = fields.Many2one(
        "ir.model.fields",
        string="Promise field",
        domain=[
            ("model", "=", "helpdesk.ticket"),
            ("ttype", "in", PROMISE_FIELD_TYPES),
        ],
        ondelete="set null",
        help="Date or date-and-time field of the ticket holding the promised "
        "date. A ticket where it is empty shows no promise.",
    )
    notify_late = fields.Boolean(
        string="Tell customers when running late",
        help="Once per promise, send the customer an apology with the status "
        "link when an open ticket passes its promised date, by the page's "
        "channel.",
    )
    mail_template_late_id = fields.Many2one(
        "mail.template",
        string="E-mail when running late",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_running_late", False
        ),
        help="Sent once per promise when an open ticket passes its promise.",
    )
    sms_template_late_id = fields.Many2one(
        "sms.template",
        string="SMS when running late",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_running_late", False
        ),
        help="Sent once per promise when an open ticket passes its promise.",
    )
    quiet_start = fields.Float(
        string="Quiet hours from",
        default=0.0,
        help="Status SMS due from this hour, in the customer's time zone (else "
        "the page's), wait until quiet hours end. E-mails and one-time codes "
        "are never held. Equal start and end: no quiet hours.",
    )
    quiet_end = fields.Float(
        string="Quiet hours until",
        default=0.0,
        help="End of quiet hours; earlier than the start means the next "
        "morning (e.g. 22:00 to 07:00).",
    )

    @api.constrains("promise_mode", "promise_days", "promise_field_id")
    def _check_promise(self):
        for page in self:
            if page.promise_mode == "days" and not 1 <= page.promise_days <= 3650:
                raise ValidationError(
                    self.env._(
                        "The promise must be between 1 and 3650 days (it is %(days)s).",
                        days=page.promise_days,
                    )
                )
            field = page.promise_field_id
            if page.promise_mode == "field" and not (
                field.model == "helpdesk.ticket" and field.ttype in PROMISE_FIELD_TYPES
            ):
                raise ValidationError(
                    self.env._(
                        "Choose a date or date-and-time field of the ticket "
                        "for the promise."
                    )
                )

    @api.constrains("quiet_start", "quiet_end")
    def _check_quiet_hours(self):
        # Checked as the form shows them, to the minute: 23.995 would read
        # "24:00", which is no time of day.
        for page in self:
            if not all(
                0 <= hour < 24 and round(hour * 60) < MINUTES_PER_DAY
                for hour in (page.quiet_start, page.quiet_end)
            ):
                raise ValidationError(
                    self.env._("Quiet hours are times of day, between 00:00 and 23:59.")
                )

    @api.model
    def _get_quiet_minute(self, hour):
        """Minute of the day of a quiet hours bound, rounded as the form
        shows it; a bound saved before the check above that rounds to
        24:00 is midnight."""
        return round(hour * 60) % MINUTES_PER_DAY

    def _get_quiet_hours_end(self, now, tz):
        """When quiet hours end, if ``now`` falls inside them.

        :param datetime now: naive UTC
        :param str tz: the customer's time zone
        :return: naive UTC end of the current quiet hours, or ``None`` when
            ``now`` is outside them or the page has none
        """
        self.ensure_one()
        start = self._get_quiet_minute(self.quiet_start)
        end = self._get_quiet_minute(self.quiet_end)
        if start == end:
            return None
        zone = pytz.timezone(tz)
        local = pytz.utc.localize(now).astimezone(zone)
        minute = local.hour * 60 + local.minute + local.second / 60
        if start < end:
            inside, day = start <= minute < end, local.date()
        else:
            # Spans midnight: before the end it is the night that began
            # yesterday, and it ends this morning; after the start, tomorrow.
            inside = minute >= start or minute < end
            day = local.date() + timedelta(days=1 if minute >= start else 0)
        if not inside:
            return None
        end_local = zone.localize(datetime.combine(day, time(*divmod(end, 60))))
        return end_local.astimezone(pytz.utc).replace(tzinfo=None)
