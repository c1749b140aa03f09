"""A store for the review app's tests: the demo report with a misread amount
(a failed check that names four fields) and a 项目名称 that carries a script,
a reviewer and an admin, and a logged-in client."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import checks
from pipeline.confidence import ConfidenceOptions, failed_paths, settle
from pipeline.model import Document
from pipeline.review import auth
from pipeline.store import Store

REPORT = Path(__file__).resolve().parents[1] / "scans" / "synthetic-0003-born-digital.pdf"
PASSWORD = "correct horse battery"
# Both ways a value could run as a page's code: a script element, and an image's error handler.
SCRIPT_NAME = (
    "<script>document.title='owned'</script>"
    '<img src=x onerror="document.body.dataset.owned=1">基本公共卫生服务项目'
)
MISREAD, RIGHT = "7.18", "1.78"  # figures.procurement_goods, as misread and as printed
PROCUREMENT = [f"figures.procurement_{key}" for key in ("total", "goods", "works", "services")]


def misread_report(pipeline) -> Document:
    document = pipeline.run(REPORT)
    goods = next(figure for figure in document.figures if figure.key == "procurement_goods")
    assert goods.value == RIGHT
    goods.value = MISREAD
    before = failed_paths(document.checks)
    document.checks = checks.run(document)
    settle(document, before, ConfidenceOptions())
    name = document.performance[1].name
    name.value, name.status, name.confidence = SCRIPT_NAME, "review", 0.41
    return document


def review_store(url: str, document: Document) -> Store:
    store = Store(url)
    store.add(document.model_copy(deep=True), paths=[str(REPORT)])
    auth.add_user(store.writer, "li", "reviewer", PASSWORD)
    auth.add_user(store.writer, "wang", "reviewer", PASSWORD)
    auth.add_user(store.writer, "admin", "admin", PASSWORD)
    return store


def log_in(client, name: str = "li", password: str = PASSWORD):
    """Log ``client`` in through the form, as a browser does; the response."""
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token},
                       follow_redirects=False)  # fmt: skip


def csrf_of(client) -> str:
    page = client.get("/queue")
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
