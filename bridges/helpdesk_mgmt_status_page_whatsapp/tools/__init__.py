# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure rules of the WhatsApp bridge: plain Python, no ORM, no database
(unit-tested by ``tests/test_whatsapp_tools.py`` without one)."""

from . import whatsapp
from . import phone
