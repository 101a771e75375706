# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Colours of the page's look, kept readable (WCAG 2 contrast)."""

# WCAG 2 level AA for normal text.
AA_TEXT_CONTRAST = 4.5


def parse_hex(colour):
    """``(r, g, b)`` (0-255) of ``#rgb`` or ``#rrggbb``."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return tuple(int(digits[index : index + 2], 16) for index in (0, 2, 4))


def relative_luminance(rgb):
    """WCAG 2 relative luminance of an ``(r, g, b)`` colour."""

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first, second):
    """WCAG 2 contrast ratio of two hex colours, from 1 to 21."""
    lighter, darker = sorted(
        (relative_luminance(parse_hex(colour)) for colour in (first, second)),
        reverse=True,
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(colour, background="#ffffff", ratio=AA_TEXT_CONTRAST):
    """``colour`` as ``#rrggbb``, darkened just enough to be read as text on
    ``background`` (a light one): a pale brand colour still marks the
    current step, in a shade that passes WCAG AA."""
    red, green, blue = parse_hex(colour)
    for step in range(101):
        factor = 1 - step / 100
        shade = "#{:02x}{:02x}{:02x}".format(
            *(round(value * factor) for value in (red, green, blue))
        )
        if contrast_ratio(shade, background) >= ratio:
            return shade
    return "#000000"
