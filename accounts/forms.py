from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import PREFERENCE_FIELDS, User, timezone_names


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "display_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to email and password."""

    display_name = forms.CharField(
        label="Display name",
        max_length=80,
        required=False,
        help_text="How the app and your mentor address you. You can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # Filled in by static/js/timezone.js from the browser; UTC without JavaScript or for an unknown zone.
    timezone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-detect-timezone": ""})
    )

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data.get("display_name", "")
        detected = self.cleaned_data.get("timezone", "")
        user.timezone = detected if detected in timezone_names() else "UTC"
        user.save(update_fields=["display_name", "timezone"])


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=lambda: [(name, name.replace("_", " ")) for name in timezone_names()],
        help_text=User._meta.get_field("timezone").help_text,
    )

    class Meta:
        model = User
        fields = PREFERENCE_FIELDS
        widgets = {
            "interview_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.97"}),
            "interview_target_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.70", "max": "0.99"}
            ),
            "daily_new_limit": forms.NumberInput(attrs={"min": "0", "max": "200"}),
            "daily_review_limit": forms.NumberInput(attrs={"min": "1", "max": "1000"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The hour is a setting: say the one in force.
        self.fields["daily_review_email"].help_text = (
            f"One email a day, at {settings.NOTIFICATION_LOCAL_HOUR:02d}:00 in your time zone, on days when "
            "reviews are due; each has a link to stop them."
        )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
