"""The layering promises of DESIGN.md and docs/architecture.md, checked.

- the pure cores (routing, pricing, batteries, clock, vocab) load neither Flask, the database
  nor any other lithloop module;
- services/ holds domain packages and a small shared kernel, nothing flat besides;
- the web layer and other domains reach a domain only through the modules its __all__ lists,
  and only their public names; nobody imports another module's private name;
- services never import the web layer; error codes are the domains' enums, not literals.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lithloop"
SERVICES = PACKAGE / "services"
#: The services' shared kernel: the error classes, input parsing (a package of its own:
#: numbers, amounts, dates, text), idempotency keys, the last page of a list paged without
#: counting (paging). A kernel package is no domain: it has no error codes of its own.
KERNEL = {"__init__", "errors", "strict_input", "idempotency", "paging"}
DOMAINS = sorted(
    p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists() and p.name not in KERNEL
)

# module → the lithloop modules it may pull in (the one clock and the vocabulary are pure)
PURE = {
    "lithloop.routing": ("lithloop.routing", "lithloop.clock"),
    "lithloop.pricing": ("lithloop.pricing", "lithloop.clock", "lithloop.vocab"),
    "lithloop.batteries": ("lithloop.batteries", "lithloop.clock", "lithloop.vocab"),
    "lithloop.clock": ("lithloop.clock",),
    "lithloop.vocab": ("lithloop.vocab",),
    "lithloop.geo.geocoders": ("lithloop.geo",),
}
#: Pure cores that use the standard library only (routing also uses numpy and the solvers).
STDLIB_ONLY = ("lithloop.pricing", "lithloop.batteries", "lithloop.clock", "lithloop.vocab")
WEB_OR_DB = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "flask_babel", "celery")
NETWORK = ("urllib", "socket", "http", "requests", "httpx", "urllib3", "stripe", "geopy")
#: Entry points that wire the pure core to adapters; importing the package never runs them.
ENTRY_POINTS = {"lithloop/routing/__main__.py"}


def pure_files(package: str) -> list[Path]:
    """The source files of a pure package (or module)."""
    path = ROOT.joinpath(*package.split("."))
    return sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


@pytest.mark.parametrize("package", sorted(set(PURE) - {"lithloop.geo.geocoders"}))  # geopy
def test_pure_cores_import_no_web_database_network_or_other_lithloop(package):
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    problems = []
    for path in pure_files(package):
        if str(path.relative_to(ROOT)) in ENTRY_POINTS:
            continue
        for module, name, line in imports_of(path.read_text("utf-8")):
            where, top = f"{path.relative_to(ROOT)}:{line} {module}", module.split(".")[0]
            dotted = module if name is None or module != "lithloop" else f"lithloop.{name}"
            if top in WEB_OR_DB or top in NETWORK:
                problems.append(where)
            elif top == "lithloop" and not dotted.startswith(PURE[package]):
                problems.append(where)
            elif package in STDLIB_ONLY and top not in stdlib and top != "lithloop":
                problems.append(where + " (not the standard library)")
    assert problems == []


@pytest.mark.parametrize("package", sorted(PURE))
def test_pure_cores_load_no_web_database_or_other_lithloop_at_run_time(package):
    allowed = PURE[package]
    code = (
        "import sys, json; import lithloop; before = set(sys.modules); "
        f"import {package}; added = set(sys.modules) - before; "
        "print(json.dumps(sorted(m for m in added "
        f"if m.split('.')[0] in {WEB_OR_DB!r} or m in ('urllib.request', 'http.client') "
        f"or m.startswith('lithloop.') and not m.startswith({allowed!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    leaked = json.loads(out.stdout)
    assert leaked == [], f"{package} pulled in {leaked}"


def test_create_app_binds_no_connection_at_import():
    code = "import lithloop, sys; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the import graph, read from the source -------------------------------------------------


def module_name(path: Path) -> str:
    """The dotted name of a source file under the repository root."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str) -> list[tuple[str, str | None, int]]:
    """(module, imported name or None, line) for every absolute import in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
    return found


def public_modules(domain: str) -> set[str]:
    """The modules a domain's __all__ offers to the web layer and the other domains."""
    return set(importlib.import_module(f"lithloop.services.{domain}").__all__)


def domain_violations(importer: str, source: str, public: dict[str, set[str]]) -> list[str]:
    """Imports of a domain's unlisted modules or private names, from outside the domain."""
    problems = []
    own = importer.split(".")[2] if importer.startswith("lithloop.services.") else None
    for module, name, line in imports_of(source):
        parts = module.split(".")
        if parts[:2] != ["lithloop", "services"]:
            continue
        if len(parts) == 2:  # from lithloop.services import <domain or kernel module>
            continue
        domain = parts[2]
        if domain == own or domain not in public:
            continue
        if len(parts) == 3:  # from lithloop.services.<domain> import <module>
            if name is not None and name not in public[domain]:
                problems.append(f"{importer}:{line} imports {module}.{name}, not in its __all__")
            continue
        if parts[3] not in public[domain]:
            problems.append(f"{importer}:{line} imports {module}, not in {domain}.__all__")
        elif name is not None and name.startswith("_"):
            problems.append(f"{importer}:{line} imports the private {module}.{name}")
    return problems


