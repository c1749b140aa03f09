"""The review app's API against the real store (SQLite, then PostgreSQL):
the queue's order, answers and what they do to the checks, leases,
optimistic locking, audit, spot checks, and the security of every route."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.model import Document, iter_fields
from pipeline.review import auth, create_app
from pipeline.review.options import ReviewOptions
from pipeline.review.sampling import wilson_interval
from pipeline.store import Store
from tests.review import (
    MISREAD,
    PASSWORD,
    PROCUREMENT,
    RIGHT,
    SCRIPT_NAME,
    csrf_of,
    log_in,
    misread_report,
    review_store,
)


@pytest.fixture(scope="module")
def report(pipeline) -> Document:
    return misread_report(pipeline)


@pytest.fixture
def store(store_url: str, report: Document):
    with review_store(store_url, report) as opened:
        yield opened


def _client(store, **options) -> TestClient:
    return TestClient(create_app(store, ReviewOptions(**options)))


def _signed_in(store, name: str = "li", **options) -> tuple[TestClient, dict[str, str]]:
    client = _client(store, **options)
    assert log_in(client, name).status_code == 303
    return client, {"X-CSRF-Token": csrf_of(client)}


def _items(client: TestClient) -> list[dict]:
    return client.get("/api/queue").json()["items"]


def _answer(client: TestClient, headers: dict, item: dict, action: str, value: str | None = None, why=None):
    body = {"action": action, "value": value, "version": item["version"], "why": why}
    return client.post(f"/api/fields/{item['id']}", json=body, headers=headers)


def _by_path(client: TestClient, path: str) -> dict:
    return next(item for item in _items(client) if item["path"] == path)


def test_the_login_form_and_the_redirects(store) -> None:
    client = _client(store)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    form = client.get("/login").text
    for name in ('name="username"', 'name="password"', 'type="hidden" name="csrf_token"'):
        assert name in form
    response = log_in(client)
    cookie = response.headers["set-cookie"]
    assert "budgetdoc_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie.split("budgetdoc_login")[0]  # plain http: a Secure cookie would never come back
    assert client.get("/", follow_redirects=False).headers["location"] == "/queue"
    assert log_in(client, password="wrong password").status_code == 401


def test_over_tls_the_session_cookie_is_secure(store) -> None:
    client = TestClient(create_app(store), base_url="https://testserver")
    assert "Secure" in log_in(client).headers["set-cookie"].split("budgetdoc_login")[0]


def test_every_api_needs_a_session(store) -> None:
    client = _client(store)
    doc_id = next(iter(store.finished()))
    for url in ("/api/queue", "/api/me", "/api/fields/1", "/api/fields/1/crop.png", f"/api/documents/{doc_id}",
                f"/api/documents/{doc_id}/audit", "/api/spot-checks"):  # fmt: skip
        assert client.get(url).status_code == 401, url
    for url in (
        "/api/queue/next",
        "/api/fields/1",
        "/api/fields/1/lease",
        "/api/fields/1/skip",
        "/api/fields/1/reopen",
    ):
        assert client.post(url, json={"action": "confirm"}).status_code == 401, url
    for url in ("/queue", f"/documents/{doc_id}", f"/documents/{doc_id}/pages/1.png", "/admin/users"):
        assert client.get(url, follow_redirects=False).headers["location"] == "/login", url


def test_a_state_change_without_the_csrf_token_is_refused(store) -> None:
    client, headers = _signed_in(store)
    item = _items(client)[0]
    assert client.post("/api/queue/next").status_code == 403
    assert client.post("/api/queue/next", headers={"X-CSRF-Token": "forged"}).status_code == 403
    refused = client.post(f"/api/fields/{item['id']}", json={"action": "confirm", "version": item["version"]})
    assert refused.status_code == 403
    assert _by_path(client, item["path"])["status"] == "review"  # nothing changed
    assert client.post("/logout", follow_redirects=False).status_code == 403
    other = _client(store)
    login = other.post("/login", data={"username": "li", "password": PASSWORD}, follow_redirects=False)
    assert login.status_code == 403  # the login form's own token is missing
    assert client.post("/api/queue/next", headers=headers).status_code == 200


def test_brute_force_logins_are_stopped(store) -> None:
    client = _client(store, login_attempts=3)
    for _ in range(3):
        assert log_in(client, password="guess " * 3).status_code == 401
    refused = log_in(client)  # the right password, too late
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many failed logins" in refused.text
    assert log_in(client, "wang").status_code == 303  # another name from the same address
    for attempt in range(3 * 3):  # a sweep across names is stopped by the address's own count
        log_in(client, f"name{attempt}", "guess guess")
    assert log_in(client, "admin").status_code == 429


def test_the_queue_is_ordered_by_risk(store) -> None:
    client, _ = _signed_in(store)
    items = _items(client)
    failing = [item["path"] for item in items if item["in_failed_check"]]
    assert set(failing) == set(PROCUREMENT)
    assert [item["in_failed_check"] for item in items] == sorted((i["in_failed_check"] for i in items), reverse=True)
    rest = [item["confidence"] for item in items if not item["in_failed_check"] and not item["spot_check"]]
    assert rest == sorted(rest) and rest
    counts = client.get("/api/queue").json()["counts"]
    assert counts["failed_check"] == 4 and counts["queued"] == len(items)


def test_an_item_says_why_it_waits_and_shows_its_record(store) -> None:
    client, headers = _signed_in(store)
    item = client.post("/api/queue/next", headers=headers).json()["item"]
    assert item["in_failed_check"]
    [check] = [reason for reason in item["reasons"] if reason["kind"] == "check"]
    assert f"{MISREAD} + 1.99 + 1.62" in check["message"] and "!=" in check["message"]
    assert item["source"] and item["document"]["file"].endswith(".pdf")
    assert {"figures.procurement_goods", "figures.procurement_works"} <= {n["path"] for n in item["neighbours"]}
    name = _by_path(client, "performance[1].name")
    shown = client.get(f"/api/fields/{name['id']}").json()
    assert any(reason["kind"] == "confidence" for reason in shown["reasons"])
    assert all(n["path"].startswith("performance[1].") for n in shown["neighbours"])


def test_one_request_confirms_and_the_item_leaves_the_queue(store) -> None:
    client, headers = _signed_in(store)
    name = _by_path(client, "performance[0].indicators[1].target")
    answer = _answer(client, headers, name, "confirm")
    assert answer.status_code == 200 and answer.json()["field"]["status"] == "confirmed"
    assert name["id"] not in {item["id"] for item in _items(client)}


def test_a_correction_runs_the_checks_again_and_the_linked_fields_leave(store, tmp_path: Path) -> None:
    client, headers = _signed_in(store)
    goods = _by_path(client, "figures.procurement_goods")
    bad = _answer(client, headers, goods, "correct", "一点七八")
    assert bad.status_code == 422 and "is not a number" in bad.json()["error"]
    answer = _answer(client, headers, goods, "correct", " 1.78 ", why="misread")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["field"]["status"] == "corrected" and body["field"]["value"] == RIGHT
    assert sorted(body["left_queue"]) == sorted(set(PROCUREMENT) - {"figures.procurement_goods"})
    assert not {item["path"] for item in _items(client)} & set(PROCUREMENT)
    document = store.document(goods["doc_id"])
    [check] = [c for c in document.checks if c.rule.startswith("procurement_total =")]
    assert check.passed
    fields = dict(iter_fields(document))
    assert (fields["figures.procurement_goods"].value, fields["figures.procurement_goods"].status) == (
        RIGHT,
        "corrected",
    )
    assert fields["figures.procurement_total"].status == "auto"
    [(_, machine, _)] = list(store.entries(include_unreviewed=True))
    assert machine["figures.procurement_goods"] == MISREAD  # the machine's value is kept beside the person's


def test_a_stale_version_is_refused_with_a_clear_message(store) -> None:
    li, li_headers = _signed_in(store)
    wang, wang_headers = _signed_in(store, "wang")
    item = _by_path(li, "performance[1].indicators[1].target")
    first = _answer(wang, wang_headers, item, "correct", "=14 次")
    assert first.status_code == 200
    stale = _answer(li, li_headers, item, "confirm")
    assert stale.status_code == 409
    message = stale.json()["error"]
    assert "changed by wang" in message and "reload" in message
    assert li.get(f"/api/fields/{item['id']}").json()["value"] == "=14 次"


def test_two_reviewers_never_hold_the_same_item_and_leases_run_out(store) -> None:
    li, li_headers = _signed_in(store, lease_seconds=1)
    wang, wang_headers = _signed_in(store, "wang", lease_seconds=1)
    held = li.post("/api/queue/next", headers=li_headers).json()["item"]
    other = wang.post("/api/queue/next", headers=wang_headers).json()["item"]
    assert other["id"] != held["id"]
    refused = wang.post(f"/api/fields/{held['id']}/lease", headers=wang_headers)
    assert refused.status_code == 423 and "another reviewer (li)" in refused.json()["error"]
    answer = _answer(wang, wang_headers, held, "confirm")
    assert answer.status_code == 423
    assert li.post("/api/queue/next", headers=li_headers).json()["item"]["id"] == held["id"]  # a reload keeps it
    time.sleep(1.2)
    assert wang.post(f"/api/fields/{held['id']}/lease", headers=wang_headers).status_code == 200


def test_a_skipped_item_is_not_given_again(store) -> None:
    client, headers = _signed_in(store)
    first = client.post("/api/queue/next", headers=headers).json()["item"]
    assert client.post(f"/api/fields/{first['id']}/skip", headers=headers).status_code == 200
    second = client.post("/api/queue/next", headers=headers).json()["item"]
    assert second["id"] != first["id"]


def test_admins_reopen_items_and_manage_users(store) -> None:
    li, li_headers = _signed_in(store)
    item = _by_path(li, "figures.procurement_total")
    _answer(li, li_headers, item, "confirm")
    assert li.post(f"/api/fields/{item['id']}/reopen", json={}, headers=li_headers).status_code == 403
    assert li.get("/admin/users").status_code == 403
    admin, admin_headers = _signed_in(store, "admin")
    reopened = admin.post(f"/api/fields/{item['id']}/reopen", json={"why": "check again"}, headers=admin_headers)
    assert reopened.status_code == 200 and reopened.json()["status"] == "review"
    assert admin.get("/admin/users").status_code == 200
    added = admin.post("/admin/users", data={"username": "zhao", "role": "reviewer", "password": "long enough 1",
                                             "csrf_token": admin_headers["X-CSRF-Token"]})  # fmt: skip
    assert added.status_code == 200 and "added zhao" in added.text
    zhao = _client(store)
    assert log_in(zhao, "zhao", "long enough 1").status_code == 303
    zhao_id = auth.user_id(store.engine, "zhao")
    form = {"active": "false", "csrf_token": admin_headers["X-CSRF-Token"]}
    assert admin.post(f"/admin/users/{zhao_id}/active", data=form).status_code == 200
    assert zhao.get("/api/me").status_code == 401  # the session ended with the user
    assert log_in(_client(store), "zhao", "long enough 1").status_code == 401


def test_the_audit_trail_keeps_who_when_old_new_and_why(store) -> None:
    client, headers = _signed_in(store)
    goods = _by_path(client, "figures.procurement_goods")
    _answer(client, headers, goods, "correct", RIGHT, why="misread 1 as 7")
    [entry] = client.get(f"/api/documents/{goods['doc_id']}/audit").json()
    assert (entry["who"], entry["path"], entry["old_value"], entry["new_value"]) == (
        "li", "figures.procurement_goods", MISREAD, RIGHT,
    )  # fmt: skip
    assert entry["why"] == "misread 1 as 7" and entry["origin"] == "review" and entry["at"].endswith("Z")
    csv = client.get(f"/documents/{goods['doc_id']}/audit.csv")
    assert csv.headers["content-type"].startswith("text/csv") and "misread 1 as 7" in csv.text


def test_spot_checks_measure_the_error_rate_of_auto_fields(store) -> None:
    client, headers = _signed_in(store, spot_check_share=0.02)
    client.post("/api/queue/next", headers=headers)  # the queue draws its spot checks
    spots = [item for item in client.get("/api/queue?limit=500").json()["items"] if item["spot_check"]]
    assert 3 <= len(spots) <= 40  # about 2% of the report's ~760 auto fields
    right, wrong = spots[0], spots[1]
    _answer(client, headers, right, "confirm")
    changed = "0" if wrong["value"] not in (0, "0", "0.00") else "1"
    _answer(client, headers, wrong, "correct", changed)
    rate = client.get("/api/spot-checks").json()
    assert (rate["checked"], rate["wrong"], rate["rate"]) == (2, 1, 0.5)
    assert rate["low"] < 0.5 < rate["high"] and rate["waiting"] == len(spots) - 2


def test_the_wilson_interval() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_interval(5, 100)
    assert (low, high) == (pytest.approx(0.0215, abs=1e-4), pytest.approx(0.1118, abs=1e-4))
    assert wilson_interval(0, 0) == (None, None)


def test_untrusted_text_is_escaped_and_scripts_are_not_allowed_inline(store) -> None:
    client, _ = _signed_in(store)
    doc_id = next(iter(store.finished()))
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert SCRIPT_NAME not in page.text and "&lt;script&gt;document.title" in page.text
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    item = _by_path(client, "performance[1].name")
    assert client.get(f"/api/fields/{item['id']}").json()["value"] == SCRIPT_NAME  # JSON carries it as data
    for template in (Path(__file__).parents[1] / "pipeline" / "review" / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and "style=" not in text and "|safe" not in text, template.name


def test_no_path_from_a_request_reaches_the_file_system(store, tmp_path: Path) -> None:
    client, _ = _signed_in(store)
    doc_id = next(iter(store.finished()))
    assert client.get(f"/documents/{doc_id}/pages/1.png").headers["content-type"] == "image/png"
    for url in (
        "/documents/..%2F..%2F..%2Fetc%2Fpasswd/pages/1.png",
        "/documents/sha256:..%2F..%2Fetc%2Fpasswd/pages/1.png",
        f"/documents/{doc_id}/pages/0.png",
        f"/documents/{doc_id}/pages/9999.png",
        f"/documents/{doc_id}/pages/..%2F..%2Fetc%2Fpasswd.png",
        "/static/..%2F..%2Fstore%2Fstore.py",
        "/static/%2e%2e/app.py",
        "/static/%2e%2e%2fapp.py",
        "/api/fields/99999/crop.png",
    ):
        response = client.get(url)
        assert response.status_code in (404, 422), url
        assert b"root:" not in response.content and b"import" not in response.content, url


def test_a_pdf_that_changed_since_it_was_read_is_not_shown(store, tmp_path: Path, report: Document) -> None:
    copy = tmp_path / "moved.pdf"
    copy.write_bytes(b"%PDF-1.4 not the bytes that were read")
    other = report.model_copy(deep=True)
    other.document.doc_id = "sha256:" + "e" * 64
    store.add(other, paths=[str(copy)])
    client, _ = _signed_in(store)
    response = client.get(f"/documents/{other.document.doc_id}/pages/1.png")
    assert response.status_code == 404 and "no longer at" in response.json()["error"]


def test_export_uses_the_persons_values(store, tmp_path: Path) -> None:
    from pipeline.cli import main

    client, headers = _signed_in(store)
    goods = _by_path(client, "figures.procurement_goods")
    _answer(client, headers, goods, "correct", RIGHT)
    assert main(["export", "--db", store.url, "--format", "json", "--out", str(tmp_path), "--include-unreviewed"]) == 0
    [written] = tmp_path.glob("*.json")
    figures = {figure["key"]: figure for figure in json.loads(written.read_text(encoding="utf-8"))["figures"]}
    assert (figures["procurement_goods"]["value"], figures["procurement_goods"]["status"]) == (RIGHT, "corrected")


def test_an_answered_field_is_changed_only_by_an_admin_and_every_answer_names_its_version(store) -> None:
    li, li_headers = _signed_in(store)
    item = _by_path(li, "figures.procurement_total")
    assert li.post(f"/api/fields/{item['id']}", json={"action": "confirm"}, headers=li_headers).status_code == 422
    assert _answer(li, li_headers, item, "confirm").status_code == 200
    answered = li.get(f"/api/fields/{item['id']}").json()
    again = _answer(li, li_headers, answered, "correct", "5.40")
    assert again.status_code == 409 and "only an admin" in again.json()["error"]
    admin, admin_headers = _signed_in(store, "admin")
    assert _answer(admin, admin_headers, answered, "correct", "5.40").status_code == 200


def test_answers_at_the_same_moment_are_all_taken(store) -> None:
    """Two reviewers answering fields of one document at once (SQLite: each
    write waits for the other's lock; PostgreSQL: row locks)."""
    from concurrent.futures import ThreadPoolExecutor

    li, li_headers = _signed_in(store)
    wang, wang_headers = _signed_in(store, "wang")
    items = [_by_path(li, path) for path in PROCUREMENT]
    pairs = [(li, li_headers, items[0]), (wang, wang_headers, items[1]),
             (li, li_headers, items[2]), (wang, wang_headers, items[3])]  # fmt: skip
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda pair: _answer(*pair, "confirm"), pairs))
    assert [answer.status_code for answer in answers] == [200] * 4, [answer.text for answer in answers]
    statuses = {path: field.status for path, field in iter_fields(store.document(items[0]["doc_id"]))}
    assert all(statuses[path] == "confirmed" for path in PROCUREMENT)


