"""A question's API rendering, and the key points grading reads, are kept per version of the bank: any write to
what they hold gives a new version."""

from collections.abc import Callable

import pytest
from django.db import transaction

from interview.api.serializers import QuestionSerializer, question_rendering
from interview.models import CodeSnippet, KeyPoint, Question, Topic
from interview.selectors.content import content_version, question_detail_queryset, with_key_points
from interview.services.content import content_changed, guide_import
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL_GUIDE = "Intro.\nQ1. What is A?\nA is a letter.\nQ2. What is B?\nB is another letter.\n"


def rendered(question: Question) -> dict:
    """What next shows for the question: the version is read first, as the view reads it with the session."""
    return question_rendering(question.pk, content_version())


def fresh(question: Question) -> dict:
    return dict(QuestionSerializer(question_detail_queryset().get(pk=question.pk)).data)


def test_a_kept_rendering_is_the_serializers_data_and_costs_no_query(django_assert_num_queries):
    question = QuestionFactory()
    KeyPoint.objects.create(question=question, position=0, text="A point.", terms=["point"])
    first = rendered(question)
    assert first == fresh(question)
    version = content_version()
    with django_assert_num_queries(0):
        assert question_rendering(question.pk, version) == first


def test_without_a_version_nothing_is_kept(django_assert_num_queries):
    question = QuestionFactory()
    question_rendering(question.pk, None)
    with django_assert_num_queries(
        5
    ):  # the question with its guide, then topics, snippets, key points, siblings
        question_rendering(question.pk, None)


def _prompt(question: Question) -> None:
    question.prompt = "An edited prompt?"
    question.save()


def _key_point_edited(question: Question) -> None:
    point = question.key_points.get()
    point.text = "An edited point."
    point.save()


def _key_point_added(question: Question) -> None:
    KeyPoint.objects.create(question=question, position=1, text="A second point.", terms=["second"])


def _key_point_deleted(question: Question) -> None:
    question.key_points.get().delete()


def _snippet_added(question: Question) -> None:
    CodeSnippet.objects.create(question=question, position=0, language="python", code="x = 1")


def _topic_renamed(question: Question) -> None:
    topic = question.topics.get()
    topic.slug = "a-renamed-topic"
    topic.save()


def _topic_added(question: Question) -> None:
    question.topics.add(TopicFactory())


def _topic_removed(question: Question) -> None:
    question.topics.clear()


def _topic_deleted(question: Question) -> None:
    Topic.objects.filter(questions=question).delete()


def _guide_renamed(question: Question) -> None:
    guide = question.guide
    guide.slug = "a-renamed-guide"
    guide.save()


def _sibling_linked(question: Question) -> None:
    question.siblings.add(QuestionFactory(guide=question.guide))


def _sibling_retired(question: Question) -> None:
    sibling = question.siblings.get()
    sibling.is_active = False
    sibling.save()


def _sibling_retired_by_update(question: Question) -> None:
    question.siblings.update(is_active=False)
    content_changed()  # what a write through update() must call (the import's retirement does)


def _retired(question: Question) -> None:
    question.is_active = False
    question.save()


WRITES: dict[str, Callable[[Question], None]] = {
    "the prompt edited": _prompt,
    "a key point edited": _key_point_edited,
    "a key point added": _key_point_added,
    "a key point deleted": _key_point_deleted,
    "a code snippet added": _snippet_added,
    "a topic renamed": _topic_renamed,
    "a topic added": _topic_added,
    "a topic removed": _topic_removed,
    "a topic deleted": _topic_deleted,
    "the guide renamed": _guide_renamed,
    "a sibling linked": _sibling_linked,
    "a sibling retired": _sibling_retired,
    "a sibling retired by update()": _sibling_retired_by_update,
    "the question retired": _retired,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_to_what_a_rendering_shows_is_shown_at_once(write):
    question = QuestionFactory()
    question.topics.add(TopicFactory())
    KeyPoint.objects.create(question=question, position=0, text="A point.", terms=["point"])
    if write in (_sibling_retired, _sibling_retired_by_update):
        question.siblings.add(QuestionFactory(guide=question.guide))
    before = rendered(question)
    assert rendered(question) == before  # kept

    write(question)

    after = rendered(question)
    assert after != before
    assert after == fresh(question)


def test_a_reimport_that_retires_a_sibling_drops_it_from_the_rendering():
    guide = guide_import(text=SMALL_GUIDE, slug="small", source_file="small.txt").guide
    first, second = guide.questions.order_by("number")
    first.siblings.add(second)
    assert rendered(first)["siblings"] == [second.pk]

    guide_import(text="Intro.\nQ1. What is A?\nA is a letter.\n", slug="small", source_file="small.txt")

    assert rendered(first)["siblings"] == []


def test_a_rolled_back_write_never_brings_back_a_version():
    question = QuestionFactory()
    before = content_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        _prompt(question)
        during = content_version()
        raise RuntimeError
    assert content_version() == before
    content_changed()
    assert content_version() not in {before, during}


def test_a_key_point_edited_in_the_admin_is_shown_at_once(client):
    client.force_login(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))
    question = QuestionFactory()
    point = KeyPoint.objects.create(question=question, position=0, text="A point.", terms=["point"])
    assert rendered(question)["key_points"][0]["text"] == "A point."

    response = client.post(
        f"/admin/interview/keypoint/{point.pk}/change/",
        {
            "question": question.pk,
            "position": 0,
            "text": "A point edited by staff.",
            "terms": '["point"]',
            "concepts": "[]",
            "contrast": "[]",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert rendered(question)["key_points"][0]["text"] == "A point edited by staff."


def graded_points(question: Question) -> list[tuple]:
    """The key points grading reads, as the check and the recording read them: the version with the question."""
    version = content_version()
    points = with_key_points(Question.objects.get(pk=question.pk), version).key_points.all()
    return [(point.pk, point.text, point.terms, point.concepts, point.contrast) for point in points]


def _key_point_concepts_edited(question: Question) -> None:
    point = question.key_points.get()
    point.concepts = [["point", "dot"]]
    point.save()


KEY_POINT_WRITES: dict[str, Callable[[Question], None]] = {
    "a key point edited": _key_point_edited,
    "a key point's concepts edited": _key_point_concepts_edited,
    "a key point added": _key_point_added,
    "a key point deleted": _key_point_deleted,
}


def test_kept_key_points_are_the_questions_and_cost_no_query(django_assert_num_queries):
    question = QuestionFactory()
    KeyPoint.objects.create(question=question, position=0, text="A point.", terms=["point"])
    version = content_version()
    first = with_key_points(Question.objects.get(pk=question.pk), version)
    again = Question.objects.get(pk=question.pk)
    expected = list(question.key_points.order_by("position"))
    assert list(first.key_points.all()) == expected
    with django_assert_num_queries(0):
        assert list(with_key_points(again, version).key_points.all()) == expected


@pytest.mark.parametrize("write", KEY_POINT_WRITES.values(), ids=KEY_POINT_WRITES.keys())
def test_every_write_to_a_questions_key_points_is_graded_against_at_once(write):
    question = QuestionFactory()
    KeyPoint.objects.create(question=question, position=0, text="A point.", terms=["point"])
    before = graded_points(question)
    assert graded_points(question) == before  # kept

    write(question)

    after = graded_points(question)
    assert after != before
    assert after == [
        (point.pk, point.text, point.terms, point.concepts, point.contrast)
        for point in question.key_points.order_by("position")
    ]
