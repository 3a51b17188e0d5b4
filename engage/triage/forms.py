"""The forms of a board's decisions: each carries the version of the proposal the member was looking at."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import IntegerField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from engage.forms import GovRadioInput, GovSelect, GovTextInput, RadioField, SelectField, clean_text
from engage.i18n import lazy_gettext as _l
from engage.i18n import lazy_own_language
from engage.proposals.forms import plain_text


def short_text(label, hint=None, required=None, limit: int = 200) -> StringField:
    validators = [InputRequired(message=required)] if required else [Optional()]
    return StringField(
        label,
        description=hint,
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[*validators, Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit))],
    )


OUT_OF_DATE = _l("This page was out of date. Open the proposal again and make your change once more")


class VersionField(IntegerField):
    """The version of the proposal (or other row) the page showed, sent back hidden. Without it, or unreadable, the
    page is out of date (`out_of_date` says so): said in the page's language, not with WTForms' own English."""

    widget = HiddenInput()

    def __init__(self, label=None, out_of_date=OUT_OF_DATE, **kwargs):
        super().__init__(label, validators=[InputRequired(message=out_of_date)], **kwargs)
        self.out_of_date = out_of_date

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.out_of_date)) from error


class DecisionForm(FlaskForm):
    version = VersionField()
    reason = plain_text(
        _l("What the resident is told"),
        2000,
        _l("Say what the resident is told"),
        _l("The author sees this, and so does everyone, on the proposal's page. Start from the board's wording."),
        rows=6,
    )
    note = plain_text(_l("Internal note (optional)"), 2000, hint=_l("Only the board and the secretariat see this."))
    submit = SubmitField(_l("Confirm decision"), widget=GovSubmitInput())


class DeclineForm(DecisionForm):
    signpost = plain_text(
        _l("Where can the resident take their idea instead?"),
        1000,
        _l("Say where the resident can take their idea instead"),
        _l("For example another organisation, a council service, a ward councillor or a community fund."),
    )


class ReferForm(DecisionForm):
    to_board = SelectField(
        _l("Which board should have it?"),
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose the board to refer it to"))],
    )


class DuplicateForm(DecisionForm):
    kept = short_text(
        _l("Reference of the proposal it duplicates"),
        _l("The proposal that stays open, like %(example)s.", example=lazy_own_language("TH-2026-00042")),
        _l("Enter the reference of the proposal it duplicates"),
        limit=20,
    )


class EscalateForm(DecisionForm):
    issue = plain_text(_l("The issue"), 2000, _l("Describe the issue for PEG"))
    ask = plain_text(_l("What the board asks PEG for"), 2000, _l("Say what the board asks PEG for"))
    why_not_resolved = plain_text(
        _l("Why the board cannot resolve it itself"), 2000, _l("Say why the board cannot resolve it itself")
    )


class AcceptForm(DecisionForm):
    item = SelectField(_l("Work programme item"), widget=GovSelect(), validators=[Optional()])
    new_item_title = short_text(
        _l("Or a new item's title"), _l("Leave the item above empty to start a new item of this year's programme.")
    )


FORMS = {
    "start-review": DecisionForm,
    "request-information": DecisionForm,
    "refer": ReferForm,
    "escalate": EscalateForm,
    "duplicate": DuplicateForm,
    "decline": DeclineForm,
    "accept": AcceptForm,
}


class AssignForm(FlaskForm):
    version = VersionField()
    assignee = SelectField(  # "none": nobody; a post without an answer changes nothing
        _l("Who looks after it?"),
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose who looks after it, or Nobody"))],
    )
    submit = SubmitField(_l("Assign"), widget=GovSubmitInput())


class BulkForm(FlaskForm):
    """The queue's checkboxes: start reviewing the chosen proposals, or give them to one member (the queue page
    writes its fields out itself)."""

    assignee = SelectField(validators=[Optional()])
    start = SubmitField()
    assign = SubmitField()


WORDING_HINT = _l("It starts as the standard wording; saved as it is, the standard wording stays in use.")


class ResponseTemplateForm(FlaskForm):
    english = plain_text(_l("In English"), 2000, _l("Enter the wording in English"), WORDING_HINT, rows=5)
    bengali = plain_text(_l("In Bengali"), 2000, _l("Enter the wording in Bengali"), WORDING_HINT, rows=5)
    submit = SubmitField(_l("Save wording"), widget=GovSubmitInput())


class EscalationDecisionForm(FlaskForm):
    outcome = RadioField(
        _l("PEG's decision"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("under_review", _l("Return it to the board to review, with PEG's steer")),
            SelectChoice("accepted", _l("Accept it into the board's work programme")),
            SelectChoice("declined", _l("Decline it")),
        ],
        validators=[InputRequired(message=_l("Choose PEG's decision"))],
    )
    reason = plain_text(_l("PEG's reason"), 2000, _l("Give the reason the resident and the board will see"), rows=6)
    item = SelectField(_l("Work programme item (if accepted)"), widget=GovSelect(), validators=[Optional()])
    new_item_title = short_text(_l("Or a new item's title (if accepted)"))
    submit = SubmitField(_l("Record PEG's decision"), widget=GovSubmitInput())
