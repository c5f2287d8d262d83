"""Bus fleet pages: the pack register (CSV import), retirement forecast, proposed bookings."""

from __future__ import annotations

import re
import secrets
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from lithloop import clock
from lithloop.batteries.fleet_csv import MAX_BYTES
from lithloop.extensions import db
from lithloop.i18n import current_language
from lithloop.models import Role
from lithloop.services.booking import bus_fleet
from lithloop.services.booking.sites import visible_sites
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import int_or_default
from lithloop.web import uploads
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.query_args import page_arg

bp = Blueprint("fleet", __name__, url_prefix="/fleet")
PAGE_SIZE = 50
PREVIEW_ROWS = 200
UPLOAD_DIR = "fleet_uploads"
UPLOAD_MAX_AGE_S = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_fleet.csv"


COLUMN_LABELS = {
    "vehicle_plate": _l("Vehicle plate"),
    "pack_code": _l("Pack code"),
    "chemistry": _l("Chemistry"),
    "rated_kwh": _l("Rated kWh"),
    "mass_kg": _l("Mass (kg)"),
    "in_service_since": _l("In service since"),
    "soh_pct": _l("SoH"),
}
#: Chinese text of each import problem, by code; `{name}` placeholders are the issue's params
ZH_ISSUES = {
    "file_too_large": "文件大小为 {size} 字节，上限为 {limit} 字节（5 MB）。",
    "empty_file": "文件是空的。",
    "no_rows": "文件只有表头，没有电池包数据。",
    "unknown_encoding": (
        "文件不是 UTF-8 或 GBK/GB18030 编码的 CSV 文本（是 Excel 工作簿吗？）；"
        "请另存为“CSV UTF-8”后重试。"
    ),
    "bad_csv": "无法按 CSV 读取该文件：{detail}。",
    "bad_columns": (
        "列名不符合要求。缺少：{missing}。无法识别：{unknown}。重复：{duplicated}。"
        "应有：{expected}。"
    ),
    "too_many_rows": "文件超过 {limit} 行数据，请拆分后分别导入。",
    "required": "此项必填。",
    "bad_number": "“{value}”不是数字。",
    "not_positive": "“{value}”必须大于 0。",
    "soh_out_of_range": "SOH“{value}”必须在 0 到 100（%）之间。",
    "bad_date": "“{value}”不是日期，请写成 YYYY-MM-DD。",
    "future_date": "日期 {value} 晚于今天（{today}）。",
    "unknown_chemistry": "“{value}”不是已知的化学体系（可选：{allowed}）。",
    "invalid_pack_code": "电池包编码“{value}”无效：{reason_zh}",
    "duplicate_pack_code": "电池包编码 {value} 已在第 {first_row} 行出现。",
    "chemistry_mismatch": (
        "化学体系 {chemistry} 与电池包编码的电池类型“{letter}”（{expected}）不符。"
    ),
    "extra_cells": "此行有 {count} 个单元格，但表头只有 {expected} 列。",
    "too_long": "“{value}”超过 {limit} 个字符。",
    "too_large": "“{value}”大于 {limit}。",
    "control_character": "此单元格含有控制字符（如 NUL），请删除。",
    "uncoded_pack": "没有电池包编码：按未编码（2018 年以前）的电池包接收，园区将在入场时编码。",
    "soh_looks_like_fraction": "SOH“{value}”按 {value}% 读取；如果您指的是小数，请写成 {percent}。",
    bus_fleet.ALREADY_REGISTERED: "电池包编码 {value} 已在本单位的电池包台账中。",
}
ZH_CODE_REASONS = {
    "empty": "编码为空。",
    "wrong_length": "编码长度不是 24 位。",
    "bad_character": "第 {position} 位的字符不允许出现在该字段。",
    "unknown_product_type": "第 4 位必须是 P（电池包）、M（模块）或 C（单体）。",
    "unknown_chemistry": "第 5 位不是电池类型代码。",
    "impossible_date": "第 {position} 位不是可能的生产日期。",
    "future_date": "生产日期晚于今天。",
    "zero_serial": "序列号（第 18-24 位）不能为 0000000。",
}


