"""Load (issue 11): many widgets in one notebook, and the largest network the limits allow, in a
real JupyterLab + Chromium; prints markdown tables.

    .venv/bin/python benchmarks/bench_load.py [--widgets 20] [--edits 30] [--servers stock,nodelay]

For each server (stock, and with the opt-in rnn_widget.nodelay extension):

* `--widgets` LSTMs (hidden 32, 64 steps) displayed by one cell: the kernel's resident memory
  before and after (VmRSS of the kernel process, read in the kernel), the time from the keypress
  that runs the cell until every widget's diagram is on the page (then one more animation frame),
  the total time of long tasks (PerformanceObserver 'longtask', > 50 ms each) from that keypress
  until one second after the last diagram, and edit -> recomputed value in the DOM (p50 / p95,
  `--edits` rapid edits of x64 in the middle widget's input heat map, watching h64 in its diagram)
  with all of them on the page;
* the largest size the limits allow (LSTM hidden 128, input 64, 90 steps: 98,945 parameters and
  132,480 trace numbers, under LIMITS max_params 100k and max_trace 150k), alone in a notebook:
  first paint, and edit -> redrawn trace (the widget root's data-trace-rev goes up) for `--edits`
  edits of one W_hi entry typed into its heat map.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import common
from bench_browser import EDIT_LOOP_JS
from common import RSS_MB, browser_session, each_server, lab_server, load_average_line, pct, set_blas_threads
from jupyter_harness import (
    launch_browser,
    open_notebook,
    py_value,
    wait_until,
)

SETUP = f"""import os, time
import numpy as np
from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec

{RSS_MB}

print("rss", rss_mb())"""

MANY = """t0 = time.perf_counter()
ws = [RNNWidget(Network(Spec(cell="lstm", input_size=1, hidden_sizes=(32,), output_size=1), seed=i),
                np.sin(np.arange(64) / 4.0 + i)[:, None]) for i in range({n})]
t_build = time.perf_counter() - t0
for w in ws:
    display(w)"""

BIG = """net = Network(Spec(cell="lstm", input_size=64, hidden_sizes=(128,), output_size=1), seed=0)
X = np.sin(np.arange(90 * 64).reshape(90, 64) / 7.0)
t0 = time.perf_counter()
big = RNNWidget(net, X)
t_build = time.perf_counter() - t0
big"""


def notebook(*sources: str) -> dict:
    return common.notebook(*sources, by="benchmarks/bench_load.py")


# Long tasks from now on, and a promise for "n widget roots, each with its diagram, then a frame".
ARM_JS = """({n, cellIndex}) => {
    window.__longtasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
        .observe({type: 'longtask', buffered: false});
    window.__benchDrawn = new Promise((resolve) => {
        const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[cellIndex];
        let t0 = null;
        const key = (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.shiftKey) && t0 === null) t0 = performance.now(); };
        document.addEventListener('keydown', key, true);
        const drawn = () => { const roots = cell.querySelectorAll('.rnnw'); return roots.length >= n && [...roots].every((r) => r.querySelector('.rnnw-diagram')); };
        const obs = new MutationObserver(() => {
            if (t0 !== null && drawn()) {
                obs.disconnect();
                document.removeEventListener('keydown', key, true);
                const dom = performance.now() - t0;
                requestAnimationFrame(() => requestAnimationFrame(() => resolve({t0, dom, frame: performance.now() - t0})));
            }
        });
        obs.observe(cell, {subtree: true, childList: true});
        setTimeout(() => resolve(null), 120000);
    });
}"""

LONGTASKS_JS = """({from, to}) => window.__longtasks.filter(([s]) => s >= from && s <= to)"""

# Rapid edits of one heat-map entry (opened by a click on its canvas cell, then typed + Enter each
# time, like bench_browser.py's EDIT_LOOP_JS); each is timed until the widget root's data-trace-rev
# goes up (the view sets it after every part has redrawn for a new trace).
HEAT_REV_LOOP_JS = """async ({rootIndex, heat, values}) => {
    const root = document.querySelectorAll('.rnnw')[rootIndex];
    const canvas = root.querySelector(`.rnnw-heat[data-name="${heat.name}"] canvas.rnnw-heat-canvas`);
    canvas.scrollIntoView({block: 'center'});
    const box = canvas.getBoundingClientRect();
    const x = box.left + (heat.c + 0.5) * Number(canvas.dataset.cellW), y = box.top + (heat.r + 0.5) * Number(canvas.dataset.cellH);
    const ev = (type) => canvas.dispatchEvent(new PointerEvent(type, {bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, pointerId: 7}));
    ev('pointerdown'); ev('pointerup');
    const input = root.querySelector('input.rnnw-heat-input:not([hidden])');
    if (!input) throw new Error('the heat map editor did not open');
    const rev = () => Number(root.getAttribute('data-trace-rev'));
    const times = [];
    for (const v of values) {
        const before = rev();
        const dt = await new Promise((resolve) => {
            let t0 = 0;
            const done = (result) => { obs.disconnect(); clearTimeout(timer); resolve(result); };
            const obs = new MutationObserver(() => { if (rev() > before) done(performance.now() - t0); });
            const timer = setTimeout(() => done(null), 20000);
            obs.observe(root, {attributes: true, attributeFilter: ['data-trace-rev']});
            input.value = String(v);
            t0 = performance.now();
            input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true}));
        });
        times.push(dt);
    }
    return {times, label: input.getAttribute('aria-label')};
}"""


def summary(times):
    ok = [t for t in times if t is not None]
    return {
        "p50": pct(ok, 0.5),
        "p95": pct(ok, 0.95),
        "max": max(ok) if ok else float("nan"),
        "lost": len(times) - len(ok),
        "n": len(times),
    }


def run_nth(page, index: int, timeout: float = 120.0) -> str:
    """Run code cell `index` (0-based among all cells) with Ctrl+Enter; wait for its count; its output."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    prompt = cell.locator(".jp-InputPrompt")
    wait_until(
        lambda: "[" in prompt.inner_text() and any(ch.isdigit() for ch in prompt.inner_text()),
        timeout=timeout,
        what=f"cell {index}",
    )
    page.keyboard.press("Escape")
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


