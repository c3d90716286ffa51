import django_filters
from django.db.models import QuerySet

from interview.models import Difficulty, Question, Topic
from interview.selectors.content import filter_questions


class QuestionFilter(django_filters.FilterSet):
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
