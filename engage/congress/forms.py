from functools import lru_cache

from flask_babel import format_datetime
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from engage.forms import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
    RadioField,
    SelectField,
    SelectMultipleField,
    at_most,
    clean_text,
    email_field,
    text_field,
)
from engage.i18n import lazy_gettext as _l

ACCESS = [
    SelectChoice("step_free", _l("Step-free access")),
    SelectChoice("hearing_loop", _l("A hearing loop")),
    SelectChoice("bsl", _l("A British Sign Language interpreter")),
    SelectChoice("large_print", _l("Large print")),
]
INTERPRETERS = [
    SelectChoice("none", _l("No, thank you")),
    SelectChoice("bengali", _l("Bengali")),
    SelectChoice("sylheti", _l("Sylheti")),
    SelectChoice("somali", _l("Somali")),
    SelectChoice("other", _l("Another language")),
]


# What a person may change of their registration until registration closes: their workshops and these.
CHANGEABLE = ("access", "access_other", "interpreter", "interpreter_other", "dietary", "creche")


# The sign-up's pages in order, each with its questions (those the form has; the workshops page, its time slots').
SIGN_UP = {
    "about-you": ("name", "email", "attending_as", "organisation"),
    "workshops": (),
    "needs": CHANGEABLE,
    "staying-in-touch": ("priorities", "consent"),
}


def registration_form(
    programme, structure, language: str, guest: bool = False, change: bool = False, **answers
) -> FlaskForm:
    """The congress's questions; one workshop question per time slot of its programme; and, for someone without
    an account, their name and email address. To change a registration, its workshops and needs alone. The form's
    class is made once for each programme (a programme and a structure read again are other objects), language and
    kind of person or change. `answers` are FlaskForm's (formdata: the answers kept across the sign-up's pages)."""
    return _registration_form_class(programme, structure, language, guest, change)(**answers)


@lru_cache(maxsize=64)
def _registration_form_class(programme, structure, language: str, guest: bool, change: bool) -> type[FlaskForm]:
    class RegistrationForm(FlaskForm):
        attending_as = RadioField(
            _l("Are you coming as"),
            choices=[
                SelectChoice("resident", _l("A resident")),
                SelectChoice("partner", _l("Someone from a partner organisation")),
                SelectChoice("other", _l("Something else")),
            ],
            widget=GovRadioInput(),
            validators=[InputRequired(message=_l("Say how you are coming"))],
        )
        organisation = SelectField(  # its choices are the person's own (offer_organisations)
            _l("Which partner organisation? (if you are coming from one)"), widget=GovSelect(), validators=[Optional()]
        )
        access = SelectMultipleField(
            _l("Do you need any of these?"),
            description=_l("Select all that apply."),
            choices=ACCESS,
            widget=GovCheckboxesInput(),
            validators=[Optional()],
        )
        access_other = StringField(
            _l("Anything else we should arrange for you? (optional)"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), at_most(500)],
        )
        interpreter = RadioField(
            _l("Would you like a spoken-language interpreter?"),
            choices=INTERPRETERS,
            default="none",
            widget=GovRadioInput(),
            validators=[InputRequired(message=_l("Say whether you would like an interpreter"))],
        )
        # Needed only when "Another language" is chosen. Not a GOV.UK conditional reveal: its script gives the radio
        # aria-expanded, which a radio may not have (axe's aria-allowed-attr).
        interpreter_other = StringField(
            _l("Which other language?"),
            description=_l("Only if you chose another language"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[at_most(100)],
        )
        dietary = StringField(
            _l("Dietary needs (optional)"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), at_most(500)],
        )
        creche = StringField(
            _l("Creche places: how many children, and their ages (optional)"),
            description=_l("For example: 2 children, aged 3 and 5"),
            filters=[clean_text],
            widget=GovTextInput(),
            validators=[Optional(), at_most(200)],
        )
        priorities = SelectMultipleField(
            _l("Which calls to action do you care most about? (optional)"),
            choices=[
                SelectChoice(str(n), f"{n}. {p.localised('title', language)}")
                for n, p in structure.calls_to_action.items()
            ],
            widget=GovCheckboxesInput(),
            validators=[Optional()],
        )
        consent = BooleanField(_l("You may contact me about what comes out of the congress"), widget=GovCheckboxInput())
        submit = SubmitField(_l("Register"), widget=GovSubmitInput())

        def validate_interpreter_other(self, field):
            if self.interpreter.data == "other" and not field.data:
                raise ValidationError(_l("Say which language you would like an interpreter for"))

    if guest:
        RegistrationForm.name = text_field(
            _l("Full name"),
            _l("Enter your full name"),
            200,
            _l("Name must be 200 characters or fewer"),
            autocomplete="name",
        )
        RegistrationForm.email = email_field()
    if change:
        for name in ("attending_as", "organisation", "priorities", "consent"):
            delattr(RegistrationForm, name)
        RegistrationForm.submit = SubmitField(_l("Save the changes"), widget=GovSubmitInput())
    slots: dict = {}
    for workshop in programme.workshops:
        slots.setdefault(workshop.starts_at, []).append(workshop)
    for number, (starts_at, workshops) in enumerate(sorted(slots.items()), start=1):
        choices = [SelectChoice("", _l("No workshop in this slot"))] + [
            SelectChoice(str(w.id), w.localised("title", language)) for w in workshops
        ]
        field = RadioField(
            _l("Workshop at %(time)s", time=format_datetime(starts_at, "HH:mm")),
            choices=choices,
            default="",
            widget=GovRadioInput(),
            validators=[Optional()],
        )
        setattr(RegistrationForm, f"slot_{number}", field)
    return RegistrationForm


