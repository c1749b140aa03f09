"""The store: documents, their fields and checks, corrections and runs, in SQL.

``Store(url)`` opens (and migrates) a database: ``sqlite:///archive.db``
(WAL mode, the embedded default) or ``postgresql+psycopg://…``.  Each
document is written in one transaction with everything it holds, so a
process killed at any moment leaves it in the store completely or not at
all; its doc_id (the file's sha256) is the key, so it is never there twice.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from pipeline import checks
from pipeline.confidence import ConfidenceOptions, failed_paths, settle
from pipeline.model import Document, iter_fields
from pipeline.store import archive
from pipeline.store.neighbours import refresh_archive_checks
from pipeline.store.rows import (
    add_paths,
    apply_corrections,
    corrections_of,
    document_of,
    json_text,
    now,
    paths_of,
    write_checks,
    write_children,
    write_fields,
)
from pipeline.store.schema import CorrectionRow, DocumentRow, FieldRow, RunRow
from pipeline.store.values import corrected_value

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(ValueError):
    """The store cannot be opened or does not hold what was asked for."""


class StaleEdit(StoreError):
    """A correction made to a version of the field that is no longer the stored one."""


@dataclass
class Corrected:
    """What a correction did: the field's new version, and the fields its
    document's checks moved into or out of the queue."""

    version: int
    left_queue: list[str] = field(default_factory=list)
    joined_queue: list[str] = field(default_factory=list)



