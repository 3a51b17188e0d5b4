from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from engage.forms import GovRadioInput, GovTextInput, RadioField, at_most, clean_text
from engage.i18n import lazy_gettext as _l
from engage.notices.kinds import IMMEDIATE, OFF, WEEKLY, Category

CHOICE_LABELS = {IMMEDIATE: _l("Straight away"), WEEKLY: _l("In a weekly summary"), OFF: _l("Never")}


def preferences_form(categories: list[Category], current: dict[str, str]) -> FlaskForm:
    """One question per category a person may change, answered with what they chose before."""

    class PreferencesForm(FlaskForm):
        submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    for category in categories:
        if category.optional:
            field = RadioField(
                category.label,
                description=category.hint,
                choices=[SelectChoice(value, CHOICE_LABELS[value]) for value in category.choices],
                widget=GovRadioInput(),
                validators=[InputRequired(message=_l("Choose when you want to hear about this"))],
            )
            setattr(PreferencesForm, category.name, field)
    return PreferencesForm(data=current)


class OutboxSearchForm(FlaskForm):
    class Meta:
        csrf = False

    recipient = StringField(
        _l("Recipient's email address"),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[Optional(), at_most(320)],
    )