def test_parallel_guesses_get_no_more_tries_than_the_limit(store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    client = _client(store, login_attempts=3)
    forms = [client.get("/login") for _ in range(10)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1) for form in forms]

    def guess(token: str) -> int:
        guesser = _client(store, login_attempts=3)
        guesser.cookies.set("budgetdoc_login", token)
        data = {"username": "admin", "password": "not the password", "csrf_token": token}
        return guesser.post("/login", data=data, follow_redirects=False).status_code

    with ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(guess, tokens))
    assert codes.count(401) <= 3 and codes.count(429) >= 7, codes


def test_a_store_from_before_the_review_app_puts_failed_checks_first(store_url: str, report: Document) -> None:
    from alembic import command
    from alembic.config import Config

    from pipeline.store.store import MIGRATIONS

    with review_store(store_url, report) as old:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with old.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
    with Store(store_url) as upgraded:  # opening a store migrates it to the newest revision
        auth.add_user(upgraded.writer, "li", "reviewer", PASSWORD)
        client, _ = _signed_in(upgraded)
        assert {item["path"] for item in _items(client) if item["in_failed_check"]} == set(PROCUREMENT)


def test_a_crop_is_made_of_any_stored_box(store) -> None:
    """Boxes off the page, with their corners swapped, empty or NaN still give an image, not an error."""
    from pipeline.review.images import PageImages

    images = PageImages(store, ReviewOptions())
    doc_id = next(iter(store.finished()))
    for box in ([-50, 5000, 99999, 6000], [300, 100, 10, 50], [float("nan"), 1, 2, 3], [0, 0, 0, 0]):
        assert images.crop_png(doc_id, 1, box).startswith(b"\x89PNG"), box
