import django_filters
from django.db.models import QuerySet

from interview.models import Difficulty, Question, Topic
from interview.selectors.content import filter_questions


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with no value is a 400 naming it, like any other value it cannot use."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, "Give a value, or leave the filter out.")
                valid = False
        return valid


class QuestionFilter(StrictFilterSet):
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_bank", label="Topic slug"
    )
    difficulty = django_filters.ChoiceFilter(choices=Difficulty.choices, method="filter_bank")
    search = django_filters.CharFilter(
        method="filter_bank", label="Words in the prompt or answer", max_length=200
    )

    class Meta:
        model = Question
        fields = ["topic", "difficulty", "search"]

    def filter_bank(self, queryset: QuerySet[Question], name: str, value: object) -> QuerySet[Question]:
        # The page and the API share one filter function; each field hands over its own value.
        if name == "topic":
            value = value.slug
        return filter_questions(queryset, **{name: value})
