"""Field types shared by every area's forms: text arrives hostile and is stored as typed, minus control codes."""

import wtforms
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from engage.errors import DomainError
from engage.i18n import gettext as _
from engage.i18n import lazy_gettext as _l
from engage.i18n import lazy_own_language, other_language, own_language
from engage.query_string import clean_text

# Said of an email address that is not one; the example is marked English wherever the page is not.
EMAIL_FORMAT = _l(
    "Enter an email address in the correct format, like %(example)s", example=lazy_own_language("name@example.com")
)


class Offered:
    """A choice field whose answer is checked against the values offered. WTForms checks it by building every
    option's Choice (value, label, render_kw, whether chosen) at each post: for the congress sign-up's hundred options
    (forty organisations, every workshop of every slot) 0.4 M instructions of the request's 13."""

    def offered(self) -> set:
        return {self.coerce(value) for value, *_label in self.choices}

    def pre_validate(self, form):
        if self.process_errors or not self.validate_choice:
            return
        if self.data not in self.offered():
            raise ValidationError(self.invalid_choice_message or _("Choose one of the options given"))


class RadioField(Offered, wtforms.RadioField):
    pass


class SelectField(Offered, wtforms.SelectField):
    pass


class SelectMultipleField(Offered, wtforms.SelectMultipleField):
    def pre_validate(self, form):
        if self.process_errors or not self.validate_choice or not self.data:
            return
        if not set(self.data) <= self.offered():
            raise ValidationError(self.invalid_choice_message or _("Choose only from the options given"))


class Localised:
    """GOV.UK widgets with their built-in English (hidden error prefix, show/hide) in the page's language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if "errorMessage" in params:
            params["errorMessage"]["visuallyHiddenText"] = _("Error")
        return params


class OwnLanguageValue:
    """A text box marked with the language of what is written in it when that is not the page's (a board's English
    wording on a Bengali page, a name typed in Bengali on an English one), so a screen reader reads it in that
    language's voice."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        other = other_language(str(field.data)) if field.data else None
        if other:
            params["attributes"] = {**params.get("attributes", {}), "lang": other}
        return params


class GovTextInput(OwnLanguageValue, Localised, gov.GovTextInput):
    pass


class OwnLanguageOptions:
    """Radios or checkboxes whose labels are each marked with its language when that is not the page's (a workshop's
    English title on a Bengali page), so a screen reader reads it in that language's voice."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            item["text"] = own_language(item["text"])
        return params


class GovCheckboxesInput(OwnLanguageOptions, Localised, gov.GovCheckboxesInput):
    pass


class GovCheckboxInput(Localised, gov.GovCheckboxInput):
    pass


class GovSelect(Localised, gov.GovSelect):
    def map_gov_params(self, field, **kwargs):
        """Each <option> marked with its language when that is not the page's: it holds only text, so the mark is
        its own lang attribute."""
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            other = other_language(str(item["text"]))
            if other:
                item["attributes"] = {"lang": other}
        return params


class GovRadioInput(OwnLanguageOptions, Localised, gov.GovRadioInput):
    pass


class GovCharacterCount(OwnLanguageValue, Localised, gov.GovCharacterCount):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        # GOV.UK Frontend's own placeholders: %{count} is filled in by its JavaScript.
        params.update(
            textareaDescriptionText=_("You can enter up to %{count} characters"),
            charactersUnderLimitText={
                "one": _("You have %{count} character remaining"),
                "other": _("You have %{count} characters remaining"),
            },
            charactersAtLimitText=_("You have 0 characters remaining"),
            charactersOverLimitText={
                "one": _("You have %{count} character too many"),
                "other": _("You have %{count} characters too many"),
            },
        )
        return params


class GovPasswordInput(Localised, gov.GovPasswordInput):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.update(
            showPasswordText=_("Show"),
            hidePasswordText=_("Hide"),
            showPasswordAriaLabelText=_("Show password"),
            hidePasswordAriaLabelText=_("Hide password"),
            passwordShownAnnouncementText=_("Your password is visible"),
            passwordHiddenAnnouncementText=_("Your password is hidden"),
        )
        return params


def at_most(limit: int) -> Length:
    """A text's greatest length, refused with a message that states it."""
    return Length(max=limit, message=_l("Use %(limit)s characters or fewer", limit=limit))


def text_field(label, required: str, max_length: int, too_long: str, autocomplete: str = "off") -> StringField:
    return StringField(
        label,
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[DataRequired(message=required), Length(max=max_length, message=too_long)],
        render_kw={"params": {"autocomplete": autocomplete, "spellcheck": False}},
    )


def email_field(label=_l("Email address")) -> EmailField:
    return EmailField(
        label,
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter your email address")),
            Length(max=320, message=_l("Email address must be 320 characters or fewer")),
            Email(message=EMAIL_FORMAT),
        ],
        render_kw={"params": {"autocomplete": "email", "spellcheck": False}},
    )


def new_password_field(label=_l("Create a password")) -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description=_l("Use at least 10 characters. A few unrelated words make a strong password."),
        validators=[
            InputRequired(message=_l("Enter a password")),
            Length(min=10, message=_l("Password must be at least 10 characters")),
            Length(max=256, message=_l("Password must be 256 characters or fewer")),
        ],
        render_kw={"params": {"autocomplete": "new-password"}},
    )


def password_field(label=_l("Password")) -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=256, message=_l("Password must be 256 characters or fewer")),
        ],
        render_kw={"params": {"autocomplete": "current-password"}},
    )


def show_error(form, error: DomainError) -> None:
    """Put a service's refusal on the form field it concerns, for the error summary and the field."""
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
