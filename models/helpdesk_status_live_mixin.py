# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.misc import hmac

VERSION_SCOPE = "helpdesk_mgmt_status_page.version"


class HelpdeskStatusLiveMixin(models.AbstractModel):
    """The opaque version of what a customer sees change on the page: the
    stage, the last status change and the public conversation. The open
    page polls it to offer a refresh. Inherited by ``helpdesk.ticket``."""

    _name = "helpdesk.status.live.mixin"
    _description = "Status Page Live Version"

    def _get_status_version(self, shown=None):
        """A short opaque string, different after a stage move or a public
        message (never after an internal note); writes nothing.

        The state is hashed with the database secret: the version tells
        whether something changed, not how many rows the database holds.

        :param dict shown: the ticket view's values; when they hold the
            last status change and the latest public messages, the version
            is made from them without a query
        :return: 16 hexadecimal characters
        """
        self.ensure_one()
        if shown and "messages" in shown and not shown.get("newer"):
            messages = shown["messages"]
            last_change = shown["last_change"]
            last_message = messages[-1]["id"] if messages else 0
        else:
            last_change, last_message = self._read_status_version_state()
        state = (self.stage_id.id, fields.Datetime.to_string(last_change), last_message)
        return hmac(self.env(su=True), VERSION_SCOPE, state)[:16]

    def _read_status_version_state(self):
        """The last status change (creation when none) and the id of the
        latest public message (0 when none), in one query."""
        self.env["helpdesk.ticket.status.log"].flush_model()
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE((SELECT max(l.date)
                                   FROM helpdesk_ticket_status_log l
                                  WHERE l.ticket_id = t.id), t.create_date),
                       COALESCE((SELECT max(m.id) FROM mail_message m
                                  WHERE m.res_id = t.id AND %(public)s), 0)
                  FROM helpdesk_ticket t
                 WHERE t.id = %(ticket)s
                """,
                public=self._get_public_message_sql(),
                ticket=self.id,
            )
        )
        return self.env.cr.fetchone()
