# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Give tickets that existed before the install a status link and history."""
    tickets = env["helpdesk.ticket"].with_context(active_test=False).search([])
    tickets._status_page_backfill()
