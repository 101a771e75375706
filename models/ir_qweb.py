# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# Set in the context by the status page's controllers while they render.
STATUS_PAGE_RENDER = "status_page_render"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _get_template_cache_keys(self):
        # Templates compiled for the status page are its own (see below).
        return super()._get_template_cache_keys() + [STATUS_PAGE_RENDER]

    def _post_processing_att(self, tagName, atts):
        # An element without a URL nor a style attribute has nothing of the
        # website's rewriting to receive (language prefix, lazy image,
        # background image): the status page skips it, which is a fifth of a
        # ticket view's time (SPEC §17). The elements of the page are its own
        # templates', none of which is a third-party embed the cookie bar
        # watches.
        if self.env.context.get(STATUS_PAGE_RENDER):
            url_attribute = self.URL_ATTRS.get(tagName)
            if not (url_attribute and url_attribute in atts) and "style" not in atts:
                return atts
        return super()._post_processing_att(tagName, atts)
