# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_customer_actions import PNG, StatusPageActionCommon

ACTIONS = ("reply", "solved", "rate", "reopen")


@tagged("post_install", "-at_install")
class TestActionSecurity(StatusPageActionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket.stage_id = cls.stage_awaiting
        cls.other = cls._create_ticket(name="Other customer's ticket")
        cls.other.stage_id = cls.stage_awaiting

    def _state(self):
        tickets = self.ticket | self.other
        return (
            self.env["mail.message"].search_count(
                [("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
            ),
            tickets.mapped("stage_id"),
            self.env["rating.rating"].search_count([]),
            tickets.mapped("status_solved_confirmed"),
        )

    def _post_raw(self, path, data):
        csrf = self._form_tokens()[0]
        return self.url_open(
            path, data={"csrf_token": csrf, **data}, allow_redirects=False
        )

    def test_no_grant_revoked_grant_and_other_ticket(self):
        before = self._state()
        for action in ACTIONS:
            response = self._act(
                action, {"message": "x", "reason": "x"}, nonce="n" * 20
            )
            self.assertEqual(response.status_code, 404)
        self._grant()
        # Granted for this ticket, not the other one.
        for action in ACTIONS:
            response = self._post_raw(
                f"{self._token_path(self.other)}/{action}",
                {"message": "x", "reason": "x", "nonce": "n" * 20},
            )
            self.assertEqual(response.status_code, 404)
        # Revoked: a contact change voids the grant for good.
        self.ticket.partner_email = "new@example.com"
        self.ticket.partner_email = "customer@example.com"
        response = self._act("reply", {"message": "x"}, nonce="m" * 20)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._state(), before)

    def test_no_csrf_and_get_change_nothing(self):
        self._grant()
        before = self._state()
        for action in ACTIONS:
            path = f"{self._token_path()}/{action}"
            response = self.url_open(
                path, data={"message": "x", "nonce": "n" * 20}, allow_redirects=False
            )
            self.assertIn(response.status_code, (400, 403))
            response = self._get(f"{path}?message=x&reason=x&rating=5&nonce={'n' * 20}")
            self.assertEqual(response.status_code, 405)
        self.assertEqual(self._state(), before)

    def test_script_in_message_and_file_name_is_escaped(self):
        self._grant()
        self.page.allow_attachment_download = True
        self._act(
            "reply",
            {"message": '<script>alert("x")</script><img src=x onerror=alert(1)>'},
            files=[("files", ("<img src=x onerror=alert(2)>.png", PNG, "image/png"))],
        )
        message = self._customer_messages()
        self.assertIn("&lt;script&gt;", message.body)
        self.assertNotIn("<img", message.body)
        self.assertEqual(
            message.attachment_ids.name, "<img src=x onerror=alert(2)>.png"
        )
        html = self._get(self._token_path()).text
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<img src=x", html)
        self.assertIn("&lt;img src=x onerror=alert(2)&gt;.png", html)

    def test_disguised_big_and_too_many_files_are_refused(self):
        self._grant()
        exe = b"MZ\x90\x00\x03" + b"\x00" * 100
        cases = [
            ([("files", ("invoice.pdf", exe, "application/pdf"))], "cannot be sent"),
            ([("files", ("tool.exe", exe, "application/pdf"))], "cannot be sent"),
            (
                [("files", ("big.pdf", b"%PDF-1.4" + b"0" * (11 * 2**20), "x/y"))],
                "too big",
            ),
            (
                [("files", (f"p{i}.png", PNG, "image/png")) for i in range(6)],
                "Too many files",
            ),
        ]
        for files, error in cases:
            with self.subTest(error=error, name=files[0][1][0]):
                response = self._act("reply", {"message": "See files"}, files=files)
                self.assertEqual(response.status_code, 303)
                view = self._get(self._token_path()).text
                self.assertIn(error, view)
                self.assertIn("See files", view)  # kept
        self.assertFalse(self._customer_messages())
        self.assertEqual(self.ticket.stage_id, self.stage_awaiting)

    def test_eleventh_reply_in_an_hour_is_refused(self):
        self.page.customer_reply = "open"
        self._grant()
        for index in range(11):
            self._act("reply", {"message": f"Reply {index}"})
        self.assertEqual(len(self._customer_messages()), 10)
        view = self._get(self._token_path()).text
        self.assertIn("many messages in the last hour", view)
        self.assertIn("Reply 10", view)

    def test_other_tickets_message_attachment_by_id(self):
        self.page.allow_attachment_download = True
        theirs = self._agent_says(
            "Yours", ticket=self.other, attachments=[("their.pdf", b"%PDF-1.4 x")]
        )
        note = self.ticket.message_post(
            body="Note",
            subtype_xmlid="mail.mt_note",
            attachments=[("note.pdf", b"%PDF-1.4 y")],
        )
        self._grant()
        for attachment in theirs.attachment_ids | note.attachment_ids:
            response = self._get(f"{self._token_path()}/attachment/{attachment.id}")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn(b"%PDF", response.content)
