"""Real servers and a real browser for the end-to-end tests and benchmarks/bench_browser.py.

Everything here follows /work/shared/BROWSER_TESTING.md: JupyterLab, Notebook 7 and Voila bound
to 127.0.0.1 with isolated JUPYTER_* dirs, Debian's chromium driven by Playwright with a fresh
user-data dir, every process started in its own process group and stopped by it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
NODELAY_EXTENSION = "--ServerApp.jpserver_extensions={'rnn_widget.nodelay': True}"
MINUS = "\u2212"


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_env(state_dir: Path) -> dict:
    """Environment with every piece of Jupyter state under `state_dir` and the news toast off."""
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
    }
    for var, sub in dirs.items():
        path = state_dir / sub
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    notif = state_dir / "lab-settings" / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True, exist_ok=True)
    (notif / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("JUPYTER_PATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A Jupyter server (lab, notebook or voila) in its own process group."""

    def __init__(
        self,
        kind: str,
        root: Path,
        state_dir: Path,
        *,
        notebook: str | None = None,
        extra_args: tuple[str, ...] = (),
        log_path: Path | None = None,
    ):
        self.kind, self.root, self.port = kind, Path(root), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = jupyter_env(Path(state_dir))
        root_flag = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        if kind == "voila":
            cmd = [
                str(BIN / "voila"),
                notebook,
                "--no-browser",
                f"--port={self.port}",
                "--Voila.ip=127.0.0.1",
                "--show_tracebacks=True",
            ]
        else:
            cmd = [
                str(BIN / "jupyter"),
                kind,
                "--no-browser",
                f"--ServerApp.port={self.port}",
                "--ServerApp.ip=127.0.0.1",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                f"--ServerApp.root_dir={self.root}",
                "--ServerApp.port_retries=0",
                *root_flag,
            ]
        cmd += list(extra_args)
        self.log_path = log_path or Path(state_dir) / f"{kind}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.cmd = cmd

    def wait_ready(self, timeout: float = 60.0, path: str = "/api/status") -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as r:
                    if r.status < 500:
                        return self
            except urllib.error.HTTPError as e:
                if e.code < 500:  # it answers (voila has no /api/status: a 404 means it is up)
                    return self
                time.sleep(0.2)
            except Exception:
                time.sleep(0.2)
        raise TimeoutError(f"{self.kind} did not answer on {self.url}{path} in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        # kernels started by the server live in the same process group; make sure none is left
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


def launch_browser(playwright, user_data_dir: Path, chromium: str):
    """A persistent context (fresh user-data dir) of the system chromium, per BROWSER_TESTING.md."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=chromium,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 1000},
    )


# ---- JupyterLab / Notebook 7 pages -------------------------------------------------------------


def wait_kernel_ready(page, timeout: float = 60.0, steady: float = 1.0):
    """Idle plus a kernel name, unchanged for `steady` seconds (Lab 4.6 connects twice on open)."""
    js = """() => {
        const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
        const name = document.querySelector('.jp-KernelName, [data-jp-item-name="kernelName"]');
        const status = ind ? ind.getAttribute('data-status') : null;
        const kname = name ? name.textContent.trim() : '';
        return {status, kname};
    }"""
    deadline = time.monotonic() + timeout
    since, last = None, None
    while time.monotonic() < deadline:
        s = page.evaluate(js)
        ok = s["status"] == "idle" and s["kname"] and "No Kernel" not in s["kname"] and "Kernel" != s["kname"]
        key = (s["status"], s["kname"])
        if ok and key == last:
            if since is None:
                since = time.monotonic()
            if time.monotonic() - since >= steady:
                return s
        else:
            since = None
        last = key
        time.sleep(0.1)
    raise TimeoutError(f"kernel not ready in {timeout} s; last status {last}")


def open_notebook(page, server: Server, rel_path: str, timeout: float = 60.0):
    # ?reset: a fresh workspace, so only this notebook is open (Lab restores earlier tabs otherwise)
    page.goto(
        f"{server.url}/{'lab/tree' if server.kind == 'lab' else 'notebooks'}/{rel_path}"
        + ("?reset" if server.kind == "lab" else "")
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    return wait_kernel_ready(page, timeout)


def run_all(page, widget_selector: str = ".rnnw", count: int = 1, timeout: float = 60.0):
    """Run > Run All Cells from the menu bar, then wait until `count` widget roots are present."""
    started = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
    for _attempt in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        try:  # a click while the kernel is still (re)connecting silently does nothing: retry
            page.wait_for_function(started, timeout=8000)
            break
        except Exception:
            wait_kernel_ready(page)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator(widget_selector).count() >= count and unfinished_cells(page) == 0:
            return
        time.sleep(0.1)
    state = page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent).join(' ')""")
    page.screenshot(path=str(REPO / "test-artifacts" / "run-all-timeout.png"))
    raise TimeoutError(f"{widget_selector} x{count} not present {timeout} s after Run All; prompts: {state}")


