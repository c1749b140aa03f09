"""A document read in parts: page ranges read apart (ingest, OCR, grids and
lines of each page: the costly half), then one assembly of their pages into
the document (stitching, records, checks, confidence).  The result is the
document a whole read gives; the local pool and Ray share these steps.

Messages, as the workers send them: a range gives ``("pages", doc_id,
pages, page_errors, stage_seconds, seconds)``, an assembly ``("done",
doc_id, payload_json, seconds)`` with the seconds of its ranges added, and
either ``("failed", doc_id, reason, exit_code)``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from pipeline.outcome import ExitCode, internal_reason, reason

# A PDF of at least this many bytes a page is taken for a scan, whose pages
# are worth reading apart: born-digital reports run 10-45 KB a page, a
# 200 dpi page image 300-900 KB and a bitonal one 60-150 KB.  A born-digital
# file taken for a scan is only read in parts, to the same result.
SCAN_BYTES_PER_PAGE = 64 * 1024


def page_count(path: str) -> int:
    """Pages of a PDF by its page tree; 0 when that cannot be read (its read
    will say why).  The local batch has a worker count them, never its
    driver: a hostile file may hang or crash pdfium (Ray's driver counts)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except Exception:  # not a PDF, or not one pdfium can open: read whole, it names the reason
        return 0
    try:
        return len(document)
    finally:
        document.close()


def page_ranges(count: int, parts: int) -> list[tuple[int, int]]:
    """``count`` pages as at most ``parts`` ranges (first, last; 1-based) of
    near-equal length, the longer ones first."""
    parts = max(1, min(parts, count))
    size, extra = divmod(count, parts)
    ranges, first = [], 1
    for index in range(parts):
        last = first + size - 1 + (index < extra)
        ranges.append((first, last))
        first = last + 1
    return ranges


def read_some_pages(pipeline, doc_id: str, path: str, first: int, last: int) -> tuple:
    """Pages ``first``..``last`` read, their images dropped: only each page's
    text, boxes and grids travel to the assembly."""
    from pipeline.stages import InputError, Timings

    started = time.perf_counter()
    timings = Timings()
    try:
        source, errors = pipeline.read_pages(path, range(first, last + 1), timings)
    except InputError as exc:
        return ("failed", doc_id, reason(exc, path), int(ExitCode.input_failed))
    except Exception as exc:  # a bug must not end the worker, nor the batch
        return ("failed", doc_id, internal_reason(exc, path), int(ExitCode.internal_error))
    pages = [page for page in source.pages if first <= page.number <= last]
    for page in pages:
        page.image = None
    return ("pages", source.doc_id, pages, errors, dict(timings.seconds), time.perf_counter() - started)


def assemble_parts(pipeline, doc_id: str, path: str, parts: Sequence[tuple]) -> tuple:
    """The document of its ranges' pages; the first range that failed fails it."""
    from pipeline.model import Source
    from pipeline.stages import Timings

    started = time.perf_counter()
    failed = next((part for part in parts if part[0] == "failed"), None)
    if failed is not None:
        return failed
    if any(part[1] != doc_id for part in parts):  # another file's bytes under the name since it was planned
        return ("failed", doc_id, "the file changed while its pages were read", int(ExitCode.input_failed))
    timings = Timings()
    pages, errors, read = [], [], 0.0
    for _, _, some, their_errors, stage_seconds, seconds in parts:
        pages += some
        errors += their_errors
        read += seconds
        for name, value in stage_seconds.items():
            timings.seconds[name] += value
    try:
        source = Source(path=path, doc_id=doc_id, pages=sorted(pages, key=lambda page: page.number))
        document = pipeline.assemble(path, source, errors, timings)
        payload = document.model_dump_json(by_alias=True)
    except Exception as exc:  # a bug must not end the worker, nor the batch
        return ("failed", doc_id, internal_reason(exc, path), int(ExitCode.internal_error))
    return ("done", doc_id, payload, read + time.perf_counter() - started)
