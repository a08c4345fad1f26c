"""Homework on a real JupyterHub (issue 7), in a real Chromium.

JupyterHub with a shared-password authenticator and SimpleLocalProcessSpawner, configurable-http-
proxy from node_modules, all on 127.0.0.1 under one temporary folder (tests/e2e/hub_harness.py).
Two students sign in through the hub's login page, each in their own browser context; in each
one's own single-user JupyterLab a homework notebook copied into their home is run, and the
values are read back from the page and from Python.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

import nbformat
import pytest
from hub_harness import Hub, UserServer, find_proxy, login, wait_server_ready
from jupyter_harness import CHROMIUM_ARGS, open_notebook, py_value, read_diagram, run_all

pytestmark = pytest.mark.browser

STUDENTS = ("ada", "bob")
WARMUP = "warmup.ipynb"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the hub test cannot run: {reason}", pytrace=False)
    message = f"HUB TEST SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="module")
def proxy() -> str:
    path = find_proxy()
    if path is None:
        _unavailable(
            "configurable-http-proxy not found in node_modules/.bin (npm install), $CONFIGURABLE_HTTP_PROXY or PATH"
        )
    return path


def warmup_notebook() -> nbformat.NotebookNode:
    """The widget plus who and where the kernel is (the student's name comes from the hub)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Warm-up\nTom Yeh's RNN by hand."),
        nbformat.v4.new_code_cell(
            'import os\nfrom rnn_widget import RNNWidget\n\nw = RNNWidget.from_preset("tom_yeh")\nw'
        ),
        nbformat.v4.new_code_cell('student = os.environ["JUPYTERHUB_USER"]\nprint(student, os.getcwd())'),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def hub(chromium, proxy, tmp_path_factory, artifacts):
    root = tmp_path_factory.mktemp("hub")
    t0 = time.monotonic()
    hub = Hub(root, list(STUDENTS), proxy=proxy, log_path=artifacts / "hub-server.log")
    try:
        hub.wait_ready()
        for user in STUDENTS:
            nbformat.write(warmup_notebook(), hub.home(user) / WARMUP)
        hub.started_in = time.monotonic() - t0
        yield hub
    finally:
        left = hub.stop()
        # every process the hub started is gone (left: what had to be killed after the hub's own cleanup)
        assert not [p for p in hub._seen if Path(f"/proc/{p}").exists() and _not_zombie(p)], left


def _not_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def pw_browser(chromium, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Student:
    """One student's own browser context (cookies are per hub, so one context per student)."""

    def __init__(self, browser, hub: Hub, user: str, artifacts: Path):
        self.user, self.hub = user, hub
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"[{m.type}] {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"[pageerror] {e}"))
        self.artifacts = artifacts

    def shot(self, name: str, target=None) -> Path:
        path = self.artifacts / f"hub-{self.user}-{name}.png"
        (target or self.page).screenshot(path=str(path))
        return path

    def close(self):
        (self.artifacts / f"hub-{self.user}-console.log").write_text("\n".join(self.console) + "\n")
        self.context.close()


@pytest.fixture(scope="module")
def students(pw_browser, hub, artifacts):
    out = {}
    try:
        for user in STUDENTS:
            s = Student(pw_browser, hub, user, artifacts)
            out[user] = s
            t0 = time.monotonic()
            login(s.page, hub, user, shot=s.shot)
            s.shot("lab")
            wait_server_ready(hub, user)
            s.login_s = time.monotonic() - t0
        yield out
    finally:
        for s in out.values():
            s.close()


def test_two_students_sign_in_and_run_a_notebook_in_their_own_server(hub, students):
    for user, s in students.items():
        server = hub.user_model(user)["servers"][""]
        assert server["ready"] and server["url"] == f"/user/{user}/"
        open_notebook(s.page, UserServer(hub, user), WARMUP)
        run_all(s.page, count=1, timeout=90)
        root = s.page.locator(".rnnw").first
        page_values = read_diagram(root)
        # Tom Yeh's h1..h4 and y1..y4, in the page and from Python
        assert [page_values[f"h:0:{t}"] for t in range(4)] == [[3, 6], [1, 17], [0, 28], [0, 40]]
        assert [page_values[f"y:{t}"] for t in range(4)] == [[3], [16], [28], [40]]
        assert py_value(s.page, "w.hidden_states().tolist()") == [[3, 6], [1, 17], [0, 28], [0, 40]]
        # the kernel is the student's own: the hub's user name, their home as the working dir
        assert py_value(s.page, "(student, os.getcwd())") == (user, str(hub.home(user)))
        s.shot("warmup")
        s.shot("warmup-widget", root)
    # each saved notebook stays in its owner's home
    for user in STUDENTS:
        assert json.loads((hub.home(user) / WARMUP).read_text())["cells"]
