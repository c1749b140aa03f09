"""The review app in a real browser (Debian's chromium, driven by
Playwright): a reviewer logs in and works the queue with the keyboard only,
a failed check clears, a second browser is refused an item the first one
holds, the document view jumps to a value's box, and the export has the
corrected value.  The screenshots in docs/ are taken here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.review import create_app
from tests.browser import chromium, served, sign_in
from tests.review import MISREAD, PASSWORD, RIGHT, SCRIPT_NAME, misread_report, review_store

DOCS = Path(__file__).resolve().parents[1] / "docs"
VIEWPORT = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def store(pipeline, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'archive.db'}"
    with review_store(url, misread_report(pipeline)) as opened:
        yield opened


@pytest.fixture(scope="module")
def app_url(store) -> str:
    with served(create_app(store)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as opened:
        yield opened


def _page(browser, base: str, name: str = "li"):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    sign_in(page, base, name, PASSWORD)
    return page


def _showing(page, path: str) -> None:
    page.wait_for_function("path => document.getElementById('path').textContent === path", arg=path)


def test_a_reviewer_clears_a_failed_check_with_the_keyboard_only(browser, app_url: str, store, tmp_path: Path) -> None:
    page = _page(browser, app_url)
    _showing(page, "figures.procurement_total")
    assert f"5.39 != {MISREAD} + 1.99 + 1.62" in page.inner_text("#reasons")
    page.wait_for_function(
        "() => document.getElementById('crop').complete && document.getElementById('crop').naturalWidth > 0"
    )
    page.wait_for_function("() => document.getElementById('counts').textContent.includes('4 in failed checks')")
    page.screenshot(path=str(DOCS / "review-queue.png"))

    page.keyboard.press("Enter")  # the total is right: one key
    _showing(page, "figures.procurement_goods")
    assert "confirmed" in page.inner_text("#message")
    page.keyboard.type(RIGHT)  # the misread one: the value, then Enter
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('message').textContent.includes('left the queue')")
    assert "figures.procurement_goods corrected · 2 linked field(s) left the queue" in page.inner_text("#message")
    page.wait_for_function("() => document.getElementById('counts').textContent.includes(' 0 in failed checks')")

    _showing(page, "performance[1].name")  # a script in a 项目名称 is shown as text, never run
    assert page.inner_text("#value") == SCRIPT_NAME
    assert page.title() != "owned" and page.evaluate("() => document.body.dataset.owned") is None
    assert page.locator("#item img").count() == 1  # the crop only: the value made no element
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.keyboard.press("?")
    page.keyboard.press("s")  # skipped: the next item comes
    page.wait_for_function("() => document.getElementById('path').textContent !== 'performance[1].name'")

    out = tmp_path / "export"  # the export reads what the browser wrote
    assert main(["export", "--db", store.url, "--format", "json", "--out", str(out), "--include-unreviewed"]) == 0
    [written] = out.glob("*.json")
    figures = {f["key"]: f for f in json.loads(written.read_text(encoding="utf-8"))["figures"]}
    assert (figures["procurement_goods"]["value"], figures["procurement_goods"]["status"]) == (RIGHT, "corrected")
    assert figures["procurement_total"]["status"] == "confirmed"
    page.context.close()


def test_a_second_browser_is_refused_the_item_the_first_holds(browser, app_url: str) -> None:
    li = _page(browser, app_url)
    wang = _page(browser, app_url, "wang")
    li.wait_for_function("() => document.getElementById('path').textContent !== ''")
    wang.wait_for_function("() => document.getElementById('path').textContent !== ''")
    held = li.evaluate("() => current.id")
    assert wang.evaluate("() => current.id") != held
    refused = wang.evaluate(f"() => api('POST', '/api/fields/{held}/lease').then(() => 'given', e => e.message)")
    assert "another reviewer (li)" in refused
    wang.evaluate(f"() => open({held})")  # as if wang moved to it with the arrows
    wang.wait_for_function("() => document.getElementById('message').textContent.includes('another reviewer')")
    li.context.close()
    wang.context.close()


def test_the_document_view_jumps_to_a_values_box(browser, app_url: str) -> None:
    page = _page(browser, app_url)
    page.click("#document-link")
    page.wait_for_selector("a.box")
    button = page.locator("button.field", has_text="figures.procurement_goods").first
    field_id = button.get_attribute("data-field-id")
    button.click()
    box = page.locator(f"#box-{field_id}")
    assert "selected" in box.get_attribute("class")
    assert box.is_visible() and box.bounding_box()["width"] > 10
    assert int(page.get_attribute("#progress", "value")) > 0
    page.screenshot(path=str(DOCS / "review-document.png"))
    page.context.close()
