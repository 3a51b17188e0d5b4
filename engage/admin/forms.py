from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from engage.forms import GovSelect, SelectField
from engage.i18n import lazy_gettext as _l


def routing_form(calls_to_action: list, boards: list[SelectChoice], language: str) -> FlaskForm:
    """One question per call to action of the current plan: the board that leads it (now, as the default)."""

    class RoutingForm(FlaskForm):
        submit = SubmitField(_l("Save routing"), widget=GovSubmitInput())

    for priority in calls_to_action:
        field = SelectField(
            f"{priority.number}. {priority.localised('title', language)}",
            choices=boards,
            default=priority.lead_board.slug if priority.lead_board else None,
            widget=GovSelect(),
            validators=[InputRequired(message=_l("Choose a board"))],
        )
        setattr(RoutingForm, f"call_{priority.number}", field)
    return RoutingForm()
