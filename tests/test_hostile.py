"""Hostile input: files archives really hold, made by ``tests/hostile.py``.

Every case gets one of three answers, never silence: read correctly (with
a page note saying what was repaired or distrusted), read in part (page
errors, ``document.status: partial``), or refused with one clear line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.flow import Pipeline
from pipeline.ingest import IngestError, open_pdf
from pipeline.textlayer import rare_share
from tests import faults, hostile
from tests.corpus.degrade import scan
from tests.corpus.generate import generate


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def good(folder: Path) -> Path:
    # The first pages hold the narrative's figures: no 决算报表 pushed before them.
    return generate(folder / "corpus", [5], statements=False)[0]


@pytest.fixture(scope="module")
def good_document(good: Path, pipeline: Pipeline):
    return pipeline.run(good)


@pytest.fixture(scope="module")
def excerpt(good: Path, folder: Path) -> Path:
    """The report's first page: title, department and the summary figures."""
    return hostile.first_pages(good, folder / "excerpt.pdf", 1)


def _figures(document) -> dict[str, str]:
    return {figure.key: figure.value for figure in document.figures}


def _kinds(document) -> set[str]:
    return {note.kind for note in document.document.page_notes}


# --------------------------------------------------------------------------
# Text layers that lie
# --------------------------------------------------------------------------


def test_radical_code_points_are_folded(good: Path, good_document, folder: Path, pipeline: Pipeline) -> None:
    lying = hostile.kangxi_text_layer(good, folder / "kangxi.pdf")
    assert not any(0x2E80 <= ord(c.text) <= 0x2FDF for page in open_pdf(lying).pages for c in page.chars)
    document = pipeline.run(lying)
    assert _figures(document) == _figures(good_document)
    assert document.document.department.value == good_document.document.department.value
    assert "text_layer_repaired" in _kinds(document)
    assert document.document.page_sources == good_document.document.page_sources


def test_shifted_code_points_send_the_page_to_ocr(excerpt: Path, good_document, folder: Path, pipeline) -> None:
    """Mojibake that is all CJK passes the character-class test; the rare
    characters raise a doubt and the page image settles it."""
    lying = hostile.shifted_text_layer(excerpt, folder / "shifted.pdf")
    document = pipeline.run(lying)
    assert document.document.page_sources == ["ocr"]
    assert "text_layer_replaced" in _kinds(document)
    assert document.document.department.value == good_document.document.department.value
    truth = _figures(good_document)
    read = _figures(document)
    assert len(read) >= 10
    assert sum(read[key] == truth.get(key) for key in read) >= 0.9 * len(read)


def test_no_page_of_a_real_report_is_doubted(seeds_dir: Path, folder: Path) -> None:
    """The first filter stays quiet on honest text: synthetic reports and the real seed reports."""
    reports = generate(folder / "seeds", [1, 2, 3], ("final_account", "overall_performance_report"), seeds_dir)
    for report in reports:
        for page in open_pdf(report).pages:
            assert not page.doubts, (report.name, page.number, page.doubts, rare_share(page.chars))


def test_invisible_text_of_another_report_is_not_trusted(good: Path, good_document, folder: Path, pipeline) -> None:
    other = generate(folder / "other", [6])[0]
    scanned = scan(good, folder / "scan-1.pdf", dpi=200, pages=[0])
    document = pipeline.run(hostile.sandwich(scanned, other, folder / "sandwich.pdf"))
    assert document.document.page_sources == ["ocr"]
    assert "text_layer_replaced" in _kinds(document)
    assert document.document.department.value == good_document.document.department.value


def test_invisible_text_that_matches_its_image_is_kept(good: Path, good_document, folder: Path, pipeline) -> None:
    scanned = scan(good, folder / "scan-own.pdf", dpi=200, pages=[0])
    document = pipeline.run(hostile.sandwich(scanned, good, folder / "sandwich-own.pdf"))
    assert document.document.page_sources == ["text"]
    assert "text_layer_verified" in _kinds(document)
    assert document.document.department.value == good_document.document.department.value


