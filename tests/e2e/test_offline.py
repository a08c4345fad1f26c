"""Without a kernel and without a network (issue 8), in a real Chromium:

- a notebook executed with its widget state saved (nbclient, as Lab saves it with "save widget
  state" on) and reopened in a fresh JupyterLab / Notebook 7 server without running anything shows
  the widget's last state, says it is read-only, and still steps through; the same notebook
  untrusted (never opened and saved by Jupyter: Lab will not draw a widget view there) shows the
  static picture instead of the object's repr;
- `jupyter nbconvert --to rnn_widget_html` and `w.save_html()` pages opened from file:// with every
  other request aborted: none is needed, the numbers are on the page, Prev / Next and the arrow keys
  step through, editing is disabled.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

import nbformat
import pytest
import tom_yeh
from conftest import ConsoleLog
from jupyter_harness import BIN, Server, cell_input, hidden_and_outputs, jupyter_env, read_diagram, wait_until

pytestmark = pytest.mark.browser

A22 = [[1, -1], [1, 2]]  # the saved state is the last one, not the slide's
CODE = f"from rnn_widget import RNNWidget\nw = RNNWidget.from_preset('tom_yeh')\nw.set('A', {A22})\nw"
READ_ONLY = "read-only"
# A reopened notebook is a normal saved copy: the calm notice (js/view/kernel_status.js "saved"),
# not the red "Not connected" one kept for a kernel that went away under a live view.
SAVED_TEXT = "A saved copy: read-only until you run the cell."
STATIC_TEXT = "A saved copy without a kernel: read-only."


def check_saved_notice(root, status: str):
    banner = root.locator(".rnnw-link")
    assert banner.get_attribute("data-status") == status, banner.get_attribute("data-status")
    text = banner.inner_text()
    assert text.startswith(SAVED_TEXT if status == "saved" else STATIC_TEXT), text
    assert "Not connected" not in text


@pytest.fixture(scope="module")
def saved(e2e_tmp) -> Path:
    """The notebook, executed with its widget state stored (nothing else saved in it)."""
    from nbclient import NotebookClient

    folder = e2e_tmp / "offline"
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, store_widget_state=True, kernel_name="python3", timeout=180).execute()
    path = folder / "saved.ipynb"
    nbformat.write(nb, path)
    return path


def expected():
    return tom_yeh.forward(A=A22)


def offline_page(browser, log_name, artifacts):
    """A page where every request that is not file:, data: or blob: is aborted and recorded."""
    page = browser.new_page()
    log = ConsoleLog(page, artifacts / f"{log_name}-console.log")
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, log, blocked


def check_read_only_and_stepping(page, root, keys: bool = True):
    """The numbers of the saved state, the read-only notice, and a step-through that works (with
    the arrow keys, or with Prev / Next where the page keeps arrow keys from widgets)."""
    h_exp, y_exp = expected()
    h, y = wait_until(lambda: hidden_and_outputs(root), timeout=30, what="the saved numbers on the page")
    assert tom_yeh.close(h, h_exp) and tom_yeh.close(y, y_exp), (h, y)
    banner = root.locator(".rnnw-link")
    assert READ_ONLY in banner.inner_text()
    a22 = cell_input(root, "A row 2 column 2")
    assert a22.evaluate("n => n.readOnly") and float(a22.input_value()) == 2
    assert root.locator("select").first.is_disabled()
    # step through: Next shows slide 0 (inputs only), the arrow key computes h1; h2 stays hidden
    nxt = root.locator("[data-action=next]")
    assert nxt.is_enabled()
    nxt.click()
    wait_until(lambda: "h:0:0" not in read_diagram(root), what="slide 0 hides h1")
    if keys:
        root.evaluate("n => n.focus()")  # ← / → work while the widget has focus
        page.keyboard.press("ArrowRight")
    else:
        nxt.click()
    wait_until(lambda: tom_yeh.close(read_diagram(root).get("h:0:0", []), h_exp[0]), what="h1 after → / Next")
    assert "h:0:1" not in read_diagram(root)
    if keys:
        page.keyboard.press("ArrowLeft")
    else:
        root.locator("[data-action=prev]").click()
    wait_until(lambda: "h:0:0" not in read_diagram(root), what="← / Prev goes back")
    root.locator("[data-action=all]").click()
    wait_until(lambda: tom_yeh.close(hidden_and_outputs(root)[0], h_exp), what="Show all")
    # typing changes nothing
    a22.click()
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert float(a22.input_value()) == 2
    assert tom_yeh.close(hidden_and_outputs(root)[0], h_exp)


# ---- offline HTML ---------------------------------------------------------------------------


def _nbconvert_target() -> str:
    """Our exporter's entry point name once the package is installed; before (a checkout on
    PYTHONPATH whose metadata predates it) its class, which nbconvert takes as well."""
    names = {e.name for e in entry_points(group="nbconvert.exporters")}
    return "rnn_widget_html" if "rnn_widget_html" in names else "rnn_widget.export.nbconvert.RNNWidgetHTMLExporter"


def test_nbconvert_offline_html(browser, saved, artifacts, shot):
    out = saved.parent / "export"
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", _nbconvert_target(), str(saved), "--output-dir", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    html = out / "saved.html"
    page, log, blocked = offline_page(browser, "offline-nbconvert", artifacts)
    try:
        page.goto(html.as_uri())
        root = page.locator(".rnnw").first
        root.wait_for(timeout=30_000)
        assert page.locator(".rnnw").count() == 1
        shot("offline-nbconvert", page)
        check_read_only_and_stepping(page, root)
        check_saved_notice(root, "static")
        assert blocked == [], blocked
        assert not [line for line in log.lines if "pageerror" in line], log.lines
    finally:
        log.save()
        page.close()


def test_save_html_offline(browser, e2e_tmp, artifacts, shot):
    from rnn_widget import RNNWidget

    w = RNNWidget.from_preset("tom_yeh")
    w.set("A", A22)
    path = w.save_html(e2e_tmp / "offline" / "one.html")
    page, log, blocked = offline_page(browser, "offline-save-html", artifacts)
    try:
        page.goto(path.as_uri())
        root = page.locator(".rnnw").first
        root.wait_for(timeout=30_000)
        shot("offline-save-html", root)
        check_read_only_and_stepping(page, root)
        check_saved_notice(root, "static")
        # hover linking works without Python: h2 lights up its sources
        root.locator(".rnnw-diagram g.rnnw-node[data-ref='h:0:1']").hover()
        wait_until(lambda: root.locator(".is-src").count() > 0, what="hover linking lights up the sources of h2")
        assert blocked == [], blocked
    finally:
        log.save()
        page.close()


# ---- reopened in JupyterLab and Notebook 7 without running ------------------------------------


@pytest.fixture(scope="module", params=["lab", "notebook"])
def reopened(request, saved, e2e_tmp, artifacts):
    """A fresh server over a folder with the notebook twice: trusted (signed, as Jupyter signs
    a notebook it saves) and untrusted (as nbclient left it)."""
    kind = request.param
    root = e2e_tmp / f"reopen-{kind}"
    root.mkdir(exist_ok=True)
    shutil.copy(saved, root / "trusted.ipynb")
    # trust goes by content: the untrusted copy must differ from the signed one
    nb = nbformat.read(saved, as_version=4)
    nb.metadata["title"] = "untrusted copy"
    nbformat.write(nb, root / "untrusted.ipynb")
    state = e2e_tmp / f"reopen-{kind}-state"
    subprocess.run(
        [str(BIN / "jupyter"), "trust", str(root / "trusted.ipynb")],
        env=jupyter_env(state),
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = Server(kind, root, state, log_path=artifacts / f"reopen-{kind}-server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _open(page, server, name):
    page.goto(
        f"{server.url}/{'lab/tree' if server.kind == 'lab' else 'notebooks'}/{name}"
        + ("?reset" if server.kind == "lab" else "")
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)


def test_reopened_notebook_shows_the_last_state(browser, reopened, artifacts, shot):
    page = browser.new_page()
    log = ConsoleLog(page, artifacts / f"reopen-{reopened.kind}-console.log")
    try:
        _open(page, reopened, "trusted.ipynb")
        root = page.locator(".rnnw").first
        root.wait_for(timeout=60_000)
        assert page.locator(".jp-OutputArea-output").first.inner_text().find("RNNWidget object at") < 0
        wait_until(
            lambda: READ_ONLY in root.locator(".rnnw-link").inner_text(), timeout=30, what="the read-only notice"
        )
        check_saved_notice(root, "saved")
        # Notebook 7 keeps arrow keys from widgets (BROWSER_TESTING.md, "Pitfalls"): buttons there
        check_read_only_and_stepping(page, root, keys=reopened.kind == "lab")
        shot(f"reopen-{reopened.kind}-trusted", page)
        # nothing ran: the cell has its old execution count and no kernel holds the widget
        assert "[1]" in page.locator(".jp-InputPrompt").first.inner_text()
    finally:
        log.save()
        page.close()


def test_untrusted_notebook_shows_the_picture(browser, reopened, artifacts, shot):
    page = browser.new_page()
    try:
        _open(page, reopened, "untrusted.ipynb")
        img = page.locator(".jp-OutputArea-output img.rnnw-picture").first
        img.wait_for(timeout=60_000)
        wait_until(lambda: img.evaluate("i => i.complete && i.naturalWidth > 100"), what="the picture loaded")
        assert "RNNWidget object at" not in page.locator(".jp-OutputArea-output").first.inner_text()
        alt = json.dumps(img.get_attribute("alt"))
        h_exp, _ = expected()
        assert f"H2 = [{h_exp[1][0]:g}, {h_exp[1][1]:g}]" in json.loads(alt)
        shot(f"reopen-{reopened.kind}-untrusted", page)
    finally:
        page.close()


def test_lab_session_saved_with_widget_state_reopens(browser, e2e_tmp, artifacts, shot):
    """The other way to save the state: a live JupyterLab session with "Save Widget State
    Automatically" on, saved, the server stopped; a new server opens it without running."""
    from jupyter_harness import open_notebook, run_all, write_notebook

    root = e2e_tmp / "live-save"
    root.mkdir(exist_ok=True)
    path = write_notebook(root / "live.ipynb", CODE)
    state = e2e_tmp / "live-save-state"
    settings = state / "lab-settings" / "@jupyter-widgets" / "jupyterlab-manager"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))
    h_exp, y_exp = expected()

    server = Server("lab", root, state, log_path=artifacts / "live-save-server.log")
    page = browser.new_page()
    try:
        server.wait_ready()
        open_notebook(page, server, "live.ipynb")
        run_all(page)
        wait_until(
            lambda: tom_yeh.close(hidden_and_outputs(page.locator(".rnnw").first)[0], h_exp), what="live numbers"
        )
        page.locator(".jp-Notebook").first.click()
        page.keyboard.press("Control+s")
        wait_until(
            lambda: "widgets" in json.loads(path.read_text()).get("metadata", {}),
            timeout=30,
            what="the widget state saved in the notebook",
        )
    finally:
        page.close()
        server.stop()

    server = Server("lab", root, state, log_path=artifacts / "live-save-reopen-server.log")
    page = browser.new_page()
    try:
        server.wait_ready()
        _open(page, server, "live.ipynb")
        root_el = page.locator(".rnnw").first
        root_el.wait_for(timeout=60_000)
        h, y = wait_until(lambda: hidden_and_outputs(root_el), timeout=30, what="the saved numbers")
        assert tom_yeh.close(h, h_exp) and tom_yeh.close(y, y_exp), (h, y)
        wait_until(lambda: READ_ONLY in root_el.locator(".rnnw-link").inner_text(), timeout=30, what="read-only")
        check_saved_notice(root_el, "saved")
        shot("live-save-reopened", page)
    finally:
        page.close()
        server.stop()
