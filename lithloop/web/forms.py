"""Page forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from lithloop.labels.places import place_word
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import check_controls, phone_number, place_name, typed_text


class InRange(NumberRange):
    """NumberRange, silent on a value that did not read as a number: its field already says
    "not a valid decimal" (both messages beside one field read as two problems)."""

    def __call__(self, form, field):
        if field.data is None and field.process_errors:
            raise StopValidation()
        if isinstance(field.data, Decimal) and field.data.is_snan():  # isnan() raises on it
            raise StopValidation(self.message)
        super().__call__(form, field)


def visible_text(form, field) -> None:
    """Refuse, beside the field, free text that strict_input refuses: invisible direction
    controls, nothing but invisible characters (the same check as the services'), or
    control characters such as ESC or BEL (invisible here, kept in letters and PDFs)."""
    if isinstance(field.data, str):
        try:
            check_controls(typed_text(field.data, field.name), field.name)
        except Invalid as exc:
            raise StopValidation(exc.message) from exc


def phone_text(form, field) -> None:
    """Refuse, beside the field, a phone number the services refuse (nothing but invisible
    characters, or not 7 to 15 digits), with the form's other fields, not after them."""
    if isinstance(field.data, str):
        try:
            phone_number(field.data, field.name)
        except Invalid as exc:
            raise StopValidation(exc.message) from exc


def place_text(form, field) -> None:
    """Refuse, beside the field, a city the services refuse (only symbols or emoji name no
    place), with the form's other fields: it was told only once a position was given."""
    if isinstance(field.data, str):
        try:
            place_name(field.data, field.name)
        except Invalid as exc:
            raise StopValidation(exc.message) from exc


#: The checks of every free-text field (names, addresses, labels, notes).
NAME_CHECKS = [visible_text]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class RegisterForm(FlaskForm):
    # No type is chosen for them: a dealer who missed the field was registered as a buyer.
    kind = SelectField(
        _l("Organisation type"),
        choices=[
            SelectChoice("", _l("Choose…")),
            SelectChoice("buyer", _l("Buyer (second-life packs)")),
            SelectChoice("dealer_branch", _l("Dealer branch")),
            SelectChoice("bus_company", _l("Bus company")),
        ],
        validators=[
            DataRequired(
                _l("Choose what your organisation is: a buyer, a dealer branch or a bus company.")
            )
        ],
    )
    organisation = StringField(
        _l("Organisation name"), validators=[DataRequired(), Length(max=200), *NAME_CHECKS]
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=100), *NAME_CHECKS])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120), *NAME_CHECKS])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ConfirmRegistrationForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class ApiTokenForm(FlaskForm):
    """An API token made on the account page (the same as POST /api/v1/auth/token); the
    lifetimes offered are set by the view (account.py)."""

    name = StringField(_l("Token name"), validators=[Optional(), Length(max=100), *NAME_CHECKS])
    expires_in_days = SelectField(_l("Valid for"), coerce=int, choices=[])
    token_password = PasswordField(_l("Current password"), validators=[DataRequired()])


#: A site without coordinates: what to do, not "this field is required" (nobody knows them);
#: a bus company's fleet manager is told to place the depot (labels.places).
PLACE_THE_SITE = LazyString(lambda: place_word("place_it", current_user))


class SiteForm(FlaskForm):
    name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=200), *NAME_CHECKS])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300), *NAME_CHECKS])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100), place_text])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100), *NAME_CHECKS])
    lat = DecimalField(
        _l("Latitude"),
        places=6,
        validators=[
            InputRequired(message=PLACE_THE_SITE),
            InRange(-90, 90, message=_l("Latitude must be between -90 and 90.")),
        ],
    )
    lon = DecimalField(
        _l("Longitude"),
        places=6,
        validators=[
            InputRequired(message=PLACE_THE_SITE),
            InRange(-180, 180, message=_l("Longitude must be between -180 and 180.")),
        ],
    )
    contact_name = StringField(
        _l("Contact person"), validators=[Optional(), Length(max=100), *NAME_CHECKS]
    )
    contact_phone = StringField(
        _l("Contact phone"), validators=[Optional(), Length(max=40), phone_text]
    )
    opens_at = TimeField(_l("Opens at"), validators=[InputRequired()])  # "25:00": not a time
    closes_at = TimeField(_l("Closes at"), validators=[InputRequired()])


class PriceVersionForm(FlaskForm):
    version = StringField(
        _l("Version label"), validators=[DataRequired(), Length(max=40), *NAME_CHECKS]
    )
    effective_date = DateField(_l("Effective from"), validators=[InputRequired()])  # 02-30: no date
    note = TextAreaField(
        _l("Source and note"), validators=[Optional(), Length(max=500), *NAME_CHECKS]
    )
    csv = FileField(_l("Or import prices from a CSV file (columns key, value)"))
