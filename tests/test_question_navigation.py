"""Question pages: previous/next in the guide or the search, highlighted search terms, prompts to practise."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from interview.models import PracticeSession, Question
from interview.templatetags.interview_tags import highlight_terms

pytestmark = pytest.mark.django_db


def question(guide, number: int) -> Question:
    return Question.objects.get(guide=guide, number=number)


def test_a_question_links_to_its_neighbours_in_the_guide(client, ml_guide, django_assert_max_num_queries):
    q1, q2, q3 = (question(ml_guide, n) for n in (1, 2, 3))
    with django_assert_max_num_queries(8):
        response = client.get(f"/questions/{q2.pk}/")
    assertContains(response, '<nav class="pager" aria-label="Questions in this guide">')
    assertContains(response, f'<a class="pager-previous" href="/questions/{q1.pk}/" rel="prev">')
    assertContains(response, f'<a class="pager-next" href="/questions/{q3.pk}/" rel="next">')
    assertContains(response, "2 of 48")
    first = client.get(f"/questions/{q1.pk}/")
    assertNotContains(first, 'rel="prev"')
    assertContains(first, f'href="/questions/{q2.pk}/" rel="next"')


def test_search_results_carry_the_search_to_the_question_and_step_through_it(client, ml_guide):
    results = client.get("/questions/", {"q": "imbalanced", "page": "1"})
    found = list(results.context["questions"])
    assert len(found) >= 2
    assertContains(results, f'<a href="/questions/{found[0].pk}/?q=imbalanced">')
    page = client.get(f"/questions/{found[0].pk}/", {"q": "imbalanced"})
    assertContains(page, '<nav class="pager" aria-label="Search results">')
    assertContains(page, f'<a class="pager-next" href="/questions/{found[1].pk}/?q=imbalanced" rel="next">')
    assertContains(page, f"1 of {len(found)} results")
    assertContains(page, '<a href="/questions/?q=imbalanced">Search results</a>')
    assertNotContains(page, 'rel="prev"')


def test_search_terms_are_marked_in_the_results(client, ml_guide):
    response = client.get("/questions/", {"q": "smote"})
    assertContains(response, "<mark>SMOTE</mark>")
    hostile = client.get("/questions/", {"q": "<script>alert(1)</script> data"})
    assertNotContains(hostile, "<script>alert(1)")
    assertContains(hostile, "&lt;script&gt;alert(1)&lt;/script&gt; data")


def test_highlighting_escapes_the_text_before_marking_it():
    assert highlight_terms("Use <b>SMOTE</b> & more", "smote") == (
        "Use &lt;b&gt;<mark>SMOTE</mark>&lt;/b&gt; &amp; more"
    )
    assert highlight_terms("a & b", "amp") == "a &amp; b"  # never matches inside an entity
    assert highlight_terms("<i>x</i>", "<i>") == "<mark>&lt;i&gt;</mark>x&lt;/i&gt;"
    assert highlight_terms("Data data", "DATA") == "<mark>Data</mark> <mark>data</mark>"
    assert highlight_terms("plain <text>", "") == "plain &lt;text&gt;"


def test_a_visitor_is_invited_to_sign_up_on_a_question_page(learner_client, ml_guide):
    page = f"/questions/{question(ml_guide, 1).pk}/"
    response = Client().get(page)
    assertContains(response, '<a class="button" href="/accounts/signup/">Sign up free</a>')
    assertContains(response, f'href="/accounts/login/?next={page}"')
    assertNotContains(learner_client.get(page), "Sign up free")


def test_the_guide_page_offers_practice_of_the_whole_guide(learner_client, learner, ml_guide):
    assertContains(Client().get("/guides/ml-engineer/"), "Sign up to practise this guide")
    response = learner_client.get("/guides/ml-engineer/")
    assertContains(response, '<button type="submit" class="cta">Practise this guide</button>')
    html = response.content.decode()
    form = html[html.index('<form method="post" action="/practice/start/" class="guide-practise">') :]
    form = form[: form.index("</form>")]
    topics = {topic.slug for q in ml_guide.questions.filter(is_active=True) for topic in q.topics.all()}
    for slug in topics:
        assert f'name="topics" value="{slug}"' in form
    data = {"mode": "topic", "topics": sorted(topics)}
    started = learner_client.post("/practice/start/", data)
    session = PracticeSession.objects.get(user=learner)
    assert started.status_code == 302 and started["Location"] == f"/practice/{session.pk}/"
    assert {topic.slug for topic in session.topics.all()} == topics


def test_a_question_outside_the_search_steps_through_its_guide(client, ml_guide):
    q5, q6 = question(ml_guide, 5), question(ml_guide, 6)
    response = client.get(f"/questions/{q6.pk}/", {"q": "zzzz-nothing"})
    assertContains(response, '<nav class="pager" aria-label="Questions in this guide">')
    assertContains(response, f'href="/questions/{q5.pk}/" rel="prev"')
