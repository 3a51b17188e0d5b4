from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from engage.forms import (
    GovCheckboxesInput,
    GovSelect,
    GovTextInput,
    SelectField,
    SelectMultipleField,
    at_most,
    clean_text,
    email_field,
    new_password_field,
    password_field,
    text_field,
)
from engage.i18n import lazy_gettext as _l

CONNECTION_CHOICES = [
    SelectChoice("lives", _l("I live in Tower Hamlets")),
    SelectChoice("works", _l("I work in Tower Hamlets")),
    SelectChoice("studies", _l("I study in Tower Hamlets")),
    SelectChoice("leisure", _l("I take part in leisure or cultural life in Tower Hamlets")),
    SelectChoice("partner", _l("I represent a partner organisation")),
]


class RegisterForm(FlaskForm):
    name = text_field(
        _l("Full name"),
        _l("Enter your full name"),
        200,
        _l("Name must be 200 characters or fewer"),
        autocomplete="name",
    )
    email = email_field()
    password = new_password_field()
    connections = SelectMultipleField(
        _l("How are you connected to Tower Hamlets?"),
        description=_l("Select all that apply."),
        choices=CONNECTION_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message=_l("Select how you are connected to Tower Hamlets"))],
    )
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class SignInForm(FlaskForm):
    email = email_field()
    password = password_field()
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send reset link"), widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    submit = SubmitField(_l("Save new password"), widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = password_field(_l("Current password"))
    password = new_password_field(_l("New password"))
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class DeleteAccountForm(FlaskForm):
    password = password_field(_l("Enter your password to confirm"))
    submit = SubmitField(_l("Delete my account"), widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Role"), widget=GovSelect(), validators=[InputRequired(message=_l("Choose a role"))])
    board = SelectField(_l("Board (for board roles)"), widget=GovSelect(), validate_choice=False)
    organisation = SelectField(
        _l("Organisation (for partner representatives)"), widget=GovSelect(), validate_choice=False
    )
    submit = SubmitField(_l("Grant role"), widget=GovSubmitInput())


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Search by name or email"),
        filters=[clean_text],
        widget=GovTextInput(),
        validators=[Optional(), at_most(200)],
    )
