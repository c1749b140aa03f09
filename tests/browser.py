"""The review app served for real (uvicorn in a thread, on a free local port)
and Debian's chromium driven by Playwright through ``executable_path``: no
browser is downloaded (scripts/setup.sh --dev installs chromium)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    pytest.fail("Debian's chromium is not installed: scripts/setup.sh --dev installs it")


@contextmanager
def served(app) -> Iterator[str]:
    """``app`` listening on 127.0.0.1; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the review app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page, base: str, name: str, password: str) -> None:
    """Log in with the keyboard, as a person does: name, Tab, password, Enter."""
    page.goto(base + "/")
    page.wait_for_url("**/login")
    page.wait_for_function("() => document.activeElement?.name === 'username'")  # the form's autofocus
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if not page.url.endswith("/queue"):
        pytest.fail(f"{name} could not log in: {page.inner_text('main')}")
