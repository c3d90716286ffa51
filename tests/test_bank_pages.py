"""The public question bank pages: content, filters, htmx partials, query bounds, security headers."""

import re

import pytest

from interview.models import Question

pytestmark = pytest.mark.django_db


def test_home_explains_the_app_and_counts_the_content(client, ml_guide):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Practise interview questions" in html
    assert re.search(r"<dt>Questions</dt><dd>48</dd>", html)
    assert 'href="/guides/ml-engineer/"' in html
    assert 'href="/topics/"' in html


def test_guide_page_lists_every_question_and_the_tips(client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/guides/ml-engineer/")
    html = response.content.decode()
    assert html.count('class="q-number"') == 48
    assert "Basic Interview Questions" in html
    assert "Tips to Ace Your Top 40 Machine Learning Engineers Interview" in html
    assert "Youngster Company" not in html


def test_topics_page_lists_topics_with_counts(client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/topics/")
    html = response.content.decode()
    count = Question.objects.filter(topics__slug="time-series", is_active=True).count()
    assert 'href="/topics/time-series/"' in html
    assert f"{count} question" in html


def test_topic_page_lists_its_questions(client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/topics/time-series/")
    html = response.content.decode()
    assert "How do you handle missing values in a time series dataset?" in html
    assert "What is the purpose of data normalization?" not in html


def test_unknown_topic_is_404(client, ml_guide):
    assert client.get("/topics/astrology/").status_code == 404


def test_question_page_hides_the_answer_in_a_disclosure_and_highlights_code(
    client, ml_guide, django_assert_max_num_queries
):
    question = Question.objects.get(guide=ml_guide, number=48)
    with django_assert_max_num_queries(6):
        response = client.get(f"/questions/{question.pk}/")
    html = response.content.decode()
    assert '<h1 id="question-heading">How do you handle imbalanced data using SMOTE?</h1>' in html
    details = html[html.index('<details class="answer">') :]
    details = details[: details.index("</details>")]
    # static/js/disclosure.js reads "Hide answer" once it is open.
    assert (
        '<summary data-closed-label="Show answer" data-open-label="Hide answer">Show answer</summary>'
        in details
    )
    assert "This can be done using the SMOTE class in imbalanced-learn." in details
    assert '<div class="highlight">' in details
    assert '<span class="kn">from</span>' in details
    assert "Intermediate" in html


def test_a_retired_question_still_has_its_page_with_a_notice(client, ml_guide):
    question = Question.objects.get(guide=ml_guide, number=2)
    question.is_active = False
    question.save()

    html = client.get(f"/questions/{question.pk}/").content.decode()

    assert "no longer in the guide" in html
    assert (
        f'href="/questions/{question.pk}/"' not in client.get("/topics/data-preprocessing/").content.decode()
    )


def test_unknown_question_is_404(client, ml_guide):
    assert client.get("/questions/999999/").status_code == 404


def test_search_finds_smote_in_prompts_and_answers(client, ml_guide):
    html = client.get("/questions/", {"q": "SMOTE"}).content.decode()
    assert "1 question matching “SMOTE”" in html
    assert "How do you handle imbalanced data using <mark>SMOTE</mark>?" in html


def test_search_matches_words_in_answers_only(client, ml_guide):
    html = client.get("/questions/", {"q": "winsorization"}).content.decode()
    assert "How do you handle outliers in a dataset?" in html
    assert "1 question matching" in html


def test_search_with_several_words_needs_all_of_them(client, ml_guide):
    html = client.get("/questions/", {"q": "silhouette score"}).content.decode()
    assert "How do you evaluate the performance of a clustering algorithm?" in html
    assert "1 question matching" in html


def test_filters_by_topic_and_difficulty_combine(client, ml_guide):
    expected = Question.objects.filter(
        topics__slug="model-evaluation", difficulty="basic", is_active=True
    ).count()
    html = client.get("/questions/", {"topic": "model-evaluation", "difficulty": "basic"}).content.decode()
    assert f'<h2 id="results-heading">\n    {expected} question' in html


def test_nothing_found_shows_an_empty_state(client, ml_guide):
    html = client.get("/questions/", {"q": "quantum chromodynamics"}).content.decode()
    assert "No questions match" in html


def test_an_unknown_filter_value_gets_a_message_not_an_error(client, ml_guide):
    response = client.get("/questions/", {"topic": "astrology", "difficulty": "impossible"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Topic: Select a valid choice." in html
    assert "Difficulty: Select a valid choice." in html


def test_question_list_is_paginated_with_bounded_queries(client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        first = client.get("/questions/").content.decode()
    second = client.get("/questions/", {"page": 3}).content.decode()
    assert first.count('class="q-number"') == 20
    assert "Page 1 of 3" in first
    assert second.count('class="q-number"') == 8
    assert client.get("/questions/", {"page": "nonsense"}).status_code == 200


def test_htmx_search_gets_only_the_results_partial(client, ml_guide):
    response = client.get("/questions/", {"q": "SMOTE"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "How do you handle imbalanced data using <mark>SMOTE</mark>?" in html


def test_plain_search_gets_the_full_page(client, ml_guide):
    html = client.get("/questions/", {"q": "SMOTE"}).content.decode()
    assert html.startswith("<!doctype html>")
    assert '<form class="filters" method="get" action="/questions/"' in html


@pytest.mark.parametrize("url", ["/", "/topics/", "/questions/", "/guides/ml-engineer/"])
def test_pages_are_accessible_and_script_free(client, ml_guide, url):
    response = client.get(url)
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert '<html lang="en">' in html
    # Every <script> loads a file from our own origin: no inline code for the CSP to allow.
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
        assert script.strip() == ""
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]+)"', html))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "htmx" in html


def test_every_form_input_has_a_label(client, ml_guide):
    html = client.get("/questions/").content.decode()
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_the_next_page_link_leads_to_the_next_page(client, ml_guide):
    first = client.get("/questions/").content.decode()
    next_href = re.search(r'<a href="([^"]+)" rel="next">', first)[1]
    assert next_href == "?page=2"
    second = client.get("/questions/" + next_href).content.decode()
    assert "Page 2 of 3" in second
    assert '<span class="q-number">Q21</span>' in second


def test_a_partial_is_never_served_from_the_cache_for_a_full_page(client, ml_guide):
    response = client.get("/questions/", {"q": "SMOTE"}, headers={"HX-Request": "true"})
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client, ml_guide):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get("/questions/", {"q": "SMOTE"}, headers=headers).content.decode()
    assert html.startswith("<!doctype html>")


def test_the_address_bar_shows_only_the_filters_in_use(client, ml_guide):
    response = client.get(
        "/questions/", {"q": "SMOTE", "topic": "", "difficulty": ""}, headers={"HX-Request": "true"}
    )
    assert response["HX-Push-Url"] == "/questions/?q=SMOTE"


def test_search_finds_identifiers_inside_code_like_words(client, ml_guide):
    html = client.get("/questions/", {"q": "tf.keras"}).content.decode()
    assert "How do you deploy a machine learning model using TensorFlow?" in html


def test_an_overlong_search_is_explained(client, ml_guide):
    html = client.get("/questions/", {"q": "a " * 150}).content.decode()
    assert "Ensure this value has at most 200 characters" in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("url", ["/", "/topics/", "/questions/", "/guides/ml-engineer/"])
def test_pages_answer_head_requests(client, ml_guide, url):
    assert client.head(url).status_code == 200


def test_home_invites_visitors_to_sign_up(client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        html = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in html
