"""Move the flat service modules into domain packages and rewrite every import; rerunnable.

Run from the repository root: ``python tools/move_modules.py`` (``--check`` reports what it
would change and exits 1 if anything is left to do). It

1. ``git mv``s each module of MOVES still at its old path to its new path (creating the
   package's ``__init__.py`` when missing), and
2. rewrites the references in lithloop/, tests/, bench/, tools/ (and file paths in
   README.md and docs/): ``from lithloop.services
   import market_orders`` (also parenthesised and inside functions, keeping the local name
   with ``as``), ``from lithloop.services.market_orders import x``, ``import ...``, and
   dotted strings such as mock targets and logger names.

Running it twice changes nothing the second time, so after merging branches written against
the flat layout, run it again and their new imports follow the move.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCAN = ("lithloop", "tests", "bench", "tools")
SELF = Path(__file__).resolve()

S = "lithloop.services."
# old module → new module (dotted, under lithloop)
MOVES: dict[str, str] = {
    # accounts: people, organisations, sign-in, who may do what (the flat services.accounts
    # became accounts.registration; services.accounts is the package now, so it is not mapped)
    S + "api_tokens": S + "accounts.api_tokens",
    S + "audit": S + "accounts.audit",
    S + "buyer_company": S + "accounts.buyer_company",
    S + "lockout": S + "accounts.lockout",
    S + "login_sessions": S + "accounts.login_sessions",
    S + "passwords": S + "accounts.passwords",
    S + "policies": S + "accounts.policies",
    S + "taxpayer_id": S + "accounts.taxpayer_id",
    S + "user_admin": S + "accounts.user_admin",
    # booking: sites, quotes and the price index, capacity, pickups
    S + "bookings": S + "booking.bookings",
    S + "booking_draft": S + "booking.draft",
    S + "bus_fleet": S + "booking.bus_fleet",
    S + "capacity": S + "booking.capacity",
    S + "distances": S + "booking.distances",
    S + "geocoding": S + "booking.geocoding",
    S + "org_transfer": S + "booking.org_transfer",
    S + "pricing": S + "booking.prices",
    S + "sites": S + "booking.sites",
    S + "booking_search": S + "booking.search",
    S + "reach": S + "booking.reach",
    # dispatch: optimisation runs, plans, publishing, drivers' work and documents
    S + "driver_work": S + "dispatch.driver_work",
    S + "plan_edit": S + "dispatch.plan_edit",
    S + "plan_problem": S + "dispatch.problem",
    S + "planning": S + "dispatch.planning",
    S + "publishing": S + "dispatch.publishing",
    S + "transport_docs": S + "dispatch.transport_docs",
    S + "driver_sync": S + "dispatch.driver_sync",
    S + "left_out": S + "dispatch.left_out",
    S + "live_ops": S + "dispatch.live_ops",
    S + "pickup_checks": S + "dispatch.pickup_checks",
    S + "plan_refusals": S + "dispatch.plan_refusals",
    S + "publish_preview": S + "dispatch.publish_preview",
    S + "roster": S + "dispatch.roster",
    S + "run_report": S + "dispatch.run_report",
    # packs: one pack's state, its chain of events, passports, traceability
    S + "holiday_calendar": S + "packs.holiday_calendar",
    S + "pack_events": S + "packs.events",
    S + "pack_state": S + "packs.state",
    S + "passports": S + "packs.passports",
    S + "traceability": S + "packs.traceability",
    # plant: intake, grading, warehouses, dismantling, assembly, settlement
    S + "assembly": S + "plant.assembly",
    S + "certificates": S + "plant.certificates",
    S + "dismantling": S + "plant.dismantling",
    S + "grading": S + "plant.grading",
    S + "intake": S + "plant.intake",
    S + "intake_form": S + "plant.intake_form",
    S + "park_serials": S + "plant.park_serials",
    S + "settlement": S + "plant.settlement",
    S + "warehouses": S + "plant.warehouses",
    S + "intake_check": S + "plant.intake_check",
    S + "warehouse_stock": S + "plant.warehouse_stock",
    # market: catalogue, checkout, orders, payments, invoices, requests for quotation
    S + "invoices": S + "market.invoices",
    S + "market_catalog": S + "market.catalog",
    S + "market_checkout": S + "market.checkout",
    S + "market_holds": S + "market.holds",
    S + "market_orders": S + "market.orders",
    S + "market_payments": S + "market.payments",
    S + "market_webhooks": S + "market.webhooks",
    S + "rfq": S + "market.rfq",
    S + "rfq_admin": S + "market.rfq_admin",
    S + "market_cart": S + "market.cart",
    S + "order_list": S + "market.order_list",
    # reporting: figures for the park and partners, CSV
    S + "csv_export": S + "reporting.csv_export",
    S + "dashboard": S + "reporting.dashboard",
    S + "rollups": S + "reporting.rollups",
    # infrastructure leaves services/
    S + "read_cache": "lithloop.cache.read_cache",
    S + "shared_generations": "lithloop.cache.shared_generations",
    S + "user_snapshots": "lithloop.cache.user_snapshots",
    S + "unit_of_work": "lithloop.db",
    S + "run_heartbeat": "lithloop.jobs.heartbeat",
    S + "mail": "lithloop.mail",
    S + "letters": "lithloop.letters",
    # presentation leaves services/
    S + "plan_view": "lithloop.web.plan_view",
    S + "overview": "lithloop.web.overview",
    S + "region_map": "lithloop.web.region_map",
}

# (module, private name) → public name: names other modules import, made public
RENAMES: dict[tuple[str, str], str] = {
    (S + "booking.bookings", "_record"): "record_status",
    (S + "dispatch.planning", "_require_planner"): "require_planner",
    ("lithloop.web.auth", "_login_limit"): "login_limit",
}


def path_of(module: str) -> Path:
    """The source file of a dotted module name."""
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def stale_moves() -> list[str]:
    """Old names of MOVES that are packages today: a map from one rewrites good imports."""
    return [old for old in MOVES if ROOT.joinpath(*old.split(".")).is_dir()]


def move_files(dry: bool) -> list[str]:
    """git mv each module still at its old path; returns what moved."""
    done = []
    for old, new in MOVES.items():
        src, dst = path_of(old), path_of(new)
        if not src.exists() or src == dst:
            continue
        if dst.exists():
            both = f"{src.relative_to(ROOT)} and {dst.relative_to(ROOT)}"
            sys.exit(f"both {both} exist: merge them by hand, then rerun")
        done.append(f"{src.relative_to(ROOT)} -> {dst.relative_to(ROOT)}")
        if dry:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        init = dst.parent / "__init__.py"
        if not init.exists():
            init.write_text(f'"""{dst.parent.name}."""\n')
            subprocess.run(["git", "add", str(init)], cwd=ROOT, check=True)  # noqa: S607
        subprocess.run(["git", "mv", str(src), str(dst)], cwd=ROOT, check=True)  # noqa: S607
    return done


FROM_SERVICES = re.compile(
    r"^(?P<indent>[ \t]*)from lithloop\.services import "
    r"(?:\((?P<paren>[^)]*)\)|(?P<plain>[^\n#]*?))(?P<comment>[ \t]*#[^\n]*)?$",
    re.M,
)


def _split_names(text: str) -> list[tuple[str, str | None]]:
    names = []
    for part in re.sub(r"#[^\n]*", "", text).replace("\n", " ").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        names.append((bits[0], bits[2] if len(bits) == 3 and bits[1] == "as" else None))
    return names


def _rewrite_from_services(match: re.Match) -> str:
    indent = match["indent"]
    names = _split_names(match["paren"] if match["paren"] is not None else match["plain"])
    kept, lines = [], []
    for name, alias in names:
        new = MOVES.get(S + name)
        if new is None:
            kept.append(name + (f" as {alias}" if alias else ""))
            continue
        parent, leaf = new.rsplit(".", 1)
        local = alias or name
        rename = "" if leaf == local else f" as {local}"
        lines.append(f"{indent}from {parent} import {leaf}{rename}")
    if not lines:
        return match[0]
    if kept:
        lines.insert(0, f"{indent}from lithloop.services import {', '.join(kept)}")
    if match["comment"]:
        lines[0] += match["comment"]
    return "\n".join(lines)


def _dotted_pattern(old: str) -> re.Pattern:
    return re.compile(r"(?<![\w.])" + re.escape(old) + r"(?![\w])")


def rewrite_text(text: str) -> str:
    """The text with every reference to an old module pointing at its new one."""
    text = FROM_SERVICES.sub(_rewrite_from_services, text)
    for old in sorted(MOVES, key=len, reverse=True):
        new = MOVES[old]
        text = _dotted_pattern(old).sub(new, text)
        old_path, new_path = old.replace(".", "/") + ".py", new.replace(".", "/") + ".py"
        text = re.sub(r"(?<![\w/])" + re.escape(old_path), new_path, text)
        short_old = old_path.removeprefix("lithloop/")
        short_new = new_path.removeprefix("lithloop/")
        text = re.sub(r"(?<![\w/])" + re.escape(short_old), short_new, text)
    return text


def rename_private(text: str, path: Path) -> str:
    """Private names another module imports, under their public names."""
    for (module, old), new in RENAMES.items():
        word = re.compile(r"(?<![\w.])" + re.escape(old) + r"(?!\w)")
        here = path.resolve() == path_of(module).resolve()
        imports = re.search(
            r"from " + re.escape(module) + r" import [^\n]*(?<![\w.])" + re.escape(old) + r"(?!\w)",
            text,
        )
        if here or imports:
            text = word.sub(new, text)
    return text


def rewrite_imports(dry: bool) -> list[str]:
    """Rewrite every Python file under SCAN, README.md and docs/; returns what changed."""
    changed = []
    paths = [p for top in SCAN for p in sorted((ROOT / top).rglob("*.py"))]
    paths += [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for path in paths:
        if path.resolve() == SELF or not path.exists():
            continue
        text = path.read_text("utf-8")
        new = rename_private(rewrite_text(text), path)
        if new != text:
            changed.append(str(path.relative_to(ROOT)))
            if not dry:
                path.write_text(new, "utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Move, rewrite, then sort and format the touched files with ruff."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if work is left")
    ap.add_argument("--moves-only", action="store_true", help="only git mv (a pure-rename commit)")
    ap.add_argument("--no-ruff", action="store_true", help="do not run ruff on changed files")
    args = ap.parse_args(argv)
    stale = stale_moves()
    if stale:
        sys.exit(f"MOVES maps names that are packages today, remove them: {', '.join(stale)}")
    moved = move_files(args.check)
    for line in moved:
        print("move", line)
    if args.moves_only:
        return 0
    changed = rewrite_imports(args.check)
    for name in changed:
        print("rewrite", name)
    python = [name for name in changed if name.endswith(".py")]
    if python and not args.check and not args.no_ruff:
        ruff = Path(sys.executable).with_name("ruff")
        ruff_cmd = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff_cmd, "check", "--select", "I", "--fix", "-q", *python], cwd=ROOT)
        subprocess.run([*ruff_cmd, "format", "-q", *python], cwd=ROOT)
    if args.check and (moved or changed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
