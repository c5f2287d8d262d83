"""Keep the Chinese (zh) catalogue in step with the code: extract, merge, compile.

python tools/translations.py          # extract + update the .po, list untranslated
python tools/translations.py compile  # compile .po -> .mo (run after editing the .po)

The messages are read as tools/message_sources.py says (flask_babel's functions under every
alias the code imports them as, the templates by Jinja's extractor): the same reading the
tests use to call a catalogue entry used, so an extract never marks a used entry obsolete.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: tools/ is on the path, the root is not
    sys.path.insert(0, str(ROOT))

from tools.message_sources import extract as read_messages  # noqa: E402

TRANSLATIONS = ROOT / "lithloop" / "translations"
POT = ROOT / "instance" / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def write_template(pot: Path) -> None:
    """Write the messages the code and the templates use to the template `pot`."""
    catalog = Catalog(project="lithloop", charset="utf-8")
    for filename, line, message, comments, context in read_messages(ROOT):
        catalog.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    pot.parent.mkdir(parents=True, exist_ok=True)
    with open(pot, "wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True)


def extract(translations: Path = TRANSLATIONS, pot: Path = POT) -> None:
    """Extract the messages to `pot` and update (or start) the zh catalogue under
    `translations` from it."""
    write_template(pot)
    if (translations / "zh" / "LC_MESSAGES" / "messages.po").exists():
        pybabel(
            "update", "-i", str(pot), "-d", str(translations), "-l", "zh", "--no-fuzzy-matching"
        )
    else:
        pybabel("init", "-i", str(pot), "-d", str(translations), "-l", "zh")


def main() -> None:
    if sys.argv[1:] == ["compile"]:
        pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
        return
    extract()


if __name__ == "__main__":
    main()
