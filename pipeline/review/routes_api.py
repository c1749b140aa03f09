"""The review app's JSON API (under ``/api/``): every route needs a session,
every POST the session's CSRF token in ``X-CSRF-Token``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pipeline.review import queue
from pipeline.review.app import current_reviewer, require_csrf
from pipeline.review.auth import Reviewer, remember_skip
from pipeline.review.documents import audit_trail, document_view
from pipeline.review.sampling import error_rate

router = APIRouter()
Signed = Annotated[Reviewer, Depends(current_reviewer)]


def _posted(request: Request, reviewer: Signed) -> Reviewer:
    require_csrf(request, reviewer)
    return reviewer


Posting = Annotated[Reviewer, Depends(_posted)]


class Answer(BaseModel):
    action: str = Field(description="confirm | correct")
    value: str | None = Field(default=None, max_length=4000)
    version: int = Field(description="the field's version the answer was given to (optimistic locking)")
    why: str | None = Field(default=None, max_length=2000)


class Moving(BaseModel):
    passed: list[int] = Field(default_factory=list, max_length=100, description="items moved on from unanswered")


class Reopen(BaseModel):
    why: str | None = Field(default=None, max_length=2000)


@router.get("/me")
def me(reviewer: Signed) -> dict[str, Any]:
    return {"name": reviewer.name, "role": reviewer.role}


@router.get("/queue")
def queue_listing(request: Request, _reviewer: Signed, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    return queue.listing(request.app.state.store, limit, offset)


@router.post("/queue/next")
def next_item(request: Request, reviewer: Posting, body: Moving | None = None) -> dict[str, Any]:
    """Lease the next item of the queue and show it (``item`` is null when the queue is empty)."""
    state = request.app.state
    field_id = queue.next_item(state.store, reviewer, state.options, body.passed if body else ())
    return {"item": queue.item(state.store, field_id) if field_id is not None else None}


@router.get("/fields/{field_id}")
def field(request: Request, field_id: int, _reviewer: Signed) -> dict[str, Any]:
    return queue.item(request.app.state.store, field_id)


@router.post("/fields/{field_id}/lease")
def lease(request: Request, field_id: int, reviewer: Posting) -> dict[str, Any]:
    state = request.app.state
    queue.take(state.store, field_id, reviewer, state.options)
    return queue.item(state.store, field_id)


@router.post("/fields/{field_id}")
def answer(request: Request, field_id: int, body: Answer, reviewer: Posting) -> dict[str, Any]:
    """Confirm or correct a field; the answer's effect on the document's checks comes back."""
    result = queue.answer(request.app.state.store, field_id, reviewer, body.action, body.value, body.version,
                          body.why)  # fmt: skip
    return {
        "field": queue.item(request.app.state.store, field_id),
        "left_queue": result.left_queue,
        "joined_queue": result.joined_queue,
    }


@router.post("/fields/{field_id}/skip")
def skip(request: Request, field_id: int, reviewer: Posting) -> dict[str, Any]:
    remember_skip(request.app.state.store.writer, reviewer, field_id)
    queue.release(request.app.state.store, field_id, reviewer)
    return {"skipped": field_id}


@router.post("/fields/{field_id}/reopen")
def reopen(request: Request, field_id: int, body: Reopen, reviewer: Posting) -> dict[str, Any]:
    queue.reopen(request.app.state.store, field_id, reviewer, body.why)
    return queue.item(request.app.state.store, field_id)


@router.get("/fields/{field_id}/crop.png")
def crop(request: Request, field_id: int, _reviewer: Signed) -> Response:
    shown = queue.located(request.app.state.store, field_id)
    if not shown["page"] or not shown["bbox"]:
        raise queue.QueueError(f"{shown['path']} has no box on a page", 404)
    png = request.app.state.images.crop_png(shown["doc_id"], shown["page"], shown["bbox"])
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str, _reviewer: Signed) -> dict[str, Any]:
    return document_view(request.app.state.store, doc_id)


@router.get("/documents/{doc_id}/audit")
def audit(request: Request, doc_id: str, _reviewer: Signed) -> list[dict[str, Any]]:
    return audit_trail(request.app.state.store, doc_id)


@router.get("/spot-checks")
def spot_checks(request: Request, _reviewer: Signed) -> dict[str, Any]:
    """The observed error rate of auto fields, from the spot checks answered so far."""
    return error_rate(request.app.state.store.engine).as_json()
