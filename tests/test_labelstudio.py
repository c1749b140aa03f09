"""Label Studio interop, both directions, on files in Label Studio's
documented formats (its JSON import format with ``predictions`` for the OCR
template; its JSON export of annotated tasks), without running Label Studio.
Also the review app's command-line side: users, audit."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.model import Document, iter_fields
from pipeline.review import queue
from pipeline.review.images import PageImages
from pipeline.review.labelstudio import export_tasks, import_annotations
from pipeline.review.options import ReviewOptions
from tests.review import MISREAD, RIGHT, misread_report, review_store


@pytest.fixture(scope="module")
def report(pipeline) -> Document:
    return misread_report(pipeline)


@pytest.fixture
def store(tmp_path: Path, report: Document):
    with review_store(f"sqlite:///{tmp_path / 'archive.db'}", report) as opened:
        yield opened


def _exported(store, out: Path) -> list[dict]:
    options = ReviewOptions(spot_check_share=0.02)
    path = export_tasks(store, PageImages(store, options), out, options=options)
    return json.loads(path.read_text(encoding="utf-8"))


def test_queue_items_become_ocr_tasks_in_label_studios_import_format(store, tmp_path: Path) -> None:
    tasks = _exported(store, tmp_path / "ls")
    config = ET.fromstring((tmp_path / "ls" / "label_config.xml").read_text(encoding="utf-8"))
    names = {tag.get("name"): tag.tag for tag in config.iter() if tag.get("name")}
    assert names == {"image": "Image", "label": "Labels", "bbox": "Rectangle", "transcription": "TextArea"}
    assert config.find("Image").get("value") == "$ocr"
    regions = 0
    for task in tasks:
        image = task["data"]["ocr"]
        assert image.startswith("/data/local-files/?d=images/")
        assert (tmp_path / "ls" / image.split("?d=", 1)[1]).is_file()
        [prediction] = task["predictions"]
        assert 0 <= prediction["score"] <= 1
        by_region: dict[str, dict[str, dict]] = {}
        for result in prediction["result"]:
            assert {"id", "from_name", "to_name", "type", "value", "original_width", "original_height"} <= set(result)
            assert names[result["from_name"]] in ("Labels", "Rectangle", "TextArea") and result["to_name"] == "image"
            value = result["value"]
            assert 0 <= value["x"] <= 100 and 0 <= value["y"] <= 100 and 0 < value["width"] <= 100
            by_region.setdefault(result["id"], {})[result["type"]] = value
        for region, kinds in by_region.items():
            assert set(kinds) == {"rectangle", "labels", "textarea"}, region
            assert isinstance(kinds["textarea"]["text"], list)
            assert task["data"]["budgetdoc"]["regions"][region]["value"] == kinds["textarea"]["text"][0]
        regions += len(by_region)
    listed = queue.listing(store, limit=500)["items"]  # the queue, its spot checks drawn by the export
    assert regions == sum(1 for item in listed if item["page"] and item["bbox"])
    assert any(item["spot_check"] for item in listed)


def _label_studio_export(tasks: list[dict], answers: dict[str, str], cancelled: dict[str, str]) -> list[dict]:
    """What Label Studio's JSON export gives back for our tasks once annotated
    (https://labelstud.io/guide/task_format): the task with its id and data,
    and ``annotations`` whose ``result`` holds the regions as the annotator left them."""
    exported = []
    for number, task in enumerate(tasks, start=1):
        results = [dict(r, origin="prediction") for r in task["predictions"][0]["result"]]
        annotations = []
        for annotation_id, (changes, was_cancelled, when) in enumerate(
            ((answers, False, "2026-12-02T10:00:00.000000Z"), (cancelled, True, "2026-12-02T11:00:00.000000Z")),
            start=100 * number,
        ):
            result = []
            for item in results:
                item = json.loads(json.dumps(item))
                path = task["data"]["budgetdoc"]["regions"][item["id"]]["path"]
                if item["type"] == "textarea" and path in changes:
                    item["value"]["text"] = [changes[path]]
                    item["origin"] = "manual"
                result.append(item)
            annotations.append({
                "id": annotation_id, "completed_by": 7, "result": result, "was_cancelled": was_cancelled,
                "ground_truth": False, "created_at": when, "updated_at": when, "lead_time": 4.2, "task": number,
                "result_count": len(result), "project": 3,
            })  # fmt: skip
        exported.append({"id": number, "data": task["data"], "annotations": annotations,
                         "predictions": task["predictions"], "project": 3,
                         "created_at": "2026-12-02T09:00:00.000000Z"})  # fmt: skip
    return exported


def test_completed_annotations_come_back_as_corrections(store, tmp_path: Path) -> None:
    tasks = _exported(store, tmp_path / "ls")
    regions = {r["path"]: r for task in tasks for r in task["data"]["budgetdoc"]["regions"].values()}
    total = regions["figures.procurement_total"]
    answers = {"figures.procurement_goods": RIGHT, "figures.procurement_total": total["value"]}
    # A later annotation that was cancelled says something else: it is not taken.
    export = _label_studio_export(tasks, answers, {"figures.procurement_goods": "99.99"})
    file = tmp_path / "project-3-at-2026-12-02.json"
    file.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    outcome = import_annotations(store, file)
    assert outcome.problems == []
    assert outcome.corrected == 1 and outcome.confirmed == len(regions) - 1
    fields = dict(iter_fields(store.document(next(iter(store.finished())))))
    assert (fields["figures.procurement_goods"].value, fields["figures.procurement_goods"].status) == (
        RIGHT,
        "corrected",
    )
    assert fields["figures.procurement_total"].status == "confirmed"
    again = import_annotations(store, file)  # the same file twice changes nothing
    assert (again.corrected, again.confirmed, again.unchanged, again.problems) == (0, 0, len(regions), [])
    store.correct(next(iter(store.finished())), "figures.procurement_goods", "2.00", who="wang")
    stale = import_annotations(store, file)  # a person changed it since: Label Studio's older answer does not win
    assert stale.corrected == 0 and len(stale.problems) == 1 and "stale" in stale.problems[0]


def test_a_file_that_is_not_a_label_studio_export_is_refused(store, tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    file.write_text('{"not": "a list"}', encoding="utf-8")
    assert main(["labelstudio", "import", str(file), "--db", store.url]) == 2
    for junk in (
        [{}],
        [1, "x", None],
        [{"data": {"budgetdoc": {"regions": ["a"]}}, "annotations": {"x": 1}}],
        [{"data": {"budgetdoc": {"regions": {"field-1": 7}}}, "annotations": [{"result": [3, {"id": 5}]}]}],
    ):
        file.write_text(json.dumps(junk), encoding="utf-8")
        assert main(["labelstudio", "import", str(file), "--db", store.url]) in (0, 3), junk  # said, not a crash


def test_users_are_added_with_the_password_from_stdin(store, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long secret\n"))
    assert main(["users", "add", "zhou", "--role", "admin", "--db", store.url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "qian", "--db", store.url]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("a long secret\n"))
    assert main(["users", "add", "zhou", "--db", store.url]) == 2
    assert main(["users", "list", "--db", store.url]) == 0
    out, err = capsys.readouterr()
    assert "zhou\tadmin\tactive" in out and "at least 8 characters" in err and "already" in err
    assert main(["users", "disable", "zhou", "--db", store.url]) == 0
    assert main(["users", "disable", "nobody", "--db", store.url]) == 2
    assert main(["users", "list", "--db", store.url]) == 0
    out, err = capsys.readouterr()
    assert "zhou\tadmin\tinactive" in out and "nobody: no such user" in err
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from pipeline.store.schema import UserRow

    with Session(store.engine) as session:
        stored = session.scalar(select(UserRow.password_hash).where(UserRow.name == "zhou"))
    assert stored.startswith("$argon2id$") and "a long secret" not in stored


def test_the_audit_command_writes_a_documents_trail(store, tmp_path: Path, capsys) -> None:
    doc_id = next(iter(store.finished()))
    store.correct(doc_id, "figures.procurement_goods", RIGHT, who="li", why="=SUM(A1) misread")
    out = tmp_path / "audit.csv"
    assert main(["audit", doc_id, "--db", store.url, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert f"li,figures.procurement_goods,{MISREAD},{RIGHT},corrected,'=SUM(A1) misread,api" in text
    assert main(["audit", "sha256:../../etc/passwd", "--db", store.url]) == 2


def test_a_bad_review_config_is_one_error_line(store, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "review.yaml"
    for text, said in (("review:\n  lease_seconds: -1\n", "review.lease_seconds: -1 must be at least 1"),
                       ("review:\n  leases: 5\n", "unknown key(s) in section 'review': leases")):  # fmt: skip
        bad.write_text(text, encoding="utf-8")
        assert main(["review", "--db", store.url, "--config", str(bad)]) == 2
        assert capsys.readouterr().err.strip() == f"error: {bad}: {said}"