def test_unmapped_glyphs_are_a_page_note(excerpt: Path, folder: Path, pipeline) -> None:
    document = pipeline.run(hostile.private_use_text_layer(excerpt, folder / "pua.pdf"))
    assert document.document.page_sources == ["ocr"]
    [note] = [n for n in document.document.page_notes if n.kind == "text_layer_unusable"]
    assert "unmapped or implausible" in note.message


# --------------------------------------------------------------------------
# Pages turned
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("quarter_turns", "origin"), [(1, 0.0), (2, 0.0), (3, 0.0), (1, 100.0)])
def test_page_shown_upright_through_rotate_reads_as_shown(
    quarter_turns: int, origin: float, good: Path, good_document, folder: Path, pipeline
) -> None:
    turned = hostile.rotated_upright(good, folder / f"rotate-{quarter_turns}.pdf", quarter_turns, origin)
    document = pipeline.run(turned)
    assert _figures(document) == _figures(good_document)
    assert len(document.expenditure_items) == len(good_document.expenditure_items)
    assert "rotated" in _kinds(document)
    for figure in document.figures:
        assert figure.bbox == pytest.approx(
            next(f.bbox for f in good_document.figures if f.key == figure.key), abs=0.5
        )


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_turned_scan_is_read_upright(quarter_turns: int, excerpt: Path, good_document, folder: Path, pipeline) -> None:
    turned = hostile.turned_scan(excerpt, folder / f"turned-{quarter_turns}.pdf", quarter_turns)
    document = pipeline.run(turned)
    [note] = [n for n in document.document.page_notes if n.kind == "rotated"]
    assert f"{90 * quarter_turns}°" in note.message
    assert document.document.department.value == good_document.document.department.value
    assert len(document.figures) >= 10


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def test_padding_after_eof_is_read(good: Path, good_document, folder: Path, pipeline) -> None:
    document = pipeline.run(hostile.padded_after_eof(good, folder / "padded.pdf"))
    assert _figures(document) == _figures(good_document)
    assert document.document.status == "complete"


def test_no_pages_has_its_own_reason_after_a_failed_file(good: Path, folder: Path) -> None:
    """pdfium keeps its last error code through a load that sets none: a
    file with no pages read right after an encrypted one said "password"."""
    from reportlab.pdfgen.canvas import Canvas

    locked = folder / "locked.pdf"
    canvas = Canvas(str(locked), encrypt="secret")
    canvas.drawString(72, 720, "locked")
    canvas.save()
    truncated = folder / "cut.pdf"
    truncated.write_bytes(good.read_bytes()[:3000])
    for failed in (locked, truncated):
        with pytest.raises(IngestError):
            open_pdf(failed)
        with pytest.raises(IngestError, match=r"zero.pdf: the PDF has no pages$"):
            open_pdf(hostile.zero_pages(folder / "zero.pdf"))
    with pytest.raises(IngestError, match="password"):
        open_pdf(locked)


def test_shifted_offsets_are_a_repair_not_a_loss(good: Path, good_document, folder: Path, pipeline) -> None:
    document = pipeline.run(hostile.shifted_offsets(good, folder / "shifted-offsets.pdf"))
    assert _figures(document) == _figures(good_document)
    assert document.document.status == "complete"
    assert "xref_repaired" in _kinds(document)


def test_damage_in_the_middle_is_never_silent(good: Path, folder: Path, pipeline) -> None:
    document = pipeline.run(hostile.damaged_middle(good, folder / "damaged.pdf"))
    assert document.document.status == "partial"
    assert document.page_errors
    assert all(error.stage == "ingest" and "damaged" in error.message for error in document.page_errors)
    assert "missing" in document.page_errors[0].message


def test_blank_pages_are_never_ocred(good: Path, good_document, folder: Path, pipeline) -> None:
    with_blank = hostile.with_blank_page(good, folder / "blank.pdf", after=1)
    started = time.perf_counter()
    source = open_pdf(with_blank)
    assert time.perf_counter() - started < 2.0
    assert source.pages[1].blank
    document = pipeline.run(with_blank)
    assert _figures(document) == _figures(good_document)
    assert "blank" in _kinds(document)
    assert "ocr" not in document.document.timings and "render" not in document.document.timings


