# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import logging
import re
import secrets

import psycopg2

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from ..models.ir_qweb import STATUS_PAGE_RENDER
from ..tools.replica import WROTE_LSN_KEY, is_replayed
from ..tools.session import DEVICE_COOKIE
from ..tools.text import is_slug
from ..tools.upload import THUMBNAIL_SIZES

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# What the website's frontend needs, nothing more: its own scripts (inline
# ones carry the response's nonce, so injected inline handlers never run),
# inline styles (the page's CSS), images from https (logo, favicon).
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'"
# A thumbnail is this browser's to keep for an hour (the page shows it on
# every view), never a shared cache's: another customer never gets it.
THUMBNAIL_CACHE_CONTROL = "private, max-age=3600"
ID_RE = re.compile(r"[0-9]{1,9}")
# "Your requests": entries per page of the list.
REQUESTS_PAGE_SIZE = 10

_logger = logging.getLogger(__name__)


def only_method(method):
    """Run the handler for ``method`` only: Odoo also routes OPTIONS (and
    HEAD for GET) to it, without CSRF check for OPTIONS."""

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(self, *args, **kwargs):
            if request.httprequest.method != method:
                return self._method_not_allowed(method, kwargs.get("slug"))
            return handler(self, *args, **kwargs)

        return wrapper

    return decorate


def has_replica():
    """Whether this server reads on a replica (``--db_replica_host``)."""
    return request.env.registry._db_readonly is not None


def replayed_lsn(cr):
    """How far the database of ``cr`` replayed the primary's WAL: a
    ``pg_lsn`` text on a replica, None on the primary (where the function
    answers the end of its last crash recovery)."""
    cr.execute(
        "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END"
    )
    return cr.fetchone()[0]


def remember_lsn(cr, session):
    """Keep in ``session`` the primary's WAL position, read on ``cr`` after
    its commit: a later read-only route reads on the replica only once it
    replayed this far."""
    cr.execute("SELECT pg_current_wal_lsn()::text")
    session[WROTE_LSN_KEY] = cr.fetchone()[0]


def read_own_writes(handler):
    """A read-only route reads what this session's last POST wrote: on a
    replica that has not replayed it yet, the request goes back to Odoo's
    own fallback (a read-only transaction that writes is run again on a
    read/write cursor of the primary). One query, only in the moments after
    a POST, and never on the primary."""

    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        wrote = request.session.get(WROTE_LSN_KEY)
        cr = request.env.cr
        if wrote and cr.readonly:
            if not is_replayed(replayed_lsn(cr), wrote):
                raise psycopg2.errors.ReadOnlySqlTransaction(
                    f"replica behind this session's write at {wrote}"
                )
            request.session.pop(WROTE_LSN_KEY, None)
        return handler(self, *args, **kwargs)

    return wrapper


def record_write_position(handler):
    """After a POST commits, on a server with a replica, the session keeps
    the primary's WAL position (see ``read_own_writes``). The session was
    saved before the commit: it is saved again."""

    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        response = handler(self, *args, **kwargs)
        if has_replica():
            cr, session = request.env.cr, request.session

            @cr.postcommit.add
            def remember():
                remember_lsn(cr, session)
                if session.can_save:
                    http.root.session_store.save(session)

        return response

    return wrapper


def status_route(routes, method="GET", **options):
    """A route of the status page, for ``method`` only: website, no
    sitemap, public unless ``options`` say otherwise. A public GET is
    read-only (SPEC §17): on a replica with ``--db_replica_host``, it
    writes nothing; a POST keeps its write position for the next GET."""

    def decorate(handler):
        defaults = {"type": "http", "auth": "public", "website": True}
        options_ = {**defaults, **options}
        options_.setdefault(
            "readonly", method == "GET" and options_["auth"] == "public"
        )
        route = http.route(routes, **options_, sitemap=False, methods=[method])
        handler = only_method(method)(handler)
        if options_["readonly"]:
            handler = read_own_writes(handler)
        else:
            handler = record_write_position(handler)
        return route(handler)

    return decorate


def page_and_ticket_paths(action):
    """``action`` on the page (look-up by number) and on a ticket's link."""
    return [
        f"/status/<string:slug>{token}/{action}" for token in ("", "/<string:token>")
    ]


