# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

ALLOWED_FIELD_TYPES = (
    "char",
    "text",
    "html",
    "selection",
    "boolean",
    "integer",
    "float",
    "monetary",
    "date",
    "datetime",
    "many2one",
    "many2many",
    "properties",
)
# Ticket fields never shown to customers, whatever their type.
DENIED_FIELD_NAMES = {
    "notes",
    "status_token",
    "access_token",
    "access_url",
    "access_warning",
    "message_follower_ids",
    "message_partner_ids",
    "message_ids",
    "website_message_ids",
    "message_main_attachment_id",
    "user_ids",
    "create_uid",
    "write_uid",
    "status_log_ids",
    "attachment_ids",
    # Bookkeeping of the back office, meaningless to a customer.
    "active",
    "color",
    "kanban_state",
    "sequence",
    "has_message",
}
DENIED_FIELD_PREFIXES = (
    "message_",
    "activity_",
    "access_",
    "rating_",
    "status_",
    "__",
)
DENIED_FIELD_SUFFIXES = ("_token", "_secret", "password")


class HelpdeskStatusPageField(models.Model):
    _name = "helpdesk.status.page.field"
    _description = "Status Page Field"
    _order = "page_id, sequence, id"

    # === FIELDS ===#

    page_id = fields.Many2one(
        "helpdesk.status.page", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="page_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Ticket field",
        required=True,
        ondelete="cascade",
        # Evaluated when the form loads, not per line: a new line's computed
        # values start empty in the web client, a picker must not.
        domain=lambda self: self._get_field_id_domain(),
    )
    # Stored so that the public page reads its lines in one query.
    field_name = fields.Char(string="Field name", related="field_id.name", store=True)
    property_name = fields.Selection(
        selection="_selection_property_name",
        string="Property",
        help="Ticket property to show, among those defined on the helpdesk "
        "teams (only with the 'Properties' field).",
    )
    label = fields.Char(
        translate=True, help="Label shown to customers; empty: the field's label."
    )

    # === SELECTION AND DOMAIN METHODS ===#

    @api.model
    def _selection_property_name(self):
        """The ticket properties defined on the teams, by technical name;
        the label names the team, as two teams may define the same label."""
        choices = {}
        teams = self.env["helpdesk.ticket.team"].sudo().search([])
        for team in teams:
            for prop in team.ticket_properties or []:
                label = prop.get("string") or prop["name"]
                choices.setdefault(prop["name"], f"{label} ({team.name})")
        return sorted(choices.items(), key=lambda choice: choice[1].lower())

    @api.model
    def _get_allowed_fields(self):
        """The ticket fields customers may see: what the picker offers."""
        return (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("ttype", "in", ALLOWED_FIELD_TYPES),
                ]
            )
            .filtered(self._is_field_allowed)
        )

    @api.model
    def _get_field_id_domain(self):
        return [("id", "in", self._get_allowed_fields().ids)]

    # === CONSTRAINT METHODS ===#

    @api.constrains("field_id", "property_name")
    def _check_field_id(self):
        for line in self:
            field = line.field_id
            if field.model != "helpdesk.ticket" or not line._is_field_allowed(field):
                raise ValidationError(
                    self.env._(
                        "The field '%(field)s' cannot be shown to customers: "
                        "only simple fields that hold no internal or secret "
                        "data are allowed.",
                        field=field.field_description or field.name,
                    )
                )
            if field.ttype == "properties":
                choices = dict(self._selection_property_name())
                if line.property_name not in choices:
                    raise ValidationError(
                        self.env._(
                            "Choose which ticket property to show in "
                            "'Property', among those defined on the helpdesk "
                            "teams."
                        )
                    )
            elif line.property_name:
                raise ValidationError(
                    self.env._("'Property' only goes with the Properties field.")
                )

    # === CRUD METHODS ===#

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    def _update_field_translations(
        self, field_name, translations, digest=None, source_lang=None
    ):
        # Odoo's update_field_translations always passes source_lang.
        self.env.registry.clear_cache()
        return super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )

    # === BUSINESS METHODS: WHAT CUSTOMERS MAY SEE ===#

    @api.model
    def _is_field_allowed(self, field):
        """Whether an ``ir.model.fields`` record may be shown to customers."""
        return not field.groups and self._is_ticket_field_allowed(field.name)

    @api.model
    def _is_ticket_field_allowed(self, name):
        """Whether the ticket field ``name`` may be shown to customers, from
        the field's definition in memory (no query, checked at every render)."""
        model_field = self.env["helpdesk.ticket"]._fields.get(name)
        if not model_field or model_field.groups:
            return False
        if model_field.type not in ALLOWED_FIELD_TYPES:
            return False
        if name in DENIED_FIELD_NAMES or name.startswith(DENIED_FIELD_PREFIXES):
            return False
        return not name.endswith(DENIED_FIELD_SUFFIXES)

    # Every view of every ticket of a page reads the same lines, which
    # change only when an admin edits them (hence the cache cleared in CRUD).

    @api.model
    @tools.ormcache("page_id", "self.env.lang")
    def _get_shown_lines(self, page_id):
        """The lines of page ``page_id`` customers may see, in order, as
        ``(field_name, property_name, label)`` in the current language
        (``label`` of a property line empty: the property's own)."""
        lines = self.sudo().search_fetch(
            [("page_id", "=", page_id)], ["field_name", "property_name", "label"]
        )
        ticket_fields = self.env["helpdesk.ticket"]._fields
        return tuple(
            (
                line.field_name,
                line.property_name or False,
                line.label
                or (
                    not line.property_name
                    and ticket_fields[line.field_name]._description_string(self.env)
                ),
            )
            for line in lines
            if self._is_ticket_field_allowed(line.field_name)
        )
