"""The question bank's version, and values computed from the bank that each process keeps until it changes.

The topics with their question counts and the public questions' topics are read by the dashboard, the stats,
the practice pages and the cohort grid, and change only when a guide is imported or a question edited. A
process keeps each such value with the version of the bank it was computed from. Any change to a question,
a topic, a guide or a question's topics (the signals below; services that write with ``QuerySet.update`` call
``bank_changed()``) stores a new version in the shared cache (Redis in production), so every process computes
the value again on its next read. A value is never kept longer than ``KEEP_SECONDS`` either, which bounds how
long a change made outside the ORM, or a value computed from a change later rolled back, can go unseen.
"""

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "question-bank-version"
KEEP_SECONDS = 60

T = TypeVar("T")
_kept: dict[str, tuple[str, float, Any]] = {}
_lock = threading.Lock()


def bank_version() -> str:
    """The current version: a random token, the same in every process until the bank next changes."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # the first process to ask sets it
        version = cache.get(VERSION_KEY)
    return cast(str, version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def bank_changed() -> None:
    """Make every process compute again what it keeps from the bank: at once, and again when the transaction
    commits (a value computed in between may have read the change before it was committed)."""
    _new_version()
    transaction.on_commit(_new_version)


def kept_for_bank(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value, computed again only when the bank changed or ``KEEP_SECONDS`` have passed. The
    value is shared by every request of the process: callers must not change it."""
    version, now = bank_version(), time.monotonic()
    with _lock:
        kept = _kept.get(name)
    if kept is not None and kept[0] == version and now - kept[1] < KEEP_SECONDS:
        return cast(T, kept[2])
    value = compute()
    with _lock:
        _kept[name] = (version, now, value)
    return value


def forget_kept_values() -> None:
    """Drop every kept value (tests start each case with none)."""
    with _lock:
        _kept.clear()


def _on_change(**kwargs: Any) -> None:
    bank_changed()


def connect_signals() -> None:
    """Called once, by the app's ready()."""
    from interview.models import Guide, Question, Topic

    for model in (Question, Topic, Guide):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"bank-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"bank-delete-{model.__name__}")
    m2m_changed.connect(_on_change, sender=Question.topics.through, dispatch_uid="bank-question-topics")