def unfinished_cells(page) -> int:
    """Code cells without an execution count yet ('[ ]:' or '[*]:')."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .filter(p => !/\\[\\d+\\]/.test(p.textContent)).length""")


def run_cell(page, code: str, timeout: float = 30.0) -> str:
    """Add a code cell at the end of the notebook, type `code`, run it; returns its output text."""
    cells = page.locator(".jp-Notebook .jp-Cell")
    n = cells.count()
    cells.nth(n - 1).locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-Cell').length > {n}")
    cell = cells.nth(n)
    cell.locator(".cm-content").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Control+Enter")
    prompt = cell.locator(".jp-InputPrompt")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(r"\[\d+\]", prompt.inner_text()):
            break
        time.sleep(0.05)
    else:
        raise TimeoutError(f"cell did not finish in {timeout} s: {code!r}")
    page.keyboard.press("Escape")
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts()).strip()


def py_value(page, expr: str):
    """Evaluate `expr` in the notebook's kernel through a new cell; returns it as a Python value."""
    out = run_cell(page, f"print(repr({expr}))")
    return ast.literal_eval(out.strip().splitlines()[-1])


# ---- reading the widget ------------------------------------------------------------------------


def parse_vector(label: str) -> list[float]:
    """'h2 = [1, 17]' or 'y1 = [−3.5]' -> [1.0, 17.0]."""
    text = label.split("=", 1)[1].strip().replace(MINUS, "-").strip("[]")
    return [float(v) for v in text.split(",") if v.strip()]


READ_JS = """(root) => {
    const out = {};
    root.querySelectorAll('.rnnw-diagram g.rnnw-node[data-ref]').forEach(g => {
        out[g.getAttribute('data-ref')] = g.getAttribute('data-value');
    });
    return out;
}"""


def read_diagram(root_locator) -> dict[str, list[float]]:
    """Every diagram node of one widget root: {'h:0:0': [3, 6], 'y:0': [3], 'x:0': [3], ...}.
    Reads data-value (full-precision JSON; "null" while a value is not revealed)."""
    values = root_locator.evaluate(READ_JS)
    out = {}
    for ref, text in values.items():
        v = json.loads(text) if text else None
        if v is not None:
            out[ref] = [float(x) for x in v]
    return out


def hidden_and_outputs(root_locator, layer: int = 0):
    nodes = read_diagram(root_locator)
    T = sum(1 for k in nodes if k.startswith(f"h:{layer}:") and not k.endswith(":-1"))
    h = [nodes[f"h:{layer}:{t}"] for t in range(T)]
    y = [nodes[f"y:{t}"] for t in range(T)] if "y:0" in nodes else None
    return h, y


def cell_input(root_locator, aria_label: str):
    return root_locator.locator(f'input.rnnw-cell[aria-label="{aria_label}"]')


# A large matrix is a heat map (one canvas, .rnnw-heat[data-name=...]): the centre of cell (r, c)
# in page coordinates, from the canvas's data-cell-w / data-cell-h (display row/column).
HEAT_CELL_JS = """(root, {name, r, c}) => {
    const canvas = root.querySelector(`.rnnw-heat[data-name="${name}"] canvas.rnnw-heat-canvas`);
    canvas.scrollIntoView({block: 'center', inline: 'center'});
    const box = canvas.getBoundingClientRect();
    const w = Number(canvas.dataset.cellW), h = Number(canvas.dataset.cellH);
    return {x: box.left + (c + 0.5) * w, y: box.top + (r + 0.5) * h};
}"""


def heat_cell_center(root_locator, name: str, r: int, c: int) -> dict:
    return root_locator.evaluate(HEAT_CELL_JS, {"name": name, "r": r, "c": c})


def cell_number(root_locator, aria_label: str) -> float:
    return float(cell_input(root_locator, aria_label).input_value().replace(MINUS, "-"))


def type_into_cell(page, root_locator, aria_label: str, text: str):
    """Click a matrix cell (a click without movement focuses it and selects its text), type, Enter."""
    cell = cell_input(root_locator, aria_label)
    cell.click()
    page.keyboard.press("Control+a")
    if text:
        page.keyboard.type(text)
    else:
        page.keyboard.press("Backspace")
    page.keyboard.press("Enter")


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # the page may be mid-redraw
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {last!r}")


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook at `path` with one code cell per source (no outputs), Python 3 kernel."""
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "execution_count": None, "outputs": []} for s in sources
    ]
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    Path(path).write_text(json.dumps(nb, indent=1))
    return Path(path)
