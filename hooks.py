# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2.extras import execute_values


def post_init_hook(env):
    """Give tickets that existed before the install a status link and history."""
    tickets = env["helpdesk.ticket"].with_context(active_test=False).search([])
    backfill_status_pages(tickets)


def uninstall_hook(env):
    """Remove the pages' "Track my request" website menu entries (records
    of a model of another module), and drop what the ORM does not own: the
    expression indexes of the ticket number (see ``helpdesk.ticket.init``),
    and the lock table of earlier versions, made by hand before the ORM
    owned it."""
    env["website.menu"].sudo().search([("status_page_id", "!=", False)]).unlink()
    env.cr.execute(
        """
        DROP INDEX IF EXISTS helpdesk_ticket_number_key_index;
        DROP INDEX IF EXISTS helpdesk_ticket_number_digits_index;
        DROP INDEX IF EXISTS helpdesk_ticket_upper_number_index;
        DROP TABLE IF EXISTS helpdesk_status_page_challenge_lock;
        """
    )


def backfill_status_pages(tickets):
    """Status links and a first history row for tickets made before install.

    Done in SQL, in two statements, so that installing on a database with
    many tickets stays fast.
    """
    if not tickets:
        return
    cr = tickets.env.cr
    cr.execute(
        "SELECT id FROM helpdesk_ticket WHERE id IN %s AND status_token IS NULL",
        [tuple(tickets.ids)],
    )
    missing_token = [row[0] for row in cr.fetchall()]
    if missing_token:
        execute_values(
            cr._obj,
            """
            UPDATE helpdesk_ticket t SET status_token = v.token
            FROM (VALUES %s) AS v(id, token) WHERE t.id = v.id
            """,
            [
                (ticket_id, tickets._generate_status_token())
                for ticket_id in missing_token
            ],
            page_size=1000,
        )
    cr.execute(
        """
        INSERT INTO helpdesk_ticket_status_log
            (ticket_id, date, stage_id, stage_name, main_status,
             create_uid, create_date, write_uid, write_date)
        SELECT t.id, COALESCE(t.last_stage_update, t.create_date, NOW()),
               t.stage_id, s.name->>'en_US',
               COALESCE(s.main_status, 'received'),
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM helpdesk_ticket t
          LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
         WHERE t.id IN %(ids)s
           AND NOT EXISTS (
               SELECT 1 FROM helpdesk_ticket_status_log l WHERE l.ticket_id = t.id
           )
        """,
        {"uid": tickets.env.uid, "ids": tuple(tickets.ids)},
    )
    tickets.invalidate_model(["status_token", "status_log_ids"])