def measure_many(page, n, edits):
    out = {}
    out["rss_before"] = float(run_nth(page, 1).split()[-1])
    page.evaluate(ARM_JS, {"n": n, "cellIndex": 2})
    cell = page.locator(".jp-Notebook .jp-Cell").nth(2)
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    drawn = page.evaluate("() => window.__benchDrawn")
    if drawn is None:
        raise RuntimeError("the widgets were not drawn in 120 s")
    out["draw_ms"], out["frame_ms"] = drawn["dom"], drawn["frame"]
    time.sleep(1.5)  # long tasks in the second after the last diagram count too
    tasks = page.evaluate(LONGTASKS_JS, {"from": drawn["t0"], "to": drawn["t0"] + drawn["frame"] + 1000})
    out["longtask_ms"], out["longtasks"] = sum(d for _, d in tasks), len(tasks)
    wait_until(
        lambda: any(ch.isdigit() for ch in cell.locator(".jp-InputPrompt").inner_text()),
        timeout=60,
        what="display cell done",
    )
    page.keyboard.press("Escape")
    stats = py_value(page, "(rss_mb(), t_build)")
    out["rss_after"], out["build_s"] = stats
    middle = n // 2
    page.locator(".rnnw").nth(middle).scroll_into_view_if_needed()
    values = [[1.5, -1.5][i % 2] for i in range(edits)]
    args = {"rootIndex": middle, "label": "x64 entry 1", "watch": "h:0:63", "heat": {"name": "inputs", "r": 63, "c": 0}}
    page.evaluate(EDIT_LOOP_JS, {**args, "values": values[:6]})  # warm-up
    out["edit"] = summary(page.evaluate(EDIT_LOOP_JS, {**args, "values": values}))
    return out


