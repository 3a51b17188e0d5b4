"""The secretariat's congress forms: setting a congress up, its workshops and capacity, the door's search, and
registering someone who asked by phone or in person. Numbers, dates and times arrive as typed and are checked
here with messages in the page's language (WTForms' own are English only)."""

import re
from datetime import date, datetime, time

from flask_babel import format_datetime
from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets as gov
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from markupsafe import escape
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from engage.congress.forms import ACCESS, INTERPRETERS
from engage.congress.planning import MOST_PLACES
from engage.forms import (
    EMAIL_FORMAT,
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
    Localised,
    RadioField,
    SelectField,
    SelectMultipleField,
    at_most,
    clean_text,
)
from engage.i18n import gettext as _
from engage.i18n import language, lazy_own_language, own_language
from engage.i18n import lazy_gettext as _l

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")


class GovDateInput(Localised, gov.GovDateInput):
    """Day, month and year boxes, labelled in the page's language."""

    def map_gov_params(self, field, **kwargs):
        typed = getattr(field, "raw_data", None)
        # The boxes show what was typed, even when a box was missing from the form or sent twice.
        field.raw_data = None if typed is None else ([*typed, "", "", ""])[:3]
        try:
            params = super().map_gov_params(field, **kwargs)
        finally:
            field.raw_data = typed
        for item, label in zip(params["items"], (_("Day"), _("Month"), _("Year")), strict=True):
            item["label"] = label
        return params


class DayField(Field):
    """A date typed in three boxes; `data` is a date, or None with the field's own message when it is not one."""

    widget = GovDateInput()

    def __init__(self, label, missing, invalid, **kwargs):
        super().__init__(label, **kwargs)
        self.missing, self.invalid = missing, invalid

    def process_formdata(self, valuelist):
        parts = [part.strip() for part in valuelist]
        if not any(parts):
            raise ValueError(self.missing)
        try:
            day, month, year = (int(part) for part in parts)
            self.data = date(year, month, day)
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(self.invalid) from None
        if not 2000 <= year <= 2100:
            self.data = None
            raise ValueError(self.invalid)

    def _value(self):
        return " ".join(self.raw_data) if self.raw_data else ""


class ClockField(StringField):
    """A time on the 24-hour clock, like 10:00 or 14.30; `clock` is the time it means."""

    widget = GovTextInput()

    def __init__(self, label, required, invalid, **kwargs):
        kwargs.setdefault("description", _l("Use the 24-hour clock, like 10:00 or 14:30"))
        kwargs.setdefault("render_kw", {"params": {"classes": "govuk-input--width-5", "spellcheck": False}})
        super().__init__(label, filters=[clean_text], validators=[DataRequired(message=required)], **kwargs)
        self.invalid = invalid
        self.clock: time | None = None

    def post_validate(self, form, validation_stopped):
        if validation_stopped:
            return
        match = CLOCK.fullmatch(self.data or "")
        hour, minute = (int(match.group(1)), int(match.group(2))) if match else (24, 0)
        if hour > 23 or minute > 59:
            self.errors.append(self.invalid)
        else:
            self.clock = time(hour, minute)


class PlacesField(StringField):
    """A whole number of places from 1 to MOST_PLACES (commas and spaces allowed); `number` is it."""

    widget = GovTextInput()

    def __init__(self, label, required, **kwargs):
        kwargs.setdefault("render_kw", {"params": {"classes": "govuk-input--width-5", "inputmode": "numeric"}})
        super().__init__(label, filters=[clean_text], validators=[DataRequired(message=required)], **kwargs)
        self.number: int | None = None

    def post_validate(self, form, validation_stopped):
        if validation_stopped:
            return
        digits = re.sub(r"[\s,]", "", self.data or "")
        if not (digits.isdecimal() and len(digits) <= 6 and 1 <= int(digits) <= MOST_PLACES):
            self.errors.append(_l("Enter a number of places from 1 to %(most)s", most=MOST_PLACES))
        else:
            self.number = int(digits)


def _text_validators(required, limit: int) -> list:
    """Required (with its message) or, given none, optional; at most `limit` characters."""
    return [
        DataRequired(message=required) if required else Optional(),
        Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit)),
    ]


def short_text(label, required, limit: int, **kwargs) -> StringField:
    return StringField(
        label, filters=[clean_text], widget=GovTextInput(), validators=_text_validators(required, limit), **kwargs
    )


