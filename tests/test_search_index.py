"""The stored search vector: the same ranked results as parsing the text per query, served by its GIN index."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from interview.models import Question
from interview.selectors.content import SEARCH_CONFIG, active_questions, search_questions

SEARCHES = ["SMOTE", "winsorization", "silhouette score", "gradient descent", "model", "tf.keras"]


def needs_postgresql(on_postgresql: bool) -> None:
    if not on_postgresql:
        pytest.skip("the stored vector and its indexes exist on PostgreSQL only; CI runs the suite on it")


@pytest.mark.parametrize("text", SEARCHES)
def test_the_stored_vector_ranks_as_the_per_row_vector_did(ml_guide, on_postgresql, text):
    needs_postgresql(on_postgresql)
    vector = (
        SearchVector("prompt", weight="A", config=SEARCH_CONFIG)
        + SearchVector("answer", weight="B", config=SEARCH_CONFIG)
        + SearchVector("editor_note", weight="C", config=SEARCH_CONFIG)
    )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    per_row = (
        Question.objects.public()
        .annotate(document=vector, rank=SearchRank(vector, query))
        .filter(
            Q(document=query)
            | Q(prompt__icontains=text)
            | Q(answer__icontains=text)
            | Q(editor_note__icontains=text)
        )
        .order_by("-rank", "guide", "number")
    )
    expected = [(pk, round(rank, 6)) for pk, rank in per_row.values_list("pk", "rank")]
    stored = search_questions(Question.objects.public(), text).values_list("pk", "search_rank")
    assert expected  # every search here finds something
    assert [(pk, round(rank, 6)) for pk, rank in stored] == expected


def explain_without_seqscan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The planner sees the bank's real size, not an empty table.
        cursor.execute("ANALYZE interview_question")
        # With sequential scans priced out, a plan that still scans the table has no index to use.
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")


def test_a_search_uses_the_gin_index_and_never_scans_the_questions(ml_guide, on_postgresql):
    needs_postgresql(on_postgresql)
    # The match alone (unordered): the stored vector's GIN index and the trigram indexes of the exact text.
    plan = explain_without_seqscan(search_questions(Question.objects.all(), "silhouette score").order_by())
    assert "Bitmap Index Scan on interview_question_search_gin" in plan, plan
    assert "Bitmap Index Scan on interview_question_prompt_trgm" in plan, plan
    assert "Seq Scan on interview_question" not in plan, plan
    # The bank's own query (48 questions, all active) may start from another index, never from a scan.
    plan = explain_without_seqscan(search_questions(active_questions(), "silhouette score"))
    assert "Seq Scan on interview_question" not in plan, plan


def test_a_search_used_as_a_subquery_reads_the_vector_of_its_own_alias(ml_guide):
    found = search_questions(Question.objects.all(), "SMOTE")
    outer = Question.objects.filter(pk__in=found.values("pk"))
    assert [q.prompt for q in outer] == ["How do you handle imbalanced data using SMOTE?"]


def test_an_edited_question_is_found_by_its_new_words_at_once(ml_guide):
    question = Question.objects.get(guide=ml_guide, prompt__icontains="SMOTE")
    assert not search_questions(Question.objects.all(), "zygomorphic")
    question.editor_note = "Zygomorphic petals have nothing to do with this."
    question.save(update_fields=["editor_note"])
    assert list(search_questions(Question.objects.all(), "zygomorphic")) == [question]
    question.prompt = "How do you balance classes as rare as quokkas?"
    question.save(update_fields=["prompt"])
    assert list(search_questions(Question.objects.all(), "quokka")) == [question]
