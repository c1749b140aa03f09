"""Scan cleaning: deskew, seal suppression, illumination, rendering, coordinates."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline import preprocess
from pipeline.ocr import get_engine
from pipeline.preprocess import Affine, PreprocessOptions, clean
from pipeline.ruling import ruling_lines
from tests.scanned import (
    character_error_rate,
    report_page,
    rotated,
    text_image,
    with_red_seal,
    with_uneven_light,
)

PARAGRAPH = [
    "一、收入支出决算总体情况说明：2024年度收入总计3,369.63万元，",
    "支出总计3,369.63万元。与上年相比，收入支出总计各增加230.18万元，",
    "增长7.33%，主要原因是：本年度人员经费及项目支出有所增加。",
    "二、收入决算情况说明：本年收入合计3,067.22万元。",
]


@pytest.mark.parametrize("degrees", [2.5, -1.7, 4.6])
def test_deskew_recovers_a_known_rotation(degrees: float) -> None:
    page = text_image(PARAGRAPH)
    cleaned = clean(rotated(page.image, degrees))
    assert cleaned.skew_degrees == pytest.approx(degrees, abs=0.3)


def test_a_straight_page_is_not_turned() -> None:
    page = text_image(PARAGRAPH)
    cleaned = clean(page.image)
    assert cleaned.skew_degrees == 0.0
    assert cleaned.image.shape == page.image.shape[:2]
    assert cleaned.to_original == Affine()


def test_to_original_maps_cleaned_pixels_back_onto_the_tilted_scan() -> None:
    page = report_page()
    degrees = 2.0
    scan = rotated(page.image, degrees)
    cleaned = clean(scan)
    # Where the scanner put the table's top-left corner.
    height, width = page.image.shape[:2]
    tilt = Affine.from_matrix(cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0))
    top_rule = min((r for r in page.rules if r.horizontal), key=lambda r: r.y0)
    expected = tilt.point(top_rule.x0, top_rule.y0)

    found = min((s for s in ruling_lines(cleaned.image) if s.horizontal), key=lambda s: s.y0)
    mapped = cleaned.to_original.point(found.x0, found.y0)
    assert mapped == pytest.approx(expected, abs=3.0)


def test_seal_suppression_keeps_the_text_under_a_red_seal_readable() -> None:
    lines = ["2024 年度收入总计 3,369.63 万元", "乌鲁木齐市民政局（本级）", "支出总计 3,369.63 万元"]
    page = text_image(lines)
    x0, y0, x1, y1 = page.lines[1].bbox
    sealed = with_red_seal(page.image, (int((x0 + x1) / 2), int((y0 + y1) / 2)), radius=90)
    engine = get_engine("rapidocr")
    truth = "".join(lines)

    before = "".join(line.text for line in engine.read(sealed))
    after = "".join(line.text for line in engine.read(clean(sealed).image))

    assert character_error_rate(after, truth) <= 0.05
    assert "乌鲁木齐市民政局" in after
    assert character_error_rate(before, truth) > character_error_rate(after, truth)


def test_seal_suppression_whitens_seal_ink_and_keeps_black_ink() -> None:
    page = text_image(["收入总计"])
    sealed = with_red_seal(page.image, (page.image.shape[1] // 2, page.image.shape[0] // 2), radius=50)
    grey = preprocess.suppress_red_seals(sealed)
    is_seal_ink = (sealed[:, :, 2] > 150) & (sealed[:, :, 1] < 100)
    is_black_ink = sealed.max(axis=2) < 60
    assert grey[is_seal_ink].mean() > 230
    assert grey[is_black_ink].mean() < 60


def test_illumination_flattening_evens_out_the_paper() -> None:
    page = text_image(PARAGRAPH)
    dark = with_uneven_light(page.image, darkest=0.45)
    is_paper = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY) > 250
    is_ink = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY) < 60

    flat = clean(dark, PreprocessOptions(deskew=False)).image
    dark_grey = cv2.cvtColor(dark, cv2.COLOR_BGR2GRAY)
    assert dark_grey[is_paper].std() > 20
    assert flat[is_paper].std() < 5
    assert flat[is_paper].min() > 200
    assert flat[is_ink].mean() < 90


def test_sauvola_binarisation_gives_black_text_on_white() -> None:
    page = text_image(PARAGRAPH)
    binary = clean(with_uneven_light(page.image), PreprocessOptions(binarize="sauvola")).image
    assert set(np.unique(binary)) <= {0, 255}
    is_ink = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY) < 60
    assert (binary[is_ink] == 0).mean() > 0.9
    assert (binary == 0).mean() < 0.2


def test_render_page_draws_at_the_requested_dpi(tmp_path) -> None:
    pdf = tmp_path / "box.pdf"
    canvas = Canvas(str(pdf), pagesize=(300, 400))
    # A black square 72 pt from the left and 72 pt from the top, 36 pt wide.
    canvas.rect(72, 400 - 72 - 36, 36, 36, stroke=0, fill=1)
    canvas.save()

    dpi = 144
    image = preprocess.render_page(pdf, 0, dpi)
    assert image.shape == (800, 600, 3)
    ys, xs = np.nonzero(image.max(axis=2) < 128)
    to_pixels = preprocess.points_to_pixels(dpi)
    assert (xs.min(), ys.min()) == pytest.approx(to_pixels.point(72, 72), abs=1)
    assert (xs.max() + 1, ys.max() + 1) == pytest.approx(to_pixels.point(108, 108), abs=1)


def test_points_and_pixels_are_inverse() -> None:
    assert preprocess.pixel_to_point(preprocess.point_to_pixel(123.4, 200), 200) == pytest.approx(123.4)
    round_trip = preprocess.pixels_to_points(200).then(preprocess.points_to_pixels(200))
    assert round_trip.point(17.0, 42.0) == pytest.approx((17.0, 42.0))
