#!/usr/bin/env python3
"""Generate static/description/index.html from the readme/ fragments.

Odoo shows a module's static/description/index.html on its Apps page (it
would otherwise render README.md as reStructuredText, which garbles it). As
OCA's oca-gen-addon-readme does, the page is built from the readme/*.md
fragments and the manifest: description, installation, configuration, usage,
bug tracker and credits. The page is self-contained: no remote style sheet,
script or image; images must be files of static/description/.

Run it with Odoo's Python, which has markdown-it-py from test-requirements.txt:

    /opt/odoo18/venv/bin/python scripts/gen_description.py          # write
    /opt/odoo18/venv/bin/python scripts/gen_description.py --check  # verify

tests/test_description.py fails when the shipped file is not current.
"""

import argparse
import ast
import html
import posixpath
import sys
from pathlib import Path
from urllib.parse import urlsplit

ADDON_DIR = Path(__file__).resolve().parent.parent
# Not the directory's name: a clone may have any name.
MODULE = "helpdesk_mgmt_status_page"
OUTPUT = Path("static", "description", "index.html")
SERIES = "18.0"
GENERATOR = "scripts/gen_description.py"

# (fragment, section title), in the order of OCA's generated READMEs; the
# description opens the page without a title of its own.
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
]

# Used when the file is opened on its own; Odoo removes <style> and applies
# its own style sheet (Bootstrap's "table" class included).
STYLE = """\
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  Arial, sans-serif; line-height: 1.5; color: rgb(33, 37, 41); max-width: 60rem;
  margin: 0 auto; padding: 1rem; }
h1, h2, h3, h4 { line-height: 1.2; margin: 1.5rem 0 0.75rem; }
h2 { border-bottom: 1px solid rgb(222, 226, 230); padding-bottom: 0.25rem; }
code { font-size: 0.875em; background: rgb(241, 243, 245); padding: 0.1em 0.3em;
  border-radius: 0.2rem; }
pre { background: rgb(241, 243, 245); padding: 0.75rem; overflow: auto; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 0 0 1rem; }
th, td { border: 1px solid rgb(222, 226, 230); padding: 0.35rem 0.6rem;
  text-align: start; vertical-align: top; }
img { max-width: 100%; height: auto; }
.summary { font-size: 1.15rem; }
.badges { color: rgb(108, 117, 125); }
"""


def _markdown():
    try:
        from markdown_it import MarkdownIt
    except ImportError as error:
        raise SystemExit(
            "markdown-it-py is missing: install test-requirements.txt into Odoo's "
            "Python (e.g. /opt/odoo18/venv/bin/python -m pip install -r "
            "test-requirements.txt)"
        ) from error
    # CommonMark, as GitHub shows the fragments, plus tables; raw HTML in a
    # fragment is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def read_manifest(addon_dir):
    with open(addon_dir / "__manifest__.py", encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())


def _is_remote(url):
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def _local_image(addon_dir, fragment, src):
    """Return ``src`` relative to static/description/, where Odoo looks for
    description images, or raise ValueError if it is not a file there."""
    if _is_remote(src):
        raise ValueError(
            f"{fragment}: image {src!r} is remote; copy it into "
            "static/description/ so that the description is self-contained"
        )
    description_dir = (addon_dir / "static" / "description").resolve()
    for base in (addon_dir / "readme", addon_dir):
        path = (base / src).resolve()
        if path.is_file() and path.is_relative_to(description_dir):
            return path.relative_to(description_dir).as_posix()
    raise ValueError(
        f"{fragment}: image {src!r} is not a file of static/description/ "
        "(write it relative to readme/, e.g. ../static/description/image.png)"
    )


def _link(addon_dir, manifest, href):
    """Point relative links of a fragment at the repository, where they lead
    somewhere once the page is shown by Odoo."""
    if not href or href.startswith(("#", "mailto:")) or _is_remote(href):
        return href
    path = posixpath.normpath(posixpath.join("readme", href))
    if path.startswith("../"):
        raise ValueError(f"link {href!r} leaves the module")
    website = manifest.get("website", "").rstrip("/")
    return f"{website}/blob/{SERIES}/{MODULE}/{path}"


