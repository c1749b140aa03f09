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
a page that cannot be loaded becomes a page error and the rest is read.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.cjk import is_cjk
from pipeline.imaging import as_grey, paper_level
from pipeline.model import BBox, Char, Page, PageError, PageNote, Segment, Source
from pipeline.stages import InputError
from pipeline.textlayer import MIN_COMMON_SHARE, fold_radicals, rare_share


class IngestError(InputError):
    """The file cannot be read as a PDF; the message names file and reason."""


@dataclass(frozen=True, slots=True)
class IngestOptions:
    min_chars: int = 10  # fewer chars than this: a scan (or a blank page)
    min_plausible_share: float = 0.85  # share of CJK/digits/punctuation needed
    min_cjk_share_for_latin: float = 0.05  # Latin counts as plausible only beside Chinese
    max_rule_thickness: float = 2.5  # a filled box thinner than this is a drawn line
    min_rule_length: float = 3.0  # shorter strokes are glyph parts or ticks, not rules
    read_form_xobjects: bool = True  # look for rules inside form XObjects too
    require_eof_marker: bool = True  # no %%EOF anywhere: the file was cut short
    # A page whose text is mostly invisible (render mode 3) and whose images
    # cover this share of it is a scan with an OCR layer: doubted.
    invisible_image_cover: float = 0.5
    # An image page whose thumbnail has fewer dark pixels than this share is blank.
    blank_ink_share: float = 0.0003
    blank_thumbnail_px: int = 600  # longest side of the thumbnail tested for ink


def open_pdf(path: str | Path, options: IngestOptions | None = None) -> Source:
    """Read ``path`` into a ``Source``; raises ``IngestError`` when it is not a
    readable PDF (not a PDF, empty, truncated, damaged, password-protected)."""
    options = options or IngestOptions()
    data = _read_bytes(path)
    _check_container(path, data, options)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise IngestError(f"{path}: {_load_failure(error)}") from None
    pages: list[Page] = []
    errors: list[PageError] = []
    try:
        count = len(document)
        if count == 0:
            raise IngestError(f"{path}: the PDF has no pages")
        for index in range(count):
            try:
                pages.append(_read_page(document.raw, index, str(path), options))
            except IngestError as error:
                errors.append(PageError(page=index + 1, stage="ingest", message=str(error)))
                pages.append(Page(number=index + 1, width=0.0, height=0.0, source="text", file=str(path)))
    finally:
        document.close()
    misplaced = misplaced_objects(data)
    if misplaced:
        errors += _damage_errors(pages, misplaced)
    return Source(path=str(path), doc_id="sha256:" + hashlib.sha256(data).hexdigest(), pages=pages, errors=errors)


def _damage_errors(pages: list[Page], misplaced: int) -> list[PageError]:
    """A damaged file (pdfium rebuilt its cross-references) loses content
    without a word: each page left empty is an error, and when none is, the
    first page says the file is damaged, so the document is never taken as
    complete."""
    damage = f"the file is damaged ({misplaced} objects are not where its cross-reference table says)"
    errors = []
    for page in pages:
        if page.blank:
            page.blank = False
            page.notes = [note for note in page.notes if note.kind != "blank"]
            errors.append(PageError(page=page.number, stage="ingest", message=f"page content unreadable: {damage}"))
    if not errors and pages:
        errors.append(PageError(page=1, stage="ingest", message=f"{damage}: content may be missing"))
    return errors


_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_SUBSECTION = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*[\r\n]+")
_OBJECT_AT = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")


def misplaced_objects(data: bytes) -> int:
    """How many objects of the last classic cross-reference table are not at
    their offsets (-1 when the table itself is not where ``startxref`` says);
    0 for an intact file or one with a cross-reference stream."""
    found = list(_STARTXREF.finditer(data))
    if not found:
        return 0
    offset = int(found[-1].group(1))
    if data[offset : offset + 4] != b"xref":
        return 0 if _OBJECT_AT.match(data, offset) else 1  # an xref stream, or nothing there
    position, misplaced = offset + 4, 0
    while subsection := _XREF_SUBSECTION.match(data, position):
        first, count = int(subsection.group(1)), int(subsection.group(2))
        position = subsection.end()
        for number in range(first, first + count):
            entry = data[position : position + 20]
            position += 20
            if entry[17:18] != b"n":
                continue
            if not entry[:10].isdigit():
                misplaced += 1
                continue
            at = _OBJECT_AT.match(data, int(entry[:10]))
            misplaced += not (at and int(at.group(1)) == number)
    return misplaced


