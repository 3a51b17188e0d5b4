"""The questions of a proposal, one page each, and the buttons people press on a proposal's page."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from engage.forms import (
    EMAIL_FORMAT,
    GovCharacterCount,
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
)
from engage.i18n import lazy_gettext as _l


def plain_text(label, limit: int, required=None, hint=None, rows: int = 4, heading: bool = False) -> TextAreaField:
    """Plain text with a character count, stored as typed (control codes aside) and shown escaped."""
    params = {"maxlength": limit, "rows": rows}
    if heading:
        params["label"] = {"isPageHeading": True, "classes": "govuk-label--l"}
    return TextAreaField(
        label,
        description=hint,
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=[
            DataRequired(message=required) if required else Optional(),
            Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit)),
        ],
        render_kw={"params": params},
    )


def long_text(label, hint, required, limit: int) -> TextAreaField:
    """A question page's one long answer: its label is the page's heading."""
    return plain_text(label, limit, required, hint, rows=6, heading=True)


class Step(FlaskForm):
    submit = SubmitField(_l("Save and continue"), widget=GovSubmitInput())


class TitleStep(Step):
    title = StringField(
        _l("What is your idea called?"),
        description=_l("A short title people will recognise, like “More benches along the canal towpath”."),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter a title for your idea")),
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
    """Withdrawing cannot be undone: the author says yes to it, and a post without that answer withdraws nothing."""

    reason = plain_text(_l("Why are you withdrawing it? (optional)"), 1000, rows=3)
    confirm = RadioField(
        _l("Are you sure you want to withdraw your proposal?"),
        description=_l("You cannot undo this."),
        choices=[SelectChoice("yes", _l("Yes, withdraw it")), SelectChoice("no", _l("No, keep it"))],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select yes if you want to withdraw your proposal"))],
    )
    submit = SubmitField(_l("Withdraw proposal"), widget=GovSubmitInput())


class ResolutionForm(FlaskForm):
    """ "Did this resolve what you raised?", asked of a proposal's author by a link that needs no signing in."""

    answer = RadioField(
        _l("Did this resolve what you raised?"),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("partly", _l("Partly")),
            SelectChoice("no", _l("No")),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select whether this resolved what you raised"))],
        render_kw={
            "params": {"fieldset": {"legend": {"isPageHeading": False, "classes": "govuk-fieldset__legend--m"}}}
        },
    )
    why = plain_text(_l("Why? (optional)"), 2000, hint=_l("What changed, or what is still missing."), rows=5)
    show_words = BooleanField(_l("You may show my words on the proposal's page"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Send your answer"), widget=GovSubmitInput())


class CommentForm(FlaskForm):
    body = plain_text(
        _l("Add a comment"),
        2000,
        _l("Write your comment"),
        _l("Plain text. Be kind: comments that break the house rules are hidden."),
    )
    submit = SubmitField(_l("Post comment"), widget=GovSubmitInput())


class ReportForm(FlaskForm):
    reason = plain_text(
        _l("What is wrong with it?"),
        1000,
        _l("Say what is wrong with it"),
        _l("For example: it is abusive, it shares someone's personal details, or it is advertising."),
    )
    submit = SubmitField(_l("Send report"), widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    answer = plain_text(_l("Your answer"), 3000, _l("Write your answer to the board"), rows=6)
    submit = SubmitField(_l("Send your answer"), widget=GovSubmitInput())


class HideForm(FlaskForm):
    reason = plain_text(
        _l("Which house rule does it break?"),
        1000,
        _l("Say which house rule it breaks"),
        _l("The author is shown this."),
    )
    submit = SubmitField(_l("Hide from the public"), widget=GovSubmitInput())


class RerouteForm(FlaskForm):
    board = SelectField(
        _l("Move it to"), widget=GovSelect(), validators=[InputRequired(message=_l("Choose the board to move it to"))]
    )
    reason = plain_text(_l("Why? (shown to the public)"), 1000)
    submit = SubmitField(_l("Move proposal"), widget=GovSubmitInput())


class ResolveForm(FlaskForm):
    action = RadioField(
        _l("What do you want to do?"),
        choices=[
            SelectChoice("hide", _l("Hide it: it breaks the house rules")),
            SelectChoice("keep", _l("Keep it: it does not break the rules")),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose what to do"))],
    )
    reason = plain_text(
        _l("Which house rule does it break?"), 1000, hint=_l("Only if you hide it. The author is shown this.")
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class AssistedForm(FlaskForm):
    """The secretariat records, on one page, a proposal brought on paper, by phone or at the congress."""

    name = StringField(
        _l("Resident's name"),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the resident's name")),
            Length(max=200, message=_l("Use %(limit)s characters or fewer", limit=200)),
        ],
    )
    email = StringField(
        _l("Resident's email address (optional)"),
        description=_l("Leave it empty to post them a letter instead."),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email(message=EMAIL_FORMAT),
            at_most(320),
        ],
    )
    address = plain_text(
        _l("Resident's postal address (optional)"),
        300,
        hint=_l("Without an email address, we post them a letter each time there is news of their proposal."),
    )
    source = RadioField(
        _l("How did it reach you?"),
        choices=[
            SelectChoice("paper", _l("A paper form")),
            SelectChoice("phone", _l("A phone call")),
            SelectChoice("congress", _l("A congress workshop")),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Say how the proposal reached you"))],
    )
    workshop = SelectField(
        _l("Which congress workshop did it come from? (optional)"),
        description=_l("For an idea from a congress workshop: its congress reports back on what became of it."),
        widget=GovSelect(),
        validators=[Optional()],
    )
    title = TitleStep.title
    problem = ProblemStep.problem
    idea = IdeaStep.idea
    who_it_helps = WhoStep.who_it_helps
    primary = CallsToActionStep.primary
    others = CallsToActionStep.others
    ward = WardStep.ward
    submit = SubmitField(_l("Record proposal"), widget=GovSubmitInput())

    offer = CallsToActionStep.offer
