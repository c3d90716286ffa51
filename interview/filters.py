import django_filters
from django import forms

from interview.models import Attempt, PracticeMode, Rating, Topic


class AttemptHistoryFilter(django_filters.FilterSet):
    """Filters of the history page (the API has its own, with the same fields)."""

    topic = django_filters.ModelChoiceFilter(
        field_name="question__topics",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        label="Topic",
        empty_label="All topics",
    )
    rating = django_filters.ChoiceFilter(choices=Rating.choices, label="Rating", empty_label="Any rating")
    mode = django_filters.ChoiceFilter(choices=PracticeMode.choices, label="Mode", empty_label="Any mode")
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Attempt
        fields = ["topic", "rating", "mode", "since", "until"]
