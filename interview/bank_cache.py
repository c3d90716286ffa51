"""Values computed from the question bank, kept by each process for a few seconds.

The topics with their question counts and the public questions' topics are read by the dashboard, the stats,
the practice pages and the cohort grid on every request, and change only when a guide is imported or a
question edited. Each process keeps such a value for ``KEEP_SECONDS``: a change made by the process itself
drops what it keeps at once (every write to the bank goes through services.content.content_changed, from the
model signals in interview.signals or from the services that write with ``QuerySet.update``), and another
process sees the change within ``KEEP_SECONDS`` (an import runs in a task worker, for instance). Reading the
bank's ContentVersion instead, as the question renderings do (they must never show an old text), would cost a
query on every request, which is what keeping these counts saves.
"""

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db import transaction

KEEP_SECONDS = 10

T = TypeVar("T")
_kept: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def forget_kept_values() -> None:
    """Drop every kept value, so the next read computes it again (tests also start each case with none)."""
    with _lock:
        _kept.clear()


def bank_changed() -> None:
    """The bank changed: drop what this process keeps now, and again once the transaction commits (a value
    computed in between may have read the change before it was committed, or one later rolled back)."""
    forget_kept_values()
    transaction.on_commit(forget_kept_values)


def kept_for_bank(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value, computed again after ``KEEP_SECONDS`` or a change to the bank. The value is
    shared by every request of the process: callers must not change it."""
    now = time.monotonic()
    with _lock:
        kept = _kept.get(name)
    if kept is not None and now - kept[0] < KEEP_SECONDS:
        return cast(T, kept[1])
    value = compute()
    with _lock:
        _kept[name] = (now, value)
    return value
