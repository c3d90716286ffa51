import functools

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from interview import limits
from interview.models import Assignment, Difficulty, Language, PracticeMode, Rating, Topic


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


class PracticeStartForm(forms.Form):
    mode = forms.ChoiceField(choices=PracticeMode.choices)
    topics = forms.ModelMultipleChoiceField(
        label="Topics", queryset=Topic.objects.all(), to_field_name="slug", required=False
    )
    question_count = forms.IntegerField(
        label="Questions",
        min_value=1,
        max_value=limits.MOCK_MAX_QUESTIONS,
        initial=limits.MOCK_DEFAULT_QUESTIONS,
        required=False,
    )
    assignment = forms.ModelChoiceField(queryset=Assignment.objects.all(), required=False)
    minutes_per_question = forms.FloatField(
        label="Minutes per question",
        min_value=limits.MOCK_SECONDS_RANGE[0] / 60,
        max_value=limits.MOCK_SECONDS_RANGE[1] / 60,
        initial=limits.MOCK_DEFAULT_SECONDS / 60,
        required=False,
    )

    def session_options(self) -> dict:
        data = self.cleaned_data
        return {
            "mode": data["mode"],
            "topics": list(data.get("topics") or []),
            "question_count": data.get("question_count") or limits.MOCK_DEFAULT_QUESTIONS,
            "assignment": data.get("assignment"),
            "seconds_per_question": round(
                (data.get("minutes_per_question") or limits.MOCK_DEFAULT_SECONDS / 60) * 60
            ),
        }


class AnswerField(forms.CharField):
    """A typed answer; CRLF line breaks count as one character, as the page's counter shows."""

    def to_python(self, value: object) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class AnswerForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    answer_text = AnswerField(
        label="Your answer",
        required=False,
        strip=False,
        max_length=limits.ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    duration_ms = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class RateForm(AnswerForm):
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)
    key_points = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, question=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if question is not None:
            self.fields["key_points"].choices = [
                (point.pk, point.text) for point in question.key_points.all()
            ]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Your private note",
        required=False,
        max_length=limits.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FlagForm(forms.Form):
    reason = forms.CharField(
        label="What looks wrong in the model answer?",
        max_length=limits.FLAG_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CohortForm(forms.Form):
    name = forms.CharField(label="Cohort name", max_length=limits.COHORT_NAME_MAX_LENGTH)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=limits.COHORT_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=[("learner", "Learner"), ("mentor", "Co-mentor")], initial="learner")
    expires_in_days = forms.IntegerField(
        label="Expires after (days, optional)", min_value=1, max_value=365, required=False
    )

    @classmethod
    @functools.cache
    def blank_widgets(cls) -> dict[str, str]:
        """Each field's widget of the unbound form: the same markup on every cohort page, so rendered once."""
        form = cls()
        return {name: str(form[name]) for name in form.fields}


class QuestionSetForm(forms.Form):
    title = forms.CharField(label="Title", max_length=limits.SET_TITLE_MAX_LENGTH)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=limits.SET_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignmentForm(forms.Form):
    question_set = forms.ModelChoiceField(label="Question set", queryset=None)
    cohort = forms.ModelChoiceField(label="Cohort", queryset=None)
    learners = forms.ModelMultipleChoiceField(
        label="Only these learners (none ticked: the whole cohort)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(
        label="Start date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_date = forms.DateField(
        label="Due date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    completion_rule = forms.ChoiceField(label="Complete when", choices=Assignment.CompletionRule.choices)

    def __init__(self, *args, mentor, question_sets, cohorts, learners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question_set"].queryset = question_sets
        # A co-mentor's set says whose it is (it goes only to the cohorts both mentor).
        self.fields["question_set"].label_from_instance = lambda question_set: (
            question_set.title
            if question_set.owner_id == mentor.pk
            else f"{question_set.title} (by {question_set.owner})"
        )
        self.fields["cohort"].queryset = cohorts
        self.fields["learners"].queryset = learners
        self.fields["learners"].label_from_instance = lambda user: f"{user} ({user.email})"


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="Your feedback", max_length=limits.FEEDBACK_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your reply", max_length=limits.REPLY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class MentorQuestionForm(forms.Form):
    prompt = forms.CharField(
        label="Question", max_length=limits.MENTOR_PROMPT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.CharField(
        label="Model answer",
        max_length=limits.MENTOR_ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    code = forms.CharField(
        label="Code (optional, kept as typed)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(
        label="Language of the code", choices=Language.choices, initial=Language.PYTHON
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics", queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    difficulty = forms.ChoiceField(label="Difficulty", choices=Difficulty.choices)
    key_points = forms.CharField(
        label="Key points (optional)",
        required=False,
        help_text="One per line: the statement, a “|”, then the words that show it, separated by commas. "
        "For example: Uses labelled data | labelled, labeled. Give 2 to 5.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_key_points(self) -> list[tuple[str, list[str]]]:
        points = []
        for number, line in enumerate(self.cleaned_data["key_points"].splitlines(), start=1):
            if not line.strip():
                continue
            text, bar, terms = line.partition("|")
            if not bar or not text.strip():
                raise forms.ValidationError(f"Line {number}: write the statement, a “|”, then its words.")
            points.append((text.strip(), [term.strip().lower() for term in terms.split(",") if term.strip()]))
        return points


class GuideUploadForm(forms.Form):
    file = forms.FileField(label="A file in the guide format (Q1. question, its answer on the next line, …)")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"Plain text, UTF-8, at most {filesizeformat(settings.MENTOR_IMPORT_MAX_BYTES)} "
            f"and {settings.MENTOR_IMPORT_MAX_QUESTIONS} questions."
        )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MENTOR_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(settings.MENTOR_IMPORT_MAX_BYTES)}."
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
