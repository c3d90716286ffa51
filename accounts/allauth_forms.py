"""allauth's account forms as the app shows them (apart from accounts.forms, which allauth's own forms import)."""

from allauth.account import forms as allauth_forms
from django import forms


class SentenceCaseLabels(forms.Form):
    """allauth's field labels in the app's sentence case ("Remember me", "New password (again)")."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = field.label[:1] + field.label[1:].lower()


class LoginForm(SentenceCaseLabels, allauth_forms.LoginForm):
    pass


class AddEmailForm(SentenceCaseLabels, allauth_forms.AddEmailForm):
    pass


class ChangePasswordForm(SentenceCaseLabels, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(SentenceCaseLabels, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordKeyForm(SentenceCaseLabels, allauth_forms.ResetPasswordKeyForm):
    pass
