"""Forms of a board's meeting pages: the meeting, an agenda item, taking an item off, minutes, attendance."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from engage.congress.staff_forms import ClockField, DayField, long_text, short_text
from engage.forms import GovCharacterCount, GovRadioInput, GovSelect, GovTextInput, RadioField, SelectField, clean_text
from engage.i18n import lazy_gettext as _l
from engage.proposals.forms import plain_text

ATTENDANCE_LABELS = {
    "attending": _l("Attending"),
    "apologies": _l("Sent apologies"),
    "absent": _l("Absent"),
}


class MeetingForm(FlaskForm):
    date = DayField(
        _l("Date of the meeting"),
        missing=_l("Enter the date of the meeting"),
        invalid=_l("The date of the meeting must be a real date, like 18 4 2027"),
        description=_l("For example, 18 4 2027"),
    )
    starts = ClockField(
        _l("Start time"), _l("Enter the start time"), _l("Enter the start time on the 24-hour clock, like 10:00")
    )
    ends = ClockField(
        _l("End time"), _l("Enter the end time"), _l("Enter the end time on the 24-hour clock, like 16:00")
    )
    place = long_text(
        _l("Where"),
        _l("Enter where the meeting is"),
        500,
        description=_l("The room and building, or how to join online"),
    )
    submit = SubmitField(_l("Save the meeting"), widget=GovSubmitInput())


def optional_long_text(label, limit: int, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit))],
        render_kw={"params": {"maxlength": limit, "rows": 8}},
        **kwargs,
    )


class ItemForm(FlaskForm):
    title = short_text(_l("Title of the item"), _l("Enter the title of the item"), 200)
    paper = optional_long_text(
        _l("Paper (optional)"), 20000, description=_l("The paper the board reads for this item, as text")
    )
    submit = SubmitField(_l("Add the item"), widget=GovSubmitInput())


class DropForm(FlaskForm):
    reason = long_text(
        _l("Why is the item no longer required?"),
        _l("Say why the item is no longer required"),
        1000,
        description=_l("This is kept on the agenda with the item."),
    )
    submit = SubmitField(_l("Take the item off the agenda"), widget=GovSubmitInput())


class MinutesForm(FlaskForm):
    # A post without them would empty minutes already written, even published ones.
    minutes = plain_text(_l("Minutes"), 50000, _l("Enter the minutes"), rows=8)
    submit = SubmitField(_l("Save the minutes"), widget=GovSubmitInput())


class AttendanceForm(FlaskForm):
    person = SelectField(
        _l("Member"), widget=GovSelect(), validators=[InputRequired(message=_l("Choose one of the board's members"))]
    )
    status = RadioField(
        _l("Attendance"),
        choices=[SelectChoice(key, label) for key, label in ATTENDANCE_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose whether they attend"))],
    )
    proxy_name = StringField(
        _l("Proxy's name (optional)"),
        description=_l("Someone who attends in place of a member who sent apologies"),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message=_l("Use %(limit)s characters or fewer", limit=200))],
    )
    proxy_role = StringField(
        _l("The proxy's experience, knowledge and delegated authority"),
        description=_l("For example: Deputy Director, with authority to agree on the member's behalf"),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message=_l("Use %(limit)s characters or fewer", limit=200))],
    )
    submit = SubmitField(_l("Record attendance"), widget=GovSubmitInput())

    def offer(self, people: list) -> None:
        self.person.choices = [SelectChoice("", _l("Choose a member"))] + [
            SelectChoice(str(p.id), p.name) for p in people
        ]
