"""Packaging beyond pyproject.toml: the checkout's web assets go into the wheel.

templates/, static/ and migrations/ stay at the top of the checkout (the client's layout);
a built wheel carries them as lithloop/templates, lithloop/static and lithloop/migrations,
where lithloop.config.asset_dir finds them once installed. Their files are picked by the
package-data globs in pyproject.toml (tests/test_packaging.py checks that none is left out).
"""

from setuptools import find_namespace_packages, setup

ASSETS = ("templates", "static", "migrations")
SKIP = ["*__pycache__*"]


def asset_packages(name: str) -> list[str]:
    """The asset folder and its subfolders as packages (setuptools warns about unlisted ones)."""
    found = find_namespace_packages(where=name, exclude=SKIP)
    return [f"lithloop.{name}", *(f"lithloop.{name}.{sub}" for sub in found)]


setup(
    packages=[
        *find_namespace_packages(include=["lithloop*"], exclude=SKIP),
        *(package for name in ASSETS for package in asset_packages(name)),
    ],
    package_dir={f"lithloop.{name}": name for name in ASSETS},
)
