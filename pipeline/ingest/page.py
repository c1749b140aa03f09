"""One page: its frame, chars and rules, and how it is to be read (text
layer, OCR, or nothing), with a note for each decision, or an IngestError
when its scan cannot be decoded."""

from __future__ import annotations

import ctypes

import cv2
import numpy as np
import pypdfium2.raw as pdfium_c

from pipeline.config import resolve_path
from pipeline.imaging import as_grey, paper_level
from pipeline.ingest.chars import plausible_count, read_chars, usable_text_layer
from pipeline.ingest.frame import PageFrame, PageObjects
from pipeline.ingest.options import IngestError, IngestOptions
from pipeline.ingest.vectors import read_rules
from pipeline.model import BBox, Char, Page, PageNote
from pipeline.textlayer import MIN_COMMON_SHARE, fold_radicals, rare_share

_WHITE, _BLACK = 0xFFFFFFFF, 0xFF000000
_DRAWN_TEST_PX = 300  # the two renders of ``_drawn``: coarse, only for images that failed to decode
_DRAWN_SHARE = 0.9  # of an image's box that must come out the same over both


def read_page(raw_document, index: int, file: str, options: IngestOptions) -> Page:
    raw_page = pdfium_c.FPDF_LoadPage(raw_document, index)
    if not raw_page:
        raise IngestError(f"page {index + 1} cannot be loaded (damaged PDF)")
    try:
        frame = PageFrame.of(raw_page)
        chars, unmapped = read_chars(raw_page, frame)
        objects = PageObjects()
        rules = read_rules(raw_page, frame, options, objects)
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


def _route(page: Page, chars: list[Char], unmapped: int, objects: PageObjects, raw_page, options) -> None:
    """Decide how ``page`` is read: its text layer, OCR of its image, or nothing."""
    if not chars and not objects.drawn:
        page.blank = True
        page.notes.append(PageNote(page=page.number, kind="blank", message="nothing drawn on it: not read"))
        return
    folded = fold_radicals(chars, resolve_path(options.radicals_file))
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
    _check_images(page, objects, raw_page, options)
    page.bitonal = objects.bitonal_area >= options.bitonal_cover * page.width * page.height
    if _blank_image(raw_page, page, options):
        page.blank = True
        page.notes.append(PageNote(page=page.number, kind="blank", message="no ink on the rendered page: not OCR'd"))


def _doubts(page: Page, chars: list[Char], objects: PageObjects, options: IngestOptions) -> list[str]:
    doubts = []
    share = rare_share(chars)
    if share is not None and share > 1 - MIN_COMMON_SHARE:
        doubts.append(f"{share:.0%} of its Chinese characters are rare")
    area = page.width * page.height
    mostly_invisible = objects.texts and objects.invisible_texts >= objects.texts / 2
    if mostly_invisible and area and objects.image_area >= options.invisible_image_cover * area:
        doubts.append("invisible text over a page image")
    return doubts


def _check_images(page: Page, objects: PageObjects, raw_page, options: IngestOptions) -> None:
    """pdfium draws an image it cannot decode as nothing, so a damaged scan
    would pass for blank paper.  Damaged images covering
    ``damaged_image_cover`` of the page make it a page error; a smaller one
    (a logo, a stamp) a page note, and the page is read without it."""
    undecoded = [(place, image, box) for place, (image, box) in enumerate(objects.image_objects, start=1)
                 if not _decodes(image)]  # fmt: skip
    if not undecoded:
        return
    # Rendered once for every image that failed: the page over white paper and over black.
    renders = tuple(_thumbnail(raw_page, page, _DRAWN_TEST_PX, fill) for fill in (_WHITE, _BLACK))
    damaged = [(place, image, box) for place, image, box in undecoded if not _drawn(box, renders, page)]
    if not damaged:
        return
    place, image, _ = damaged[0]
    what = f"image {place} of {objects.images} on the page ({_describe(image)}) is damaged and cannot be decoded"
    area = sum((box[2] - box[0]) * (box[3] - box[1]) for _, _, box in damaged)
    if area >= options.damaged_image_cover * page.width * page.height:
        raise IngestError(f"{what}: the page is not read (re-scan or re-export it)")
    page.notes.append(PageNote(page=page.number, kind="image_damaged", message=f"{what}: the page is read without it"))


