"""The store on SQLite and on a real PostgreSQL server: its schema is the
migrations', a document goes in whole, corrections survive a new reading,
and reports of one department in consecutive years are checked against
each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from pipeline.model import Document, DocumentInfo, ExpenditureItem, Field, Figure, iter_fields
from pipeline.store import Store, StoreError
from pipeline.store.archive import archive_rules, department_key, same_department

SCANS = Path(__file__).resolve().parents[1] / "scans"


def _figure(key: str, value: str) -> Figure:
    return Figure(key=key, label=key, value=value, confidence=0.99, page=2, source=f"{key} {value}", status="auto")


def _report(doc_id: str, department: str, year: int, figures: dict[str, str], items=()) -> Document:
    info = DocumentInfo(
        doc_id=doc_id,
        file=f"{doc_id}.pdf",
        pages=2,
        page_sources=["text", "text"],
        page_sizes=[[595.0, 842.0], [595.0, 842.0]],
        kind="final_account",
        department=Field(value=department, confidence=0.99),
        fiscal_year=Field(value=year, confidence=0.99),
    )
    lines = [
        ExpenditureItem(
            budget="general", lei=Field(value="社会保障和就业支出"), kuan=Field(value="民政管理事务"),
            xiang=Field(value=name), code=code, amount=Field(value=amount, page=3), change=Field(value=change, page=3),
            growth_pct=Field(), reason=Field(),
        )
        for code, name, amount, change in items
    ]  # fmt: skip
    return Document(document=info, figures=[_figure(k, v) for k, v in figures.items()], expenditure_items=lines)


@pytest.fixture(scope="module")
def read_report(pipeline) -> Document:
    return pipeline.run(SCANS / "synthetic-0003-born-digital.pdf")


def test_the_models_are_what_the_migrations_make(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from pipeline.store.schema import Base

    Store(store_url).close()
    engine = create_engine(store_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert differences == []
    assert {"documents", "fields", "checks", "corrections", "alembic_version"} <= tables


def test_sqlite_store_is_in_wal_mode(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_document_goes_in_whole_and_comes_back_the_same(store_url: str, read_report: Document) -> None:
    store = Store(store_url)
    store.add(read_report.model_copy(deep=True), paths=["a/report.pdf", "b/same-bytes.pdf"], seconds=1.5)
    doc_id = read_report.document.doc_id
    assert store.finished() == {doc_id}
    assert store.paths(doc_id)[1:] == ["a/report.pdf", "b/same-bytes.pdf"]
    assert store.document(doc_id).to_json() == read_report.to_json()
    store.add(read_report.model_copy(deep=True), paths=["a/report.pdf"])  # read again: still once
    assert store.finished() == {doc_id}
    assert len(store.paths(doc_id)) == 3


def test_a_correction_is_kept_and_survives_a_new_reading(store_url: str, read_report: Document) -> None:
    store = Store(store_url)
    doc_id = read_report.document.doc_id
    store.add(read_report.model_copy(deep=True))
    before = next(f for f in read_report.figures if f.key == "income_total").value
    store.correct(doc_id, "figures.income_total", "1.00", who="li", why="misread")
    store.add(read_report.model_copy(deep=True))  # the batch reads the file again
    figure = next(f for f in store.document(doc_id).figures if f.key == "income_total")
    assert (figure.value, figure.status) == ("1.00", "corrected")
    [(_, machine, _)] = list(store.entries(include_unreviewed=True))
    assert machine == {"figures.income_total": before}
    with pytest.raises(StoreError, match="no field"):
        store.correct(doc_id, "figures.no_such_key", "2.00", who="li")
    reread = read_report.model_copy(deep=True)
    changed = next(f for f in reread.figures if f.key == "income_total")
    changed.value = "9999.99"  # a new reading that read something else there
    store.add(reread)
    figure = next(f for f in store.document(doc_id).figures if f.key == "income_total")
    assert (figure.value, figure.status) == ("9999.99", "review")  # back to a person, not overwritten


def test_a_field_keeps_its_row_id_and_a_new_one_never_takes_a_gone_ones(store_url: str) -> None:
    """Field row ids are the review queue's addresses of fields: a new
    reading that drops the last-stored field and adds another must not hand
    the dropped one's id to the new one."""
    store = Store(store_url)
    first = _report("sha256:ids", "民政局", 2024, {"income_total": "10.00", "expense_total": "9.00"})
    store.add(first)
    before = _field_ids(store, "sha256:ids")
    store.add(_report("sha256:ids", "民政局", 2024, {"income_total": "10.00", "basic_total": "8.00"}))
    after = _field_ids(store, "sha256:ids")
    assert after["figures.income_total"] == before["figures.income_total"]
    assert "figures.expense_total" not in after
    assert after["figures.basic_total"] not in before.values()
    store.close()


