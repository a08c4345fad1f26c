"""What the browser benchmarks share: the import path to tests/e2e/jupyter_harness.py, percentiles,
the load-average line, the Lab server with or without rnn_widget.nodelay, chromium and Playwright
for one or more servers, the kernel's RSS, a process's RSS and CPU time, notebooks and the
WebSocket probe that timestamps frames in the page."""

from __future__ import annotations

import contextlib
import math
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _p in (str(REPO / "tests" / "e2e"), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from jupyter_harness import NODELAY_EXTENSION, Server, find_chromium  # noqa: E402

# A cell's source: the kernel's own resident memory, MB (read in the kernel).
RSS_MB = """def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024"""


def pct(values, q):
    xs = sorted(values)
    if not xs:
        return math.nan
    k = (len(xs) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(times):
    """p50 / p95 of the times measured (None: lost), how many and how many lost."""
    ok = [t for t in times if t is not None]
    return {"p50": pct(ok, 0.5), "p95": pct(ok, 0.95), "n": len(ok), "lost": len(times) - len(ok)}


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def load_average_line() -> str:
    return f"(load average of this 2-core machine at the end: {load_average()})"


def set_blas_threads(n):
    """The servers' kernels inherit the environment."""
    if n is not None:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(n)


def lab_server(root, state, nodelay=False):
    """JupyterLab on root, with the rnn_widget.nodelay extension or without; ready."""
    extra = (NODELAY_EXTENSION,) if nodelay else ()
    return Server("lab", root, state, extra_args=extra).wait_ready()


@contextlib.contextmanager
def browser_session(prefix="rnnw-bench-", tmp=None, missing="no chromium found (apt-get install -y chromium)"):
    """(chromium, a temporary folder, Playwright); tmp: a folder of the caller's instead."""
    chromium = find_chromium()
    if chromium is None:
        sys.exit(missing)
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        if tmp is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
        playwright = stack.enter_context(sync_playwright())
        yield chromium, tmp, playwright


def each_server(modes: str, run, warn_nodelay=False):
    """{mode: run(mode)} for the comma-separated modes, one after the other."""
    results = {}
    for mode in modes.split(","):
        print(f"== {mode} server", file=sys.stderr)
        results[mode] = run(mode)
        if warn_nodelay and mode.endswith("nodelay") and not results[mode]["nodelay_logged"]:
            print("  WARNING: the nodelay extension did not log that it loaded", file=sys.stderr)
    return results


def proc_rss_mb(pid):
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def proc_cpu_s(pid):
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def notebook(*sources: str, by: str) -> dict:
    """A notebook of code cells after a markdown cell naming the script that wrote it."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"Written by {by}"}]
    cells += [
        {"cell_type": "code", "metadata": {}, "source": s, "execution_count": None, "outputs": []} for s in sources
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def ws_probe_init(kinds: str, sizes: bool = False) -> str:
    """An init script (before any page script) that timestamps (performance.now()) the WebSocket
    frames of the kinds named: `kinds` is the body of `kind(s)` after the frame's first 16 kB are in
    `s` (JS lines returning a kind or falling through). Frames out go to window.__wsProbe.out as
    [kind, t], frames in to .in as [kind, t] (sizes: [kind, t, bytes])."""
    push_in = "[k, performance.now(), e.data.byteLength ?? e.data.length]" if sizes else "[k, performance.now()]"
    return (
        """(() => {
    const P = (window.__wsProbe = {out: [], in: []});
    const Orig = window.WebSocket;
    const dec = new TextDecoder('latin1');
    const kind = (data) => {
        let s = '';
        if (typeof data === 'string') s = data.slice(0, 16384);
        else if (data instanceof ArrayBuffer) s = dec.decode(new Uint8Array(data, 0, Math.min(data.byteLength, 16384)));
        else return '';
"""
        + kinds
        + """        return '';
    };
    const send = Orig.prototype.send;
    Orig.prototype.send = function (data) {
        const k = kind(data);
        if (k) P.out.push([k, performance.now()]);
        return send.call(this, data);
    };
    window.WebSocket = class extends Orig {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => {
                const k = kind(e.data);
                if (k) P.in.push("""
        + push_in
        + """);
            });
        }
    };
})();"""
    )


# The reference: type into the FloatSlider's readout, Enter; time until the Label shows 2 * value.
SLIDER_LOOP_JS = """async ({values}) => {
    const box = document.querySelector('.bench-reference');
    const readout = box.querySelector('.widget-readout');
    const label = box.querySelector(':scope > .widget-label'); // not the slider's description
    const times = [];
    for (const v of values) {
        const want = (2 * v).toFixed(3);
        const dt = await new Promise((resolve) => {
            let t0 = 0;
            const done = (result) => { obs.disconnect(); clearTimeout(timer); resolve(result); };
            const obs = new MutationObserver(() => { if (label.textContent.trim() === want) done(performance.now() - t0); });
            const timer = setTimeout(() => done(null), 10000);
            obs.observe(label, {subtree: true, childList: true, characterData: true});
            readout.textContent = String(v);
            t0 = performance.now();
            readout.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true}));
        });
        times.push(dt);
    }
    return times;
}"""
