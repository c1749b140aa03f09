"""Label Studio interop: queue items out as OCR tasks, completed annotations back as corrections.

Out: one task per page that holds queued fields, in Label Studio's JSON
import format for its OCR template (``LABEL_CONFIG``): ``data.ocr`` is the
page image (written beside ``tasks.json``), and the task's ``predictions``
carry, for each field, a ``rectangle`` (percent of the image, top-left
origin, as Label Studio stores it), a ``labels`` region naming it, and a
``textarea`` with the machine's transcription, all three under the region
id ``field-<id>``.  ``data.budgetdoc`` keeps, per region, the field's id,
path and version.

Back: Label Studio's JSON export of those tasks.  For each task, the
latest annotation that was not cancelled is taken; each ``textarea``
result of a known region is the person's transcription: the machine's value
again confirms the field, another value corrects it (typed and validated as
in the app).  A field whose value changed in the store since the export,
or that a person answered meanwhile, is not overwritten: it is reported as
stale.  Importing a file again changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.confidence import PERSON_STATUSES
from pipeline.review.images import ImageUnavailable, PageImages
from pipeline.review.options import ReviewOptions
from pipeline.review.queue import QUEUED, RISK_ORDER, field_json
from pipeline.review.sampling import draw_spot_checks
from pipeline.store import StaleEdit, Store, StoreError
from pipeline.store.schema import DocumentRow, FieldRow, PageRow
from pipeline.store.values import corrected_value

LABEL_CONFIG = """<View>
  <Image name="image" value="$ocr"/>
  <Labels name="label" toName="image">
    <Label value="Field" background="orange"/>
  </Labels>
  <Rectangle name="bbox" toName="image" strokeWidth="3"/>
  <TextArea name="transcription" toName="image" editable="true" perRegion="true" required="true"
            maxSubmissions="1" rows="2" placeholder="the value as printed" displayMode="region-list"/>
