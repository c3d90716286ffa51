"""allauth's adapter: account emails leave the request as a background task; the demo learner keeps its
address and has no password."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from accounts.tasks import send_email
from interview.demo import is_demo_learner

DEMO_LEARNER_STAYS = "The demo learner is shared and stays as it is: sign up for an account of your own."


class AccountAdapter(DefaultAccountAdapter):
    # Were the shared demo learner given another address or a password, its next visitor would get a
    # fresh one and the old one, with its history, would be somebody's: a way to fill the database.
    def clean_email(self, email: str) -> str:
        if self.request is not None and is_demo_learner(self.request.user):
            raise ValidationError(DEMO_LEARNER_STAYS)
        return super().clean_email(email)

    def clean_password(self, password: str, user=None) -> str:
        if user is not None and is_demo_learner(user):
            raise ValidationError(DEMO_LEARNER_STAYS)
        return super().clean_password(password, user=user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (the request's site and language), send later (an SMTP server may be slow)."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        send_email.enqueue(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            html=html,
            headers=dict(message.extra_headers),
        )