class Store:
    """A database of read documents (see the module's doc)."""

    def __init__(
        self,
        url: str = "sqlite:///archive.db",
        rules_dir: str | Path | None = None,
        confidence: ConfidenceOptions | None = None,
    ) -> None:
        self.url = url
        self.rules_dir = rules_dir
        self.rules = archive.archive_rules(rules_dir)
        self.confidence = confidence or _default_confidence()
        try:
            self.engine = _engine(url)
            # Sessions that write: on SQLite they take the write lock at BEGIN (waiting up to the
            # busy timeout) instead of failing at once when a read turns into a write beside another writer.
            self.writer = self.engine.execution_options(writes=True)
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
        with Session(self.writer) as session, session.begin():
            run = RunRow(started_at=now(), command=command, counts={})
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with Session(self.writer) as session, session.begin():
            run = session.get(RunRow, run_id)
            if run is not None:
                run.finished_at, run.counts = now(), counts

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
        with Session(self.writer) as session, session.begin():
            # Locked before its corrections are read: a correction made meanwhile is not lost.
            row = session.get(DocumentRow, doc_id, with_for_update=True) or DocumentRow(doc_id=doc_id, added_at=now())
            apply_corrections(document, corrections_of(session, doc_id))
            document.checks = archive.without_archive_checks(document.checks)
            _describe(row, document, self.rules, run_id, seconds)
            session.add(row)
            session.flush()
            add_paths(session, doc_id, [document.document.file, *paths])
            write_children(session, document)
            refresh_archive_checks(session, row, self.rules, self.confidence)

    def add_failure(self, doc_id: str, paths: Iterable[str], reason: str, run_id: int | None = None) -> None:
        """Record a file that could not be read at all, with the reason."""
        with Session(self.writer) as session, session.begin():
            row = session.get(DocumentRow, doc_id) or DocumentRow(doc_id=doc_id, added_at=now(), pages=0)
            row.status, row.error, row.run_id, row.timings = "failed", reason, run_id, {}
            session.add(row)
            session.flush()
            add_paths(session, doc_id, paths)

    def add_paths(self, doc_id: str, paths: Iterable[str]) -> None:
        """Record more names under which a stored document was seen."""
        with Session(self.writer) as session, session.begin():
            add_paths(session, doc_id, paths)

    def correct(
        self,
        doc_id: str,
        path: str,
        value: Any,
        who: str,
        why: str | None = None,
        status: str = "corrected",
        *,
        version: int | None = None,
        origin: str = "api",
        guard: Callable[[Session, FieldRow], None] | None = None,
    ) -> Corrected:
        """A person's word on one field: a new value (``corrected``), the same
        one accepted (``confirmed``), or the field sent back to the queue
        (``review``: an admin re-opens it).  The document's checks run again,
        so the fields a failed check held leave the queue once the arithmetic
        holds.  ``version``: the field's version the person saw; a newer one
        in the store raises StaleEdit instead of overwriting it.  ``guard``
        sees the field's row inside the transaction and may refuse by raising
        (the review app: another reviewer's lease).  A transaction that loses
        a deadlock to another correction is tried again."""
        if status not in ("corrected", "confirmed", "review"):
            raise StoreError(f"a correction's status is 'corrected', 'confirmed' or 'review', not {status!r}")
        for attempt in itertools.count(1):
            try:
                return self._correct(doc_id, path, value, who, why, status, version, origin, guard)
            except OperationalError as exc:
                if attempt >= 3 or not _lost_a_race(exc):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    def _correct(self, doc_id, path, value, who, why, status, version, origin, guard) -> Corrected:
        with Session(self.writer) as session, session.begin():
            row = session.get(DocumentRow, doc_id, with_for_update=True)  # no lost update beside the batch
            if row is None or row.payload is None:
                raise StoreError(f"{doc_id}: no such document in the store")
            document = Document.model_validate_json(row.payload)
            field = dict(iter_fields(document)).get(path)
            stored = session.scalars(select(FieldRow).where(FieldRow.doc_id == doc_id, FieldRow.path == path)).first()
            if field is None or stored is None:
                raise StoreError(f"{doc_id}: no field {path!r}")
            if version is not None and version != stored.version:
                raise StaleEdit(_stale_message(session, stored, version))
            if guard is not None:
                guard(session, stored)
            try:
                new_value = corrected_value(field.value, value) if status == "corrected" else field.value
            except ValueError as exc:
                raise StoreError(f"{doc_id}: {path}: {exc}") from None
            if status == "corrected" and new_value == field.value:
                status = "confirmed"  # the person typed what the machine read
            session.add(
                CorrectionRow(
                    doc_id=doc_id, path=path, old_value=json_text(field.value), new_value=json_text(new_value),
                    status=status, who=who, at=now(), why=why, origin=origin,
                    spot_check=bool(stored.spot_check) and stored.status == "auto",
                )
            )  # fmt: skip
            field.value, field.status = new_value, status
            queued_before = {p for p, f in iter_fields(document) if f.status == "review"}
            self._check_again(document, {c.path for c in corrections_of(session, doc_id)})
            row.payload = document.model_dump_json(by_alias=True)
            write_checks(session, document)
            versions = write_fields(session, document)
            refresh_archive_checks(session, row, self.rules, self.confidence)
            queued_after = {p for p, f in iter_fields(document) if f.status == "review"}
            return Corrected(
                version=versions[path],
                left_queue=sorted(queued_before - queued_after - {path}),
                joined_queue=sorted(queued_after - queued_before - {path}),
            )

    def _check_again(self, document: Document, answered: set[str]) -> None:
        """The document's own checks on its values as they now are; its
        archive checks stay until ``refresh_archive_checks`` makes them again.
        The fields a person has answered (or an admin re-opened) keep their status."""
        before = failed_paths(document.checks)
        kept = [c for c in document.checks if (c.id or "").startswith(archive.ARCHIVE_PREFIX)]
        document.checks = checks.run(document, self.rules_dir) + kept
        settle(document, before, self.confidence, keep=answered)

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
            return paths_of(session, doc_id)

    def document(self, doc_id: str) -> Document:
        """The stored document with the corrections applied."""
        with Session(self.engine) as session:
            row = session.get(DocumentRow, doc_id)
            if row is None:
                raise StoreError(f"{doc_id}: no such document in the store")
            return document_of(row, paths_of(session, doc_id))

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
                paths = paths_of(session, row.doc_id)
                machine = {
                    correction.path: json.loads(correction.old_value) if correction.old_value else None
                    for correction in reversed(corrections_of(session, row.doc_id))
                    if correction.status != "review"
                }
                extra = {"paths": "; ".join(paths), "status": row.status, "error": row.error}
                document = document_of(row, paths)
                session.expunge_all()
                yield document, machine, extra


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
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writes") else "BEGIN")


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


def _lost_a_race(error: OperationalError) -> bool:
    """A deadlock (PostgreSQL) or a lock not granted in time (SQLite): worth one more try."""
    text = str(error.orig).lower()
    return any(sign in text for sign in ("deadlock", "database is locked", "could not serialize"))


def _stale_message(session: Session, stored: FieldRow, seen: int) -> str:
    last = session.scalars(
        select(CorrectionRow)
        .where(CorrectionRow.doc_id == stored.doc_id, CorrectionRow.path == stored.path)
        .order_by(CorrectionRow.id.desc())
    ).first()
    by = f" by {last.who} at {last.at:%Y-%m-%d %H:%M:%S} UTC ({last.status})" if last else ""
    return (
        f"{stored.path} was changed{by} after you opened it (version {seen}, now {stored.version}); "
        "reload it to see the value it has now"
    )


def _default_confidence() -> ConfidenceOptions:
    from pipeline.config import load_config, options_for

    return options_for(ConfidenceOptions, load_config(), "confidence")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
