"""Copy three screenshots of the browser journeys into docs/screenshots for the README.

TEST_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser   # writes test-artifacts/screenshots/
python tools/readme_screenshots.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "test-artifacts" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
#: (journey screenshot, README file, height kept in px)
SHOTS = [
    ("booking-new-390-zh-CN.png", "dealer-booking.png", 1400),
    ("dispatch-plan-1366-zh-CN.png", "dispatcher-plan.png", 900),
    ("market-catalog-390-zh-CN.png", "buyer-catalog.png", 1200),
]


def main() -> None:
    """Crop each screenshot to its top part and save it under docs/screenshots."""
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, target, height in SHOTS:
        with Image.open(SOURCE / source) as image:
            top = image.crop((0, 0, image.width, min(height, image.height)))
            top.save(TARGET / target, optimize=True)
        print(f"{target}: from {source}")


if __name__ == "__main__":
    main()
