"""The store: documents, their fields and checks, corrections and runs, in SQL.

``Store(url)`` opens (and migrates) a database: ``sqlite:///archive.db``
(WAL mode, the embedded default) or ``postgresql+psycopg://…``.  Each
document is written in one transaction with everything it holds, so a
process killed at any moment leaves it in the store completely or not at
all; its doc_id (the file's sha256) is the key, so it is never there twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pipeline.model import Document, DocumentInfo, Field, iter_fields
from pipeline.stages import printable_path
from pipeline.store import archive
from pipeline.store.schema import (
    CheckRow,
    CorrectionRow,
    DocumentPathRow,
    DocumentRow,
    FieldRow,
    PageRow,
    RunRow,
    StatementRecordRow,
)
from pipeline.store.values import corrected_value

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(ValueError):
    """The store cannot be opened or does not hold what was asked for."""


class Store:
    """A database of read documents (see the module's doc)."""

    def __init__(self, url: str = "sqlite:///archive.db", rules_dir: str | Path | None = None) -> None:
        self.url = url
        self.rules = archive.archive_rules(rules_dir)
        try:
            self.engine = _engine(url)
            self.migrate()
        except Exception as exc:  # the driver's own error: a bad URL, no server, no such folder
            raise StoreError(f"{url}: cannot open the store: {type(exc).__name__}: {_first_line(exc)}") from exc

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def start_run(self, command: str) -> int:
        with Session(self.engine) as session, session.begin():
            run = RunRow(started_at=_now(), command=command, counts={})
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get(RunRow, run_id)
            if run is not None:
                run.finished_at, run.counts = _now(), counts

    def add(
        self,
        document: Document,
        paths: Iterable[str] = (),
        run_id: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """Store a document read anew, in one transaction.  A person's
        corrections to an earlier reading of the same file are kept and
        applied to this one; the archive checks of it and of its department's
        neighbouring years are made again."""
        doc_id = document.document.doc_id
        with Session(self.engine) as session, session.begin():
            _apply_corrections(document, _corrections(session, doc_id))
            document.checks = archive.without_archive_checks(document.checks)
            row = session.get(DocumentRow, doc_id) or DocumentRow(doc_id=doc_id, added_at=_now())
            _describe(row, document, self.rules, run_id, seconds)
            session.add(row)
            session.flush()
            _add_paths(session, doc_id, [document.document.file, *paths])
            _write_children(session, document)
            self._refresh_archive(session, row)

    def add_failure(self, doc_id: str, paths: Iterable[str], reason: str, run_id: int | None = None) -> None:
        """Record a file that could not be read at all, with the reason."""
        with Session(self.engine) as session, session.begin():
            row = session.get(DocumentRow, doc_id) or DocumentRow(doc_id=doc_id, added_at=_now(), pages=0)
            row.status, row.error, row.run_id, row.timings = "failed", reason, run_id, {}
            session.add(row)
            session.flush()
            _add_paths(session, doc_id, paths)

    def add_paths(self, doc_id: str, paths: Iterable[str]) -> None:
        """Record more names under which a stored document was seen."""
        with Session(self.engine) as session, session.begin():
            _add_paths(session, doc_id, paths)

    def correct(
        self, doc_id: str, path: str, value: Any, who: str, why: str | None = None, status: str = "corrected"
    ) -> None:
        """A person's word on one field: a new value (``corrected``) or the
        same one accepted (``confirmed``)."""
        if status not in ("corrected", "confirmed"):
            raise StoreError(f"a correction's status is 'corrected' or 'confirmed', not {status!r}")
        with Session(self.engine) as session, session.begin():
            row = session.get(DocumentRow, doc_id, with_for_update=True)  # no lost update beside the batch
            if row is None or row.payload is None:
                raise StoreError(f"{doc_id}: no such document in the store")
            document = Document.model_validate_json(row.payload)
            field = dict(iter_fields(document)).get(path)
            if field is None:
                raise StoreError(f"{doc_id}: no field {path!r}")
            try:
                new_value = field.value if status == "confirmed" else corrected_value(field.value, value)
            except ValueError as exc:
                raise StoreError(f"{doc_id}: {path}: {exc}") from None
            session.add(
                CorrectionRow(
                    doc_id=doc_id, path=path, old_value=_json(field.value), new_value=_json(new_value),
                    status=status, who=who, at=_now(), why=why,
                )
            )  # fmt: skip
            field.value, field.status = new_value, status
            row.payload = document.model_dump_json(by_alias=True)
            stored = session.scalars(select(FieldRow).where(FieldRow.doc_id == doc_id, FieldRow.path == path)).one()
            stored.value, stored.status = _json(new_value), status

    # -- reading -----------------------------------------------------------

    def finished(self) -> set[str]:
        """doc_ids of every document the store holds (read, partial or failed)."""
        with Session(self.engine) as session:
            return set(session.scalars(select(DocumentRow.doc_id)))

    def status(self, doc_id: str) -> str | None:
        with Session(self.engine) as session:
            row = session.get(DocumentRow, doc_id)
            return row.status if row is not None else None

    def paths(self, doc_id: str) -> list[str]:
        """Every name the document's file was seen under, first seen first."""
        with Session(self.engine) as session:
            return self._paths(session, doc_id)

    def document(self, doc_id: str) -> Document:
        """The stored document with the corrections applied."""
        with Session(self.engine) as session:
            row = session.get(DocumentRow, doc_id)
            if row is None:
                raise StoreError(f"{doc_id}: no such document in the store")
            return _document_of(row, self._paths(session, doc_id))

    def entries(self, include_unreviewed: bool = False) -> Iterator[tuple[Document, dict[str, Any], dict[str, Any]]]:
        """(document, machine values of corrected fields, extra facts) of
        each document, by doc_id; by default only documents read without
        failure and with nothing left in the correction queue."""
        with Session(self.engine) as session:
            waiting = set(session.scalars(select(FieldRow.doc_id).where(FieldRow.status == "review").distinct()))
            # One document in memory at a time: an archive's payloads do not fit in it together.
            for doc_id in list(session.scalars(select(DocumentRow.doc_id).order_by(DocumentRow.doc_id))):
                row = session.get(DocumentRow, doc_id)
                if not include_unreviewed and (row.status == "failed" or row.doc_id in waiting):
                    session.expunge(row)
                    continue
                paths = self._paths(session, row.doc_id)
                machine = {
                    correction.path: json.loads(correction.old_value) if correction.old_value else None
                    for correction in reversed(_corrections(session, row.doc_id))
                }
                extra = {"paths": "; ".join(paths), "status": row.status, "error": row.error}
                document = _document_of(row, paths)
                session.expunge_all()
                yield document, machine, extra

    @staticmethod
    def _paths(session: Session, doc_id: str) -> list[str]:
        query = select(DocumentPathRow.path).where(DocumentPathRow.doc_id == doc_id).order_by(DocumentPathRow.id)
        return list(session.scalars(query))

    # -- archive checks ----------------------------------------------------

    def _refresh_archive(self, session: Session, row: DocumentRow) -> None:
        """Make the year-over-year checks of ``row`` and of its department's
        reports one year before and after it."""
        touched = [row, *self._neighbours(session, row)]
        for each in touched:
            self._rewrite_archive_checks(session, each)

    def _neighbours(self, session: Session, row: DocumentRow) -> list[DocumentRow]:
        if row.fiscal_year is None or not row.department_key:
            return []
        query = select(DocumentRow).where(
            DocumentRow.fiscal_year.in_([row.fiscal_year - 1, row.fiscal_year + 1]),
            DocumentRow.payload.is_not(None),
            DocumentRow.doc_id != row.doc_id,
            DocumentRow.kind == row.kind,  # a final account against a final account
        )
        return [
            other
            for other in session.scalars(query)
            if archive.same_department(row.department_key, other.department_key, self.rules)
        ]

    def _rewrite_archive_checks(self, session: Session, row: DocumentRow) -> None:
        document = Document.model_validate_json(row.payload)
        checks = archive.without_archive_checks(document.checks)
        for other in self._neighbours(session, row):
            session.refresh(other, with_for_update=True)
            neighbour = Document.model_validate_json(other.payload)
            if other.fiscal_year == row.fiscal_year - 1:
                checks += archive.year_over_year(document, neighbour, self.rules)[0]
            else:
                checks += archive.year_over_year(neighbour, document, self.rules)[1]
        if checks == document.checks:
            return
        document.checks = checks
        _queue_failed(document)
        row.payload = document.model_dump_json(by_alias=True)
        _write_children(session, document)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1] if "///" in url else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # The driver's own transaction handling is off and SQLAlchemy's BEGIN
        # is emitted instead, so that DDL (the migrations) and the reads of a
        # read-modify-write are inside the transaction too (SQLAlchemy's recipe
        # for pysqlite): a kill during the first migration leaves no half schema.
        engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(connection, _record) -> None:
    # WAL: readers (an export, the review app) never block the batch's writer;
    # a commit survives the process being killed.  SQLite leaves foreign keys off unless asked.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _describe(row: DocumentRow, document: Document, rules, run_id: int | None, seconds: float | None) -> None:
    info = document.document
    row.status, row.kind, row.pages, row.error = info.status, info.kind, info.pages, None
    row.department = info.department.value
    row.department_key = archive.department_key(info.department.value, rules)
    year = info.fiscal_year.value
    row.fiscal_year = year if isinstance(year, int) else None
    row.timings, row.seconds, row.run_id = dict(info.timings), seconds, run_id
    row.payload = document.model_dump_json(by_alias=True)


def _write_children(session: Session, document: Document) -> None:
    """Pages, fields, statements and checks of a document, replacing what was there."""
    doc_id = document.document.doc_id
    for table in (PageRow, FieldRow, StatementRecordRow, CheckRow):
        session.execute(delete(table).where(table.doc_id == doc_id))
    info = document.document
    errors = {error.page: f"{error.stage}: {error.message}" for error in document.page_errors}
    for number, source in enumerate(info.page_sources, start=1):
        size = info.page_sizes[number - 1] if number <= len(info.page_sizes) else [None, None]
        notes = [note.model_dump() for note in info.page_notes if note.page == number]
        session.add(PageRow(doc_id=doc_id, number=number, source=source, width=size[0], height=size[1],
                            notes=notes, error=errors.get(number)))  # fmt: skip
    session.add_all(
        FieldRow(doc_id=doc_id, path=path, value=_json(field.value), confidence=field.confidence, page=field.page,
                 bbox=field.bbox, source=field.source, status=field.status)
        for path, field in iter_fields(document)
    )  # fmt: skip
    session.add_all(
        StatementRecordRow(doc_id=doc_id, position=i, form=s.form, title=s.title.value, pages=s.pages, unit=s.unit,
                           empty=s.empty, rows=len(s.rows))
        for i, s in enumerate(document.statements)
    )  # fmt: skip
    session.add_all(
        CheckRow(doc_id=doc_id, position=i, check_id=c.id, rule=c.rule, passed=c.passed, severity=c.severity,
                 message=c.message, fields=c.fields, pages=c.pages)
        for i, c in enumerate(document.checks)
    )  # fmt: skip


def _add_paths(session: Session, doc_id: str, paths: Iterable[str]) -> None:
    """New names of a document, as printed (a name that is not UTF-8 is stored escaped, as the lines show it)."""
    known = set(session.scalars(select(DocumentPathRow.path).where(DocumentPathRow.doc_id == doc_id)))
    for path in dict.fromkeys(printable_path(p) for p in paths if p):
        if path not in known:
            session.add(DocumentPathRow(doc_id=doc_id, path=path))


def _corrections(session: Session, doc_id: str) -> list[CorrectionRow]:
    query = select(CorrectionRow).where(CorrectionRow.doc_id == doc_id).order_by(CorrectionRow.id)
    return list(session.scalars(query))


def _apply_corrections(document: Document, corrections: list[CorrectionRow]) -> None:
    """A person's word on a field holds for a new reading that read what the
    person saw; where the machine now reads something else at that path (the
    file's lines came out in another order, the reading improved), the field
    goes back to the queue instead of taking a correction meant for another value."""
    fields = dict(iter_fields(document))
    chains: dict[str, list[CorrectionRow]] = {}
    for correction in corrections:
        chains.setdefault(correction.path, []).append(correction)
    for path, chain in chains.items():
        field = fields.get(path)
        if field is None:
            continue
        if _json(field.value) != chain[0].old_value:
            field.status = "review"
            continue
        field.value = json.loads(chain[-1].new_value) if chain[-1].new_value else None
        field.status = chain[-1].status


def _queue_failed(document: Document) -> None:
    """Fields named by a failed check (not a note) wait for a person."""
    fields: dict[str, Field] = dict(iter_fields(document))
    for check in document.checks:
        if check.passed or check.severity == "note":
            continue
        for path in check.fields:
            if path in fields and fields[path].status == "auto":
                fields[path].status = "review"


def _document_of(row: DocumentRow, paths: list[str]) -> Document:
    if row.payload is not None:
        return Document.model_validate_json(row.payload)
    # A file that could not be read: a document of no pages that says so.
    info = DocumentInfo(doc_id=row.doc_id, file=paths[0] if paths else "", pages=0, page_sources=[])
    return Document(document=info)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