def long_text(label, required, limit: int, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=_text_validators(required, limit),
        render_kw={"params": {"maxlength": limit, "rows": 3}},
        **kwargs,
    )


IN_BENGALI = _l("Shown on pages in Bengali; without it they show the English.")


class CongressForm(FlaskForm):
    title = short_text(
        _l("Title"), _l("Enter the title of the congress"), 200, description=_l("For example: Spring 2027 Congress")
    )
    title_bn = short_text(_l("Title in Bengali (optional)"), None, 200, description=IN_BENGALI)
    slug = StringField(
        _l("Web address"),
        description=_l(
            "Lower-case letters, numbers and hyphens, like %(example)s. It cannot be changed later.",
            example=lazy_own_language("spring-2027"),
        ),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter a web address for the congress")),
            Length(max=40, message=_l("Use %(limit)s characters or fewer", limit=40)),
            Regexp(
                SLUG,
                message=_l(
                    "Use only lower-case letters, numbers and single hyphens, like %(example)s",
                    example=lazy_own_language("spring-2027"),
                ),
            ),
        ],
        render_kw={
            "params": {"classes": "govuk-input--width-20", "spellcheck": False, "prefix": {"text": "/congress/"}}
        },
    )
    date = DayField(
        _l("Date of the congress"),
        missing=_l("Enter the date of the congress"),
        invalid=_l("The date of the congress must be a real date, like 18 4 2027"),
        description=_l("For example, 18 4 2027"),
    )
    starts = ClockField(
        _l("Start time"), _l("Enter the start time"), _l("Enter the start time on the 24-hour clock, like 10:00")
    )
    ends = ClockField(
        _l("End time"), _l("Enter the end time"), _l("Enter the end time on the 24-hour clock, like 16:00")
    )
    venue = long_text(_l("Venue"), _l("Enter the venue"), 500, description=_l("The building and its address"))
    venue_access = long_text(
        _l("Getting in: accessibility information for the venue"),
        _l("Say how people get into the venue and around it"),
        2000,
        description=_l("Step-free access, lifts, accessible toilets, hearing loop, quiet room, how to get there"),
    )
    venue_bn = long_text(_l("Venue in Bengali (optional)"), None, 500, description=IN_BENGALI)
    venue_access_bn = long_text(_l("Getting in, in Bengali (optional)"), None, 2000, description=IN_BENGALI)
    capacity = PlacesField(_l("How many places"), _l("Enter how many places there are"))
    opens = DayField(
        _l("Registration opens on"),
        missing=_l("Enter the date registration opens"),
        invalid=_l("The date registration opens must be a real date, like 1 2 2027"),
    )
    closes = DayField(
        _l("Registration closes at the end of"),
        missing=_l("Enter the date registration closes"),
        invalid=_l("The date registration closes must be a real date, like 11 4 2027"),
    )
    submit = SubmitField(_l("Create the congress"), widget=GovSubmitInput())


class WorkshopForm(FlaskForm):
    title = short_text(_l("Title of the workshop"), _l("Enter the title of the workshop"), 200)
    title_bn = short_text(_l("The workshop's title in Bengali (optional)"), None, 200, description=IN_BENGALI)
    call_to_action = SelectField(_l("Call to action"), widget=GovSelect())
    starts = ClockField(
        _l("Start time of its time slot"),
        _l("Enter the start time of the workshop"),
        _l("Enter the start time on the 24-hour clock, like 11:00"),
        description=_l("People choose one workshop in each time slot. Use the 24-hour clock, like 11:00"),
    )
    capacity = PlacesField(_l("How many places"), _l("Enter how many places there are"))
    submit = SubmitField(_l("Add the workshop"), widget=GovSubmitInput())

    def offer(self, calls_to_action: dict, language: str) -> None:
        self.call_to_action.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(str(n), f"{n}. {p.localised('title', language)}") for n, p in calls_to_action.items()
        ]


class CapacityForm(FlaskForm):
    capacity = PlacesField(_l("How many places"), _l("Enter how many places there are"))
    submit = SubmitField(_l("Change the number of places"), widget=GovSubmitInput())


class MoveForm(FlaskForm):
    """A congress's new date and times: first checked (`submit`), then confirmed on the next page (`confirmed`)."""

    date = CongressForm.date
    starts = CongressForm.starts
    ends = CongressForm.ends
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
    confirmed = SubmitField(_l("Move the congress and tell everyone registered"), widget=GovSubmitInput())


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Name or reference"),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[Optional(), at_most(200)],
        render_kw={"params": {"spellcheck": False, "autocomplete": "off"}},
    )