def _format(template: str, params: dict) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def issue_text(issue) -> str:
    """An import problem in the page's language: Chinese by code, else its English message."""
    code = str(issue.code)
    if current_language() != "zh_CN" or code not in ZH_ISSUES:
        return issue.message
    params = dict(issue.params)
    reason = ZH_CODE_REASONS.get(str(params.get("reason", "")), "编码不符合 GB/T 34014。")
    params["reason_zh"] = _format(reason, params)
    return _format(ZH_ISSUES[code], params)


class CsrfForm(FlaskForm):
    """A form with only its CSRF token."""


@bp.app_template_global("fleet_issue")
def _issue_global(issue) -> str:
    return issue_text(issue)


@bp.app_template_global("fleet_column")
def _column_global(column: str | None) -> str:
    return str(COLUMN_LABELS.get(column, column or "—"))


def _uploads() -> Path:
    """instance/fleet_uploads (created when a file is stored): never under static/."""
    return Path(current_app.config["INSTANCE_PATH"]) / UPLOAD_DIR


def _upload_path(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    return _uploads() / f"{current_user.id}-{token}.csv"


def _keep(data: bytes) -> str:
    """Store the uploaded file under instance/ with a random name; drop stale ones.

    UploadNotStored (507) when it cannot be written whole; nothing is left behind then."""
    folder = _uploads()
    for old in [*folder.glob("*.csv"), *folder.glob(".*.part")]:
        if time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_S:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    uploads.store(folder, f"{current_user.id}-{token}.csv", data)
    return token


def _register(form: CsrfForm, status: int = 200, error: str | None = None):
    page = page_arg()
    pagination = db.paginate(
        bus_fleet.packs(current_user), page=page, per_page=PAGE_SIZE, error_out=False
    )
    return render_template(
        "fleet/packs.html",
        pagination=pagination,
        form=form,
        error=error,
        max_mb=MAX_BYTES // (1024 * 1024),
    ), status


def _preview(form: CsrfForm, result, token: str | None, error: str | None = None):
    status = 200 if result.ok and not error else 422
    return render_template(
        "fleet/preview.html",
        result=result,
        token=token,
        form=form,
        error=error,
        preview_rows=result.rows[:PREVIEW_ROWS],
    ), status


@bp.route("/packs", methods=["GET", "POST"])
@roles_required(Role.FLEET_MANAGER)
def packs():
    """The pack register with the upload form; a posted CSV is previewed, nothing saved."""
    form = CsrfForm()
    if request.method == "GET":
        return _register(form)
    if not form.validate_on_submit():
        return _register(form, 400, _("The form has expired. Reload the page and retry."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _register(form, 422, _("Choose a CSV file to upload."))
    data = upload.stream.read(MAX_BYTES + 1)
    result = bus_fleet.preview_import(current_user, data)
    try:
        token = _keep(data) if result.ok else None
    except uploads.UploadNotStored as exc:
        return _register(form, exc.status, str(exc.message))
    return _preview(form, result, token)


@bp.post("/packs/confirm")
@roles_required(Role.FLEET_MANAGER)
def confirm():
    """Import the previewed file: every row or none."""
    form = CsrfForm()
    path = _upload_path(request.form.get("token", ""))
    if not form.validate_on_submit() or path is None or not path.exists():
        flash(_("The uploaded file has expired. Upload it again."), "error")
        return redirect(url_for("fleet.packs"))
    data = path.read_bytes()
    try:
        count = bus_fleet.import_packs(current_user, data)
    except bus_fleet.ImportRefused as exc:
        path.unlink(missing_ok=True)
        return _preview(form, exc.result, None, str(exc.message))
    except ServiceError as exc:
        return _preview(form, bus_fleet.preview_import(current_user, data), None, str(exc.message))
    path.unlink(missing_ok=True)
    flash(_("%(n)s packs imported.", n=count), "success")
    return redirect(url_for("fleet.packs"))


@bp.get("/sample.csv")
@roles_required(Role.FLEET_MANAGER)
def sample():
    """The sample fleet file shipped with lithloop (40 buses)."""
    return send_file(
        SAMPLE, mimetype="text/csv", as_attachment=True, download_name="sample_fleet.csv"
    )


def _threshold() -> Decimal:
    raw = (request.values.get("threshold") or "").strip()
    try:
        value = Decimal(raw) if raw else bus_fleet.soh_threshold()
    except InvalidOperation:
        return bus_fleet.soh_threshold()
    return value if value.is_finite() and 50 <= value < 100 else bus_fleet.soh_threshold()


def _windows(site) -> list[str]:
    """Half-hour times from the depot's opening to its closing."""
    start = site.opens_at.hour * 60 + site.opens_at.minute
    end = site.closes_at.hour * 60 + site.closes_at.minute
    first = -(-start // 30) * 30
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(first, end + 1, 30)]


def _forecast_page(errors: dict | None = None, status: int = 200):
    today = clock.today()
    threshold = _threshold()
    months_ahead = int_or_default(
        request.values.get("months"), bus_fleet.DEFAULT_PROPOSAL_MONTHS, minimum=1, maximum=12
    )
    site_id = int_or_default(request.values.get("site_id"), None, minimum=1, maximum=MAX_ID)
    months = bus_fleet.forecast(current_user, today, threshold=threshold)
    proposals = bus_fleet.proposals(
        current_user, today, months=months_ahead, site_id=site_id, threshold=threshold
    )
    days = {p.id: bus_fleet.open_days(p.mass_kg, today) for p in proposals}
    chart = {
        "labels": [m.month.strftime("%Y-%m") for m in months],
        "packs": [m.packs for m in months],
        "kwh": [float(m.kwh) for m in months],
    }
    depots = list(db.session.scalars(visible_sites(current_user)))
    return render_template(
        "fleet/forecast.html",
        months=months,
        chart=chart,
        proposals=proposals,
        days=days,
        windows={p.id: _windows(p.site) for p in proposals},
        threshold=threshold,
        months_ahead=months_ahead,
        depots=depots,
        site=bus_fleet.depot(current_user, site_id),
        form=CsrfForm(),
        errors=errors or {},
        values=request.form,
        today=today,
    ), status


@bp.get("/forecast")
@roles_required(Role.FLEET_MANAGER)
def forecast():
    """Packs coming due per month (chart and table) and the proposed pickups."""
    return _forecast_page()


@bp.post("/forecast/accept")
@roles_required(Role.FLEET_MANAGER)
def accept():
    """Book a proposed pickup on the chosen day and window; the packs are linked to it."""
    form = CsrfForm()
    proposal = request.form.get("proposal_id", "")
    if not form.validate_on_submit():
        return _forecast_page(
            {proposal: _("The form has expired. Reload the page and retry.")}, 400
        )
    pack_ids = [p for p in request.form.get("pack_ids", "").split(",") if p.strip()]
    try:
        booking, created = bus_fleet.accept_proposal(
            current_user,
            int_or_default(request.form.get("site_id"), None, minimum=1, maximum=MAX_ID),
            pack_ids,
            request.form.get("date", ""),
            (request.form.get("window_start", ""), request.form.get("window_end", "")),
        )
    except ServiceError as exc:
        return _forecast_page({proposal: str(exc.message)}, exc.status)
    if created:
        flash(
            _("Booking #%(id)s requested for %(n)s packs.", id=booking.id, n=len(pack_ids)),
            "success",
        )
    else:
        flash(_("These packs are already booked: booking #%(id)s.", id=booking.id), "info")
    if "bookings.show" in current_app.view_functions:
        return redirect(url_for("bookings.show", booking_id=booking.id))
    return redirect(url_for("fleet.forecast"))