def test_blank_scanned_page_is_not_ocred(folder: Path, pipeline) -> None:
    document = pipeline.run(hostile.blank_scan(folder / "empty-paper.pdf"))
    assert document.document.page_notes[0].kind == "blank"
    assert "ocr" not in document.document.timings
    assert document.document.status == "complete"


@pytest.mark.parametrize(
    ("text", "size_px", "grey"),
    [("二〇二三年十二月", 28, 0), ("单位：万元", 22, 0), ("本页为一行淡色文字，印得很浅", 33, 150)],
)
def test_a_sparse_page_is_not_taken_for_blank(text: str, size_px: int, grey: int, folder: Path) -> None:
    """The dangerous direction: a page with one short or faint line must be read."""
    [page] = open_pdf(hostile.sparse_scan(folder / "sparse.pdf", text, size_px, grey)).pages
    assert page.source == "ocr" and not page.blank


@pytest.mark.parametrize("white", [0.15, 0.05])
def test_a_page_gone_black_is_ocred_not_blank(white: float, folder: Path) -> None:
    """One blob of ink over most of the page is not an empty page, nor is
    one so dark that nothing of it is paper."""
    [page] = open_pdf(hostile.darkened_scan(folder / "darkened.pdf", white=white)).pages
    assert page.source == "ocr" and not page.blank


def test_a_page_of_outlined_glyphs_is_ocred_not_blank(folder: Path) -> None:
    [page] = open_pdf(hostile.outlined_glyphs(folder / "outlined.pdf")).pages
    assert page.source == "ocr" and not page.blank


def test_a_scan_that_cannot_be_decoded_is_a_page_error_not_a_blank_page(folder: Path, pipeline) -> None:
    """pdfium draws an undecodable image as nothing, so the page, whatever
    it held, would pass for empty paper: it is a page error naming the image."""
    unit_line = hostile.sparse_scan(folder / "unit-line.pdf", "单位：万元", 28)
    hidden = hostile.sparse_scan(folder / "hidden-line.pdf", "二〇二三年十二月", 28)
    broken = hostile.undecodable_image(unit_line, folder / "undecodable.pdf", page=2, also=hidden)
    source = open_pdf(broken)
    assert [(error.page, error.stage) for error in source.errors] == [(2, "ingest")]
    message = source.errors[0].message
    assert message.startswith("image 1 of 1 on the page (1654×2338 px, DCTDecode) is damaged and cannot be decoded")
    assert "the page is not read" in message
    assert source.pages[0].source == "ocr" and not source.pages[0].blank
    document = pipeline.run(broken)
    assert document.document.status == "partial"
    assert "blank" not in _kinds(document)
    assert [error.page for error in document.page_errors] == [2]


@pytest.mark.parametrize(("damaged", "page_error"), [((), False), ((5,), False), ((4, 5), True)])
def test_a_damaged_strip_of_a_striped_scan(damaged: tuple[int, ...], page_error: bool, folder: Path) -> None:
    """A scan stored as six strips: one damaged strip (a sixth of the page)
    is a note, and the rest is read; two (a third) are a page error, as a
    single damaged scan is."""
    target = folder / f"striped-{len(damaged)}.pdf"
    source = open_pdf(hostile.striped_scan(target, "单位：万元", stripes=6, damaged=damaged))
    [page] = source.pages
    assert [error.page for error in source.errors] == ([1] if page_error else [])
    if not damaged:
        assert page.notes == [] and page.source == "ocr" and not page.blank
    elif not page_error:
        assert [note.kind for note in page.notes] == ["image_damaged"]
        assert page.notes[0].message.startswith("image 6 of 6 on the page (1240×292 px, DCTDecode) is damaged")
        assert page.source == "ocr" and not page.blank
    else:
        assert source.errors[0].message.startswith("image 5 of 6 on the page")


