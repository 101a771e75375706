# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.frozen import freeze


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    status_page_id = fields.Many2one(
        "helpdesk.status.page",
        string="Status page",
        check_company=True,
        index="btree_not_null",
        help="Public status page of this team's tickets. Empty: the company's "
        "default status page.",
    )

    @api.constrains("status_page_id", "company_id")
    def _check_status_page_company(self):
        """A page serves only its own company's teams: ``check_company``
        alone checks nothing on a model without ``_check_company_auto``. A
        team without a company serves several companies: no page of one
        company may serve it, each ticket gets its company's default page."""
        teams = self.sudo().filtered(
            lambda team: (
                team.status_page_id
                and team.status_page_id.company_id != team.company_id
            )
        )
        if teams:
            team = teams[0]
            raise ValidationError(
                self.env._(
                    "The status page '%(page)s' belongs to %(page_company)s: it "
                    "cannot serve the team '%(team)s' (%(team_company)s). Link "
                    "a page of the team's company.",
                    page=team.status_page_id.display_name,
                    page_company=team.status_page_id.company_id.display_name,
                    team=team.display_name,
                    team_company=team.company_id.display_name
                    or self.env._("no company"),
                )
            )

    # Cached per server and cleared on change: which page serves each team
    # (helpdesk.status.page._get_routing) and the team's ticket properties.

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("status_page_id") for vals in vals_list):
            self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if {"status_page_id", "ticket_properties"}.intersection(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        if self.filtered("status_page_id"):
            self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache("team_id")
    def _get_status_properties_definition(self, team_id):
        """The ticket properties of team ``team_id``: a status page showing
        properties reads them on every view, an admin rarely edits them.
        Shared by every request of the server, so frozen: a tuple of
        read-only dicts, lists as tuples, that no caller can alter."""
        return freeze(self.sudo().browse(team_id).ticket_properties or [])
