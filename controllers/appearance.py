# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from .status_page import StatusPageController, status_route


class StatusPageAppearanceController(StatusPageController):
    """The page's own logo: the page's record is not readable by visitors,
    so ``/web/image`` cannot serve it."""

    @status_route("/status/<string:slug>/logo")
    def status_logo(self, slug, **kwargs):
        page = self._get_page(slug)
        if not page.logo:
            return self._not_found(slug)
        stream = request.env["ir.binary"]._get_image_stream_from(page, "logo")
        return stream.get_response(max_age=86400)
