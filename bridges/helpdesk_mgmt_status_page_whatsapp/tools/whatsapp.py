# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""WhatsApp Cloud API payloads and what an incoming message says."""

from datetime import datetime, timezone

from odoo.addons.helpdesk_mgmt_status_page.tools.code import to_ascii_digits
from odoo.addons.helpdesk_mgmt_status_page.tools.number import number_key


def code_template_payload(to, template_name, language, code):
    """The Graph API ``/messages`` payload of an authentication template
    with a copy-code button, as Meta documents it: the code is the body's
    one parameter and the parameter of the button (a URL button, index 0).

    :param str to: the recipient, E.164 digits without ``+``
    :param str template_name: the template's name at Meta
    :param str language: the template's language code (``en``, ``ar``)
    :param str code: the one-time code
    """
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template_name,
            "language": {"code": language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": code}]},
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": 0,
                    "parameters": [{"type": "text", "text": code}],
                },
            ],
        },
    }


def wa_id_to_e164(wa_id):
    """A sender's WhatsApp id (its number's digits with the country code,
    ``966501234567``) in E.164 (``+966501234567``); empty when it holds no
    digit."""
    digits = "".join(ch for ch in str(wa_id or "") if ch.isdigit())
    return f"+{digits}" if digits else ""


def sent_at(timestamp, now):
    """When a message was sent, as naive UTC: its ``timestamp`` (seconds
    since the epoch, as the webhook gives it), never later than ``now``;
    ``now`` when it cannot be read."""
    try:
        when = datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(when.replace(tzinfo=None), now)


def named_number(text, numbers):
    """The ticket number among ``numbers`` that ``text`` starts with, read
    as customers type numbers (``HT00012``, ``#ht12:``, ``HT-12``); bare
    digits only after ``#`` (``#12``: a message may start with a count).
    Empty when the first word names none of them.

    :param str text: the customer's message, plain text
    :param numbers: ticket numbers, as stored
    """
    words = (text or "").split(maxsplit=1)
    if not words:
        return ""
    word = words[0]
    key = number_key(word)
    if not key:
        return ""
    for number in numbers:
        if key == number_key(number):
            return number
        digits = "".join(ch for ch in to_ascii_digits(number) if ch.isdigit())
        if word.startswith("#") and key.isdigit() and key == digits.lstrip("0"):
            return number
    return ""
