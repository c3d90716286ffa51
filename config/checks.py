"""Deployment checks that refuse (errors, not warnings) what Django only warns about."""

from django.conf import settings
from django.core.checks import Error, Tags, register

SECRET_KEY_MIN_LENGTH = 50


@register(Tags.security, deploy=True)
def secret_key_long_enough(app_configs: object = None, **kwargs: object) -> list[Error]:
    if settings.DEBUG or len(settings.SECRET_KEY) >= SECRET_KEY_MIN_LENGTH:
        return []
    return [
        Error(
            f"SECRET_KEY has {len(settings.SECRET_KEY)} characters; production needs at least "
            f"{SECRET_KEY_MIN_LENGTH}.",
            hint='Generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
            id="config.E001",
        )
    ]
