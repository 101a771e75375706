"""Print .pot entries for the translatable values that this module's data
files set on records of other modules (helpdesk_mgmt's default stages).

Odoo's export of a module covers only the records whose XML id belongs to
it, so these values would be left out of the .pot, and ``msgmerge`` would
then drop their translations. Usage: pot_foreign_records.py MODULE_DIR
"""

import sys
from pathlib import Path

from lxml import etree

MODULE = "helpdesk_mgmt_status_page"
# Translatable fields of this module on models of other modules.
TRANSLATED = {
    "helpdesk.ticket.stage": (
        "customer_label",
        "customer_instructions",
        "customer_description",
    ),
}


def quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def main(module_dir):
    entries = {}
    for data_file in sorted(Path(module_dir, "data").glob("*.xml")):
        for record in etree.parse(str(data_file)).iter("record"):
            xmlid = record.get("id", "")
            fields = TRANSLATED.get(record.get("model"), ())
            if "." not in xmlid or xmlid.startswith(f"{MODULE}."):
                continue
            for field in record.iter("field"):
                if field.get("name") in fields and (field.text or "").strip():
                    reference = (
                        f"model:{record.get('model')},{field.get('name')}:{xmlid}"
                    )
                    entries.setdefault(field.text.strip(), []).append(reference)
    for msgid, references in entries.items():
        print(f"#. module: {MODULE}")
        for reference in references:
            print(f"#: {reference}")
        print(f"msgid {quote(msgid)}")
        print('msgstr ""')
        print()


if __name__ == "__main__":
    main(sys.argv[1])
