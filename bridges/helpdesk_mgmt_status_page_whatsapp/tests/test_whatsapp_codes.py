# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One-time codes by WhatsApp (issue 26, item 2): the page's authentication
template with a copy-code button, offered on the code step to a customer
verifying with the phone when the page has a WhatsApp gateway; every code
limit shared with the other channels."""

import requests

from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from odoo.addons.helpdesk_mgmt_status_page.tests import test_accessibility as a11y
from odoo.addons.helpdesk_mgmt_status_page.tests.common import StatusPageCommon
from odoo.addons.helpdesk_mgmt_status_page.tests.test_status_page_http import (
    StatusPageHttpCommon,
)
from odoo.addons.sms.tests.common import SMSCase

from ..tools.whatsapp import code_template_payload
from .common_whatsapp import GRAPH_MESSAGES, WhatsappCommon

CHALLENGE_LOGGER = (
    "odoo.addons.helpdesk_mgmt_status_page_whatsapp.models."
    "helpdesk_status_page_challenge"
)


def _payload(code, language="en", name="status_code"):
    """What Meta documents for a copy-code authentication template."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "966501234567",
        "type": "template",
        "template": {
            "name": name,
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


class TestWhatsappCodePayload(BaseCase):
    """The payload, no database."""

    def test_copy_code_payload(self):
        self.assertEqual(
            code_template_payload("966501234567", "status_code", "en", "0042"),
            _payload("0042"),
        )


class WhatsappCodeCommon(WhatsappCommon):
    @classmethod
    def _setup_whatsapp_codes(cls):
        cls.gateway = cls._create_gateway()
        cls.template_en = cls._create_code_template(cls.gateway, "en")
        cls.template_ar = cls._create_code_template(cls.gateway, "ar")
        cls.page.write(
            {
                "verification_method": "code",
                "verification_field": "email_or_phone",
                "whatsapp_gateway_id": cls.gateway.id,
                "whatsapp_template_code_id": cls.template_en.id,
            }
        )
        cls.Challenge = cls.env["helpdesk.status.page.challenge"]

    def _sent_code(self, post):
        """The code of the template ``post`` sent last."""
        return post.call_args.kwargs["json"]["template"]["components"][0]["parameters"][
            0
        ]["text"]


@tagged("post_install", "-at_install")
class TestWhatsappCodes(WhatsappCodeCommon, StatusPageCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_whatsapp_codes()

    def _count(self, model):
        return self.env[model].sudo().search_count([])

    def test_code_sent_as_authentication_template(self):
        before = {m: self._count(m) for m in ("mail.mail", "sms.sms", "mail.message")}
        with self._graph_api() as post:
            challenge = self.Challenge._send_code(
                self.page, self.ticket, "whatsapp", lang="en_US"
            )
        post.assert_called_once()
        code = self._sent_code(post)
        self.assertRegex(code, r"^\d{4}$")
        self.assertEqual(post.call_args.args, (GRAPH_MESSAGES,))
        self.assertEqual(
            post.call_args.kwargs["headers"], {"Authorization": "Bearer token"}
        )
        self.assertEqual(post.call_args.kwargs["json"], _payload(code))
        self.assertEqual(challenge.channel, "whatsapp")
        # Sent straight to Meta: no e-mail, no SMS, no message holding it.
        self.assertEqual(
            before,
            {m: self._count(m) for m in ("mail.mail", "sms.sms", "mail.message")},
        )
        self.assertTrue(self.Challenge._check_code(self.page, self.ticket, code))

    def test_code_template_in_the_page_language(self):
        with self._graph_api() as post:
            self.Challenge._send_code(self.page, self.ticket, "whatsapp", lang="ar_001")
        self.assertEqual(
            post.call_args.kwargs["json"]["template"]["language"], {"code": "ar"}
        )
        # A language without its template: the page's.
        with self._graph_api() as post:
            self.page.resend_delay = 0
            self.Challenge._send_code(self.page, self.ticket, "whatsapp", lang="pl_PL")
        self.assertEqual(
            post.call_args.kwargs["json"]["template"]["language"], {"code": "en"}
        )

    def test_codes_per_hour_shared_with_sms(self):
        self.page.write({"resend_delay": 0, "max_codes_per_hour": 3})
        with self._graph_api() as post, self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
            self.Challenge._send_code(self.page, self.ticket, "whatsapp")
            self.Challenge._send_code(self.page, self.ticket, "phone")
            for kind in ("whatsapp", "phone", "email"):
                with (
                    self.subTest(kind=kind),
                    self.assertRaisesRegex(
                        UserError,
                        "^Too many codes were sent for this ticket; the last one "
                        "went by SMS.",
                    ),
                ):
                    self.Challenge._send_code(self.page, self.ticket, kind)
        self.assertEqual(post.call_count, 1)

    def test_last_code_named_by_whatsapp(self):
        self.page.write({"resend_delay": 0, "max_codes_per_hour": 2})
        with self._graph_api(), self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
            self.Challenge._send_code(self.page, self.ticket, "whatsapp")
            with self.assertRaisesRegex(UserError, "the last one went by WhatsApp"):
                self.Challenge._send_code(self.page, self.ticket, "phone")

    def test_resend_delay_per_channel(self):
        """As e-mail and SMS: a customer whose SMS does not come may ask for
        the code by WhatsApp at once, not twice by WhatsApp."""
        self.page.resend_delay = 60
        with self._graph_api() as post, self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
            self.Challenge._send_code(self.page, self.ticket, "whatsapp")
            with self.assertRaisesRegex(
                UserError,
                r"^A code was just sent by WhatsApp\. You can ask for a new one "
                r"in \d+ seconds\.$",
            ):
                self.Challenge._send_code(self.page, self.ticket, "whatsapp")
        post.assert_called_once()

    def test_only_the_latest_code_works_across_channels(self):
        self.page.resend_delay = 0
        with self._graph_api() as post, self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
            sms_code = self._last_code("sms")
            self.Challenge._send_code(self.page, self.ticket, "whatsapp")
        whatsapp_code = self._sent_code(post)
        if sms_code != whatsapp_code:
            with self.assertRaisesRegex(UserError, "replaced by a newer one"):
                self.Challenge._check_code(self.page, self.ticket, sms_code)
        self.assertTrue(
            self.Challenge._check_code(self.page, self.ticket, whatsapp_code)
        )

    def test_wrong_codes_pause_every_channel(self):
        self.page.write({"resend_delay": 0, "max_failures_per_day": 2})
        # A wrong SMS code earlier today.
        failure = {
            "kind": "failure",
            "page_id": self.page.id,
            "ticket_id": self.ticket.id,
        }
        self.Challenge.sudo().create(failure)
        with self._graph_api() as post:
            self.Challenge._send_code(self.page, self.ticket, "whatsapp")
        wrong = f"{(int(self._sent_code(post)) + 1) % 10000:04d}"
        with self.assertRaisesRegex(UserError, "verification is paused"):
            self.Challenge._check_code(self.page, self.ticket, wrong)
        self.Challenge.sudo().create(failure)
        with self._graph_api() as post, self.mockSMSGateway():
            for kind in ("whatsapp", "phone"):
                with (
                    self.subTest(kind=kind),
                    self.assertRaisesRegex(UserError, "verification is paused"),
                ):
                    self.Challenge._send_code(self.page, self.ticket, kind)
        post.assert_not_called()

    @mute_logger(CHALLENGE_LOGGER)
    def test_refused_by_meta_keeps_the_sms_code(self):
        with self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
        sms_code = self._last_code("sms")
        with self._graph_api(requests.exceptions.HTTPError("400 Bad Request")):
            with self.assertRaisesRegex(
                UserError, "^The code could not be sent by WhatsApp"
            ):
                self.Challenge._send_code(self.page, self.ticket, "whatsapp")
        self.assertFalse(
            self.Challenge.sudo().search(
                [("ticket_id", "=", self.ticket.id), ("channel", "=", "whatsapp")]
            )
        )
        self.assertTrue(self.Challenge._check_code(self.page, self.ticket, sms_code))

    def test_offered_only_for_a_phone_on_a_page_with_gateway(self):
        offered = self.Challenge._is_whatsapp_code_offered
        self.assertTrue(offered(self.page, self.ticket, "phone"))
        # A code to the phone proves nothing about the e-mail typed.
        self.assertFalse(offered(self.page, self.ticket, "email"))
        no_phone = self._create_ticket(partner_id=False, partner_phone=False)
        self.assertFalse(offered(self.page, no_phone, "phone"))
        self.page.whatsapp_template_code_id = False
        self.assertFalse(offered(self.page, self.ticket, "phone"))
        self.page.write(
            {
                "whatsapp_template_code_id": self.template_en.id,
                "whatsapp_gateway_id": False,
            }
        )
        self.assertFalse(offered(self.page, self.ticket, "phone"))
        with self._graph_api() as post:
            with self.assertRaisesRegex(UserError, "cannot be sent by WhatsApp"):
                self.Challenge._send_code(self.page, self.ticket, "whatsapp")
        post.assert_not_called()


@tagged("post_install", "-at_install")
class TestWhatsappCodeStep(WhatsappCodeCommon, StatusPageHttpCommon):
    """The code step's form, over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_whatsapp_codes()

    def _verify_by_phone(self):
        with self.mockSMSGateway():
            html = self._post(
                f"{self._token_path()}/verify", {"contact": "0501234567"}
            ).text
        self.assertIn("We sent a code by SMS to", html)
        return html

    def test_code_step_offers_whatsapp_and_sends_the_code(self):
        html = " ".join(self._verify_by_phone().split())
        base = self._token_path()
        self.assertIn(f'action="{base}/whatsapp"', html)
        self.assertIn("Get the code by WhatsApp instead", html)
        self.assertIn("Send a new code by SMS", html)
        with self._graph_api() as post:
            response = self._post(f"{base}/whatsapp", {}, f"{base}/code")
        self.assertTrue(response.url.endswith(f"{base}/code"))
        post.assert_called_once()
        code = self._sent_code(post)
        self.assertEqual(post.call_args.kwargs["json"], _payload(code))
        html = " ".join(response.text.split())
        self.assertNotIn("alert-danger", html)
        self.assertIn("We sent a new code.", html)
        self.assertIn("We sent a code by WhatsApp to", html)
        self.assertIn("+966 •• ••• 4567", html)
        self.assertIn("Send a new code by WhatsApp", html)
        self.assertIn("WhatsApp messages arrive once your phone is online", html)
        # The resend delay of WhatsApp counts down on its button.
        self.assertRegex(html, r'data-wait="[1-9][0-9]*"> <i class="fa fa-whatsapp')
        response = self._post(f"{base}/code", {"code": code})
        self.assertTrue(response.url.endswith(base))
        self.assertIn("o_status_timeline", response.text)

    def test_whatsapp_too_early_says_so(self):
        base = self._token_path()
        self._verify_by_phone()
        with self._graph_api() as post:
            self._post(f"{base}/whatsapp", {}, f"{base}/code")
            html = self._post(f"{base}/whatsapp", {}, f"{base}/code").text
        post.assert_called_once()
        self.assertIn("A code was just sent by WhatsApp", html)

    def test_code_step_without_gateway_offers_no_whatsapp(self):
        self.page.whatsapp_gateway_id = False
        html = self._verify_by_phone()
        base = self._token_path()
        self.assertNotIn("/whatsapp", html)
        self.assertNotIn("WhatsApp", html)
        self.assertNotIn("by SMS</button>", html)
        with self._graph_api() as post:
            html = self._post(f"{base}/whatsapp", {}, f"{base}/code").text
        post.assert_not_called()
        self.assertIn("Codes cannot be sent by WhatsApp for this request.", html)
        self.assertIn('id="o_status_code"', html)

    def test_code_step_by_email_offers_no_whatsapp(self):
        html = self._post(
            f"{self._token_path()}/verify", {"contact": "customer@example.com"}
        ).text
        self.assertIn("We sent a code by e-mail to", html)
        self.assertNotIn("/whatsapp", html)
        with self._graph_api() as post:
            base = self._token_path()
            html = self._post(f"{base}/whatsapp", {}, f"{base}/code").text
        post.assert_not_called()
        self.assertIn("Codes cannot be sent by WhatsApp for this request.", html)

    def test_get_on_the_form_address_goes_to_the_step(self):
        base = self._token_path()
        response = self._get(f"{base}/whatsapp", redirect=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith(base))
        self._verify_by_phone()
        response = self._get(f"{base}/whatsapp", redirect=False)
        self.assertTrue(response.headers["Location"].endswith(f"{base}/code"))


@tagged("post_install", "-at_install")
class TestWhatsappCodeStepAccessibility(
    WhatsappCodeCommon, a11y.TestStatusPageAccessibility
):
    """axe-core on the code step offering WhatsApp, left to right and right
    to left, then on the step after a code went by WhatsApp. The browser
    helpers are the main module's; its own tests are not run again here
    (Odoo's loader runs the tests a class defines)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_whatsapp_codes()
        # The main module's set-up loads its own Arabic terms only.
        cls.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt_status_page_whatsapp"], ["ar_001"]
        )

    def test_code_step_offering_whatsapp(self):
        for lang in a11y.LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                page.fill("#o_status_contact", "0501234567")
                with self.mockSMSGateway():
                    self._submit(page, ".o_status_form button[type=submit]")
                offer = page.wait_for_selector(".o_status_whatsapp")
                if lang.startswith("ar"):
                    self.assertIn("واتساب", offer.inner_text())
                self._check(page, f"code-whatsapp-offered-{lang}")
                with self._graph_api() as post:
                    self._submit(page, ".o_status_whatsapp")
                post.assert_called_once()
                page.wait_for_selector(".o_status_sent_to")
                self._check(page, f"code-whatsapp-sent-{lang}")
