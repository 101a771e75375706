# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import MissingError
from odoo.tools.misc import hmac

from ..tools.session import (
    FLASH_KEY,
    PENDING_KEY,
    PROOF_KEY,
    SESSION_PREFIX,
    is_grant_current,
)

# What a refused form may carry to the page it redirects to: its message,
# a notice ("sent", "resent") and what the customer typed (never a code);
# on the ticket view, the ticket it is for and the typed message, reason or
# comment of a customer action, or the follow-up question.
FLASH_FIELDS = ("error", "notice", "number", "contact")
FLASH_FIELDS += ("ticket", "message", "reason", "comment", "question")
GRANT_SCOPE = "helpdesk_mgmt_status_page.grant"


class HelpdeskStatusGrant(models.AbstractModel):
    """What a browser's session holds on the status page: the tickets it
    was verified for (grants) and the code it is waiting for (pending).

    A grant is bound to one ticket, to the page that made it and that
    page's verification settings, and to the ticket's access version, which
    a new link or a contact change bumps for good. Methods take the session
    (``request.session``, or any dict in tests).
    """

    _name = "helpdesk.status.grant"
    _description = "Status Page Access Grants"

    @api.model
    def _grant_key(self, ticket):
        return f"{SESSION_PREFIX}grant_{ticket.id}"

    @api.model
    def _grant_fingerprint(self, page, ticket):
        return self._hash_grant(
            ticket.id,
            ticket.sudo().status_access_version,
            page.id,
            page.verification_field,
            page.verification_method,
        )

    @api.model
    def _hash_grant(self, ticket_id, access_version, page_id, field, method):
        """What a grant is bound to (see ``_grant_fingerprint``), from the
        values themselves: the version poll reads them in its one query."""
        state = (ticket_id, access_version, page_id, field, method)
        return hmac(self.env(su=True), GRANT_SCOPE, state)

    @api.model
    def _grant(self, session, page, ticket):
        """Let this session see ``ticket`` through ``page``; the session id
        is renewed, so that an id planted before verification opens nothing.
        The customer's visit is recorded here, on this POST: the views that
        follow are read-only (SPEC §17)."""
        session[self._grant_key(ticket)] = {
            "fingerprint": self._grant_fingerprint(page, ticket),
            "issued": fields.Datetime.to_string(fields.Datetime.now()),
        }
        session.pop(PENDING_KEY, None)
        ticket._touch_status_page_view()
        if hasattr(session, "should_rotate"):
            session.should_rotate = True

    @api.model
    def _is_granted(self, session, page, ticket):
        """Whether ``session`` may see ``ticket`` through ``page`` now."""
        return bool(
            ticket
            and page._is_ticket_reachable(ticket)
            and is_grant_current(
                session.get(self._grant_key(ticket)),
                self._grant_fingerprint(page, ticket),
                page.grant_lifetime,
                fields.Datetime.now(),
            )
        )

    @api.model
    def _set_pending(self, session, page, ticket, channel):
        """Remember that this session waits for a code sent by ``channel``."""
        session[PENDING_KEY] = {
            "page_id": page.id,
            "ticket_id": ticket.id,
            "channel": channel,
        }

    @api.model
    def _get_pending(self, session, page, ticket=None):
        """The ticket this session is entering a code for, and the channel
        of that code; an empty ticket when none (or not that ``ticket``)."""
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        pending = session.get(PENDING_KEY)
        if not (isinstance(pending, dict) and pending.get("page_id") == page.id):
            return Ticket, None
        ticket_id = pending.get("ticket_id")
        found = Ticket.browse(ticket_id if isinstance(ticket_id, int) else []).exists()
        if not page._is_ticket_reachable(found) or (ticket and found != ticket):
            return Ticket, None
        return found, pending.get("channel")

    @api.model
    def _clear_pending(self, session):
        """Drop the pending verification ("Use another e-mail or phone")."""
        session.pop(PENDING_KEY, None)

    @api.model
    def _set_flash(self, session, **values):
        """Keep ``values`` (see ``FLASH_FIELDS``) for the next page this
        session opens: a POST answers with a redirect (post/redirect/get),
        its message travels in the session, never in the URL."""
        session[FLASH_KEY] = {
            key: str(value).replace("\x00", "")
            for key, value in values.items()
            if key in FLASH_FIELDS
        }

    @api.model
    def _pop_flash(self, session):
        """What the previous POST left for this page, once: a reload shows
        the page without it."""
        flash = session.pop(FLASH_KEY, None)
        return flash if isinstance(flash, dict) else {}

    @api.model
    def _forget(self, session):
        """Drop every grant and pending code of this session (sign out)."""
        for key in [key for key in session if key.startswith(SESSION_PREFIX)]:
            session.pop(key)

    # === BUSINESS METHODS: REMEMBERED CONTACT ===#

    @api.model
    def _set_proof(self, session, page, ticket, kind):
        """Remember in ``session`` that the contact of ``kind`` of
        ``ticket`` was just proved by a code on ``page``: the key of "Your
        requests". Bound like a grant (the ticket's access version, the
        page's verification settings, the page's verified access hours)."""
        if page.verification_method != "code":
            return
        session[PROOF_KEY] = {
            "page_id": page.id,
            "ticket_id": ticket.id,
            "kind": kind,
            "fingerprint": self._grant_fingerprint(page, ticket),
            "issued": fields.Datetime.to_string(fields.Datetime.now()),
        }

    @api.model
    def _get_session_proof(self, session):
        """The contact this session proved by a code, while it holds:
        ``(page, ticket, kind)``; None otherwise."""
        proof = session.get(PROOF_KEY)
        if not (isinstance(proof, dict) and proof.get("kind") in ("email", "phone")):
            return None
        page_id, ticket_id = proof.get("page_id"), proof.get("ticket_id")
        if not (isinstance(page_id, int) and isinstance(ticket_id, int)):
            return None
        # Browsed, not checked with exists(): usually the page and ticket
        # on screen, already read; a deleted one raises when read.
        page = self.env["helpdesk.status.page"].sudo().browse(page_id)
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(active_test=False)
            .browse(ticket_id)
        )
        try:
            valid = (
                page.active
                and page.verification_method == "code"
                and is_grant_current(
                    proof,
                    self._grant_fingerprint(page, ticket),
                    page.grant_lifetime,
                    fields.Datetime.now(),
                )
            )
        except MissingError:
            return None
        return (page, ticket, proof["kind"]) if valid else None

    @api.model
    def _get_proof(self, session, page, website, device_token=None):
        """The contact this browser proved by a code, usable on ``page``:
        from the session (a code entered on a page of the same company and
        website), else from this page's remembered device.

        :param str device_token: the device cookie sent with the request
        :return: dict with ``page`` (where the code was entered),
            ``ticket`` (the ticket verified), ``kind``, ``contact`` (as
            verification normalizes it), ``pages`` (whose tickets it
            opens, see ``_get_contact_pages``) and ``device`` (whether the
            browser holds a device cookie); None when there is no proof
        """
        Device = self.env["helpdesk.status.page.device"].sudo()
        found = self._get_session_proof(session)
        pages = found and found[0]._get_contact_pages(found[2], website)
        if found and page not in pages:
            found = None
        # The session's proof spares the device's look-up.
        device = (
            Device._find(page, device_token) if device_token and not found else Device
        )
        if device:
            found = (device.page_id, device.ticket_id, device.contact_kind)
            pages = device.page_id._get_contact_pages(device.contact_kind, website)
        if not found:
            return None
        origin, ticket, kind = found
        contact = origin._get_stored_contact(ticket, kind)
        if not contact:
            return None
        return {
            "page": origin,
            "ticket": ticket,
            "kind": kind,
            "contact": contact,
            "pages": pages,
            # The browser holds a device cookie of this page: offer to
            # forget it.
            "device": bool(device_token),
        }

    @api.model
    def _sign_out_everywhere(self, session, proof, website):
        """ "Sign out on all devices": end every remembered device, grant and
        proof of the proved contact, in every browser. The access version
        of each of the contact's tickets reachable from the proof's page
        (the proof's own ticket included) is bumped, which every grant,
        proof and device checks when read; the contact's devices are
        deleted; this session forgets everything."""
        origin, kind, pages = proof["page"], proof["kind"], proof["pages"]
        tickets = origin._get_contact_tickets(
            kind, proof["contact"], website, pages=pages
        )
        (tickets | proof["ticket"])._revoke_status_access()
        self.env["helpdesk.status.page.device"]._forget_contact(
            pages | origin, kind, origin._contact_digest(proof["contact"])
        )
        self._forget(session)
