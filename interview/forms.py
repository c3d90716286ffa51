from django import forms

from interview.models import Difficulty, Topic


class QuestionFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        strip=True,
        help_text="Searches question prompts and model answers.",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. SMOTE, overfitting"}),
    )
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
    )
    difficulty = forms.ChoiceField(
        label="Difficulty", choices=[("", "Any difficulty"), *Difficulty.choices], required=False
    )

    def filters(self) -> dict[str, str]:
        topic = self.cleaned_data.get("topic")
        return {
            "search": self.cleaned_data.get("q", ""),
            "topic": topic.slug if topic else "",
            "difficulty": self.cleaned_data.get("difficulty", ""),
        }
