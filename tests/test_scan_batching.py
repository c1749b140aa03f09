"""A page's cell lines go to the recogniser in batches (rapidocr pads every
input to one width anyway): each must read as it reads alone (the real
RapidOCR models, rows drawn at 200 dpi)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ocr import get_engine
from tests.scanned import BODY_PX, font


def _row(text: str) -> np.ndarray:
    """One padded text row, as the cell stage hands rows to the recogniser."""
    face = font(BODY_PX)
    canvas = Image.new("L", (8 + int(face.getlength(text)), BODY_PX + 8), 255)
    ImageDraw.Draw(canvas).text((4, 2), text, font=face, fill=20)
    return np.array(canvas)


def test_cell_lines_read_in_a_batch_read_as_one_by_one(pipeline) -> None:
    """Short numbers, names and a line wider than the recogniser takes (cut
    into pieces) in one batch: each answer is its own crop's, in order."""
    texts = ["1,261.06", "九、卫生健康支出", "0.00", "其他城乡社区支出", "31.47", "100%", "上级资金（万元）"]
    texts.append("根据实际需求开展服务，服务人次较计划增加，产生差异，" * 4)
    crops = [_row(text) for text in texts]
    engine = get_engine("rapidocr", pipeline.scan.ocr)
    batched = engine.read_lines(crops)
    alone = [engine.read_line(crop) for crop in crops]
    assert [line.text for line, _ in batched] == [line.text for line, _ in alone]
    assert [line.text for line, _ in batched][:3] == texts[:3]
    for (line, score), (single, single_score) in zip(batched, alone, strict=True):
        assert score == pytest.approx(single_score, abs=0.02)
        assert np.allclose(line.char_boxes, single.char_boxes, atol=BODY_PX / 4)  # a CTC column or so
    assert engine.read_lines([]) == []
