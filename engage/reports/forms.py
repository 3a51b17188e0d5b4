"""The annual report's narrative form: the foreword and a commentary per call to action of the current plan, each in
English and Bengali, with the version of the report the page showed."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Optional

from engage.forms import GovCharacterCount, at_most, clean_text
from engage.i18n import lazy_gettext as _l
from engage.partnership.models import Priority
from engage.reports.services import CHANGED, COMMENTARY_LIMIT, FOREWORD_LIMIT
from engage.triage.forms import VersionField

IN_BENGALI = _l("Shown on the report in Bengali.")


def words(label, limit: int, bengali: bool = False, description=None, rows: int = 6) -> TextAreaField:
    params = {"maxlength": limit, "rows": rows, "spellcheck": True}
    if bengali:
        params["attributes"] = {"lang": "bn"}
    return TextAreaField(
        label,
        description=description,
        filters=[clean_text],
        widget=GovCharacterCount(),
        validators=[Optional(), at_most(limit)],
        render_kw={"params": params},
    )


class NarrativeForm(FlaskForm):
    version = VersionField(out_of_date=CHANGED)
    foreword = words(_l("Foreword"), FOREWORD_LIMIT, rows=10)
    foreword_bn = words(_l("Foreword in Bengali"), FOREWORD_LIMIT, bengali=True, description=IN_BENGALI, rows=10)
    submit = SubmitField(_l("Save the narrative"), widget=GovSubmitInput())

    def commentary_fields(self) -> list[tuple[Priority, TextAreaField, TextAreaField]]:
        """Each call to action with its English and Bengali commentary fields, in the plan's order."""
        return [(call, self[f"commentary_{call.id}"], self[f"commentary_{call.id}_bn"]) for call in self.calls]

    def commentaries(self) -> dict[int, tuple[str, str]]:
        return {
            call.id: (english.data or "", bengali.data or "") for call, english, bengali in self.commentary_fields()
        }


def narrative_form(calls: list[Priority], language: str, **kwargs) -> NarrativeForm:
    """The narrative form with a commentary for each of the current plan's calls to action."""

    class Narrative(NarrativeForm):
        pass

    for call in calls:
        title = call.localised("title", language)
        setattr(
            Narrative,
            f"commentary_{call.id}",
            words(
                _l("Commentary on call to action %(number)s: %(title)s", number=call.number, title=title),
                COMMENTARY_LIMIT,
            ),
        )
        setattr(
            Narrative,
            f"commentary_{call.id}_bn",
            words(
                _l("Commentary on call to action %(number)s in Bengali", number=call.number),
                COMMENTARY_LIMIT,
                bengali=True,
                description=IN_BENGALI,
            ),
        )
    form = Narrative(**kwargs)
    form.calls = calls
    return form
