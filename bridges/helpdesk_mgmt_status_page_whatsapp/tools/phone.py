# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure rules on phone numbers for WhatsApp: no ORM."""

import phonenumbers

# Number types WhatsApp may be on: mobile numbers, and those a country's
# numbering plan does not tell from landlines (the US, Canada).
MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def is_mobile_number(e164):
    """Whether the E.164 number ``e164`` may be a mobile number: not a
    landline, toll-free or other number WhatsApp is never on.

    :param str e164: ``+966501234567``; empty or unreadable is not mobile
    """
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in MOBILE_TYPES
