from django.apps import AppConfig


class InterviewConfig(AppConfig):
    name = "interview"
    verbose_name = "Interview content"

    def ready(self) -> None:
        import config.checks  # noqa: F401  (registers the deployment checks)
        from interview import signals

        signals.connect()
