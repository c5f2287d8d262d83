"""A built wheel carries every template, static file, migration and data file.

Checked statically, without building a wheel: setuptools reads setup.py and pyproject.toml
and lists what its build_py step would put into the wheel.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import setuptools  # noqa: F401  (first: it provides distutils, gone from Python 3.12)

from lithloop import config

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ("templates", "static", "migrations")


@pytest.fixture(scope="module")
def packaged() -> set[str]:
    """The paths inside the wheel (lithloop/...) that setuptools would build."""
    from distutils.core import run_setup  # setuptools' own, imported above

    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        patch.chdir(ROOT)
        dist = run_setup("setup.py", stop_after="config")
        # The globs alone: not the file list of an earlier build's lithloop.egg-info/.
        dist.include_package_data = False
        build_py = dist.get_command_obj("build_py")
        build_py.ensure_finalized()
        outputs = build_py.get_outputs(include_bytecode=False)
    lib = Path(build_py.build_lib)
    return {Path(path).relative_to(lib).as_posix() for path in outputs}


def _files(folder: Path) -> list[Path]:
    """Every file under a folder but Python's bytecode caches."""
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]


@pytest.mark.parametrize("name", ASSETS)
def test_every_asset_file_goes_into_the_wheel(packaged, name):
    files = _files(ROOT / name)
    assert files
    missing = [
        str(p.relative_to(ROOT)) for p in files if f"lithloop/{p.relative_to(ROOT)}" not in packaged
    ]
    assert missing == [], f"not packaged (pyproject.toml package-data): {missing}"


def test_every_package_file_goes_into_the_wheel(packaged):
    files = _files(ROOT / "lithloop")
    missing = [
        str(p.relative_to(ROOT)) for p in files if p.relative_to(ROOT).as_posix() not in packaged
    ]
    assert missing == [], f"not packaged (pyproject.toml package-data): {missing}"


def test_installed_app_finds_its_assets_inside_the_package(tmp_path, monkeypatch):
    (tmp_path / "lithloop" / "templates").mkdir(parents=True)
    monkeypatch.setattr(config, "PACKAGE", tmp_path / "lithloop")
    assert config.asset_dir("templates") == tmp_path / "lithloop" / "templates"
    assert config.asset_dir("migrations") == ROOT / "migrations"  # not packaged: the checkout's


def test_installed_app_keeps_its_instance_out_of_the_package(tmp_path, monkeypatch):
    assert config.default_instance() == ROOT / "instance"  # the checkout, as before
    (tmp_path / "lithloop" / "templates").mkdir(parents=True)
    monkeypatch.setattr(config, "PACKAGE", tmp_path / "lithloop")
    monkeypatch.setattr(config.sys, "prefix", str(tmp_path / "venv"))
    assert config.default_instance() == tmp_path / "venv" / "var" / "lithloop-instance"
