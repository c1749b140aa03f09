"""Stage bookkeeping shared by the flow: timings, and which stage failed.

``with timings.stage("ocr"):`` adds the block's wall time to the document's
``ocr`` total and, when the block raises, re-raises as ``StageError`` naming
the stage, so the flow can record the failure on its page and go on.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger("pipeline")


class InputError(Exception):
    """Something wrong with the input itself (not a bug): the file, a page,
    its text layer.  The message is meant for the user as it is."""


class StageError(Exception):
    """``cause`` raised inside ``stage``."""

    def __init__(self, stage: str, cause: BaseException) -> None:
        super().__init__(f"{stage}: {cause}")
        self.stage = stage
        self.cause = cause

    def describe(self) -> str:
        return describe(self.cause)


def is_internal(error: BaseException) -> bool:
    """Whether ``error`` is a bug of ours: anything but an input error, a
    resource limit or a failing OCR/layout engine library."""
    return not isinstance(error, InputError | MemoryError | OSError)


def describe(error: BaseException) -> str:
    """One line for a user: the first line of the error, prefixed with
    ``internal error`` and the exception's type where it is a bug."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    return f"internal error: {type(error).__name__}: {text}" if is_internal(error) else text


def printable_path(path: str | Path) -> str:
    """``path`` as text that can be written and read back on one line: bytes
    that are not UTF-8 as ``\\xff`` (a name from another system's encoding),
    control characters (a newline in a name) as ``\\n`` and the like."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text)


class Timings:
    """Seconds per stage for one document."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str, *, isolate: bool = True) -> Iterator[None]:
        """Time the block as stage ``name``; with ``isolate``, an exception
        inside it comes out as ``StageError(name, …)``."""
        started = time.perf_counter()
        try:
            yield
        except StageError:
            raise
        except Exception as exc:
            if not isolate:
                raise
            raise StageError(name, exc) from exc
        finally:
            elapsed = time.perf_counter() - started
            self.seconds[name] += elapsed
            log.debug("stage %s: %.3f s", name, elapsed)

    def rounded(self) -> dict[str, float]:
        return {name: round(value, 4) for name, value in self.seconds.items()}