def _read_bytes(path: str | Path) -> bytes:
    """The file's bytes; a FIFO, device or folder is refused before it is
    opened (reading a FIFO would wait for a writer forever)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise IngestError(f"{path}: cannot read file ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise IngestError(f"{path}: not a regular file ({_file_kind(mode)})")
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot read file ({error.strerror or error})") from None


def _file_kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "a special file")


def _check_container(path: str | Path, data: bytes, options: IngestOptions) -> None:
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


def _load_failure(error: pdfium.PdfiumError) -> str:
    code = getattr(error, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return "encrypted PDF (a password is required)"
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return "encrypted PDF (unsupported security handler)"
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return "damaged or truncated PDF (cannot parse)"
    if code in (pdfium_c.FPDF_ERR_SUCCESS, None):
        return "cannot open PDF (no document structure: no pages tree or catalog)"
    return f"cannot open PDF ({error})"


# --------------------------------------------------------------------------
# One page
# --------------------------------------------------------------------------


def _read_page(raw_document, index: int, file: str, options: IngestOptions) -> Page:
    raw_page = pdfium_c.FPDF_LoadPage(raw_document, index)
    if not raw_page:
        raise IngestError(f"page {index + 1} cannot be loaded (damaged PDF)")
    try:
        frame = _PageFrame.of(raw_page)
        chars, unmapped = _read_chars(raw_page, frame)
        objects = _PageObjects()
        rules = _read_rules(raw_page, frame, options, objects)
        page = Page(number=index + 1, width=frame.width, height=frame.height, source="text", rules=rules, file=file)
        if frame.rotation:
            page.notes.append(
                PageNote(
                    page=page.number,
                    kind="rotated",
                    message=f"page shown turned {90 * frame.rotation}° (/Rotate); read as shown",
                )
            )
        _route(page, chars, unmapped, objects, raw_page, options)
    finally:
        pdfium_c.FPDF_ClosePage(raw_page)
    return page


def _route(page: Page, chars: list[Char], unmapped: int, objects: _PageObjects, raw_page, options) -> None:
    """Decide how ``page`` is read: its text layer, OCR of its image, or nothing."""
    if not chars and not objects.images:
        page.blank = True
        page.notes.append(PageNote(page=page.number, kind="blank", message="no text and no images: not read"))
        return
    folded = fold_radicals(chars)
    if folded:
        page.notes.append(
            PageNote(
                page=page.number,
                kind="text_layer_repaired",
                message=f"{folded} radical or compatibility code points folded to ideographs",
            )
        )
    if usable_text_layer(chars, options, unmapped):
        page.chars = chars
        page.doubts = _doubts(page, chars, objects, options)
        return
    if chars:
        bad = len(chars) - plausible_count(chars, options) + unmapped
        page.notes.append(
            PageNote(
                page=page.number,
                kind="text_layer_unusable",
                message=f"{bad} of {len(chars)} characters unmapped or implausible: read by OCR",
            )
        )
    page.source = "ocr"
    if objects.images and _blank_image(raw_page, page, options):
        page.blank = True
        page.notes.append(PageNote(page=page.number, kind="blank", message="no ink on the page image: not OCR'd"))


def _doubts(page: Page, chars: list[Char], objects: _PageObjects, options: IngestOptions) -> list[str]:
    doubts = []
    share = rare_share(chars)
    if share is not None and share > 1 - MIN_COMMON_SHARE:
        doubts.append(f"{share:.0%} of its Chinese characters are rare")
    area = page.width * page.height
    mostly_invisible = objects.texts and objects.invisible_texts >= objects.texts / 2
    if mostly_invisible and area and objects.image_area >= options.invisible_image_cover * area:
        doubts.append("invisible text over a page image")
    return doubts


def _blank_image(raw_page, page: Page, options: IngestOptions) -> bool:
    """Whether the rendered page shows (almost) no ink: a thumbnail, median
    filtered so sensor noise and dust do not count."""
    grey = cv2.medianBlur(_thumbnail(raw_page, page, options.blank_thumbnail_px), 3)
    dark = grey < paper_level(grey, step=1) - 60
    return float(dark.mean()) < options.blank_ink_share


def _thumbnail(raw_page, page: Page, longest_px: int) -> np.ndarray:
    """The page as shown, rendered grey with its longest side ``longest_px``."""
    scale = longest_px / max(page.width, page.height, 1.0)
    width, height = max(1, round(page.width * scale)), max(1, round(page.height * scale))
    bitmap = pdfium_c.FPDFBitmap_Create(width, height, 0)
    try:
        pdfium_c.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xFFFFFFFF)
        pdfium_c.FPDF_RenderPageBitmap(bitmap, raw_page, 0, 0, width, height, 0, pdfium_c.FPDF_GRAYSCALE)
        stride = pdfium_c.FPDFBitmap_GetStride(bitmap)
        buffer = ctypes.cast(pdfium_c.FPDFBitmap_GetBuffer(bitmap), ctypes.POINTER(ctypes.c_ubyte * (stride * height)))
        pixels = np.frombuffer(buffer.contents, dtype=np.uint8).reshape(height, stride)[:, : width * 4]
        return as_grey(np.ascontiguousarray(pixels.reshape(height, width, 4)[:, :, :3]))
    finally:
        pdfium_c.FPDFBitmap_Destroy(bitmap)


@dataclass(slots=True)
class _PageObjects:
    """What a page draws besides rules: its text objects (and how many are
    invisible, render mode 3) and the area its images cover."""

    texts: int = 0
    invisible_texts: int = 0
    images: int = 0
    image_area: float = 0.0


@dataclass(frozen=True, slots=True)
class _PageFrame:
    """The visible page box in PDF user space and the page's quarter turns
    (``/Rotate``), to map user space onto the page as shown, top-left origin."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int  # quarter turns clockwise

    @classmethod
    def of(cls, raw_page) -> _PageFrame:
        box = pdfium_c.FS_RECTF()
        rotation = pdfium_c.FPDFPage_GetRotation(raw_page) % 4
        if pdfium_c.FPDF_GetPageBoundingBox(raw_page, ctypes.byref(box)):
            return cls(box.left, box.bottom, box.right, box.top, rotation)
        width = pdfium_c.FPDF_GetPageWidthF(raw_page)
        height = pdfium_c.FPDF_GetPageHeightF(raw_page)
        if rotation % 2:  # pdfium's sizes are of the page as shown
            width, height = height, width
        return cls(0.0, 0.0, width, height, rotation)

    @property
    def width(self) -> float:
        return (self.top - self.bottom) if self.rotation % 2 else (self.right - self.left)

    @property
    def height(self) -> float:
        return (self.right - self.left) if self.rotation % 2 else (self.top - self.bottom)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point on the page as shown (top-left origin)."""
        if self.rotation == 1:
            return y - self.bottom, x - self.left
        if self.rotation == 2:
            return self.right - x, y - self.bottom
        if self.rotation == 3:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        x0, y0 = self.point(left, bottom)
        x1, y1 = self.point(right, top)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _read_chars(raw_page, frame: _PageFrame) -> tuple[list[Char], int]:
    """Visible chars with loose boxes (font ascent to descent, so every char
    of a line shares its vertical extent) and the count of unmappable ones."""
    text_page = pdfium_c.FPDFText_LoadPage(raw_page)
    if not text_page:
        return [], 0
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_size = pdfium_c.FPDFText_GetFontSize
    has_map_error = pdfium_c.FPDFText_HasUnicodeMapError
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    chars: list[Char] = []
    unmapped = 0
    try:
        for i in range(pdfium_c.FPDFText_CountChars(text_page)):
            code = get_unicode(text_page, i)
            # Whitespace (pdfium's generated spaces and line breaks included)
            # is dropped: spacing is decided from geometry in textlines.
            if code <= 0x20 or code in (0xA0, 0x3000, 0xFEFF) or 0x2000 <= code <= 0x200B:
                continue
            if has_map_error(text_page, i) == 1:
                unmapped += 1
            get_box(text_page, i, rect_ref)
            chars.append(
                Char(
                    text=chr(code),
                    bbox=frame.box(rect.left, rect.bottom, rect.right, rect.top),
                    size=get_size(text_page, i),
                )
            )
    finally:
        pdfium_c.FPDFText_ClosePage(text_page)
    return chars, unmapped


def usable_text_layer(chars: list[Char], options: IngestOptions | None = None, unmapped: int = 0) -> bool:
    """Whether a page's chars are real text rather than a scan's stray
    characters or mojibake; ``unmapped`` counts glyphs pdfium could not map."""
    options = options or IngestOptions()
    if len(chars) < options.min_chars:
        return False
    return plausible_count(chars, options) - unmapped >= options.min_plausible_share * len(chars)


def plausible_count(chars: list[Char], options: IngestOptions) -> int:
    """How many of ``chars`` are of a class a Chinese report is written in."""
    counts = {"cjk": 0, "plain": 0, "latin": 0, "bad": 0}
    for char in chars:
        counts[_char_class(char.text)] += 1
    n = len(chars)
    plausible = counts["cjk"] + counts["plain"]
    # A Chinese report whose page reads as pure Latin is the classic symptom
    # of a font with a broken ToUnicode map, so letters only count beside CJK.
    if counts["cjk"] >= options.min_cjk_share_for_latin * n:
        plausible += counts["latin"]
    return plausible


def _char_class(ch: str) -> str:
    """Class of a char: "cjk", "plain" (digits, punctuation), "latin" (letters) or "bad"."""
    if is_cjk(ch):
        return "cjk"
    code = ord(ch)
    if ch.isascii():
        if ch.isalpha():
            return "latin"
        return "plain" if ch.isprintable() else "bad"
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return "plain"  # CJK punctuation, full-width forms
    if 0x2000 <= code <= 0x2BFF:
        return "plain"  # general punctuation, arrows, maths, ①, ■
    if 0xFE30 <= code <= 0xFE4F or code in (0x00B7, 0x00D7, 0x00F7, 0x00B0, 0x00B1):
        return "plain"
    return "bad"  # private use, replacement char, controls, stray scripts


# --------------------------------------------------------------------------
# Ruling lines from vector paths
# --------------------------------------------------------------------------

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _read_rules(raw_page, frame: _PageFrame, options: IngestOptions, seen: _PageObjects) -> list[Segment]:
    """The page's ruling lines; ``seen`` counts its text and image objects on the way."""
    rules: list[Segment] = []
    count = pdfium_c.FPDFPage_CountObjects(raw_page)
    objects = (pdfium_c.FPDFPage_GetObject(raw_page, i) for i in range(count))
    _collect_rules(objects, _IDENTITY, frame, options, rules, seen)
    return rules