def _field_ids(store: Store, doc_id: str) -> dict[str, int]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from pipeline.store.schema import FieldRow

    with Session(store.engine) as session:
        return {row.path: row.id for row in session.scalars(select(FieldRow).where(FieldRow.doc_id == doc_id))}


def test_only_reviewed_documents_are_exported_by_default(store_url: str, read_report: Document) -> None:
    store = Store(store_url)
    document = read_report.model_copy(deep=True)
    document.figures[0].status = "review"
    store.add(document)
    store.add_failure("sha256:" + "0" * 64, ["broken.pdf"], "not a PDF file")
    assert list(store.entries()) == []
    assert len(list(store.entries(include_unreviewed=True))) == 2
    doc_id = document.document.doc_id
    waiting = [path for path, field in iter_fields(store.document(doc_id)) if field.status == "review"]
    assert f"figures.{document.figures[0].key}" in waiting
    for path in waiting:
        store.correct(doc_id, path, None, who="li", status="confirmed")
    [(reviewed, _, _)] = list(store.entries())
    assert reviewed.figures[0].status == "confirmed"


def test_last_years_figures_are_checked_against_last_years_report(store_url: str) -> None:
    store = Store(store_url)
    earlier = _report(
        "sha256:" + "1" * 64, "天山区民政局（本级）", 2023,
        {"income_total": "1000.00", "fiscal_total": "800.00"}, [("2080299", "其他民政管理事务支出", "50.00", "5.00")],
    )  # fmt: skip
    later = _report(
        "sha256:" + "2" * 64, "乌鲁木齐市天山区民政局", 2024,
        {"income_total": "1100.00", "total_change": "100.00", "fiscal_total": "900.00", "fiscal_change": "120.00"},
        [("2080299", "其他民政管理事务支出", "60.00", "10.00")],
    )  # fmt: skip
    store.add(earlier)
    store.add(later)
    checks = {c.fields[0]: c for c in store.document(later.document.doc_id).checks if c.id == "archive.previous_year"}
    assert checks["figures.income_total"].passed  # 1100 − 100 = 1000: last year's report agrees
    assert not checks["figures.fiscal_total"].passed  # 900 − 120 = 780, but last year printed 800
    assert checks["expenditure_items[0].amount"].passed
    stored_earlier = store.document(earlier.document.doc_id)
    mirrored = [c for c in stored_earlier.checks if c.id == "archive.next_year" and not c.passed]
    assert [c.fields for c in mirrored] == [["figures.fiscal_total"]]
    made = [c for c in stored_earlier.checks if c.id == "archive.next_year"]
    assert len(made) == 3  # income_total, fiscal_total and the 项 line
    fiscal = next(f for f in stored_earlier.figures if f.key == "fiscal_total")
    assert fiscal.status == "review"  # a failed check of both documents sends both to the queue
    store.add(later)  # read again: the checks are made anew, not added twice
    again = [c for c in store.document(earlier.document.doc_id).checks if c.id == "archive.next_year"]
    assert again == made


def test_a_persons_value_takes_the_form_of_the_field(store_url: str, read_report: Document) -> None:
    store = Store(store_url)
    doc_id = read_report.document.doc_id
    store.add(read_report.model_copy(deep=True))
    store.correct(doc_id, "figures.income_total", "3,369.6", who="li")
    store.correct(doc_id, "figures.staff_total", " 1 026 ", who="li")
    figures = {f.key: f.value for f in store.document(doc_id).figures}
    assert (figures["income_total"], figures["staff_total"]) == ("3369.60", 1026)
    with pytest.raises(StoreError, match="not a number"):
        store.correct(doc_id, "figures.income_total", "三千", who="li")
    with pytest.raises(StoreError, match="not a whole number"):
        store.correct(doc_id, "figures.staff_total", "10.5", who="li")
    assert {f.key: f.value for f in store.document(doc_id).figures}["income_total"] == "3369.60"


def test_department_names_match_with_and_without_their_region() -> None:
    rules = archive_rules()
    key = department_key("乌鲁木齐市天山区民政局（本级）", rules)
    assert key == "乌鲁木齐市天山区民政局"
    assert same_department(key, department_key("天山区民政局(汇总)", rules), rules)
    assert same_department(key, department_key("新疆维吾尔自治区乌鲁木齐市天山区民政局", rules), rules)
    assert not same_department(key, department_key("乌鲁木齐市天山区财政局", rules), rules)
    assert not same_department(key, department_key("沙依巴克区民政局", rules), rules)


def test_a_bad_url_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the store"):
        Store("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store("nosuchdriver://x")
