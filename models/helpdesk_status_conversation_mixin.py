# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL, email_normalize

from .helpdesk_status_view_mixin import sanitize_html

CONVERSATION_PAGE_SIZE = 20


class HelpdeskStatusConversationMixin(models.AbstractModel):
    """The public conversation of a ticket as its status page shows it,
    and whether the customer's last message is unanswered. Inherited by
    ``helpdesk.ticket``.
    """

    _name = "helpdesk.status.conversation.mixin"
    _description = "Status Page Conversation"

    status_customer_replied = fields.Boolean(
        string="Customer replied",
        compute="_compute_status_customer_replied",
        search="_search_status_customer_replied",
        help="The last public message of the ticket is the customer's: it "
        "waits for an answer.",
    )

    @api.model
    def _get_public_message_sql(self):
        """Which messages of a ticket (alias ``m``) the customer sees:
        comments (agents' replies sent to the customer, the customer's
        e-mails and page replies), never notes, tracking, notifications nor
        the one-time codes (queued as bare mails, which are no comments)."""
        return SQL(
            """
            m.model = 'helpdesk.ticket'
            AND m.subtype_id = %s
            AND m.message_type IN ('comment', 'email')
            AND NOT COALESCE(m.is_internal, FALSE)
            """,
            self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
        )

    @api.model
    def _query_customer_replied(self, ids=None):
        """Tickets whose last public message is from their contact, in one
        query (among ``ids`` when given)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id FROM helpdesk_ticket t
                  JOIN LATERAL (
                      SELECT m.author_id FROM mail_message m
                       WHERE m.res_id = t.id AND %(public)s
                       ORDER BY m.id DESC LIMIT 1
                  ) last ON last.author_id = t.partner_id
                 WHERE %(all)s OR t.id = ANY(%(ids)s)
                """,
                public=self._get_public_message_sql(),
                all=ids is None,
                ids=ids or [0],
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _compute_status_customer_replied(self):
        self.flush_model(["partner_id"])
        self.env["mail.message"].flush_model()
        ids = [ticket_id for ticket_id in self.ids if isinstance(ticket_id, int)]
        replied = set(self._query_customer_replied(ids)) if ids else set()
        for ticket in self:
            ticket.status_customer_replied = ticket.id in replied

    def _search_status_customer_replied(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        self.env["mail.message"].flush_model()
        self.flush_model(["partner_id"])
        ids = self._query_customer_replied()
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _is_status_customer(self, author_id, email_from):
        """Whether a message of this author is the customer's own."""
        self.ensure_one()
        if self.partner_id:
            return author_id == self.partner_id.id
        return bool(
            email_from
            and email_normalize(email_from) == email_normalize(self.partner_email)
        )

    def _get_status_conversation(self, page, before=None):
        """The public messages the page shows, oldest first: the latest
        ``CONVERSATION_PAGE_SIZE``, or those before message ``before``.
        One query whatever the number of messages and files.

        :param page: the ``helpdesk.status.page`` showing the ticket
        :param int before: show the page of messages older than this id
        :return: dict with ``messages`` (list of dicts: ``id``, ``author``,
            ``is_customer``, ``date``, ``body`` (sanitized Markup),
            ``attachments`` ``[(id, name)]``), ``older`` (id to pass as
            ``before`` for older messages, or False), ``latest_agent``
        """
        self.ensure_one()
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.body, m.date, m.author_id, m.email_from, p.name,
                       COALESCE((
                           SELECT json_agg(json_build_array(a.id, a.name)
                                           ORDER BY a.id)
                             FROM message_attachment_rel r
                             JOIN ir_attachment a ON a.id = r.attachment_id
                            WHERE r.message_id = m.id
                              AND a.res_model = 'helpdesk.ticket'
                              AND a.res_id = m.res_id
                              AND a.res_field IS NULL AND a.type = 'binary'
                       ), '[]')
                  FROM mail_message m
                  LEFT JOIN res_partner p ON p.id = m.author_id
                 WHERE m.res_id = %(ticket)s AND %(public)s AND m.id < %(before)s
                 ORDER BY m.id DESC LIMIT %(limit)s
                """,
                ticket=self.id,
                public=self._get_public_message_sql(),
                before=before or 2**31 - 1,
                limit=CONVERSATION_PAGE_SIZE + 1,
            )
        )
        rows = self.env.cr.fetchall()
        older = len(rows) > CONVERSATION_PAGE_SIZE
        rows = rows[:CONVERSATION_PAGE_SIZE][::-1]
        tz = self._get_status_page_tz()
        messages = []
        for msg_id, body, date, author_id, email_from, name, files in rows:
            is_customer = self._is_status_customer(author_id, email_from)
            if is_customer:
                author = self.env._("You")
            elif page.agent_display == "agent" and (name or email_from):
                author = name or email_from
            else:
                # Read only when shown: one query less on most views.
                author = self.team_id.name or self.company_id.name
            messages.append(
                {
                    "id": msg_id,
                    "author": author,
                    "is_customer": is_customer,
                    "date": self._format_status_time(date, tz),
                    "body": sanitize_html(body or ""),
                    "attachments": [tuple(file) for file in files],
                }
            )
        agents = [message for message in messages if not message["is_customer"]]
        return {
            "messages": messages,
            "older": older and messages[0]["id"],
            "newer": bool(before),
            "latest_agent": agents[-1] if agents else False,
        }