def test_an_image_whose_colour_space_is_named_by_the_page_is_not_damaged(folder: Path) -> None:
    line = hostile.sparse_scan(folder / "cs-line.pdf", "单位：万元", 28)
    source = open_pdf(hostile.colour_space_in_resources(line, folder / "colour-space.pdf"))
    assert source.errors == [] and source.pages[0].notes == []
    assert source.pages[0].source == "ocr" and not source.pages[0].blank


def test_huge_page_is_refused_with_a_clear_line(excerpt: Path, folder: Path, pipeline) -> None:
    scanned = scan(excerpt, folder / "small-scan.pdf", dpi=100)
    document = pipeline.run(hostile.with_huge_page(scanned, folder / "huge.pdf"))
    [error] = document.page_errors
    assert error.stage == "render" and "pixel budget" in error.message
    assert document.document.status == "partial"


def test_large_page_is_rendered_at_a_lower_dpi(excerpt: Path, folder: Path) -> None:
    from pipeline.config import load_config

    config = load_config()
    config["scan"]["max_megapixels"] = 2.0
    scanned = scan(excerpt, folder / "small-scan-2.pdf", dpi=100)
    document = Pipeline.from_config(config).run(scanned)
    [note] = [n for n in document.document.page_notes if n.kind == "resolution_lowered"]
    assert "not 200" in note.message
    assert document.document.status == "complete"


# --------------------------------------------------------------------------
# Page-level isolation
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def thirty_page_scan(good: Path, folder: Path) -> Path:
    """A 30-page scanned report: its first three pages cut into ten strips each."""
    return scan(hostile.in_bands(good, folder / "thirty.pdf", pages=3, bands=10), folder / "thirty-scan.pdf", dpi=200)


def test_a_failing_page_costs_that_page_only(thirty_page_scan: Path, monkeypatch) -> None:
    """The same scan read twice by the fault-injecting engine: once clean,
    once failing on the page holding most figures.  Every field of the
    other pages is still there (those whose sentence runs across the lost
    page aside), and the lost page is one page error."""
    from pipeline.config import load_config

    config = load_config()
    config["scan"]["engine"] = "faulty"
    faults.install(monkeypatch)
    reference = Pipeline.from_config(config).run(thirty_page_scan)
    assert reference.document.status == "complete" and len(reference.figures) >= 20
    failing = max(reference.figures, key=lambda f: sum(g.page == f.page for g in reference.figures)).page
    faults.install(monkeypatch, fail_on_page=failing)
    document = Pipeline.from_config(config).run(thirty_page_scan)

    assert document.document.pages == 30
    [error] = document.page_errors
    assert (error.page, error.stage) == (failing, "ocr")
    assert "internal error: InjectedFault" in error.message
    assert document.document.status == "partial"
    found = {f.key: f.value for f in document.figures}
    apart = {f.key: f.value for f in reference.figures if abs(f.page - failing) > 1}
    assert apart and all(found.get(key) == value for key, value in apart.items())
    assert not any(f.page == failing for f in document.figures)
    assert sum(p == "ocr" for p in document.document.page_sources) == 30


def test_a_failing_call_anywhere_never_loses_the_document(good: Path, folder: Path, monkeypatch) -> None:
    """Whatever call fails (orientation, a cell, the running text), the
    document comes out with that page's error."""
    from pipeline.config import load_config

    config = load_config()
    config["scan"]["engine"] = "faulty"
    scanned = scan(good, folder / "table-scan.pdf", dpi=150, pages=[5])  # a page with two tables
    faults.install(monkeypatch)
    Pipeline.from_config(config).run(scanned)
    calls = faults.PLAN.calls
    assert calls > 3, "the page has cells to read"
    for call in (1, 2, calls // 2, calls):
        faults.install(monkeypatch, fail_on_call=call)
        document = Pipeline.from_config(config).run(scanned)
        assert [(e.page, e.stage) for e in document.page_errors] in ([(1, "orient")], [(1, "ocr")]), call
        assert document.document.status == "partial"
