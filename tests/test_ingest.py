"""ingest.open_pdf on real PDFs: identity, chars, rules, routing, errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.ingest import IngestError, open_pdf, usable_text_layer
from pipeline.model import Char, Source
from tests.born_digital import FONT, PAGE_HEIGHT, PAGE_WIDTH, register_font, report_files
from tests.corpus.degrade import scan


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_files(tmp_path_factory.mktemp("ingest"))


@pytest.fixture(scope="module")
def source(report_pdf: Path) -> Source:
    return open_pdf(report_pdf)


def test_identity_and_page_sizes(report_pdf: Path, source: Source) -> None:
    assert source.doc_id == "sha256:" + hashlib.sha256(report_pdf.read_bytes()).hexdigest()
    assert source.path == str(report_pdf)
    assert [page.number for page in source.pages] == [1, 2, 3, 4, 5]
    for page in source.pages:
        assert page.width == pytest.approx(PAGE_WIDTH, abs=0.01)
        assert page.height == pytest.approx(PAGE_HEIGHT, abs=0.01)
        assert page.file == str(report_pdf)


def test_text_pages_and_the_scan_is_routed_to_ocr(source: Source) -> None:
    assert [page.source for page in source.pages] == ["text", "text", "text", "text", "ocr"]
    assert source.pages[4].chars == []


def test_char_boxes_are_top_left_points(source: Source) -> None:
    title_chars = [c for c in source.pages[0].chars if c.size == pytest.approx(18)]
    # The title is drawn at 72pt from the top in 18pt type.
    assert title_chars[0].text == "乌"
    x0, y0, x1, y1 = title_chars[0].bbox
    assert y0 == pytest.approx(72, abs=3) and y1 == pytest.approx(90, abs=3)
    assert x1 - x0 == pytest.approx(18, abs=0.5)
    footer = [c for c in source.pages[0].chars if c.bbox[1] > PAGE_HEIGHT - 60]
    assert "".join(c.text for c in footer) == "-1-"


def test_whitespace_is_not_a_char(source: Source) -> None:
    assert not any(c.text.isspace() for page in source.pages for c in page.chars)


def test_rules_come_from_rectangle_borders(source: Source) -> None:
    rules = source.pages[1].rules
    horizontal_ys = {round(r.y0, 1) for r in rules if r.horizontal}
    vertical_xs = {round(r.x0, 1) for r in rules if not r.horizontal}
    assert {72.0, 162.0, 252.0, 362.0, 523.0} <= vertical_xs
    assert len(horizontal_ys) == 5  # four rows of 40pt
    assert all(r.y0 == r.y1 for r in rules if r.horizontal)
    assert source.pages[0].rules == []


def test_latin_garbage_page_goes_to_ocr(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 700, "Qxz Vbn Lkj Hgf Dsa Poi Uyt Rew Mnb Vcx Zlk")
    canvas.showPage()
    register_font()
    canvas.setFont(FONT, 12)
    canvas.drawString(72, 700, "部门决算公开说明 Word 文件 2024 年")
    canvas.save()
    assert [page.source for page in open_pdf(path).pages] == ["ocr", "text"]


def test_private_use_and_replacement_chars_are_not_text() -> None:
    def chars(text: str) -> list[Char]:
        return [Char(ch, (0, 0, 1, 1)) for ch in text]

    assert usable_text_layer(chars("收入支出决算总体情况说明，3,369.63万元。"))
    assert not usable_text_layer(chars("\ue000\ue001\ue002\ue003\ue004收入支出决算"))
    assert not usable_text_layer(chars("\ufffd" * 8 + "收入"))
    assert not usable_text_layer(chars("收入支出"))  # too few to be a text page


def _raises(path: Path, reason: str) -> None:
    with pytest.raises(IngestError) as error:
        open_pdf(path)
    message = str(error.value)
    assert str(path) in message and reason in message and "\n" not in message


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("这不是 PDF 文件", encoding="utf-8")
    _raises(path, "not a PDF")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    _raises(path, "empty file")


def test_truncated_pdf(tmp_path: Path, report_pdf: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(report_pdf.read_bytes()[:20000])
    _raises(path, "truncated")


def test_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "nowhere.pdf", "cannot read file")


def test_password_protected_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    register_font()
    canvas = Canvas(str(path), encrypt="secret")
    canvas.setFont(FONT, 12)
    canvas.drawString(72, 700, "加密的部门决算公开说明")
    canvas.save()
    _raises(path, "encrypted")


def test_a_page_of_one_bit_images_is_a_bitonal_scan(report_pdf: Path, tmp_path: Path) -> None:
    bitonal = open_pdf(scan(report_pdf, tmp_path / "g4.pdf", dpi=100, bitonal=True, pages=[0]))
    grey = open_pdf(scan(report_pdf, tmp_path / "jpeg.pdf", dpi=100, pages=[0]))
    assert [(p.source, p.bitonal) for p in bitonal.pages] == [("ocr", True)]
    assert [(p.source, p.bitonal) for p in grey.pages] == [("ocr", False)]
