"""Open a PDF: identity, per-page text layer and ruling lines, page routing.

Entry point: ``open_pdf(path, options) -> Source``.

The text layer and the vector paths are read through pypdfium2's raw ctypes
bindings: the helper objects cost several Python calls per character, and a
report page holds one to two thousand characters.  Coordinates are turned
into top-left-origin points here, once, so every later stage shares them.

A page whose text layer is missing or implausible (private-use glyphs,
replacement characters, Latin garbage from a broken ToUnicode map) gets
``source="ocr"`` and no characters; the OCR stages read it from its image.
A page with no text and no images, or whose image holds no ink, is blank
and read by nothing.  A text layer that looks like text but may lie
(mojibake, invisible text over an image) is marked doubtful for the flow
to check against the image (``pipeline.textlayer``).  Positions go through
the page's ``/Rotate``, so a page shown upright is read upright.

A file is refused (``IngestError``) only when nothing of it can be read;
a page that cannot be loaded, or whose scan image cannot be decoded,
becomes a page error and the rest is read.

Modules: ``container`` (the file: regular, a PDF, a trailer, intact
cross-references), ``page`` (one page and its routing), ``frame`` (box and
/Rotate), ``chars`` (the text layer), ``vectors`` (ruling lines).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.ingest.chars import usable_text_layer
from pipeline.ingest.container import check_container, damage_findings, load_failure, read_bytes, xref_damage
from pipeline.ingest.options import IngestError, IngestOptions
from pipeline.ingest.page import read_page
from pipeline.model import Page, PageError, Source
from pipeline.stages import describe, log

__all__ = ["IngestError", "IngestOptions", "open_pdf", "usable_text_layer", "xref_damage"]


def open_pdf(path: str | Path, options: IngestOptions | None = None, numbers: range | None = None) -> Source:
    """Read ``path`` into a ``Source``; raises ``IngestError`` when it is not a
    readable PDF (not a PDF, empty, truncated, damaged, password-protected).
    ``numbers`` (1-based): only those pages are read; the others are bare
    stand-ins of the right number (a part of a document read apart)."""
    options = options or IngestOptions()
    data = read_bytes(path)
    check_container(path, data, options)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise IngestError(f"{path}: {load_failure(error, data)}") from None
    pages: list[Page] = []
    errors: list[PageError] = []
    try:
        damage = xref_damage(data)
        if damage.lost:
            numbers = None  # which of its pages lost content decides what its first page says: all are read
        count = len(document)
        if count == 0:
            raise IngestError(f"{path}: the PDF has no pages")
        for index in range(count):
            if numbers is not None and index + 1 not in numbers:
                pages.append(Page(number=index + 1, width=0.0, height=0.0, source="text", file=str(path)))
                continue
            try:
                pages.append(read_page(document.raw, index, str(path), options))
            except Exception as error:  # one page, whatever broke on it (a bug says so)
                log.debug("%s: page %d: ingest failed", path, index + 1, exc_info=error)
                errors.append(PageError(page=index + 1, stage="ingest", message=describe(error)))
                pages.append(Page(number=index + 1, width=0.0, height=0.0, source="text", file=str(path)))
    finally:
        document.close()
    errors += damage_findings(pages, damage)
    return Source(path=str(path), doc_id="sha256:" + hashlib.sha256(data).hexdigest(), pages=pages, errors=errors)
