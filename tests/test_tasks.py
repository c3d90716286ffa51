"""Slow work leaves the request: account emails go through the task queue, whichever backend runs it."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from accounts.tasks import send_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def ask_for_a_password_reset(client, email: str) -> None:
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302


# The worker closes its database connection after each task, as a long-running process should: the test
# cannot run inside a transaction that the connection would take with it.
@pytest.mark.django_db(transaction=True)
def test_a_password_reset_email_waits_in_the_queue_until_a_worker_sends_it(client):
    user = UserFactory(email="ada@example.com")
    with override_settings(TASKS=DATABASE_QUEUE):
        ask_for_a_password_reset(client, user.email)
        assert mail.outbox == []  # the request only enqueued it

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_in_development_the_email_is_sent_within_the_request(client):
    user = UserFactory(email="grace@example.com")
    ask_for_a_password_reset(client, user.email)
    assert [message.to for message in mail.outbox] == [["grace@example.com"]]


def test_the_email_task_sends_the_html_alternative_and_the_headers():
    sent = send_email.call(
        subject="Subject",
        body="Plain text",
        from_email="Trainer <noreply@example.com>",
        to=["a@example.com"],
        html="<p>Rich</p>",
        headers={"X-Kind": "test"},
    )
    assert sent == 1
    message = mail.outbox[0]
    assert message.alternatives[0][0] == "<p>Rich</p>"
    assert message.extra_headers == {"X-Kind": "test"}
