"""The review app's pages: login, queue, document view, users (admins)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipeline.review import auth
from pipeline.review.app import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    current_reviewer,
    require_csrf,
    secure_cookies,
)
from pipeline.review.auth import LoginRefused, Reviewer, UserError
from pipeline.review.documents import audit_csv, audit_trail, checked_doc_id, document_view
from pipeline.review.queue import QueueError

router = APIRouter()
Signed = Annotated[Reviewer, Depends(current_reviewer)]


def _page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    if context.get("reviewer") is not None:
        context.setdefault("csrf_token", context["reviewer"].csrf_token)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/")
def home(request: Request) -> Response:
    signed_in = auth.reviewer_of(request.app.state.store.engine, request.cookies.get(SESSION_COOKIE))
    return RedirectResponse("/queue" if signed_in else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


def _login_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    # The form's CSRF token is a double submit: the same random value in a cookie and in the form.
    token = secrets.token_urlsafe(32)
    response = _page(request, "login.html", status, csrf_token=token, error=error)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request))
    return response


@router.post("/login")
def log_in(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if not auth.tokens_match(request.cookies.get(LOGIN_COOKIE) or "", csrf_token):
        return _login_page(request, "the form expired; log in again", 403)
    client = request.client.host if request.client else "unknown"
    try:
        token, _ = auth.log_in(request.app.state.store.writer, username, password, client, request.app.state.options)
    except LoginRefused as exc:
        response = _login_page(request, str(exc), 429 if exc.retry_after else 401)
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = RedirectResponse("/queue", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies(request),
        max_age=int(request.app.state.options.session_hours * 3600),
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def log_out(request: Request, reviewer: Signed, csrf_token: Annotated[str, Form()] = "") -> Response:
    require_csrf(request, reviewer, csrf_token)
    auth.log_out(request.app.state.store.writer, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/queue")
def queue_page(request: Request, reviewer: Signed) -> HTMLResponse:
    return _page(request, "queue.html", reviewer=reviewer, csrf_token=reviewer.csrf_token)


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str, reviewer: Signed) -> HTMLResponse:
    try:
        view = document_view(request.app.state.store, doc_id)
    except QueueError as exc:
        return _page(request, "missing.html", exc.status, reviewer=reviewer, message=str(exc))
    return _page(request, "document.html", reviewer=reviewer, csrf_token=reviewer.csrf_token, document=view)


@router.get("/documents/{doc_id}/pages/{number}.png")
def page_image(request: Request, doc_id: str, number: int, _reviewer: Signed) -> Response:
    png = request.app.state.images.page_png(checked_doc_id(doc_id), number)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}/audit.csv")
def audit_file(request: Request, doc_id: str, _reviewer: Signed) -> Response:
    text = audit_csv(audit_trail(request.app.state.store, doc_id))
    name = checked_doc_id(doc_id).removeprefix("sha256:")[:16]
    return Response(
        "\ufeff" + text,  # a BOM, so that Excel reads the Chinese as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{name}.csv"'},
    )


@router.get("/admin/users")
def users_page(request: Request, reviewer: Signed) -> HTMLResponse:
    return _users_page(request, reviewer)


def _users_page(request: Request, reviewer: Reviewer, message: str | None = None, status: int = 200) -> HTMLResponse:
    if not reviewer.is_admin:
        return _page(request, "missing.html", 403, reviewer=reviewer, message="only an admin manages users")
    people = auth.users(request.app.state.store.engine)
    return _page(request, "users.html", status, reviewer=reviewer, csrf_token=reviewer.csrf_token, users=people,
                 message=message, roles=auth.ROLES)  # fmt: skip


@router.post("/admin/users")
def add_user(
    request: Request,
    reviewer: Signed,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "reviewer",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, reviewer, csrf_token)
    if not reviewer.is_admin:
        return _page(request, "missing.html", 403, reviewer=reviewer, message="only an admin manages users")
    try:
        auth.add_user(request.app.state.store.writer, username, role, password)
    except UserError as exc:
        return _users_page(request, reviewer, str(exc), 422)
    return _users_page(request, reviewer, f"added {username.strip()} ({role})")


@router.post("/admin/users/{user_id}/active")
def set_active(
    request: Request,
    user_id: int,
    reviewer: Signed,
    active: Annotated[bool, Form()] = False,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """An admin lets a user in, or keeps them out (their sessions end at once)."""
    require_csrf(request, reviewer, csrf_token)
    if not reviewer.is_admin:
        return _page(request, "missing.html", 403, reviewer=reviewer, message="only an admin manages users")
    if user_id == reviewer.user_id and not active:
        return _users_page(request, reviewer, "an admin does not lock themselves out", 422)
    try:
        auth.set_active(request.app.state.store.writer, user_id, active)
    except UserError as exc:
        return _users_page(request, reviewer, str(exc), 404)
    return _users_page(request, reviewer, f"user {user_id} {'enabled' if active else 'disabled'}")
