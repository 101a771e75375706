# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Immutable copies of JSON values, for caches shared by every request."""

from odoo.tools import frozendict


def freeze(value):
    """``value`` (JSON: dicts, lists, scalars) as an immutable copy."""
    if isinstance(value, dict):
        return frozendict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value