def _collect_rules(
    objects, outer: _Matrix, frame: _PageFrame, options: IngestOptions, rules: list[Segment], seen: _PageObjects
) -> None:
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_rules(obj, _compose(_object_matrix(obj), outer), frame, options, rules)
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            seen.texts += 1
            mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
            seen.invisible_texts += mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            seen.images += 1
            seen.image_area += _object_area(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and options.read_form_xobjects:
            inner = _compose(_object_matrix(obj), outer)
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            children = (pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n))
            _collect_rules(children, inner, frame, options, rules, seen)


def _object_area(obj) -> float:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top))):
        return 0.0
    return max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)


def _object_matrix(obj) -> _Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_rules(obj, matrix: _Matrix, frame: _PageFrame, options: IngestOptions, rules: list[Segment]) -> None:
    """Rules drawn by one path object.

    Tables come as stroked lines, stroked rectangles (cell borders) or thin
    filled rectangles (word processors draw 0.5pt rules that way); curves
    are never rules, so a subpath with a curve is skipped.
    """
    fill_mode = ctypes.c_int()
    stroke = ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
    for points, closed in _subpaths(obj, matrix, frame):
        box = _axis_rectangle(points)
        if box is not None and min(box[2] - box[0], box[3] - box[1]) <= options.max_rule_thickness:
            _add_rule(_centre_line(box), options, rules)
        elif stroke.value:
            ring = [*points, points[0]] if closed else points
            for (x0, y0), (x1, y1) in pairwise(ring):
                _add_rule(Segment(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), options, rules)


