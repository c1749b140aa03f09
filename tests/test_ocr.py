"""OCR engines on rendered CJK text with numbers (real models, small images)."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pytest

from pipeline.layout import Region
from pipeline.ocr import OcrEngine, OcrOptions, get_engine
from pipeline.preprocess import pixels_to_points
from tests.scanned import character_error_rate, overlap, text_image

SENTENCE = "2024 年度收入总计 3,369.63 万元"
LINES = [SENTENCE, "其中：财政拨款收入 3,067.22 万元，占 91.02%"]
# rapidocr reads this clean text near perfectly; tesseract's chi_sim model is weaker.
MAX_CER = {"rapidocr": 0.05, "tesseract": 0.15}


@pytest.fixture(scope="module")
def page():
    return text_image(LINES)


@pytest.fixture(scope="module", params=sorted(MAX_CER))
def engine(request) -> OcrEngine:
    return get_engine(request.param)


def test_engines_satisfy_the_protocol(engine: OcrEngine) -> None:
    assert isinstance(engine, OcrEngine)


def test_read_gets_the_text_right(engine: OcrEngine, page) -> None:
    lines = engine.read(page.image)
    assert len(lines) == len(LINES)
    for line, truth in zip(lines, LINES, strict=True):
        assert character_error_rate(line.text, truth) <= MAX_CER[engine.name], line.text


def test_boxes_land_where_the_text_was_drawn(engine: OcrEngine, page) -> None:
    for line, drawn in zip(engine.read(page.image), page.lines, strict=True):
        assert overlap(line.bbox, drawn.bbox) > 0.8
        assert len(line.char_boxes) == len(line.text) == len(line.char_conf)
        assert all(0.0 <= c <= 1.0 for c in line.char_conf)
        lefts = [box[0] for box in line.char_boxes]
        assert lefts == sorted(lefts)
        for box in line.char_boxes:
            assert overlap(box, line.bbox) > 0.99


def test_rapidocr_boxes_each_character(page) -> None:
    line = get_engine("rapidocr").read(page.image)[0]
    drawn = page.lines[0].bbox
    # "年" is the first CJK character; with 4 digits and a space before it, it
    # starts well right of the line start, where proportional splitting and
    # real character boxes both agree within a character.
    index = line.text.index("年")
    char_width = (drawn[3] - drawn[1]) * 0.9
    x0 = line.char_boxes[index][0]
    assert drawn[0] + 2.5 * char_width < x0 < drawn[0] + 4.0 * char_width


def test_read_maps_boxes_to_pdf_points(page) -> None:
    engine = get_engine("rapidocr")
    in_pixels = engine.read(page.image)
    in_points = engine.read(page.image, page=7, to_points=pixels_to_points(200))
    for pixel_line, point_line in zip(in_pixels, in_points, strict=True):
        assert point_line.page == 7
        assert point_line.bbox == pytest.approx(tuple(v * 72 / 200 for v in pixel_line.bbox))
        assert point_line.size == pytest.approx(point_line.bbox[3] - point_line.bbox[1])


def test_read_within_regions_keeps_their_kind_and_page_position(page) -> None:
    x0, y0, x1, y1 = page.lines[1].bbox
    region = Region(kind="title", bbox=(x0, y0, x1, y1), score=0.9)
    figure = Region(kind="figure", bbox=page.lines[0].bbox, score=0.9)
    lines = get_engine("rapidocr").read(page.image, [region, figure])
    assert len(lines) == 1
    assert lines[0].kind == "title"
    assert character_error_rate(lines[0].text, LINES[1]) <= 0.05
    assert overlap(lines[0].bbox, page.lines[1].bbox) > 0.8


def test_read_cell_recognises_a_crop(engine: OcrEngine, page) -> None:
    x0, y0, x1, y1 = (int(v) for v in page.lines[0].bbox)
    crop = page.image[y0 - 12 : y1 + 12, x0 - 16 : x1 + 16]
    text, confidence = engine.read_cell(crop)
    assert character_error_rate(text, SENTENCE) <= MAX_CER[engine.name], text
    assert 0.0 < confidence <= 1.0


def test_read_cell_reads_a_wrapped_cell_line_by_line(page) -> None:
    crop = page.image[int(page.lines[0].bbox[1]) - 10 : int(page.lines[1].bbox[3]) + 10, 20:-20]
    text, _ = get_engine("rapidocr").read_cell(crop)
    assert character_error_rate(text, "".join(LINES)) <= 0.05


def test_read_cell_on_a_blank_cell_is_empty_and_sure(engine: OcrEngine) -> None:
    assert engine.read_cell(np.full((40, 120, 3), 255, np.uint8)) == ("", 1.0)


def test_rapidocr_uses_the_models_inside_its_wheel() -> None:
    import rapidocr

    engine = get_engine("rapidocr")
    package = Path(rapidocr.__file__).parent
    for section in ("Det", "Rec", "Cls"):
        assert Path(engine._ocr.cfg[section].model_path).parent == package / "models"


def test_get_engine_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown OCR engine"):
        get_engine("abbyy")


def test_paddleocr_needs_a_local_model_dir() -> None:
    with pytest.raises(ValueError, match="paddle_model_dir"):
        get_engine("paddleocr")


@pytest.mark.skipif(importlib.util.find_spec("paddleocr") is not None, reason="paddleocr is installed here")
def test_paddleocr_explains_a_missing_install(tmp_path) -> None:
    options = OcrOptions(paddle_model_dir=str(tmp_path))
    (tmp_path / options.paddle_det_model).mkdir()
    (tmp_path / options.paddle_rec_model).mkdir()
    with pytest.raises(ImportError, match="paddleocr"):
        get_engine("paddleocr", options)


def test_read_line_boxes_each_character_where_it_is_printed(engine: OcrEngine, page) -> None:
    """A row read without detection: the same text as read_cell, one box per
    character, in order, each over the character's ink in the crop."""
    drawn = page.lines[0]
    x0, y0, x1, y1 = (int(v) for v in drawn.bbox)
    crop = page.image[y0 - 6 : y1 + 6, x0 - 8 : x1 + 8]
    line, confidence = engine.read_line(crop)
    assert line.text == engine.read_cell(crop)[0]
    assert len(line.char_boxes) == len(line.char_conf) == len(line.text) and 0 < confidence <= 1
    centres = [(box[0] + box[2]) / 2 for box, ch in zip(line.char_boxes, line.text, strict=True) if not ch.isspace()]
    assert centres == sorted(centres)
    assert centres[0] >= 0 and centres[-1] <= crop.shape[1]
    if engine.name == "rapidocr":  # placed by the recogniser's own columns, not split evenly
        ink = np.flatnonzero((crop.min(axis=2) if crop.ndim == 3 else crop).min(axis=0) < 128)
        assert abs(centres[0] - (ink[0] + 8)) <= 12  # "2", about 16 px wide, starts the ink