def render_fragment(md, addon_dir, manifest, fragment, shift):
    """Render one fragment; its headings go ``shift`` levels down, below the
    section's own title."""
    text = (addon_dir / "readme" / fragment).read_text(encoding="utf-8")
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        elif token.type == "table_open":
            token.attrSet("class", "table table-sm")
        for child in token.children or ():
            if child.type == "image":
                child.attrSet(
                    "src", _local_image(addon_dir, fragment, child.attrGet("src"))
                )
            elif child.type == "link_open":
                child.attrSet("href", _link(addon_dir, manifest, child.attrGet("href")))
    return md.renderer.render(tokens, md.options, {}).strip()


def render(addon_dir=ADDON_DIR):
    """Return the whole index.html of the module in ``addon_dir``."""
    addon_dir = Path(addon_dir)
    md = _markdown()
    manifest = read_manifest(addon_dir)
    module = MODULE
    name = html.escape(manifest["name"])
    website = manifest.get("website", "").rstrip("/")
    esc = html.escape

    facts = [f"Technical name: <code>{esc(module)}</code>"]
    if manifest.get("development_status"):
        facts.append(f"Maturity: {esc(manifest['development_status'])}")
    if manifest.get("license"):
        facts.append(f"License: {esc(manifest['license'])}")
    if website:
        facts.append(f'<a href="{esc(website)}">{esc(website)}</a>')

    body = [f"<h1>{name}</h1>"]
    if manifest.get("summary"):
        body.append(f'<p class="summary">{esc(manifest["summary"])}</p>')
    body.append(f'<p class="badges">{" · ".join(facts)}</p>')
    readme = addon_dir / "readme"
    for fragment, title in SECTIONS:
        if not (readme / fragment).is_file():
            continue
        if title:
            body.append(f"<h2>{esc(title)}</h2>")
        body.append(render_fragment(md, addon_dir, manifest, fragment, 2))

    if website:
        body += [
            "<h2>Bug Tracker</h2>",
            f'<p>Bugs are tracked on <a href="{esc(website)}/issues">GitHub '
            "Issues</a>. In case of trouble, please check there if your issue "
            "has already been reported.</p>",
        ]
    body.append("<h2>Credits</h2>")
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        body.append("<h3>Authors</h3>")
        body.append(
            "<ul>\n" + "\n".join(f"<li>{esc(a)}</li>" for a in authors) + "\n</ul>"
        )
    if (readme / "CONTRIBUTORS.md").is_file():
        body.append("<h3>Contributors</h3>")
        body.append(render_fragment(md, addon_dir, manifest, "CONTRIBUTORS.md", 3))
    if "Odoo Community Association (OCA)" in authors:
        body.append("<h3>Maintainers</h3>")
        body.append(
            "<p>This module is maintained by the Odoo Community Association "
            "(OCA), a nonprofit organization whose mission is to support the "
            "collaborative development of Odoo features and promote its "
            "widespread use.</p>"
        )
        if website:
            body.append(
                f'<p>This module is part of the <a href="{esc(website)}/tree/'
                f'{SERIES}/{esc(module)}">{esc(website.split("github.com/")[-1])}'
                "</a> project on GitHub. You are welcome to contribute.</p>"
            )

    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{name}</title>\n"
        f"<style>\n{STYLE}</style>\n"
        "</head>\n"
        "<body>\n"
        f"<!-- Generated by {GENERATOR} from readme/*.md and __manifest__.py:\n"
        f"     edit those and run the script again, never this file. -->\n"
        '<div class="document">\n' + "\n".join(body) + "\n</div>\n</body>\n</html>\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit with 1 if the shipped file is not current",
    )
    args = parser.parse_args(argv)
    target = ADDON_DIR / OUTPUT
    content = render(ADDON_DIR)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != content:
            print(f"{OUTPUT} is not current: run {GENERATOR}", file=sys.stderr)
            return 1
        return 0
    if current != content:
        target.write_text(content, encoding="utf-8", newline="\n")
        print(f"wrote {OUTPUT}")
    else:
        print(f"{OUTPUT} is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