def measure_big(page, edits):
    out = {}
    run_nth(page, 1)
    page.evaluate(ARM_JS, {"n": 1, "cellIndex": 2})
    page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    drawn = page.evaluate("() => window.__benchDrawn")
    if drawn is None:
        raise RuntimeError("the large widget was not drawn in 120 s")
    out["draw_ms"], out["frame_ms"] = drawn["dom"], drawn["frame"]
    time.sleep(1.0)
    page.keyboard.press("Escape")
    out["build_s"] = py_value(page, "t_build")
    heat = {"name": "W_xi", "r": 3, "c": 5}
    values = [[0.5, -0.5][i % 2] for i in range(edits)]
    page.evaluate(HEAT_REV_LOOP_JS, {"rootIndex": 0, "heat": heat, "values": values[:4]})
    r = page.evaluate(HEAT_REV_LOOP_JS, {"rootIndex": 0, "heat": heat, "values": values})
    out["edit"], out["label"] = summary(r["times"]), r["label"]
    # the last value typed reached Python
    got = py_value(page, 'float(big.get("W_xi", convention="row")[3, 5])')
    out["python_has_last"] = abs(got - values[-1]) < 1e-12
    out["connection_lost"] = page.locator("text=Connection lost").count() > 0
    return out


def run_server(mode, args, chromium, tmp, playwright):
    root = tmp / f"{mode}-notebooks"
    root.mkdir()
    (root / "many.ipynb").write_text(json.dumps(notebook(SETUP, MANY.format(n=args.widgets))))
    (root / "big.ipynb").write_text(json.dumps(notebook(SETUP, BIG)))
    server = lab_server(root, tmp / f"{mode}-state", nodelay=mode == "nodelay")
    out = {}
    try:
        context = launch_browser(playwright, tmp / f"{mode}-profile", chromium)
        context.set_default_timeout(120_000)
        page = context.new_page()
        open_notebook(page, server, "many.ipynb")
        out["many"] = r = measure_many(page, args.widgets, args.edits)
        print(f"  [{mode}] many: {r}", file=sys.stderr)
        page.close()
        page = context.new_page()
        open_notebook(page, server, "big.ipynb")
        out["big"] = r = measure_big(page, args.edits)
        print(f"  [{mode}] big: {r}", file=sys.stderr)
        page.close()
        context.close()
    finally:
        server.stop()
    return out


def table(results, n):
    label = {"stock": "stock server", "nodelay": "server + rnn_widget.nodelay"}
    lines = [
        f"### {n} LSTMs (hidden 32, 64 steps) displayed by one cell",
        "",
        "| server | kernel RSS before -> after MB | build in Python s | run cell -> all diagrams ms (+2 frames) | long tasks ms (count) | edit p50 / p95 / max ms |",
        "|---|---|---|---|---|---|",
    ]
    for m, r in results.items():
        a = r["many"]
        e = a["edit"]
        lines.append(
            f"| {label[m]} | {a['rss_before']:.0f} -> {a['rss_after']:.0f} | {a['build_s']:.2f} | "
            f"{a['draw_ms']:.0f} ({a['frame_ms']:.0f}) | {a['longtask_ms']:.0f} ({a['longtasks']}) | "
            f"{e['p50']:.1f} / {e['p95']:.1f} / {e['max']:.1f}" + (f" ({e['lost']} lost)" if e["lost"] else "") + " |"
        )
    lines += [
        "",
        "### Largest size the limits allow: LSTM hidden 128, input 64, 90 steps (98,945 parameters, 132,480 trace numbers)",
        "",
        "| server | build in Python s | first paint ms (+2 frames) | edit W_xi entry -> trace redrawn p50 / p95 / max ms | Python has the last value | 'Connection lost' seen |",
        "|---|---|---|---|---|---|",
    ]
    for m, r in results.items():
        b = r["big"]
        e = b["edit"]
        lines.append(
            f"| {label[m]} | {b['build_s']:.2f} | {b['draw_ms']:.0f} ({b['frame_ms']:.0f}) | "
            f"{e['p50']:.1f} / {e['p95']:.1f} / {e['max']:.1f}"
            + (f" ({e['lost']} lost)" if e["lost"] else "")
            + f" | {b['python_has_last']} | {b['connection_lost']} |"
        )
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--widgets", type=int, default=20)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS for the kernels (default: unset, numpy's choice)",
    )
    ap.add_argument("--servers", default="stock,nodelay")
    args = ap.parse_args(argv)
    set_blas_threads(args.blas_threads)
    with browser_session("rnnw-load-") as (chromium, tmp, p):
        results = each_server(args.servers, lambda mode: run_server(mode, args, chromium, tmp, p))
    print(table(results, args.widgets))
    print(f"\n(BLAS threads in the kernels: {args.blas_threads or 'unset (numpy default)'})")
    print(load_average_line())
    return results


if __name__ == "__main__":
    main()
