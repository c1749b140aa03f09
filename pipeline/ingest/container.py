"""The file as a container: a regular file, a PDF header, a trailer, and
cross-references that point where they say (else the file is damaged)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.options import IngestError, IngestOptions
from pipeline.model import Page, PageError, PageNote


@dataclass(frozen=True, slots=True)
class XrefDamage:
    """Objects of the cross-reference table not at their offsets, and how
    many of those are nowhere in the file (lost, not merely moved)."""

    misplaced: int = 0
    lost: int = 0


def damage_findings(pages: list[Page], damage: XrefDamage) -> list[PageError]:
    """What a file with a broken cross-reference table means for its pages.

    pdfium rebuilds the table by scanning the file.  When every object is
    still there (offsets shifted by an editor or a transfer), that is a
    repair: a note on page 1.  When objects are lost, content is lost
    without a word: each page left empty is an error, and when none is, the
    first page says the file is damaged, so the document is never taken as
    complete."""
    if not damage.misplaced or not pages:
        return []
    if not damage.lost:
        pages[0].notes.append(
            PageNote(
                page=1,
                kind="xref_repaired",
                message=f"{damage.misplaced} objects were not at the offsets the cross-reference table gives; "
                "pdfium rebuilt it and found every one",
            )
        )
        return []
    what = f"the file is damaged ({damage.lost} objects of its cross-reference table are missing)"
    errors = []
    for page in pages:
        if page.blank:
            page.blank = False
            page.notes = [note for note in page.notes if note.kind != "blank"]
            errors.append(PageError(page=page.number, stage="ingest", message=f"page content unreadable: {what}"))
    if not errors:
        errors.append(PageError(page=1, stage="ingest", message=f"{what}: content may be missing"))
    return errors


_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_SUBSECTION = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*[\r\n]+")
_OBJECT_AT = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")
_XREF_KEYWORD = re.compile(rb"(?<![a-z])xref(?=\s)")
_ANY_OBJECT = re.compile(rb"(?<![0-9])(\d+)\s+\d+\s+obj\b")


def xref_damage(data: bytes) -> XrefDamage:
    """Check the last classic cross-reference table against the bytes (a
    file with a cross-reference stream, or none, is taken as it is)."""
    found = list(_STARTXREF.finditer(data))
    if not found:
        return XrefDamage()
    offset, misplaced = int(found[-1].group(1)), []
    if data[offset : offset + 4] != b"xref":
        if _OBJECT_AT.match(data, offset):
            return XrefDamage()  # a cross-reference stream: pdfium checks it itself
        tables = list(_XREF_KEYWORD.finditer(data, 0, found[-1].start()))
        if not tables:
            return XrefDamage(misplaced=1)
        offset = tables[-1].end() - 4
        misplaced.append(-1)  # the table itself is not where startxref says
    position = offset + 4
    while subsection := _XREF_SUBSECTION.match(data, position):
        first, count = int(subsection.group(1)), int(subsection.group(2))
        position = subsection.end()
        for number in range(first, first + count):
            entry = data[position : position + 20]
            position += 20
            if entry[17:18] != b"n":
                continue
            at = _OBJECT_AT.match(data, int(entry[:10])) if entry[:10].isdigit() else None
            if not (at and int(at.group(1)) == number):
                misplaced.append(number)
    if not misplaced:
        return XrefDamage()
    present = {int(match.group(1)) for match in _ANY_OBJECT.finditer(data)}
    return XrefDamage(len(misplaced), sum(number >= 0 and number not in present for number in misplaced))


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes; a FIFO, device or folder is refused before it is
    opened (``special_file``)."""
    try:
        special = special_file(path)
    except OSError as error:
        raise IngestError(f"{path}: cannot read file ({error.strerror or error})") from None
    if special:
        raise IngestError(f"{path}: {special}")
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot read file ({error.strerror or error})") from None


def special_file(path: str | Path) -> str | None:
    """Why ``path`` is not to be opened as a file ("not a regular file (a
    FIFO)"), or None for a regular file: reading a FIFO would wait for a
    writer forever.  ``os.stat``'s OSError goes to the caller."""
    mode = os.stat(path).st_mode
    return None if stat.S_ISREG(mode) else f"not a regular file ({_file_kind(mode)})"


def _file_kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "a special file")


def check_container(path: str | Path, data: bytes, options: IngestOptions) -> None:
    if not data:
        raise IngestError(f"{path}: empty file")
    # The spec lets the header sit anywhere in the first 1024 bytes.
    if b"%PDF-" not in data[:1024]:
        raise IngestError(f"{path}: not a PDF (no %PDF- header)")
    # pdfium silently rebuilds a cut-off file from what is left, which would
    # drop pages without a word; a missing trailer is the tell.  Bytes after
    # it (padding, a mail gateway's footer) are harmless: pdfium ignores them.
    if options.require_eof_marker and b"%%EOF" not in data:
        raise IngestError(f"{path}: truncated PDF (no %%EOF trailer)")


# A page object, and an empty page tree, as they stand in a PDF's bytes.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_EMPTY_KIDS = re.compile(rb"/Kids\s*\[\s*\]")


def load_failure(error: pdfium.PdfiumError, data: bytes) -> str:
    """Why pdfium could not open ``data``.  pdfium's error code is kept from
    one failed load to the next when the new failure sets none (a PDF with
    no pages leaves the last file's "password required"), so each reason
    is taken only where the bytes bear it out."""
    code = getattr(error, "err_code", None)
    encrypted = b"/Encrypt" in data
    if code == pdfium_c.FPDF_ERR_PASSWORD and encrypted:
        return "encrypted PDF (a password is required)"
    if code == pdfium_c.FPDF_ERR_SECURITY and encrypted:
        return "encrypted PDF (unsupported security handler)"
    if not encrypted and (_EMPTY_KIDS.search(data) or not _PAGE_OBJECT.search(data)):
        return "the PDF has no pages"
    if code == pdfium_c.FPDF_ERR_FORMAT or not encrypted:
        return "damaged or truncated PDF (cannot parse)"
    return f"cannot open PDF ({error})"
