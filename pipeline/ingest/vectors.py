"""Ruling lines from a page's vector paths (table borders), and a count of
its text objects and a list of its images, in one walk over its objects."""

from __future__ import annotations

import ctypes
from itertools import pairwise

import pypdfium2.raw as pdfium_c

from pipeline.ingest.frame import PageFrame, PageObjects
from pipeline.ingest.options import IngestOptions
from pipeline.model import BBox, Segment

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def read_rules(raw_page, frame: PageFrame, options: IngestOptions, seen: PageObjects) -> list[Segment]:
    """The page's ruling lines; ``seen`` counts its text objects and lists its images on the way."""
    rules: list[Segment] = []
    count = pdfium_c.FPDFPage_CountObjects(raw_page)
    objects = (pdfium_c.FPDFPage_GetObject(raw_page, i) for i in range(count))
    _collect_rules(objects, _IDENTITY, frame, options, rules, seen, raw_page)
    return rules


def _collect_rules(
    objects,
    outer: _Matrix,
    frame: PageFrame,
    options: IngestOptions,
    rules: list[Segment],
    seen: PageObjects,
    raw_page,
) -> None:
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            seen.drawings += 1
            _path_rules(obj, _compose(_object_matrix(obj), outer), frame, options, rules)
        elif kind == pdfium_c.FPDF_PAGEOBJ_SHADING:
            seen.drawings += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            seen.texts += 1
            mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
            seen.invisible_texts += mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            seen.images += 1
            box = _object_box(obj, frame)
            seen.image_objects.append((obj, box))
            area = (box[2] - box[0]) * (box[3] - box[1])
            seen.image_area += area
            if _bits_per_pixel(obj, raw_page) == 1:
                seen.bitonal_area += area
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and options.read_form_xobjects:
            inner = _compose(_object_matrix(obj), outer)
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            children = (pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n))
            _collect_rules(children, inner, frame, options, rules, seen, raw_page)


def _bits_per_pixel(image, raw_page) -> int:
    metadata = pdfium_c.FPDF_IMAGEOBJ_METADATA()
    if not pdfium_c.FPDFImageObj_GetImageMetadata(image, raw_page, ctypes.byref(metadata)):
        return 0
    return int(metadata.bits_per_pixel)


def _object_box(obj, frame: PageFrame) -> BBox:
    """An object's bounds on the page as shown (points, top-left origin); empty when pdfium has none."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top))):
        return (0.0, 0.0, 0.0, 0.0)
    return frame.box(left.value, bottom.value, max(left.value, right.value), max(bottom.value, top.value))


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


def _path_rules(obj, matrix: _Matrix, frame: PageFrame, options: IngestOptions, rules: list[Segment]) -> None:
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


def _subpaths(obj, matrix: _Matrix, frame: PageFrame):
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
