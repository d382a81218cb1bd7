"""Fixtures of the console tests: a real `mlsql serve` on 127.0.0.1 and a headless Chromium.

The server has an access token and uses the test run's Kafka broker. The browser is Debian's
`chromium` driven by Playwright (`executable_path`, never Playwright's own download). Every
screenshot goes to `tests/console/artifacts/` (git-ignored) so a person can look at the pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import SPARK_ARGS, server_env

TOKEN = "console-token-7d2e"  # the legacy access token: owner "admin", an admin
TOKENS = {"ann": "ann-token-41c9", "bob": "bob-token-a07e"}  # one token per owner
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("MLSQL_TEST_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def console_server(
    tmp_path_factory: pytest.TempPathFactory, kafka_broker: str
) -> Iterator[ServerProcess]:
    """A server with a token, on the test run's Kafka broker."""
    work: Path = tmp_path_factory.mktemp("console-work")
    env = server_env(access_token=TOKEN, max_concurrent_jobs="3")
    digests = {owner: hashlib.sha256(t.encode()).hexdigest() for owner, t in TOKENS.items()}
    env["MLSQL_SERVER__TOKENS"] = json.dumps(digests)
    env["MLSQL_KAFKA__BOOTSTRAP_SERVERS"] = kafka_broker
    with ServerProcess(work, env=env, args=SPARK_ARGS) as proc:
        yield proc


def client(server: ServerProcess, token: str = TOKEN) -> httpx.Client:
    """A client of the server sending `token` (default: the admin's)."""
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=180.0)


@pytest.fixture
def api(console_server: ServerProcess) -> Iterator[httpx.Client]:
    """A client with the admin's token (it may act for any owner with `owner=`)."""
    with client(console_server) as c:
        yield c


@pytest.fixture
def ann(console_server: ServerProcess) -> Iterator[httpx.Client]:
    """A client with ann's own token."""
    with client(console_server, TOKENS["ann"]) as c:
        yield c


@pytest.fixture
def bob(console_server: ServerProcess) -> Iterator[httpx.Client]:
    """A client with bob's own token."""
    with client(console_server, TOKENS["bob"]) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright, for one module: Playwright's sync API keeps an
    asyncio loop running on the main thread while it is open, which would break later tests that
    call `asyncio.run` (the serving tests)."""
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, console_server: ServerProcess) -> Iterator[Any]:
    """A fresh browser page (1400×900) on the console's origin; console errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"the page raised: {errors}"


def shot(page: Any, name: str) -> Path:
    """Save a screenshot of the page under tests/console/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, server: ServerProcess, owner: str) -> None:
    """Open the console and sign in with `owner`'s own token."""
    page.goto(f"{server.url}/console")
    page.fill("#token", TOKENS[owner])
    page.click("form.signin button[type=submit]")
    page.wait_for_selector("header nav")