class StatusPageController(http.Controller):
    """Public status page: parse the request, call the page's rules, render.

    Every rule lives on ``helpdesk.status.page`` (finding tickets, deciding
    verification), ``helpdesk.status.grant`` (what a session may see) and
    ``helpdesk.status.page.challenge`` (codes and limits); this class only
    translates HTTP.
    """

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _secure(self, response, csp=None):
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Security-Policy"] = csp or DOWNLOAD_CSP
        return response

    def _render(self, template, values, status=200):
        nonce = secrets.token_urlsafe(16)
        request.update_context(**{STATUS_PAGE_RENDER: True})
        response = request.render(
            template, {**values, "csp_nonce": nonce}, status=status
        )
        # A private page is no website visit to track: without the template's
        # name the website's tracker does not read its view (one query).
        response.qcontext.pop("response_template", None)
        # Rendered here, as bytes: werkzeug only counts the length of an
        # ASCII text body, and without a Content-Length the client must
        # wait for the connection to close to know the page is complete.
        response.flatten()
        response.set_data(response.get_data())
        return self._secure(response, PAGE_CSP.format(nonce=nonce))

    def _redirect(self, path):
        """See other (post/redirect/get), in the language of this request."""
        url = request.env["ir.http"]._url_for(path)
        return self._secure(request.redirect(url, code=303))

    def _not_found(self, slug=None, status=404, **values):
        """The branded dead end (unknown or old link, disabled page, wrong
        method) with the form to look a ticket up by its number: of the
        page ``slug`` names when it works, else of the website's look-up
        page (``_get_lookup_page``), in its look. A disabled page answers
        as an unknown one: the answer tells no page name from another."""
        page = self._get_page(slug) or self._get_lookup_page()
        values = self._layout_values(page, **values)
        if page:
            values["number_example"] = page._get_number_example()
        return self._render(
            "helpdesk_mgmt_status_page.status_page_not_found", values, status=status
        )

    def _method_not_allowed(self, method, slug=None):
        if request.is_frontend:
            response = self._not_found(slug, status=405)
        else:  # the version poll: no one reads the answer
            response = self._secure(request.make_response("", status=405))
        response.headers["Allow"] = method
        return response

    def _get_page(self, slug, active_test=True):
        # Times for the customer in the device's zone: the website's
        # frontend keeps it in the "tz" cookie.
        Page = (
            request.env["helpdesk.status.page"]
            .sudo()
            .with_context(
                active_test=active_test,
                status_customer_tz=request.httprequest.cookies.get("tz"),
            )
        )
        if not is_slug(slug):
            return Page.browse()
        return Page.search_fetch(
            Page._get_slug_domain(slug, request.website),
            [name for name, field in Page._fields.items() if field.column_type],
            limit=1,
        )

    def _get_lookup_page(self):
        """The page ``/status`` opens on this website; empty when none."""
        return self._get_page(None)._get_lookup_page(request.website)

    def _layout_values(self, page, token=None, **values):
        """What the layout needs; ``page`` may be empty (unknown slug)."""
        Lang = request.env["res.lang"]
        base_path = page._get_path(token) if page else "/status"
        company_id = page.company_id.id or request.website._get_cached("company_id")
        return {
            "direction": Lang._get_data(code=request.env.lang).direction or "ltr",
            "page": page,
            "brand": page._get_company_brand(company_id),
            "base_path": base_path,
            # The language switcher keeps the customer on this very step.
            "current_path": request.httprequest.path,
            "token": token,
            "contact_kinds": page._get_contact_kinds() if page else [],
            "languages": list(Lang._get_frontend().values()),
            # The layout's title and SEO values come from the page, already
            # read, not from the template's view (two queries on each view).
            "main_object": page,
            **values,
        }

    @property
    def _grants(self):
        return request.env["helpdesk.status.grant"].sudo()

    def _get_device_token(self):
        """The token of this page's remembered device, as the browser sent
        it (its cookie is limited to the page's paths)."""
        return request.httprequest.cookies.get(DEVICE_COOKIE)

    def _get_device_cookie_paths(self, page):
        """The paths the device cookie is limited to: the page's, with and
        without each website language's prefix (``/ar/status/<slug>``)."""
        path = page._get_path()
        languages = request.env["res.lang"]._get_frontend().values()
        return [path] + [f"/{lang.url_code}{path}" for lang in languages]

    def _set_device_cookie(self, response, page, token):
        """Give the browser its remembered device's token: ``HttpOnly``,
        ``SameSite=Lax``, ``Secure`` over https, the page's paths only,
        for the page's fixed number of days."""
        for path in self._get_device_cookie_paths(page):
            response.set_cookie(
                DEVICE_COOKIE,
                token,
                max_age=page.remember_days * 24 * 3600,
                path=path,
                secure=request.httprequest.scheme == "https",
                httponly=True,
                samesite="Lax",
            )
        return response

    def _delete_device_cookie(self, response, page):
        for path in self._get_device_cookie_paths(page):
            response.delete_cookie(
                DEVICE_COOKIE,
                path=path,
                secure=request.httprequest.scheme == "https",
                httponly=True,
                samesite="Lax",
            )
        return response

    def _get_proof(self, page):
        """The contact this browser proved by a code, usable on ``page``
        (see ``helpdesk.status.grant._get_proof``); None when none."""
        return self._grants._get_proof(
            request.session, page, request.website, self._get_device_token()
        )

    def _get_requests_page(self):
        """The page of "Your requests" asked for (``?requests=2``)."""
        value = request.params.get("requests") or ""
        return int(value) if ID_RE.fullmatch(value) and int(value) > 0 else 1

    def _prepare_ticket_values(self, page, ticket, preview):
        """The ticket view's values; ``ticket`` carries the page's language
        in its context. With a proved contact, "Your requests"."""
        values = ticket._get_status_page_values(page)
        proof = not preview and self._get_proof(page)
        if proof:
            values["requests"] = proof["page"]._get_contact_requests(
                proof,
                request.website,
                ticket,
                self._get_requests_page(),
                REQUESTS_PAGE_SIZE,
            )
        return values

    def _render_ticket(self, page, ticket, preview=False, sample=False):
        """The ticket view; ``preview``: an agent's, through ``page``
        whatever page serves the ticket, of a made-up ticket with
        ``sample``."""
        ticket = ticket.with_context(lang=request.env.lang)
        if preview:
            ticket = ticket.with_context(status_page_preview=page.id)
        values = self._prepare_ticket_values(page, ticket, preview)
        if preview:
            # The language switcher stays in the preview, through this page.
            values["current_path"] = page._get_preview_path(not sample and ticket)
            values["sample"] = sample
        else:
            values.update(ticket._get_status_live_values(values))
        return self._render(
            "helpdesk_mgmt_status_page.status_page_ticket",
            self._layout_values(
                page, ticket.sudo().status_token, preview=preview, **values
            ),
        )

    def _may_open_with_proof(self, page, ticket):
        """Whether this browser's proved contact opens ``ticket`` with no
        code (it still takes one tap: a GET grants nothing)."""
        proof = self._get_proof(page)
        return bool(
            proof
            and proof["page"]._is_contact_ticket(
                proof["kind"],
                proof["page"]._contact_digest(proof["contact"]),
                ticket,
                request.website,
            )
        )

    def _render_form(self, page, token=None, ticket=None):
        """The contact form, with what the last refused POST left: its
        message and what the customer typed."""
        flash = self._grants._pop_flash(request.session)
        values = {"error": flash.get("error"), "form": flash}
        if ticket:
            # Which request the link is for: its number, never its subject.
            values["ticket_number"] = ticket.number
            values["hints"] = {
                kind: page._get_contact_hint(ticket, kind)
                for kind in page._get_contact_kinds()
            }
            values["open_token"] = (
                self._may_open_with_proof(page, ticket) and ticket.status_token
            )
        else:
            values["number_example"] = page._get_number_example()
        return self._render(
            "helpdesk_mgmt_status_page.status_page_form",
            self._layout_values(page, token, **values),
        )

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @status_route("/status")
    def status_lookup(self, **kwargs):
        """The look-up form of the website's look-up page, for a customer
        without a link; the branded dead end when the company has no page.
        Never sends a code nor grants anything."""
        page = self._get_lookup_page()
        if not page:
            return self._not_found()
        return self._render_form(page)

    @status_route(["/status/<string:slug>", "/status/<string:slug>/<string:token>"])
    def status_page(self, slug, token=None, **kwargs):
        """Verification form; the ticket view when this browser has a grant.
        Never sends a code nor grants anything."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        ticket = None
        if token:
            ticket = page._find_ticket_by_token(token)
            if not ticket:
                return self._not_found(slug)
            if self._grants._is_granted(request.session, page, ticket):
                return self._render_ticket(page, ticket)
        return self._render_form(page, token, ticket)

    def _get_downloadable(self, slug, token, attachment_id):
        """The ticket and one of its stored files that this browser may
        download (never a URL); empty records otherwise."""
        Attachment = request.env["ir.attachment"].sudo()
        page = self._get_page(slug)
        ticket = page and page._find_ticket_by_token(token)
        if not (
            ticket
            and page.allow_attachment_download
            and self._grants._is_granted(request.session, page, ticket)
            and attachment_id in ticket._get_status_page_attachments()
        ):
            return None, Attachment
        attachment = Attachment.browse(attachment_id)
        if attachment.type != "binary":
            return None, Attachment
        return ticket, attachment

    @status_route("/status/<string:slug>/<string:token>/attachment/<int:attachment_id>")
    def status_attachment(self, slug, token, attachment_id, **kwargs):
        """Download one file attached to a ticket this browser may see: a
        stored file only, never a URL (no redirect from this site)."""
        _ticket, attachment = self._get_downloadable(slug, token, attachment_id)
        if not attachment:
            return self._not_found(slug)
        stream = request.env["ir.binary"]._get_stream_from(attachment)
        return self._secure(stream.get_response(as_attachment=True))

    @status_route(
        "/status/<string:slug>/<string:token>/attachment/<int:attachment_id>/thumbnail"
    )
    def status_thumbnail(self, slug, token, attachment_id, size=None, **kwargs):
        """A small version of an image the browser may download (same
        checks as the download), ``size`` pixels at most; cached by this
        browser only, never by a shared cache."""
        ticket, attachment = self._get_downloadable(slug, token, attachment_id)
        if size is None:
            size = THUMBNAIL_SIZES[1]
        size = int(size) if ID_RE.fullmatch(str(size)) else 0
        thumbnail = attachment and ticket._get_status_thumbnail(attachment, size)
        if not thumbnail:
            return self._not_found(slug)
        data, mimetype = thumbnail
        response = self._secure(
            request.make_response(
                data,
                [
                    ("Content-Type", mimetype),
                    ("Content-Length", str(len(data))),
                    ("Content-Disposition", "inline"),
                    ("X-Content-Type-Options", "nosniff"),
                ],
            )
        )
        response.headers["Cache-Control"] = THUMBNAIL_CACHE_CONTROL
        response.headers["Vary"] = "Cookie"
        return response

    def _get_preview_page(self, page_id, ticket=None):
        """The page a helpdesk user previews: ``page_id``, else the page of
        ``ticket``; empty unless they may read it (and ``ticket``)."""
        Page = request.env["helpdesk.status.page"]
        if not request.env.user.has_group("helpdesk_mgmt.group_helpdesk_user_own"):
            return Page
        if page_id and not ID_RE.fullmatch(page_id):
            return Page
        page = Page.browse(int(page_id)).exists() if page_id else Page
        page = page or (ticket and ticket.status_page_id) or Page
        try:
            page.check_access("read")
            if ticket is not None:
                ticket.check_access("read")
        except AccessError:
            return Page
        return page

    @status_route("/status/preview/<int:ticket_id>", "GET", auth="user")
    def status_preview(self, ticket_id, page_id=None, **kwargs):
        """What the customer sees, for helpdesk users who may read the
        ticket and the page, through its page or the page given; nothing
        is recorded."""
        ticket = request.env["helpdesk.ticket"].browse(ticket_id).exists()
        page = ticket and self._get_preview_page(page_id, ticket)
        if not page:
            return self._not_found()
        return self._render_ticket(page.sudo(), ticket.sudo(), preview=True)

    @status_route("/status/preview/sample", "GET", auth="user")
    def status_preview_sample(self, page_id=None, **kwargs):
        """The page given, with a made-up ticket: the preview of a page
        that serves no ticket yet. Nothing of the ticket stays."""
        page = page_id and self._get_preview_page(page_id)
        if not page:
            return self._not_found()
        with page._sample_ticket() as ticket:
            # Rendered inside: the ticket is gone after.
            return self._render_ticket(page.sudo(), ticket, preview=True, sample=True)
