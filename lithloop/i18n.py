"""Language and display formats: zh-CN first, English second; times in Asia/Shanghai."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, has_request_context, request
from flask_babel import LazyString, format_date, format_datetime, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from lithloop.extensions import babel

LANG_COOKIE = "lang"


def select_locale() -> str:
    """A page's: the cookie the switcher set, else the user's saved choice, else zh_CN; the
    JSON API's: its own rule (web/api/language.py: Accept-Language, the token's user)."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    from lithloop.web.api import language

    if language.is_api_request():
        return language.api_locale()
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "locale", None) in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def money(fen: int | Decimal | None) -> str:
    """Fen (an integer or a Decimal) as ¥ with two decimals and thousands separators, the
    sign first: 123456 -> ¥1,234.56, -100 -> -¥1.00; the one formatter of every amount."""
    if fen is None:
        return "—"
    if isinstance(fen, float):
        raise TypeError("money must be integer fen or a Decimal, not float")
    exact = fen if isinstance(fen, Decimal) else Decimal(int(fen))
    yuan = (exact / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if yuan < 0 else ""
    return f"{sign}¥{abs(yuan):,.2f}"


def percent_change(value: Decimal | float | int | None) -> str:
    """A change in percent, signed, to 0.1, a space before the sign: +1.2 %, -3.5 %, 0.0 %;
    "—" for none. The one way price pages write a change (a space as in 85 % elsewhere)."""
    if value is None:
        return "—"
    tenths = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if tenths > 0 else "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths):,.1f} %"


def kwh(value: Decimal | float | int | str | None) -> str:
    """An energy in kWh as every page, document and letter writes it: rounded half up to at
    most two decimals, digits grouped (5.12, 60, 1,234.5); "—" for none."""
    if value is None:
        return "—"
    hundredths = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{hundredths:,.2f}".rstrip("0").rstrip(".")


def local_time(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC datetime shown in the display time zone (Asia/Shanghai by default)."""
    return "—" if value is None else format_datetime(value, fmt)


def long_day(value: date | None) -> str:
    """A day with its weekday in the page's language: 2026-12-07（周一）, the brackets
    full-width as Chinese writes them / 2026-12-07 (Mon)."""
    if value is None:
        return "—"
    chinese = current_language() == "zh_CN"
    return format_date(value, "yyyy-MM-dd（EEE）" if chinese else "yyyy-MM-dd (EEE)")


#: A number and the unit after it ("9,338 kg", "12 托盘", "85 %"), an amount ("¥1,234.56") and a
#: day (2026-12-09, which breaks at its hyphens):
#: in running text (a refusal, a notice) each is kept on one line at phone width.
_FIGURE = re.compile(
    r"-?¥\d[\d,]*(?:\.\d+)?|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"
    r"|\d[\d,]*(?:\.\d+)? (?:kg|km|kWh|Ah|t|pallets|days|%|千克|公里|托盘|吨|天)(?![A-Za-z])"
)

_WHOLE = Markup('<span class="nowrap">{}</span>')


def figures_whole(text) -> Markup:
    """`text` escaped, its figures with their units each wrapped as one unbreakable piece."""
    plain, parts, at = str(text), [], 0
    for found in _FIGURE.finditer(plain):
        parts += [escape(plain[at : found.start()]), _WHOLE.format(found.group(0))]
        at = found.end()
    return Markup("").join([*parts, escape(plain[at:])])


def _escaped_html(self: LazyString) -> Markup:
    """A lazy string in a template, escaped like any other text: Flask-Babel's own
    `__html__` hands the text over as markup, so a value a person typed and a message
    quotes (a date, a CSV header, a city) would run as HTML on the page."""
    return escape(str(self))


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and add the template filters and globals."""
    LazyString.__html__ = _escaped_html  # type: ignore[method-assign]
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["ngettext"] = grouped_ngettext
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["percent_change"] = percent_change
    app.jinja_env.filters["kwh"] = kwh
    app.jinja_env.filters["long_day"] = long_day
    app.jinja_env.filters["figures_whole"] = figures_whole
    app.jinja_env.globals["current_locale"] = current_language
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.globals["semicolon"] = semicolon
    app.jinja_env.globals["in_unit"] = in_unit
    app.jinja_env.globals["space"] = space
    # {{ days|listed }}: "a、b" or "a, b", as text (escaped; a LazyString counts as markup)
    app.jinja_env.filters["listed"] = lambda items: str(listed(items))


@pass_context
def grouped_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    """A template's `ngettext`: the count written as the pages' other numbers, its digits
    grouped by thousands ("12,345 stops"); Jinja's own writes %(num)d as "12345"."""
    variables.setdefault("num", f"{num:,}" if isinstance(num, int) else num)
    text = get_translations().ungettext(singular, plural, num).replace("%(num)d", "%(num)s")
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue's text, as Jinja's own ngettext; values escaped by %
    return text % variables


def colon() -> str:
    """The colon after a label: full-width in Chinese ("合计：¥12"), ": " in English."""
    return "\uff1a" if current_language() == "zh_CN" else ": "


def semicolon() -> str:
    """Between the items of a list of labelled values: full-width in Chinese, "; " in
    English."""
    return "\uff1b" if current_language() == "zh_CN" else "; "


def in_unit(unit: str) -> str:
    """A unit or a short note after a label: full-width brackets in Chinese ("黑粉（千克）"),
    " (kg)" in English."""
    return f"\uff08{unit}\uff09" if current_language() == "zh_CN" else f" ({unit})"


def space() -> str:
    """The space before a bracketed note whose message carries its own brackets: none in
    Chinese (no space before or after full-width punctuation: "¥12（价格指数 …）"), " " in
    English."""
    return "" if current_language() == "zh_CN" else " "


def sentences(parts) -> str:
    """Sentences one after another: run together in Chinese (each ends in "。"), a space
    between them in English."""
    return ("" if current_language() == "zh_CN" else " ").join(map(str, parts))


def listed(items) -> LazyString:
    """Items as a list in the reader's language, read when shown: "a、b" in Chinese,
    "a, b" in English; "—" for none."""
    items = list(items)  # a generator is read once; each item as text when shown
    return LazyString(
        lambda: ("\u3001" if current_language() == "zh_CN" else ", ").join(map(str, items)) or "—"
    )


def current_language() -> str:
    """'zh_CN' or 'en': the page's language as the switcher names it."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else "en"