def offer_organisations(form, organisations: list) -> None:
    """Offer, as the organisation someone comes from, only those they represent (policy.represented); someone who
    represents none is neither asked which (unless they sent one all the same: it is refused on its question) nor
    offered to come as a partner. Set for each request: the form's class is kept for everyone."""
    form.organisation.choices = [SelectChoice("", _l("None")), *(SelectChoice(o.slug, o.name) for o in organisations)]
    if organisations:
        return
    form.attending_as.choices = [c for c in form.attending_as.choices if c.value != "partner"]
    if not form.organisation.data:
        del form.organisation


def _slots(form) -> list:
    return [field for name, field in form._fields.items() if name.startswith("slot_")]


def asks(page: str | None, name: str) -> bool:
    """Whether a sign-up page asks the question named (whether the form has it or not)."""
    return page is not None and (name in SIGN_UP[page] or (page == "workshops" and name.startswith("slot_")))


def page_questions(form, page: str) -> list[str]:
    """The names of the questions a sign-up page asks (none: the page is skipped)."""
    if page == "workshops":
        return [field.name for field in _slots(form)]
    return [name for name in SIGN_UP[page] if name in form]


def sign_up_pages(form) -> list[str]:
    return [page for page in SIGN_UP if page_questions(form, page)]


def page_answered(form, page: str) -> bool:
    """Whether a page's questions (and the form's CSRF token) are answered well. Validating the whole form checks
    the questions against each other; the errors of the other pages' questions, asked there, are not shown here."""
    form.validate()
    names = {*page_questions(form, page), "csrf_token"}
    for field in form:
        if field.name not in names:
            field.errors = []
    return not form.errors


def unanswered(form) -> str | None:
    """The first sign-up page whose answers are missing or wrong, if any; the form is left without errors."""
    form.validate()
    pages = [page for page in sign_up_pages(form) if any(form[name].errors for name in page_questions(form, page))]
    for field in form:
        field.errors = []
    return pages[0] if pages else None


def workshop_choices(form) -> list[int]:
    return [int(field.data) for field in _slots(form) if field.data]


def fill_in(form, registration) -> None:
    """A change form showing the registration as it is: its needs and, in each time slot, its workshop."""
    for name in CHANGEABLE:
        form[name].data = registration.needs.get(name, form[name].default)
    chosen = {str(place.workshop_id) for place in registration.places if place.status != "cancelled"}
    for field in _slots(form):
        field.data = next((c.value for c in field.choices if c.value in chosen), "")


def needs_described(needs: dict) -> list[str]:
    """What a registration asks us to arrange, a line each, in the page's language."""
    access, interpreters = ({c.value: c.label for c in choices} for choices in (ACCESS, INTERPRETERS))
    lines = [access[key] for key in needs.get("access", []) if key in access] + [needs.get("access_other", "")]
    if needs.get("interpreter", "none") in interpreters.keys() - {"none"}:
        spoken = needs.get("interpreter_other") if needs["interpreter"] == "other" else None
        lines.append(_l("An interpreter: %(language)s", language=spoken or interpreters[needs["interpreter"]]))
    if needs.get("dietary"):
        lines.append(_l("Dietary needs: %(needs)s", needs=needs["dietary"]))
    if needs.get("creche"):
        lines.append(_l("Creche: %(places)s", places=needs["creche"]))
    return [line for line in lines if line]


def show_full(form, full: set[int]) -> None:
    """Mark the workshops with no place left, for the page (the form's class is kept; the places change)."""
    full_values = {str(workshop_id) for workshop_id in full}
    for field in _slots(form):
        field.choices = [
            SelectChoice(c.value, _l("%(title)s (full: waiting list)", title=c.label)) if c.value in full_values else c
            for c in field.choices
        ]