</View>
"""
REGION_PREFIX = "field-"


@dataclass
class Imported:
    confirmed: int = 0
    corrected: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def export_tasks(
    store: Store,
    images: PageImages,
    out: Path,
    image_url: str = "/data/local-files/?d=",
    options: ReviewOptions | None = None,
) -> Path:
    """``out/tasks.json`` (and ``out/label_config.xml``, ``out/images/*.png``) for the queue as it is now."""
    options = options or ReviewOptions()
    out.mkdir(parents=True, exist_ok=True)
    (out / "images").mkdir(exist_ok=True)
    with Session(store.writer) as session, session.begin():
        draw_spot_checks(session, options)  # the queue as the app gives it out, spot checks included
    pages: dict[tuple[str, int], list[FieldRow]] = defaultdict(list)
    with Session(store.engine, expire_on_commit=False) as session:
        query = (
            select(FieldRow)
            .join(DocumentRow, DocumentRow.doc_id == FieldRow.doc_id)
            .where(QUEUED, FieldRow.page.is_not(None), FieldRow.bbox.is_not(None))
            .order_by(*RISK_ORDER)
        )
        for row in session.scalars(query):
            pages[(row.doc_id, row.page)].append(row)
        sizes = {(p.doc_id, p.number): (p.width, p.height) for p in session.scalars(select(PageRow))
                 if (p.doc_id, p.number) in pages}  # fmt: skip
    tasks = []
    for (doc_id, number), rows in pages.items():
        try:
            image = images.page(doc_id, number)
        except ImageUnavailable:
            continue  # the PDF is gone: nothing to show Label Studio
        name = f"{doc_id.removeprefix('sha256:')[:16]}-p{number}.png"
        image.save(out / "images" / name)
        width, height = sizes.get((doc_id, number)) or (None, None)
        if not width or not height:  # a page whose size was not recorded: the image's, in points
            width, height = image.width / images.scale, image.height / images.scale
        tasks.append(_task(rows, f"{image_url}images/{name}", image.size, (width, height), doc_id, number))
    path = out / "tasks.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "label_config.xml").write_text(LABEL_CONFIG, encoding="utf-8")
    return path


def import_annotations(store: Store, path: Path, who: str | None = None) -> Imported:
    """Label Studio's JSON export of our tasks, as corrections (see the module's doc)."""
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: not a Label Studio JSON export: {exc}") from None
    if not isinstance(tasks, list):
        raise StoreError(f"{path}: a Label Studio JSON export is a list of tasks")
    outcome = Imported()
    for number, task in enumerate(tasks, start=1):
        regions = _dig(task, "data", "budgetdoc", "regions")
        annotation = _latest_annotation(task) if regions else None
        results = annotation.get("result") if annotation else None
        if not isinstance(results, list):
            outcome.problems.append(f"task {number}: no completed annotation of a budgetdoc region")
            continue
        person = who or f"labelstudio:{_annotator(annotation)}"
        for result in results:
            if not (isinstance(result, dict) and result.get("type") == "textarea"):
                continue
            region = regions.get(str(result.get("id")))
            if isinstance(region, dict) and isinstance(result.get("value"), dict):
                _import_one(store, region, result, person, outcome)
    return outcome


def _dig(value: Any, *keys: str) -> dict | None:
    """``value[k1][k2]…`` where each level is a mapping (a file from elsewhere may hold anything), else None."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else None


def _task(rows: list[FieldRow], url: str, pixels: tuple[int, int], points: tuple[float, float], doc_id, number):
    width, height = points
    result, regions = [], {}
    for row in rows:
        region = f"{REGION_PREFIX}{row.id}"
        x0, y0, x1, y1 = row.bbox
        box = {"x": 100 * x0 / width, "y": 100 * y0 / height, "width": 100 * (x1 - x0) / width,
               "height": 100 * (y1 - y0) / height, "rotation": 0}  # fmt: skip
        size = {"original_width": pixels[0], "original_height": pixels[1], "image_rotation": 0}
        shown = field_json(row)
        text = "" if shown["value"] is None else str(shown["value"])
        common = {"id": region, "to_name": "image", **size}
        result += [
            {**common, "from_name": "bbox", "type": "rectangle", "value": dict(box)},
            {**common, "from_name": "label", "type": "labels", "value": {**box, "labels": ["Field"]}},
            {**common, "from_name": "transcription", "type": "textarea", "value": {**box, "text": [text]}},
        ]
        regions[region] = {"field_id": row.id, "path": row.path, "version": row.version, "value": text}
    score = min(row.confidence for row in rows)
    return {
        "data": {"ocr": url, "budgetdoc": {"doc_id": doc_id, "page": number, "regions": regions}},
        "predictions": [{"model_version": "budgetdoc", "score": score, "result": result}],
    }


def _latest_annotation(task: dict[str, Any]) -> dict[str, Any] | None:
    annotations = task.get("annotations")
    done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")] if isinstance(
        annotations, list) else []  # fmt: skip
    return max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0),
               default=None)  # fmt: skip


def _annotator(annotation: dict[str, Any]) -> str:
    by = annotation.get("completed_by")
    if isinstance(by, dict):
        return str(by.get("email") or by.get("id") or "unknown")
    return str(by if by is not None else "unknown")


def _import_one(store: Store, region: dict[str, Any], result: dict[str, Any], who: str, outcome: Imported) -> None:
    texts = result["value"].get("text")
    text = " ".join(str(t) for t in texts).strip() if isinstance(texts, list) else str(texts or "").strip()
    field_id = region.get("field_id")
    with Session(store.engine) as session:
        row = session.get(FieldRow, field_id) if isinstance(field_id, int) else None
        if row is None or row.path != region.get("path"):
            outcome.problems.append(f"{region.get('path')}: no such field in the store any more")
            return
        where, current, answered = (row.doc_id, row.path), field_json(row)["value"], row.status in PERSON_STATUSES
    try:
        given = corrected_value(current, text)  # the annotator's text in the field's form: 1,026 is 1026
    except ValueError as exc:
        outcome.problems.append(f"{row.path}: {exc}")
        return
    if answered:
        # A person answered it after the export (in the app, or an earlier import): the same answer
        # is nothing new; another one is a conflict for a person, not for the newer file to win.
        if given == current:
            outcome.unchanged += 1
        else:
            outcome.problems.append(f"stale: {row.path} was answered in the store since the export ({current!r})")
        return
    # The version guards what the annotator saw: a field whose value is still that one (its status may have
    # moved as the checks settled) takes the answer; one whose value changed does not.
    shown = "" if current is None else str(current)
    version = None if shown == region.get("value") else region.get("version")
    status = "confirmed" if given == current else "corrected"
    try:
        store.correct(*where, text if status == "corrected" else None, who=who, status=status,
                      version=version, origin="labelstudio", why="Label Studio annotation")  # fmt: skip
    except StaleEdit as exc:
        outcome.problems.append(f"stale: {exc}")
        return
    except StoreError as exc:
        outcome.problems.append(str(exc))
        return
    outcome.confirmed += status == "confirmed"
    outcome.corrected += status == "corrected"
