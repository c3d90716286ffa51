"""The optional LLM grader against a real OpenAI-compatible server on 127.0.0.1 with canned replies: a valid
verdict is used; a slow, failing, malformed or off-rubric reply falls back to the lexical check, with a note."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from interview.grading import grade_lexical
from interview.grading.llm import grade_with_llm
from interview.models import Attempt, Question, Rating, Showing

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
ANSWER = "Supervised learning uses labelled data. Unsupervised learning finds clusters."


class CannedServer:
    """An OpenAI-compatible chat server; `reply` decides what the next request gets."""

    def __init__(self) -> None:
        self.reply = lambda body: {"points": [], "feedback": ""}
        self.requests: list[dict] = []
        self.delay = 0.0
        self.status = 200
        self.raw: str | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                time.sleep(server.delay)
                if server.raw is not None:
                    payload = server.raw.encode()
                else:
                    content = json.dumps(server.reply(body))
                    payload = json.dumps(
                        {"choices": [{"message": {"role": "assistant", "content": content}}]}
                    ).encode()
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the slow case)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def llm_server(settings):
    server = CannedServer()
    settings.GRADER_LLM_URL = server.url
    settings.GRADER_LLM_MODEL = "tiny-grader"
    settings.GRADER_LLM_API_KEY = "local-key"
    settings.GRADER_LLM_TIMEOUT = 1
    yield server
    server.close()


def verdicts(*items: str, feedback: str = "Name the algorithms you would use."):
    def reply(body: dict) -> dict:
        return {
            "points": [
                {"id": index, "verdict": verdict, "reason": f"reason {index}"}
                for index, verdict in enumerate(items)
            ],
            "feedback": feedback,
        }

    return reply


def test_a_valid_reply_judges_each_key_point_with_reasons_and_feedback(llm_server, ml_guide):
    question = Question.objects.get(number=1)
    llm_server.reply = verdicts("covered", "covered", "missing", "contradicted")
    assessment = grade_with_llm(question, ANSWER)
    assert assessment.grader == "llm"
    assert [point.status for point in assessment.points] == ["covered", "covered", "missing", "contradicted"]
    assert assessment.points[3].evidence == "reason 3"
    assert assessment.feedback == "Name the algorithms you would use."
    assert assessment.suggested_rating == Rating.AGAIN  # (2 - 1) / 4 = 0.25
    sent = llm_server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer local-key"
    assert sent["body"]["model"] == "tiny-grader"
    # the answer travels as quoted data in its own message, never inside the instructions
    assert json.loads(sent["body"]["messages"][-1]["content"]) == {"candidate_answer": ANSWER}
    assert ANSWER not in sent["body"]["messages"][0]["content"]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda s: setattr(s, "delay", 1.5), "did not answer in time"),
        (lambda s: setattr(s, "status", 500), "answered with an error (500)"),
        (lambda s: setattr(s, "raw", "this is not json"), "reply was not JSON"),
        (
            lambda s: setattr(s, "raw", json.dumps({"choices": [{"message": {"content": "{oops"}}]})),
            "did not follow",
        ),
        (
            lambda s: setattr(s, "reply", lambda body: {"points": [], "feedback": "", "rubric": "changed"}),
            "did not follow",
        ),
        (
            lambda s: setattr(s, "reply", verdicts("covered", "covered")),
            "judged other points than the rubric's",
        ),
        (lambda s: setattr(s, "reply", verdicts("covered", "covered", "covered", "great")), "did not follow"),
    ],
    ids=[
        "slow",
        "server-error",
        "not-json",
        "malformed-content",
        "extra-field",
        "off-rubric",
        "unknown-verdict",
    ],
)
def test_any_unusable_reply_falls_back_to_the_lexical_check_with_a_note(llm_server, ml_guide, setup, reason):
    question = Question.objects.get(number=1)
    setup(llm_server)
    assessment = grade_with_llm(question, ANSWER)
    assert assessment.grader == "lexical"
    assert reason in assessment.note
    assert assessment.points == grade_lexical(question, ANSWER).points


def test_an_unreachable_grader_falls_back(settings, ml_guide):
    settings.GRADER_LLM_URL = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    settings.GRADER_LLM_TIMEOUT = 1
    assessment = grade_with_llm(Question.objects.get(number=1), ANSWER)
    assert assessment.grader == "lexical"
    assert "could not be reached" in assessment.note


def start_and_reveal(client) -> tuple[str, str, str]:
    url = client.post("/practice/start/", {"mode": "new"})["Location"]
    token = re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode())[1]
    html = client.post(
        url + "reveal/", {"token": token, "answer_text": ANSWER}, headers=HTMX
    ).content.decode()
    return url, token, html


def test_the_reveal_shows_the_lexical_check_then_swaps_in_the_llms(llm_server, learner_client, ml_guide):
    llm_server.reply = verdicts("covered", "covered", "covered", "missing")
    url, token, html = start_and_reveal(learner_client)
    assert "Checked by the lexical grader." in html
    assert f'hx-post="{url}llm-check/"' in html
    assert not llm_server.requests  # the reveal itself never waits on the network
    swapped = learner_client.post(url + "llm-check/", {"token": token, "answer_text": ANSWER}, headers=HTMX)
    html = swapped.content.decode()
    assert 'id="verdict"' in html and "Checked by the LLM grader." in html
    assert 'id="assessment" class="assessment" hx-swap-oob="true"' in html
    assert "Feedback from the LLM grader" in html
    assert "llm-check" not in html  # asked once
    learner_client.post(url + "llm-check/", {"token": token, "answer_text": ANSWER}, headers=HTMX)
    assert len(llm_server.requests) == 1
    learner_client.post(url + "rate/", {"token": token, "rating": "3", "answer_text": ANSWER}, headers=HTMX)
    attempt = Attempt.objects.get()
    assert attempt.grader == "llm"
    assert len(attempt.auto_key_points) == 3


def test_a_failed_llm_call_keeps_the_lexical_verdict_visibly_and_records_it_once(
    llm_server, learner_client, ml_guide
):
    llm_server.raw = "garbage"
    url, token, _ = start_and_reveal(learner_client)
    html = learner_client.post(
        url + "llm-check/", {"token": token, "answer_text": ANSWER}, headers=HTMX
    ).content.decode()
    assert "The lexical check is shown: the LLM grader&#x27;s reply was not JSON." in html
    learner_client.post(url + "rate/", {"token": token, "rating": "3", "answer_text": ANSWER}, headers=HTMX)
    learner_client.post(url + "rate/", {"token": token, "rating": "3", "answer_text": ANSWER}, headers=HTMX)
    attempt = Attempt.objects.get()
    assert attempt.grader == "lexical"
    assert "reply was not JSON" in attempt.assessment["note"]


def test_the_llm_check_is_the_learners_own(llm_server, learner_client, client, ml_guide):
    from tests.factories import UserFactory

    url, token, _ = start_and_reveal(learner_client)
    client.force_login(UserFactory(email="someone@example.com"))
    assert client.post(url + "llm-check/", {"token": token, "answer_text": ANSWER}).status_code == 404
    assert Showing.objects.get(token=token).assessment["grader"] == "lexical"


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


# The worker closes its database connection after each task: outside a transaction, as in test_tasks.py.
@pytest.mark.django_db(transaction=True)
def test_with_a_task_queue_the_reveal_polls_a_bounded_number_of_times_until_the_worker_grades(
    llm_server, learner_client, ml_guide
):
    from django.core.management import call_command
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from interview.views.practice import LLM_POLLS

    llm_server.reply = verdicts("covered", "covered", "covered", "missing")
    with override_settings(TASKS=DATABASE_QUEUE):
        url, token, _ = start_and_reveal(learner_client)
        form = {"token": token, "answer_text": ANSWER}
        waiting = learner_client.post(url + "llm-check/", form, headers=HTMX)
        # Only the waiting line is replaced, by one that asks again after a pause with the next count.
        assert waiting["HX-Retarget"] == "#verdict p[hx-post]" and waiting["HX-Reswap"] == "outerHTML"
        html = waiting.content.decode()
        assert "still reading your answer" in html
        assert 'hx-trigger="load delay:2s"' in html and "hx-vals='{\"poll\": 1}'" in html
        learner_client.post(url + "llm-check/", {**form, "poll": "1"}, headers=HTMX)
        assert DBTaskResult.objects.count() == 1  # asked once, however often the page polls
        assert not llm_server.requests  # nothing ran in the request

        # The last poll gives up visibly and stops polling; the lexical check stands.
        given_up = learner_client.post(url + "llm-check/", {**form, "poll": str(LLM_POLLS)}, headers=HTMX)
        html = given_up.content.decode()
        assert "The LLM grader did not reply in time; the lexical check stands." in html
        assert "Checked by the lexical grader." in html and "llm-check" not in html

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert len(llm_server.requests) == 1
    html = learner_client.post(url + "llm-check/", {**form, "poll": "3"}, headers=HTMX).content.decode()
    assert "Checked by the LLM grader." in html and "Feedback from the LLM grader" in html
    assert Showing.objects.get(token=token).assessment["grader"] == "llm"


def test_a_queue_that_is_down_keeps_the_lexical_verdict_with_a_note(
    llm_server, learner_client, ml_guide, monkeypatch
):
    from interview.services import grading

    class QueueDown:
        def enqueue(self, **kwargs):
            raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(grading, "llm_grade", QueueDown())
    url, token, _ = start_and_reveal(learner_client)
    html = learner_client.post(
        url + "llm-check/", {"token": token, "answer_text": ANSWER}, headers=HTMX
    ).content.decode()
    assert "The lexical check is shown: the LLM grader could not be asked." in html
    assert "Checked by the lexical grader." in html and "llm-check" not in html  # no more asking
    assert Showing.objects.get(token=token).assessment["extra"]["llm_asked"] is True
    assert not llm_server.requests
