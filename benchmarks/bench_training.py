"""Training with the widget displayed, in a real JupyterLab + Chromium; prints a markdown table.

    .venv/bin/python benchmarks/bench_training.py [--edits 40] [--repeats 5] [--nodelay]

* cost: 200 SGD steps on seed 003's next-number task, `w.train(200, block=True)` with the widget
  on the page (publishing the trace and loss curve as it goes) and in the background
  (`w.train(200)`, the kernel's event loop), against `rnn_widget.core.train` on the same network
  without a widget, in the same kernel (median of --repeats);
* responsiveness while a long background training runs: edit -> repaint of the widget (an input
  typed in the page until the diagram shows it) and of a plain ipywidgets slider -> label round
  trip, p50/p95, beside the same edits with no training running.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import time

from bench_browser import EDIT_LOOP_JS
from common import HERE, SLIDER_LOOP_JS, browser_session, lab_server, load_average_line, pct
from jupyter_harness import (
    launch_browser,
    open_notebook,
    run_all,
    run_cell,
    wait_until,
)

COST = """
import time, statistics
from rnn_widget import presets
from rnn_widget.core import train as _train

def _bare():
    p = presets.next_number()
    t0 = time.perf_counter(); _train(p.network, p.inputs, p.targets, steps=200, lr=0.01)
    return time.perf_counter() - t0

def _blocking():
    w.reset_training()
    t0 = time.perf_counter(); w.train(200, lr=0.01, block=True)
    return time.perf_counter() - t0

_bare(); _blocking()
print(repr((statistics.median([_bare() for _ in range({n})]), statistics.median([_blocking() for _ in range({n})]))))
"""

BACKGROUND_START = """
_ends = []
def _on_training(change):
    if change["old"]["running"] and not change["new"]["running"]:
        _ends.append(time.perf_counter())
w.reset_training()
w.observe(_on_training, names="training")
_t0 = time.perf_counter()
w.train(200, lr=0.01)
"""


def edits(page, kind, n):
    if kind == "slider":
        values = [round(1 + 0.25 * (i % 2) + 0.01 * i, 2) for i in range(n)]
        times = page.evaluate(SLIDER_LOOP_JS, {"values": values})
    else:
        values = [[2, 1][i % 2] + 0.001 * i for i in range(n)]
        times = page.evaluate(EDIT_LOOP_JS, {"rootIndex": 0, "label": "x1 entry 1", "values": values, "watch": "x:0"})
    ok = [t for t in times if t is not None]
    return {"p50": pct(ok, 0.5), "p95": pct(ok, 0.95), "lost": len(times) - len(ok)}


def run(args, chromium, tmp, playwright):
    root = tmp / "notebooks"
    shutil.copytree(HERE / "browser_notebooks", root)
    server = lab_server(root, tmp / "state", nodelay=args.nodelay)
    out = {}
    try:
        context = launch_browser(playwright, tmp / "profile", chromium)
        context.set_default_timeout(60_000)
        page = context.new_page()
        open_notebook(page, server, "training.ipynb")
        run_all(page, ".rnnw", count=1)
        page.wait_for_selector(".bench-reference > .widget-label")
        bare, blocking = ast.literal_eval(
            run_cell(page, COST.format(n=args.repeats), timeout=300).strip().splitlines()[-1]
        )
        out["bare"], out["blocking"] = bare, blocking
        backgrounds = []
        for _ in range(args.repeats):
            run_cell(page, BACKGROUND_START)
            wait_until(
                lambda: "True" in run_cell(page, "print(len(_ends) > 0)"), timeout=120, what="background training"
            )
            backgrounds.append(
                float(
                    run_cell(page, "print(_ends[0] - _t0); w.unobserve(_on_training, names='training')")
                    .strip()
                    .splitlines()[-1]
                )
            )
        out["background"] = sorted(backgrounds)[len(backgrounds) // 2]
        for kind in ("slider", "widget"):
            edits(page, kind, 6)
            out[("idle", kind)] = edits(page, kind, args.edits)
        run_cell(page, "w.reset_training(); w.train(100_000, lr=1e-6)")
        time.sleep(0.5)
        for kind in ("slider", "widget"):
            out[("training", kind)] = edits(page, kind, args.edits)
        steps = ast.literal_eval(run_cell(page, 'w.stop(); print(repr(w.training["step"]))').strip().splitlines()[-1])
        out["steps_during_edits"] = steps
        context.close()
    finally:
        server.stop()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--nodelay", action="store_true", help="serve with the rnn_widget.nodelay extension")
    args = ap.parse_args(argv)
    with browser_session(None, missing="needs chromium (apt-get install -y chromium)") as (chromium, tmp, p):
        r = run(args, chromium, tmp, p)
    server = "with rnn_widget.nodelay" if args.nodelay else "stock server"
    print(f"\n### 200 SGD steps, next-number task ({server})\n")
    print("| run | seconds | x core.train |\n|---|---|---|")
    print(f"| core.train, no widget | {r['bare']:.3f} | 1.00 |")
    print(f"| w.train(block=True), widget displayed | {r['blocking']:.3f} | {r['blocking'] / r['bare']:.2f} |")
    print(
        f"| w.train() in the background, widget displayed | {r['background']:.3f} | {r['background'] / r['bare']:.2f} |"
    )
    print(f"\n### Edit -> repaint, {args.edits} edits (ms)\n")
    print("| | idle p50 / p95 | during training p50 / p95 |\n|---|---|---|")
    for kind, name in (
        ("slider", "ipywidgets slider -> label (reference)"),
        ("widget", "rnn-widget input x1 -> diagram"),
    ):
        a, b = r[("idle", kind)], r[("training", kind)]
        print(f"| {name} | {a['p50']:.1f} / {a['p95']:.1f} | {b['p50']:.1f} / {b['p95']:.1f} (lost {b['lost']}) |")
    print(f"\n({r['steps_during_edits']} SGD steps ran while the edits were measured.)")
    print(load_average_line())


if __name__ == "__main__":
    main()
