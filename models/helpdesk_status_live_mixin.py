# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools.misc import hmac

VERSION_SCOPE = "helpdesk_mgmt_status_page.version"


class HelpdeskStatusLiveMixin(models.AbstractModel):
    """The opaque version of what a customer sees change on the page: the
    stage, the status history and the public conversation. The open page
    polls it to offer a refresh. Inherited by ``helpdesk.ticket``."""

    _name = "helpdesk.status.live.mixin"
    _description = "Status Page Live Version"

    def _get_status_version(self):
        """A short opaque string, different after a stage move or a public
        message (never after an internal note); one query, no write.

        Ids are hashed with the database secret: the version tells whether
        something changed, not how many rows the database holds.
        """
        self.ensure_one()
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        self.env.cr.execute(
            """
            SELECT t.stage_id,
                   (SELECT max(l.id) FROM helpdesk_ticket_status_log l
                     WHERE l.ticket_id = t.id),
                   (SELECT max(m.id) FROM mail_message m
                     WHERE m.model = 'helpdesk.ticket' AND m.res_id = t.id
                       AND m.subtype_id = %s AND NOT coalesce(m.is_internal, FALSE)
                       AND m.message_type IN ('comment', 'email'))
              FROM helpdesk_ticket t
             WHERE t.id = %s
            """,
            [comment, self.id],
        )
        state = self.env.cr.fetchone()
        return hmac(self.env(su=True), VERSION_SCOPE, state)[:16]
