"""Where the page's time goes: a Chrome CPU profile (DevTools protocol) of what bench_load.py times,
with the widget's front end bundled without minification so that functions keep their names;
prints the functions with the most self time (and the share of garbage collection and idle).

    .venv/bin/python benchmarks/profile_page.py [--widgets 20] [--edits 10] [--nodelay]

Profiles (1) running the cell that displays `--widgets` LSTMs (hidden 32, 64 steps) until every
diagram is drawn, and (2) `--edits` edits of one W_xi entry of the largest LSTM (hidden 128,
input 64, 90 steps), each until the trace is redrawn.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_load import ARM_JS, BIG, HEAT_REV_LOOP_JS, MANY, SETUP, notebook
from common import REPO
from jupyter_harness import NODELAY_EXTENSION, Server, find_chromium, launch_browser, open_notebook

PLAIN = """import pathlib
class RNNWidget(RNNWidget):  # the same front end, bundled without minification
    _esm = pathlib.Path({esm!r})"""


def bundle(tmp: Path) -> Path:
    out = tmp / "widget_plain.js"
    done = subprocess.run(
        [str(REPO / "node_modules" / ".bin" / "esbuild"), "js/widget.js", "--bundle", "--format=esm",
         "--target=es2020", f"--outfile={out}"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"esbuild failed:\n{done.stderr}")
    return out


def top(profile: dict, n: int = 15):
    """Self time per function (name, file, line), from the sampled profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    deltas = profile["timeDeltas"]
    self_ms: dict = defaultdict(float)
    for sample, dt in zip(profile["samples"], deltas[1:] + [0]):
        frame = nodes[sample]["callFrame"]
        url = frame["url"].rsplit("/", 1)[-1][:40]
        key = (frame["functionName"] or "(anonymous)", url, frame["lineNumber"] + 1)
        self_ms[key] += dt / 1000.0
    total = sum(self_ms.values())
    rows = sorted(self_ms.items(), key=lambda kv: -kv[1])[:n]
    return total, rows


def by_origin(profile: dict) -> dict:
    """Self time by where the code comes from: the widget's bundle (a blob: URL, as anywidget loads
    it), JupyterLab and other extensions' scripts, the browser's own work, idle."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    out: dict = defaultdict(float)
    for sample, dt in zip(profile["samples"], profile["timeDeltas"][1:] + [0]):
        frame = nodes[sample]["callFrame"]
        name, url = frame["functionName"], frame["url"]
        if name in ("(idle)", "(program)", "(garbage collector)"):
            key = name
        elif url.startswith("blob:") or re.fullmatch(r"[0-9a-f-]{36}", url.rsplit("/", 1)[-1] or "x"):
            key = "rnn-widget front end"
        elif url:
            key = "JupyterLab, ipywidgets, anywidget (scripts)"
        else:
            key = "browser built-ins called from scripts (DOM, canvas)"
        out[key] += dt / 1000.0
    return dict(out)


def profiled(page, action):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send("Profiler.start")
    try:
        action()
    finally:
        profile = cdp.send("Profiler.stop")["profile"]
        cdp.detach()
    return profile


def show(title, profile):
    total, rows = top(profile)
    print(f"\n### {title}: {total:.0f} ms sampled\n")
    print("| where | self ms | share |\n|---|---:|---:|")
    for key, ms in sorted(by_origin(profile).items(), key=lambda kv: -kv[1]):
        print(f"| {key} | {ms:.0f} | {100 * ms / total:.1f}% |")
    print()
    print("| self ms | share | function | file:line |\n|---:|---:|---|---|")
    for (name, url, line), ms in rows:
        print(f"| {ms:.1f} | {100 * ms / total:.1f}% | `{name}` | {url}:{line} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--widgets", type=int, default=20)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--nodelay", action="store_true")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rnnw-profile-") as d, sync_playwright() as p:
        tmp = Path(d)
        esm = bundle(tmp)
        root = tmp / "nb"
        root.mkdir()
        setup = SETUP + "\n" + PLAIN.format(esm=str(esm))
        (root / "many.ipynb").write_text(json.dumps(notebook(setup, MANY.format(n=args.widgets))))
        (root / "big.ipynb").write_text(json.dumps(notebook(setup, BIG)))
        server = Server("lab", root, tmp / "state", extra_args=(NODELAY_EXTENSION,) if args.nodelay else ())
        server.wait_ready()
        try:
            context = launch_browser(p, tmp / "profile", find_chromium())
            context.set_default_timeout(120_000)
            page = context.new_page()
            open_notebook(page, server, "many.ipynb")
            cells = page.locator(".jp-Notebook .jp-Cell")
            cells.nth(1).locator(".jp-InputPrompt").click()
            page.keyboard.press("Control+Enter")
            page.wait_for_function("() => /\\[1\\]/.test(document.querySelectorAll('.jp-InputPrompt')[1].textContent)")
            page.evaluate(ARM_JS, {"n": args.widgets, "cellIndex": 2})

            def draw():
                cells.nth(2).locator(".jp-InputPrompt").click()
                page.keyboard.press("Control+Enter")
                r = page.evaluate("() => window.__benchDrawn")
                print(f"drawn in {r['dom']:.0f} ms", file=sys.stderr)

            show(f"Run the cell -> {args.widgets} LSTM 32x64 diagrams drawn", profiled(page, draw))
            page.close()
            page = context.new_page()
            open_notebook(page, server, "big.ipynb")
            cells = page.locator(".jp-Notebook .jp-Cell")
            for i in (1, 2):
                cells.nth(i).locator(".jp-InputPrompt").click()
                page.keyboard.press("Control+Enter")
            page.wait_for_selector(".rnnw .rnnw-diagram")
            time.sleep(1.0)
            heat = {"name": "W_xi", "r": 3, "c": 5}
            page.evaluate(HEAT_REV_LOOP_JS, {"rootIndex": 0, "heat": heat, "values": [0.5, -0.5]})

            def edits():
                values = [[0.25, -0.25][i % 2] for i in range(args.edits)]
                r = page.evaluate(HEAT_REV_LOOP_JS, {"rootIndex": 0, "heat": heat, "values": values})
                print(f"edits: {[round(t) for t in r['times'] if t]}", file=sys.stderr)

            show(f"{args.edits} edits of the LSTM 128/64/90, each until redrawn", profiled(page, edits))
            context.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
