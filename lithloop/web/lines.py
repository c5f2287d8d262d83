"""Plant pages for the recycling lines (dismantling batches) and second-life assembly."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import labels
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.errors import Invalid, ServiceError
from lithloop.services.plant import (
    assembly,
    assembly_once,
    dismantling,
    measurements,
    parent_candidates,
)
from lithloop.services.strict_input import parse_amount
from lithloop.web.access import roles_required
from lithloop.web.query_args import chemistry_arg, page_arg

bp = Blueprint("lines", __name__, url_prefix="/plant")
PLANT = policies.PLANT_STAFF


def _error(exc: ServiceError) -> dict:
    if exc.status == 404 and exc.field is None:
        raise exc
    return {"field": exc.field or "_form", "message": str(exc.message), "code": exc.code}


@bp.get("/lines")
@roles_required(*PLANT)
def index(error: dict | None = None, status: int = 200):
    """The three recycling lines, their open batches and the latest batches."""
    return render_template(
        "lines/index.html",
        lines=dismantling.lines(),
        batches=dismantling.recent_batches(),
        days_of=dismantling.days_of_work,
        error=error or {},
    ), status


@bp.post("/lines/<int:line>/open")
@roles_required(*PLANT)
def open_batch(line: int):
    """Open a batch on a line."""
    try:
        batch = dismantling.open_batch(current_user, line)
    except dismantling.LineBusy as exc:  # pressed twice, or by a colleague: that batch
        flash(
            _(
                "Batch %(id)s is already open on line %(n)s: add the packs to it here.",
                id=exc.batch_id,
                n=line,
            ),
            "info",
        )
        return redirect(url_for("lines.batch", batch_id=exc.batch_id))
    except ServiceError as exc:
        return index(_error(exc), exc.status)
    flash(_("Batch %(id)s opened on line %(n)s.", id=batch.id, n=line), "success")
    return redirect(url_for("lines.batch", batch_id=batch.id))


@bp.get("/batches/<int:batch_id>")
@roles_required(*PLANT)
def batch(batch_id: int, error: dict | None = None, status: int = 200):
    """One batch: its packs, its days of work, the add and close forms."""
    found = dismantling.get_batch(batch_id)
    return render_template(
        "lines/batch.html",
        batch=found,
        days=dismantling.days_of_work(found),
        t_per_day=dismantling.throughputs()[found.line - 1],
        materials=dismantling.MATERIALS,
        labels=labels.OUTPUT,
        outputs={m: Decimal((found.outputs or {}).get(m, "0")) for m in dismantling.MATERIALS},
        total=dismantling.output_total(found),
        loss=dismantling.loss_kg(found),
        error=error or {},
        form=request.form if error else {},
    ), status


@bp.post("/batches/<int:batch_id>/add")
@roles_required(*PLANT)
def add(batch_id: int):
    """Put scanned packs from the raw-material warehouse on the batch's line."""
    codes = request.form.get("codes", "").replace(",", "\n").splitlines()
    try:
        dismantling.add_packs(current_user, batch_id, codes)
    except ServiceError as exc:
        return batch(batch_id, _error(exc), exc.status)
    flash(_("Packs added and recorded as dismantled."), "success")
    return redirect(url_for("lines.batch", batch_id=batch_id))


@bp.post("/batches/<int:batch_id>/close")
@roles_required(*PLANT)
def close(batch_id: int):
    """Close the batch with the weighed outputs."""
    try:
        dismantling.close_batch(
            current_user,
            batch_id,
            request.form,
            loss_confirmed=request.form.get("confirm_loss") == "1",
            reason=request.form.get("loss_reason", ""),
        )
    except ServiceError as exc:
        return batch(batch_id, _error(exc), exc.status)
    flash(_("Batch %(id)s closed.", id=batch_id), "success")
    return redirect(url_for("lines.batch", batch_id=batch_id))


@bp.get("/assembly")
@roles_required(*PLANT)
def assembly_page(errors: dict | None = None, status: int = 200):
    """Second-life assembly: parent candidates (50 a page, by chemistry or code), the build
    form, recent builds."""
    refused: dict[str, str] = {}  # the filter's, apart from the build form's errors
    candidates = parent_candidates.candidate_page(
        page_arg(),
        chemistry_arg(refused),
        (request.args.get("code") or "").strip()[:24] or None,
    )
    return render_template(
        "lines/assembly.html",
        candidates=candidates,
        builds=assembly.recent_builds(),
        use_cases=labels.USE_CASE,
        errors=errors or {},
        filter_errors=refused,
        form=request.form if errors else {},
    ), status


class _Reader:
    """The form's boxes read one by one, each refusal kept by its field (None for the box)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def read(self, parse, *args):
        try:
            return parse(*args)
        except Invalid as exc:
            self.errors.setdefault(exc.field or "_form", str(exc.message))
            return None


def _decimal(name: str, *, optional: bool = False) -> Decimal | None:
    text = request.form.get(name, "").strip()
    if not text and optional:
        return None
    said = measurements.NOT_A_NUMBER.get(name, _l("Give a number."))  # as the test form
    return parse_amount(text, name, message=said)


def _int(name: str) -> int:
    value = _decimal(name)
    if value != value.to_integral_value():
        raise Invalid(_l("Give a whole number."), field=name)
    return int(value)


def _order() -> tuple[assembly.BuildOrder, dict[str, str]]:
    """The build order as typed (a box that could not be read is None) and those boxes'
    refusals by field."""
    form, box = request.form, _Reader()
    codes = form.getlist("parents") + form.get("parent_codes", "").replace(",", "\n").split()
    test = assembly.FinalTest(
        capacity_ah=box.read(_decimal, "capacity_ah"),
        soh_pct=box.read(_decimal, "soh_pct"),
        resistance_mohm=box.read(lambda: _decimal("resistance_mohm", optional=True)),
        ocv_v=box.read(lambda: _decimal("ocv_v", optional=True)),
        insulation_ok=box.read(measurements.insulation_result, form.get("insulation_ok")),
    )
    order = assembly.BuildOrder(
        parent_codes=tuple(codes),
        rated_wh=box.read(_int, "rated_wh"),
        mass_kg=box.read(_decimal, "mass_kg"),
        test=test,
        warranty_months=box.read(_int, "warranty_months"),
        use_case=form.get("use_case", ""),
    )
    return order, box.errors


@bp.post("/assembly")
@roles_required(*PLANT)
def build():
    """Build a refurbished pack from the chosen parents and list it; every field's refusal is
    shown at once, beside its field."""
    order, errors = _order()
    if errors:  # nothing built: every other field's problem too, not one per try
        return assembly_page(assembly.order_problems(order, errors), 422)
    try:
        token = idempotency.clean_key(request.form.get("build_token"), "build_token")
        pack, again = assembly_once.build_once(current_user, order, token)
    except ServiceError as exc:
        error = _error(exc)
        errors = {error["field"]: error["message"]}
        if exc.field is not None:
            assembly.order_problems(order, errors)
        return assembly_page(errors, exc.status)
    if again:  # the form sent twice (a double click): the pack its first press built
        flash(
            _(
                "Pack %(code)s was built by this form already (it was sent twice): here it is.",
                code=pack.code,
            ),
            "info",
        )
        return redirect(url_for("plant.pack", pack_id=pack.id))
    flash(
        _("Pack %(code)s built, graded %(g)s and listed.", code=pack.code, g=pack.grade.value),
        "success",
    )
    return redirect(url_for("lines.assembly_page"))
