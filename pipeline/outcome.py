"""What became of one file, as the commands report it: the exit status
(``ExitCode``), the one line per file, and the reason an error gives."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.stages import printable_path

if TYPE_CHECKING:
    from pipeline.model import Document


class ExitCode(IntEnum):
    """Exit statuses (in the manner of OCRmyPDF's ``ExitCode``); when several
    apply, the worst wins (``worst``)."""

    ok = 0  # every file read completely
    input_failed = 1  # a file could not be read (or an input named nothing to read)
    usage = 2  # bad arguments, config or output folder: nothing was read
    partial = 3  # no file failed, but pages of some failed (document.status "partial")
    internal_error = 15  # a bug: the message says so; --verbose shows the traceback
    interrupted = 130  # Ctrl-C


# When several things went wrong, the exit status names the worst.
_SEVERITY = [ExitCode.ok, ExitCode.partial, ExitCode.input_failed, ExitCode.internal_error]


def worst(first: ExitCode, second: ExitCode) -> ExitCode:
    return max(first, second, key=_SEVERITY.index)


def document_status(document: Document) -> ExitCode:
    """ok, partial (pages failed), or internal_error (a page failed on a bug)."""
    status = ExitCode.ok
    for error in document.page_errors:
        bug = error.message.startswith("internal error")
        status = worst(status, ExitCode.internal_error if bug else ExitCode.partial)
    return status


def page_error_lines(path: str | Path, document: Document) -> list[str]:
    return [
        f"partial: {printable_path(path)}: page {error.page}: {error.stage}: {error.message}"
        for error in document.page_errors
    ]


def summary(path: str | Path, target: str | Path | None, document: Document, seconds: float) -> str:
    """``path -> target (13 pages, 72 figures, …)`` for the ok/partial line."""
    review = sum(1 for check in document.checks if not check.passed)
    where = f" -> {printable_path(target)}" if target is not None else ""
    return (
        f"{printable_path(path)}{where} "
        f"({document.document.pages} pages, {len(document.figures)} figures, "
        f"{len(document.expenditure_items)} items, {len(document.performance)} performance tables, "
        f"{review} failed checks, {seconds:.2f}s)"
    )


def reason(exc: BaseException, path: str | Path) -> str:
    """The first line of the error, without the file name the error may already carry."""
    lines = str(exc).strip().splitlines()
    message = lines[0].removeprefix(f"{path}: ") if lines else ""
    return message or type(exc).__name__


def internal_reason(exc: BaseException, path: str | Path) -> str:
    return f"internal error: {type(exc).__name__}: {reason(exc, path)} (a bug; --verbose shows the traceback)"
