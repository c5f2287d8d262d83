"""Keep the Chinese (zh) catalogue in step with the code: extract, merge, compile.

python tools/translations.py          # extract + update the .po, list untranslated
python tools/translations.py compile  # compile .po -> .mo (run after editing the .po)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lithloop" / "translations"
POT = ROOT / "instance" / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> None:
    if sys.argv[1:] == ["compile"]:
        pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
        return
    POT.parent.mkdir(exist_ok=True)
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "-o",
        str(POT),
        ".",
    )
    po = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
    if po.exists():
        pybabel(
            "update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", "zh", "--no-fuzzy-matching"
        )
    else:
        pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", "zh")


if __name__ == "__main__":
    main()
