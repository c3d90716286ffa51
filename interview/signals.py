"""Keeps the bank's ContentVersion current: every model write to what a question's rendering reads changes it.

Not a business rule but cache invalidation: the admin, loaddata, the import services and the shell all save
through the models, so catching the writes here leaves none out. Writes that bypass the signals
(``update()``, raw SQL) call services.content.content_changed themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from interview.models import CodeSnippet, GradedQuestion, Guide, KeyPoint, Question, Topic
from interview.services.content import content_changed

# What QuestionSerializer reads: the question, its guide's slug, topics, snippets, key points and siblings.
BANK_MODELS = (Guide, Topic, Question, GradedQuestion, CodeSnippet, KeyPoint)
BANK_LINKS = (Question.topics.through, Question.siblings.through)


def _bank_row_written(**kwargs: object) -> None:
    content_changed()


def _bank_links_written(*, action: str, **kwargs: object) -> None:
    if action.startswith("post_"):
        content_changed()


def connect() -> None:
    for model in BANK_MODELS:
        post_save.connect(
            _bank_row_written, sender=model, dispatch_uid=f"content-version-save-{model.__name__}"
        )
        post_delete.connect(
            _bank_row_written, sender=model, dispatch_uid=f"content-version-delete-{model.__name__}"
        )
    for through in BANK_LINKS:
        m2m_changed.connect(
            _bank_links_written, sender=through, dispatch_uid=f"content-version-{through.__name__}"
        )