def _slots(congress) -> list[tuple[datetime, list]]:
    slots: dict = {}
    for workshop in congress.workshops:
        slots.setdefault(workshop.starts_at, []).append(workshop)
    return sorted(slots.items())


def register_someone_form(congress) -> FlaskForm:
    """Who, how to reach them (an email address, a phone number or a postal address: at least one, which the service
    asks for), their workshops (one per time slot) and their needs."""

    class RegisterSomeoneForm(FlaskForm):
        name = short_text(_l("Their full name"), _l("Enter their name"), 200)
        email = StringField(
            _l("Their email address (optional)"),
            description=_l("We send their confirmation and any changes here."),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[
                Optional(),
                Length(max=320, message=_l("Email address must be 320 characters or fewer")),
                Email(message=EMAIL_FORMAT),
            ],
            render_kw={"params": {"type": "email", "spellcheck": False, "autocomplete": "off"}},
        )
        phone = StringField(
            _l("Their phone number (optional)"),
            description=_l("With neither an email nor a postal address, phone them with their place and any changes."),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), Length(max=40, message=_l("Use %(limit)s characters or fewer", limit=40))],
            render_kw={"params": {"type": "tel", "autocomplete": "off", "classes": "govuk-input--width-20"}},
        )
        address = TextAreaField(
            _l("Their postal address (optional)"),
            description=_l("Without an email address, we post them their confirmation and any changes."),
            filters=[clean_text],
            widget=GovCharacterCount(),
            validators=[Optional(), Length(max=300, message=_l("Use %(limit)s characters or fewer", limit=300))],
            render_kw={"params": {"maxlength": 300, "rows": 3}},
        )
        language = RadioField(
            _l("Which language should we write to them in?"),
            choices=[SelectChoice("en", "English"), SelectChoice("bn", "বাংলা")],
            default="en",
            widget=GovRadioInput(),
            validators=[InputRequired(message=_l("Choose a language"))],
        )
        access = SelectMultipleField(
            _l("Do they need any of these?"),
            description=_l("Select all that apply."),
            choices=ACCESS,
            widget=GovCheckboxesInput(),
            validators=[Optional()],
        )
        access_other = StringField(
            _l("Anything else we should arrange for them? (optional)"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), Length(max=500, message=_l("Use %(limit)s characters or fewer", limit=500))],
        )
        interpreter = RadioField(
            _l("Would they like a spoken-language interpreter?"),
            choices=INTERPRETERS,
            default="none",
            widget=GovRadioInput(),
            validators=[InputRequired(message=_l("Say whether they would like an interpreter"))],
        )
        dietary = StringField(
            _l("Dietary needs (optional)"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), Length(max=500, message=_l("Use %(limit)s characters or fewer", limit=500))],
        )
        creche = StringField(
            _l("Creche places: how many children, and their ages (optional)"),
            description=_l("For example: 2 children, aged 3 and 5"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), Length(max=200, message=_l("Use %(limit)s characters or fewer", limit=200))],
        )
        submit = SubmitField(_l("Register them"), widget=GovSubmitInput())

    for number, (starts_at, workshops) in enumerate(_slots(congress), start=1):
        field = RadioField(
            _l("Workshop at %(time)s", time=format_datetime(starts_at, "HH:mm")),
            choices=[SelectChoice("", _l("No workshop in this slot"))]
            + [SelectChoice(str(w.id), _workshop_label(w)) for w in workshops],
            default="",
            widget=GovRadioInput(),
            validators=[Optional()],
        )
        setattr(RegisterSomeoneForm, f"slot_{number}", field)
    return RegisterSomeoneForm()


def _workshop_label(workshop):
    """A workshop as the page offers it: its title in the page's language when it has one (else marked with its
    own), and whether it is full."""
    title = workshop.localised("title", language())
    if workshop.confirmed < workshop.capacity:
        return title  # marked as every option is (OwnLanguageOptions)
    # Marked here: the whole label is in the page's language, the title perhaps not.
    return escape(_("%(title)s (full: waiting list)")) % {"title": own_language(title)}


def needs(form) -> dict:
    """The needs as the registration keeps them (the same shape as a person's own registration)."""
    return {
        "access": list(form.access.data or []),
        "access_other": form.access_other.data or "",
        "interpreter": form.interpreter.data,
        "dietary": form.dietary.data or "",
        "creche": form.creche.data or "",
    }
