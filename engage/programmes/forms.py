"""The work programme forms: an item (title, what it is, calls to action, lead partner, target, due date) and a
progress update (the item's status now and what happened)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from engage.congress.staff_forms import DayField, long_text, short_text
from engage.forms import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    RadioField,
    SelectField,
    SelectMultipleField,
    clean_text,
)
from engage.i18n import gettext as _
from engage.i18n import lazy_gettext as _l
from engage.programmes.models import WorkProgrammeItem
from engage.programmes.services import STATUS_LABELS, TEXT_LIMIT, TITLE_LIMIT


class OptionalDayField(DayField):
    """A date in three boxes that may be left empty (`data` None)."""

    def process_formdata(self, valuelist):
        if not any(part.strip() for part in valuelist):
            self.data = None
            return
        super().process_formdata(valuelist)


def optional_text(label, limit: int, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit))],
        render_kw={"params": {"maxlength": limit, "rows": 4}},
        **kwargs,
    )


class ItemForm(FlaskForm):
    title = short_text(_l("Title"), _l("Enter the item's title"), TITLE_LIMIT)
    description = optional_text(_l("What it is (optional)"), TEXT_LIMIT)
    calls_to_action = SelectMultipleField(
        _l("Calls to action it serves (optional)"),
        description=_l("Select all that apply."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    lead_organisation = SelectField(_l("Lead partner organisation (optional)"), widget=GovSelect())
    target = optional_text(
        _l("Target or measure (optional)"), 2000, description=_l("How the board will know it is done")
    )
    due = OptionalDayField(
        _l("Due date (optional)"),
        missing="",
        invalid=_l("The due date must be a real date, like 31 3 2028"),
        description=_l("For example, 31 3 2028"),
    )
    submit = SubmitField(_l("Save the item"), widget=GovSubmitInput())

    def offer(self, calls_to_action: dict, organisations: list, language: str) -> None:
        """The current plan's calls to action and the partner organisations to choose from."""
        self.calls_to_action.choices = [
            SelectChoice(str(n), f"{n}. {p.localised('title', language)}") for n, p in calls_to_action.items()
        ]
        self.lead_organisation.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(str(o.id), o.name) for o in organisations
        ]

    def show(self, item: WorkProgrammeItem) -> None:
        """Fill the form with an item as it is, for changing it."""
        self.title.data, self.description.data, self.target.data = item.title, item.description, item.target
        self.calls_to_action.data = [str(p.number) for p in item.calls_to_action]
        self.lead_organisation.data = str(item.lead_organisation_id or "")
        self.due.data = item.due_on

    def fields(self, calls_to_action: dict) -> dict:
        """The item's columns as the services take them."""
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "calls_to_action": [calls_to_action[int(n)] for n in self.calls_to_action.data or []],
            "lead_organisation_id": int(self.lead_organisation.data) if self.lead_organisation.data else None,
            "target": self.target.data or "",
            "due_on": self.due.data,
        }


class UpdateForm(FlaskForm):
    status = RadioField(
        _l("How is it going?"),
        choices=[SelectChoice(status, label) for status, label in STATUS_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose the item's status"))],
    )
    body = long_text(_l("What has happened"), _l("Say what has happened"), TEXT_LIMIT)
    submit = SubmitField(_l("Post the update"), widget=GovSubmitInput())