def private_name_imports(importer: str, source: str) -> list[str]:
    """Imports of another lithloop module's private (underscored) names."""
    return [
        f"{importer}:{line} imports the private {module}.{name}"
        for module, name, line in imports_of(source)
        if module.startswith("lithloop")
        and name
        and name.startswith("_")
        and not name.startswith("__")
        and module != importer
    ]


def sources(top: Path):
    """(module name, source) of every Python file under a folder."""
    for path in sorted(top.rglob("*.py")):
        yield module_name(path), path.read_text("utf-8")


def test_services_hold_domain_packages_and_the_kernel_only():
    flat = {p.stem for p in SERVICES.glob("*.py")} - KERNEL
    assert flat == set(), (
        f"flat service modules {sorted(flat)}: add them to tools/move_modules.py's MOVES and run it"
    )
    assert {"accounts", "booking", "dispatch", "market", "packs", "plant"} <= set(DOMAINS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_lists_existing_modules_and_has_error_codes(domain):
    package = SERVICES / domain
    listed = public_modules(domain)
    missing = {m for m in listed if not (package / f"{m}.py").exists()}
    assert missing == set(), f"{domain}.__all__ names modules that do not exist: {missing}"
    codes = importlib.import_module(f"lithloop.services.{domain}.errors").Code
    assert all(code.value == code.value.lower() for code in codes)


def test_the_web_layer_and_other_domains_use_only_public_modules_and_names():
    public = {d: public_modules(d) for d in DOMAINS}
    problems = []
    for top in (PACKAGE / "web", SERVICES, PACKAGE / "jobs", PACKAGE / "demo"):
        for name, source in sources(top):
            problems += domain_violations(name, source, public)
    assert problems == []


def test_no_module_imports_another_modules_private_names():
    problems = []
    for name, source in sources(PACKAGE):
        problems += private_name_imports(name, source)
    assert problems == []


def test_services_and_cores_never_import_the_web_layer():
    problems = []
    for top in ("services", "routing", "pricing", "batteries", "jobs", "cache"):
        for name, source in sources(PACKAGE / top):
            problems += [
                f"{name}:{line} imports {module}"
                for module, _, line in imports_of(source)
                if module.startswith("lithloop.web")
            ]
    assert problems == []


def test_error_codes_are_the_domains_enums_not_string_literals():
    problems = []
    for name, source in sources(SERVICES):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        problems.append(f"{name}:{node.lineno} code={kw.value.value!r}")
    assert problems == [], "add these to the domain's errors.Code and use the member"


# --- the checks can fail ------------------------------------------------------------------------


def test_the_layering_check_catches_an_unlisted_module_and_a_private_name():
    public = {"booking": {"bookings"}, "dispatch": {"planning"}}
    bad = (
        "from lithloop.services.booking.draft import parse_draft\n"
        "from lithloop.services.booking.bookings import record_status, _own_site\n"
        "from lithloop.services.booking import draft\n"
        "from lithloop.services.dispatch.planning import start_run\n"
    )
    problems = domain_violations("lithloop.web.x", bad, public)
    assert len(problems) == 3
    assert domain_violations("lithloop.services.booking.sites", bad, public) == []


def test_the_private_name_check_catches_a_private_import():
    source = "from lithloop.services.booking.bookings import _own_site as own_site\n"
    assert private_name_imports("lithloop.services.dispatch.publishing", source)
    assert not private_name_imports("lithloop.x", "from lithloop.db import atomic as _run\n")


#: What the vocabulary's words may import: the vocabulary, the battery codes, Babel and
#: the words' own modules.
LABELS_MAY_IMPORT = ("lithloop.vocab", "lithloop.batteries", "flask_babel", "lithloop.labels")


def labels_violations(source: str, where: str = "lithloop/labels") -> list[str]:
    """Imports of a labels module beyond the vocabulary, the battery codes, Babel, the
    labels' own modules and the stdlib."""
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    return [
        f"{where}:{line} imports {module}"
        for module, _name, line in imports_of(source)
        if module.split(".")[0] not in stdlib and not module.startswith(LABELS_MAY_IMPORT)
    ]


def test_the_labels_import_only_the_vocabulary_and_babel():
    problems = []
    for path in sorted((PACKAGE / "labels").glob("*.py")):
        problems += labels_violations(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    assert problems == []
    assert labels_violations("from lithloop.models import Booking\nimport sqlalchemy\n")


def test_the_web_layer_reads_ids_from_forms_and_links_one_way():
    """Walk finding: a hidden plan id read with `type=int` took a tampered 20-digit value to
    a page that 404s. Ids from forms and links go through query_args.chosen_value or
    strict_input (chosen_id, int_or_default), which keep to the database's integer."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((PACKAGE / "web").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type=int" in line
    ]
    assert found == []