# A 偏差原因 as real reports write them: long enough that a wrapped cell's
# rows set side by side make one line of about 9,000 pixels.
LONG_REASON = (
    "受疫情防控及项目实施进度影响，部分采购合同于年末签订，资金未能在当年全部支付，导致预算执行率未达到预期目标；"
    "同时由于服务对象人数较计划有所增加，实际发放人次超过年初预计，产生偏差。下一步将加强预算执行监控，"
    "提前谋划项目实施计划，严格按照合同约定及时拨付资金，确保项目资金使用效益最大化。"
) * 3


def test_a_9000_px_wide_row_reads(engine: OcrEngine) -> None:
    """A line of any aspect ratio is read: rapidocr shrinks a long side past
    2,000 px, which rounded a 33 px row's height to nothing (ResizeImgError)."""
    from PIL import Image, ImageDraw

    from tests.scanned import font

    typeface = font(26)
    text = LONG_REASON
    while typeface.getlength(text) > 9100:
        text = text[:-1]
    width = int(typeface.getlength(text)) + 16
    canvas = Image.new("L", (width, 33), 255)
    ImageDraw.Draw(canvas).text((8, 2), text, font=typeface, fill=0)
    crop = np.array(canvas)
    assert crop.shape[1] >= 9000
    line, confidence = engine.read_line(crop)
    assert character_error_rate(line.text, text) <= 0.03
    assert len(line.char_boxes) == len(line.text) == len(line.char_conf)
    lefts = [box[0] for box in line.char_boxes]
    assert lefts == sorted(lefts), "pieces are joined in order"
    assert lefts[-1] > 0.9 * width * (len(line.text.rstrip()) - 1) / len(line.text.rstrip()) - 100
    assert 0 <= confidence <= 1


def test_wide_pieces_cut_between_characters() -> None:
    from pipeline.ocr.base import wide_pieces

    crop = np.full((20, 1000), 255, np.uint8)
    for left in range(5, 1000, 25):  # glyphs 20 px wide, 5 px apart
        crop[3:17, left : left + 20] = 0
    pieces = wide_pieces(crop, 300)
    assert pieces[0][0] == 0 and pieces[-1][1] == 1000
    assert all(right - left <= 300 for left, right in pieces)
    assert all(b[0] == a[1] for a, b in itertools.pairwise(pieces))
    for left, _ in pieces[1:]:
        assert (crop[:, left] == 255).all(), "every cut is in a blank column"
