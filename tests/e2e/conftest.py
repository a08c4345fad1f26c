"""Fixtures for the real-browser tests: JupyterLab, Notebook 7 and Voila servers on 127.0.0.1 and
Debian's chromium driven by Playwright (see /work/shared/BROWSER_TESTING.md).

Without chromium the tests skip locally with a loud reason, and fail when the CI variable is set.
Screenshots land in test-artifacts/e2e/ on every run.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest
from jupyter_harness import REPO, Server, find_chromium, launch_browser, open_notebook, run_all

ARTIFACTS = REPO / "test-artifacts" / "e2e"
NOTEBOOK = "01_rnn_by_hand.ipynb"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the browser tests cannot run: {reason}", pytrace=False)
    message = f"BROWSER TESTS SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        _unavailable("no chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("playwright (Python) is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def e2e_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


def _copy_notebooks(dest: Path) -> Path:
    """A fresh copy of notebooks/ (autosave writes outputs into the notebook under test)."""
    shutil.copytree(REPO / "notebooks", dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


@pytest.fixture(scope="session")
def browser(chromium, e2e_tmp):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = launch_browser(p, e2e_tmp / "chromium-profile", chromium)
        context.set_default_timeout(30_000)
        yield context
        context.close()


def _server(kind, e2e_tmp, artifacts, **kw):
    root = _copy_notebooks(e2e_tmp / f"{kind}-notebooks")
    server = Server(kind, root, e2e_tmp / f"{kind}-state", log_path=artifacts / f"{kind}-server.log", **kw)
    try:
        server.wait_ready(path="/api/status")
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def lab_server(chromium, e2e_tmp, artifacts):
    server = _server("lab", e2e_tmp, artifacts)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notebook7_server(chromium, e2e_tmp, artifacts):
    server = _server("notebook", e2e_tmp, artifacts)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def voila_server(chromium, e2e_tmp, artifacts):
    server = _server("voila", e2e_tmp, artifacts, notebook=NOTEBOOK)
    yield server
    server.stop()


class ConsoleLog:
    """Collects the page's console messages and errors into test-artifacts/e2e/<name>-console.log."""

    def __init__(self, page, path: Path):
        self.path, self.lines = path, []
        page.on("console", lambda m: self.lines.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: self.lines.append(f"[pageerror] {e}"))

    def save(self):
        self.path.write_text("\n".join(self.lines) + "\n")


@pytest.fixture(scope="module")
def lab_notebook(browser, lab_server, artifacts):
    """The tutorial open in JupyterLab, kernel connected, all cells run, widget on the page."""
    page = browser.new_page()
    log = ConsoleLog(page, artifacts / "lab-console.log")
    open_notebook(page, lab_server, NOTEBOOK)
    run_all(page)
    yield page
    log.save()
    page.close()


@pytest.fixture
def shot(artifacts):
    """shot(name, page_or_locator): save a PNG under test-artifacts/e2e/ and return its path."""

    def take(name: str, target) -> Path:
        path = artifacts / f"{name}.png"
        target.screenshot(path=str(path))
        return path

    return take