def _subpaths(obj, matrix: _Matrix, frame: _PageFrame):
    """(points in top-left page coordinates, closed) per straight subpath."""
    a, b, c, d, e, f = matrix
    x = ctypes.c_float()
    y = ctypes.c_float()
    points: list[tuple[float, float]] = []
    closed = straight = False
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if straight and len(points) > 1:
                yield points, closed
            points, closed, straight = [], False, True
        elif kind != pdfium_c.FPDF_SEGMENT_LINETO:
            straight = False
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        px = a * x.value + c * y.value + e
        py = b * x.value + d * y.value + f
        points.append(frame.point(px, py))
        closed = closed or bool(pdfium_c.FPDFPathSegment_GetClose(segment))
    if straight and len(points) > 1:
        yield points, closed


def _axis_rectangle(points: list[tuple[float, float]]) -> BBox | None:
    """The box of a closed four-corner axis-aligned path, else None."""
    corners = points[:-1] if len(points) == 5 and points[0] == points[-1] else points
    if len(corners) != 4:
        return None
    xs = {round(p[0], 1) for p in corners}
    ys = {round(p[1], 1) for p in corners}
    if len(xs) > 2 or len(ys) > 2:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def _centre_line(box: BBox) -> Segment:
    x0, y0, x1, y1 = box
    if x1 - x0 >= y1 - y0:
        middle = (y0 + y1) / 2
        return Segment(x0, middle, x1, middle)
    middle = (x0 + x1) / 2
    return Segment(middle, y0, middle, y1)


def _add_rule(segment: Segment, options: IngestOptions, rules: list[Segment]) -> None:
    """Keep axis-aligned segments long enough to be rules."""
    width = segment.x1 - segment.x0
    height = segment.y1 - segment.y0
    if min(width, height) > options.max_rule_thickness or max(width, height) < options.min_rule_length:
        return
    if width >= height:
        middle = (segment.y0 + segment.y1) / 2
        rules.append(Segment(segment.x0, middle, segment.x1, middle))
    else:
        middle = (segment.x0 + segment.x1) / 2
        rules.append(Segment(middle, segment.y0, middle, segment.y1))
