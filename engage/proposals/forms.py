"""The questions of a proposal, one page each, and the buttons people press on a proposal's page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from engage.forms import GovCharacterCount, GovCheckboxesInput, GovRadioInput, GovSelect, GovTextInput, clean_text


def long_text(label, hint, required, limit: int) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message=required),
            Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit)),
        ],
        render_kw={
            "params": {"maxlength": limit, "rows": 6, "label": {"isPageHeading": True, "classes": "govuk-label--l"}}
        },
    )


class Step(FlaskForm):
    submit = SubmitField(_l("Save and continue"), widget=GovSubmitInput())


class TitleStep(Step):
    title = StringField(
        _l("What is your idea called?"),
        description=_l("A short title people will recognise, like “More benches along the canal towpath”."),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a title for your idea")),
            Length(max=150, message=_l("Use %(limit)s characters or fewer", limit=150)),
        ],
        render_kw={"params": {"spellcheck": True, "label": {"isPageHeading": True, "classes": "govuk-label--l"}}},
    )


class ProblemStep(Step):
    problem = long_text(
        _l("What is the problem?"),
        _l("Say what is wrong now, where and who it affects."),
        _l("Describe the problem"),
        2000,
    )


class IdeaStep(Step):
    idea = long_text(
        _l("What is your idea?"), _l("Say what should happen and who could do it."), _l("Describe your idea"), 3000
    )


class WhoStep(Step):
    who_it_helps = long_text(
        _l("Who would it help?"),
        _l("For example: older people in Poplar, parents of young children, everyone who uses the market."),
        _l("Say who your idea would help"),
        1000,
    )


class CallsToActionStep(Step):
    primary = RadioField(
        _l("Which call to action does your idea do most for?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select the call to action your idea does most for"))],
        coerce=int,
    )
    others = SelectMultipleField(
        _l("Does it help any of the others too?"),
        description=_l("Select all that apply, or none."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
        coerce=int,
    )

    def offer(self, calls_to_action: dict, language: str) -> None:
        choices = [SelectChoice(n, f"{n}. {p.localised('title', language)}") for n, p in calls_to_action.items()]
        self.primary.choices = choices
        self.others.choices = choices


class WardStep(Step):
    ward = SelectField(
        _l("Where in Tower Hamlets is it?"),
        description=_l("Choose a ward, or the whole borough if it is not about one place."),
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose a ward or the whole borough"))],
    )


class OrganisationStep(Step):
    organisation = SelectField(
        _l("Are you proposing this on behalf of an organisation?"),
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose an organisation, or say it is your own idea"))],
    )


class NameStep(Step):
    show_name = RadioField(
        _l("Can we show your name with your proposal?"),
        description=_l("Your proposal is published either way. If you say no, it shows “a resident”."),
        choices=[SelectChoice("yes", _l("Yes, show my name")), SelectChoice("no", _l("No, keep my name private"))],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Say whether we can show your name"))],
    )


class SubmitProposal(FlaskForm):
    submit = SubmitField(_l("Submit your proposal"), widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you withdrawing it? (optional)"),
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=1000, message=_l("Use %(limit)s characters or fewer", limit=1000))],
        render_kw={"params": {"maxlength": 1000, "rows": 3}},
    )
    submit = SubmitField(_l("Withdraw proposal"), widget=GovSubmitInput())
