"""The review web app: ``create_app(store_url)`` is a FastAPI application.

Pages (Jinja2, autoescaped) are at ``/login``, ``/queue``,
``/documents/{id}`` and ``/admin/users``; their data and every answer go
through the JSON API under ``/api/`` (``routes_api.py``).  Every route but
the login page needs a session; every state-changing request needs the
session's CSRF token (the ``X-CSRF-Token`` header, or a form's
``csrf_token``).  All text from OCR and PDFs is untrusted: templates escape
it, scripts set it as text, and the Content-Security-Policy allows no inline
script or style at all.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from pipeline.review.auth import Reviewer, reviewer_of, tokens_match
from pipeline.review.images import ImageUnavailable, PageImages
from pipeline.review.options import ReviewOptions, load_review_options
from pipeline.review.queue import QueueError
from pipeline.review.sampling import draw_spot_checks
from pipeline.store import Store

HERE = Path(__file__).parent
SESSION_COOKIE = "budgetdoc_session"
LOGIN_COOKIE = "budgetdoc_login"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class NotLoggedIn(Exception):
    pass


class CsrfRefused(Exception):
    pass


def create_app(store: Store | str, options: ReviewOptions | None = None) -> FastAPI:
    """The app over a store (an open Store or its URL)."""
    from pipeline.review import routes_api, routes_pages

    app = FastAPI(title="budgetdoc review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store if isinstance(store, Store) else Store(store)
    app.state.options = options or load_review_options()
    app.state.images = PageImages(app.state.store, app.state.options)
    with Session(app.state.store.writer) as session, session.begin():
        draw_spot_checks(session, app.state.options)  # the queue's counts include them from the start
    app.state.templates = Jinja2Templates(directory=HERE / "templates")  # autoescape is on for .html
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(routes_pages.router)
    app.include_router(routes_api.router, prefix="/api")
    _handle_errors(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def current_reviewer(request: Request) -> Reviewer:
    """The request's reviewer (a FastAPI dependency); NotLoggedIn without a live session."""
    reviewer = reviewer_of(request.app.state.store.engine, request.cookies.get(SESSION_COOKIE))
    if reviewer is None:
        raise NotLoggedIn
    return reviewer


def require_csrf(request: Request, reviewer: Reviewer, form_token: str | None = None) -> None:
    if not tokens_match(reviewer.csrf_token, request.headers.get("x-csrf-token") or form_token):
        raise CsrfRefused


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure when the app is served over TLS (directly, or behind a proxy uvicorn trusts)."""
    return request.url.scheme == "https"


def _handle_errors(app: FastAPI) -> None:
    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, _exc: NotLoggedIn) -> Response:
        if is_api(request):
            return JSONResponse({"error": "log in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(_request: Request, _exc: CsrfRefused) -> Response:
        return JSONResponse({"error": "missing or wrong CSRF token; reload the page"}, status_code=403)

    @app.exception_handler(QueueError)
    async def queue_error(_request: Request, exc: QueueError) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    @app.exception_handler(ImageUnavailable)
    async def image_unavailable(_request: Request, exc: ImageUnavailable) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=404)