def _decodes(image) -> bool:
    """Whether pdfium decodes ``image`` on its own (the cheap test)."""
    bitmap = pdfium_c.FPDFImageObj_GetBitmap(image)
    if bitmap:
        pdfium_c.FPDFBitmap_Destroy(bitmap)
    return bool(bitmap)


def _drawn(box: BBox, renders: tuple[np.ndarray, np.ndarray], page: Page) -> bool:
    """Whether something opaque covers ``box`` when the page is drawn: the
    same pixels in its ``renders`` over white paper and over black.  An
    image that needs the page's resources to decode (a colour space named
    there) fails ``_decodes`` but is drawn; a damaged one leaves the paper
    showing."""
    over_white, over_black = renders
    scale = over_white.shape[1] / max(page.width, 1.0)
    left, top, right, bottom = (round(v * scale) for v in box)
    same = over_white[top:bottom, left:right] == over_black[top:bottom, left:right]
    return bool(same.size) and float(same.mean()) >= _DRAWN_SHARE


def _describe(image) -> str:
    """An image's pixel size and compression, as a user can look it up."""
    width, height = ctypes.c_uint(), ctypes.c_uint()
    pdfium_c.FPDFImageObj_GetImagePixelSize(image, ctypes.byref(width), ctypes.byref(height))
    filters = []
    for index in range(pdfium_c.FPDFImageObj_GetImageFilterCount(image)):
        size = pdfium_c.FPDFImageObj_GetImageFilter(image, index, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFImageObj_GetImageFilter(image, index, buffer, size)
        filters.append(buffer.value.decode("ascii", "replace"))
    return f"{width.value}×{height.value} px, {'/'.join(filters) or 'uncompressed'}"


def _pixels(bitmap) -> np.ndarray:
    """A pdfium bitmap's bytes, one row of its stride per line."""
    stride, height = pdfium_c.FPDFBitmap_GetStride(bitmap), pdfium_c.FPDFBitmap_GetHeight(bitmap)
    buffer = ctypes.cast(pdfium_c.FPDFBitmap_GetBuffer(bitmap), ctypes.POINTER(ctypes.c_ubyte * (stride * height)))
    return np.frombuffer(buffer.contents, dtype=np.uint8).reshape(height, stride)


def _blank_image(raw_page, page: Page, options: IngestOptions) -> bool:
    """Whether the rendered page shows no print: fewer than
    ``blank_min_marks`` marks of ink on a thumbnail.  A mark is a blob a few
    pixels large and clearly darker than the paper, so sensor noise and
    dust do not count, while one short line of faint text does.  A page
    dark over more than ``blank_max_dark_share`` of it is never blank,
    however few blobs that darkness makes (a bitonal scan gone black under
    uneven light is one blob).  In doubt the page is OCR'd."""
    grey = _thumbnail(raw_page, page, options.blank_thumbnail_px)
    paper = paper_level(grey, step=1)
    if paper < options.blank_contrast:
        return False  # dark nearly all over: no paper to tell ink from
    dark = (grey < paper - options.blank_contrast).astype(np.uint8)
    if np.count_nonzero(dark) > options.blank_max_dark_share * dark.size:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    marks = int(np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] >= options.blank_mark_px))
    return marks < options.blank_min_marks


def _thumbnail(raw_page, page: Page, longest_px: int, paper: int = _WHITE) -> np.ndarray:
    """The page as shown over ``paper`` (ARGB), rendered grey with its longest side ``longest_px``."""
    scale = longest_px / max(page.width, page.height, 1.0)
    width, height = max(1, round(page.width * scale)), max(1, round(page.height * scale))
    bitmap = pdfium_c.FPDFBitmap_Create(width, height, 0)
    try:
        pdfium_c.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, paper)
        pdfium_c.FPDF_RenderPageBitmap(bitmap, raw_page, 0, 0, width, height, 0, pdfium_c.FPDF_GRAYSCALE)
        pixels = _pixels(bitmap)[:, : width * 4]
        return as_grey(np.ascontiguousarray(pixels.reshape(height, width, 4)[:, :, :3]))
    finally:
        pdfium_c.FPDFBitmap_Destroy(bitmap)
