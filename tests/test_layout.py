"""Layout regions (CDLA model) and ruling lines on a rendered report page."""

from __future__ import annotations

import pytest

from pipeline.layout import detect
from pipeline.model import BBox, Segment
from pipeline.preprocess import pixels_to_points
from pipeline.ruling import ruling_lines, segments_to_points
from tests.scanned import Rule, report_page


@pytest.fixture(scope="module")
def page():
    return report_page()


def _iou(a: BBox, b: BBox) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def test_detect_finds_the_table_and_the_title(page) -> None:
    regions = detect(page.image)
    tables = [r for r in regions if r.kind == "table"]
    assert len(tables) == 1
    assert _iou(tables[0].bbox, page.table_bbox) > 0.8
    title_line = page.lines[0].bbox
    assert any(r.kind == "title" and _iou(r.bbox, title_line) > 0.5 for r in regions)
    assert [r.bbox[1] for r in regions] == sorted(r.bbox[1] for r in regions)


def _matches(segment: Segment, rule: Rule, tolerance: float = 2.0) -> bool:
    if segment.horizontal != rule.horizontal:
        return False
    ends = (segment.x0, segment.y0, segment.x1, segment.y1)
    return all(
        abs(found - drawn) <= tolerance for found, drawn in zip(ends, (rule.x0, rule.y0, rule.x1, rule.y1), strict=True)
    )


def test_ruling_lines_returns_the_table_rules_within_two_pixels(page) -> None:
    segments = ruling_lines(page.image)
    for rule in page.rules:
        assert any(_matches(s, rule) for s in segments), rule
    # Nothing else: the heading's long strokes are not rules.
    assert len(segments) == len(page.rules)


def test_segments_map_to_axis_parallel_pdf_points(page) -> None:
    points = segments_to_points(ruling_lines(page.image), pixels_to_points(200))
    top = min((s for s in points if s.horizontal), key=lambda s: s.y0)
    assert top.y0 == top.y1 == pytest.approx(600.5 * 72 / 200, abs=0.5)
    assert all(s.x0 == s.x1 for s in points if not s.horizontal)


def test_a_black_fold_across_the_whole_sheet_is_not_a_rule(page) -> None:
    """A fold on a bitonal scan is as black as print; it crosses the page
    margins, where no table reaches, and the table's rules stay."""
    image = page.image.copy()
    image[1200:1204, :] = 0  # across the whole width, below the table
    image[:, 30:33] = 0  # the scanner's dark edge down the left side
    segments = ruling_lines(image)
    assert len(segments) == len(page.rules)
    for rule in page.rules:
        assert any(_matches(s, rule) for s in segments), rule
