"""Background tasks of the accounts app."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *, subject: str, body: str, from_email: str, to: list[str], html: str | None, headers: dict[str, str]
) -> int:
    """Send one rendered email; returns how many were sent (0 or 1)."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
