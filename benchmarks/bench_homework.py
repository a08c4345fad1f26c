"""Homework (issue 7): check -> feedback in the page, and what a student's kernel and server hold in
memory; prints markdown tables.

    .venv/bin/python benchmarks/bench_homework.py [--checks 30] [--servers stock,nodelay,hub,hub-nodelay]
                                                  [--skip-browser] [--skip-memory] [--no-tutorials]

Browser part, for each server: `stock` and `nodelay` (JupyterLab, without and with the opt-in
rnn_widget.nodelay extension), `hub` and `hub-nodelay` (a real JupyterHub from
tests/e2e/hub_harness.py: hub, configurable-http-proxy, local-process spawner; one student logs in
through the login page and works in their own `jupyterhub-singleuser`; the extension turned on by
the student's own ~/.jupyter config). Debian chromium through Playwright
(tests/e2e/jupyter_harness.py). The notebook holds
`RNNWidget.exercise("tom_yeh", blanks=["h2", "y2", "h3"], attempts=None, seed=None)` and, in the
same notebook, the reference of benchmarks/bench_browser.py (an ipywidgets FloatSlider -> observe ->
Label round trip). Measured in the page with performance.now() and a MutationObserver:

* check -> feedback: a number typed into an open blank's answer input in the diagram
  (`input.rnnw-answer[data-blank=...]`), Enter; timed until the page shows the verdict: for a wrong
  answer the blank's hint in the homework panel names the value just typed (`.rnnw-hw-hint`, e.g.
  "h2[1]: 5 is not right; recompute ...") and the input is marked wrong, no longer waiting; for a
  right answer the input is gone (the number is drawn in its place) and the score line changed.
  `--checks` wrong answers rotate over the five slots (h2[1], h2[2], y2, h3[1], h3[2]), two wrong
  values per slot in turn (an unchanged text is not sent again), so the blanks stay open
  (attempts=None); then the five right answers, which close the blanks, once each;
* the reference, in blocks of 10 alternating with the checks (a burst of load on this shared
  machine hits both alike): a value typed into the slider's readout, Enter, until the Label shows
  twice it;
* where a wrong check's time goes: the answer's WebSocket frame out, the `homework` update's and
  the ack's frames handled in the page (an init script wraps WebSocket, as bench_phases.py does),
  the kernel's answer handler (wrapped from a cell; page and kernel read the same wall clock), the
  page's own work right after the Enter;
* the kernel's RSS (VmRSS read in the kernel) fresh, then with the exercise (and the slider)
  displayed; the single-user server's RSS (psutil) at the start and after the checks; the CPU time
  the kernel and the server spent per round trip (psutil, 10 ms ticks summed over the blocks);
  hub and proxy RSS;
* a student's whole session (unless --no-tutorials): the three tutorials opened beside the
  exercise, Run All in each (a kernel each), then the RSS of the server and every kernel, and the
  CPU seconds that opening and running them cost.

Memory part, without a browser (jupyter_client, one kernel per row, the way a notebook's kernel
runs): VmRSS of a fresh kernel, after importing rnn_widget, with one exercise open, with the three
tutorials (notebooks/01..03) run one after the other in one kernel, and each tutorial in its own
kernel (a student who opens the three notebooks in Lab has three kernels); plus the CPU seconds
each took (what a whole class pressing Run All at once costs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(HERE))

from bench_browser import SLIDER_LOOP_JS, pct  # noqa: E402
from jupyter_harness import (  # noqa: E402
    NODELAY_EXTENSION,
    Server,
    find_chromium,
    jupyter_env,
    launch_browser,
    open_notebook,
    run_all,
    wait_until,
)
from jupyter_harness import py_value as _py_value  # noqa: E402

SETUP = """import os, time

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024

def cpu_s():
    t = os.times()
    return t.user + t.system

_K = []  # (start, end) wall-clock ms of each answer handled by the kernel (installed by timed_answers)

def timed_answers(ex):
    orig = ex._on_answer_msg
    def handler(content):
        t0 = time.time() * 1000
        orig(content)
        _K.append((t0, time.time() * 1000))
    ex._on_answer_msg = handler

def take_k():
    out = _K[:]
    _K.clear()
    return out

def check_ms(plan):  # median ms of ex.check() in-process, on an exercise that is not displayed
    from rnn_widget import RNNWidget
    e = RNNWidget.exercise("tom_yeh", blanks=["h2", "y2", "h3"], attempts=None, seed=None)
    ts = []
    for name, value in plan:
        t0 = time.perf_counter()
        e.check(name, value)
        ts.append(1000 * (time.perf_counter() - t0))
    return sorted(ts)[len(ts) // 2]

print("rss", rss_mb())"""

EXERCISE = """from rnn_widget import RNNWidget
ex = RNNWidget.exercise("tom_yeh", blanks=["h2", "y2", "h3"], attempts=None, seed=None)
ex"""

REFERENCE = """import ipywidgets as widgets

# the reference of bench_browser.py: a plain ipywidgets slider -> observe -> label round trip
slider = widgets.FloatSlider(value=0.0, min=-10, max=10, step=0.01, description="x")
label = widgets.Label("0.000")
slider.observe(lambda change: setattr(label, "value", f"{2 * change['new']:.3f}"), names="value")
box = widgets.VBox([slider, label])
box.add_class("bench-reference")
box"""

# Tom Yeh's slide (seed=None keeps the preset's numbers): h2 = [1, 17], y2 = 16, h3 = [0, 28].
# Wrong values checked in Python to stay wrong with follow-through from the wrong h2s typed before.
WRONG = {"h2[1]": [5, 9], "h2[2]": [13, 21], "y2": [71, 73], "h3[1]": [4, 6], "h3[2]": [61, 67]}
RIGHT = {"h2[1]": 1, "h2[2]": 17, "y2": 16, "h3[1]": 0, "h3[2]": 28}
SLOTS = list(WRONG)

# Before any page script: the WebSocket frames of a check are timestamped (performance.now(), when
# the page handles them): the answer going out, the `homework` update and the ack coming in (the
# first 16 kB of a frame hold the message's JSON parts), as benchmarks/bench_phases.py does.
WS_INIT = """(() => {
    const P = (window.__wsProbe = {out: [], in: []});
    const Orig = window.WebSocket;
    const dec = new TextDecoder('latin1');
    const kind = (data) => {
        let s = '';
        if (typeof data === 'string') s = data.slice(0, 16384);
        else if (data instanceof ArrayBuffer) s = dec.decode(new Uint8Array(data, 0, Math.min(data.byteLength, 16384)));
        else return '';
        if (/"method":\\s*"update"/.test(s) && /"homework"/.test(s)) return 'homework';
        if (/"type":\\s*"ack"/.test(s)) return 'ack';
        if (/"type":\\s*"answer"/.test(s)) return 'answer';
        return '';
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
                if (k) P.in.push([k, performance.now()]);
            });
        }
    };
})();"""

# Type into an answer input (value + an input event, as typing does), Enter (the slot commits on
# keydown Enter); time until the page shows the verdict (see the module docstring).
CHECK_LOOP_JS = """async ({plan}) => {
    const root = document.querySelector('.rnnw');
    const slot = (name) => root.querySelector(`input.rnnw-answer[data-blank="${name}"][data-where^="diagram"]`);
    const hint = (name) => root.querySelector(`.rnnw-hw-hint[data-blank="${name}"]`)?.textContent ?? '';
    const progress = () => root.querySelector('.rnnw-hw-progress')?.textContent ?? '';
    const out = [];
    for (const {name, value, expect} of plan) {
        const input = slot(name);
        if (!input) { out.push({t: null, why: 'no input for ' + name}); continue; }
        const before = progress();
        const shown = () => {
            if (expect === 'wrong') {
                const el = slot(name);
                return hint(name).startsWith(`${name}: ${value} `) && el && el.classList.contains('is-wrong') && !el.classList.contains('is-pending');
            }
            return !slot(name) && progress() !== before;
        };
        const rev0 = Number(root.getAttribute('data-trace-rev'));
        const r = await new Promise((resolve) => {
            let t0 = 0, ack = null, hinted = null, free = null, sync = null;
            const done = (result) => { obs.disconnect(); clearTimeout(timer); resolve(result); };
            const obs = new MutationObserver(() => {
                const el = slot(name);
                if (ack === null && !(el && el.classList.contains('is-pending'))) ack = performance.now() - t0;
                if (hinted === null && hint(name).startsWith(`${name}: ${value} `)) hinted = performance.now() - t0;
                if (shown()) done({t: performance.now() - t0, ack, hinted, free, sync, t0, revs: Number(root.getAttribute('data-trace-rev')) - rev0});
            });
            const timer = setTimeout(() => done({t: null, why: 'timeout; hint: ' + hint(name) + '; progress: ' + progress()}), 10000);
            obs.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
            input.focus();
            input.value = String(value);
            input.dispatchEvent(new Event('input', {bubbles: true}));
            t0 = performance.now();
            input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true}));
            sync = performance.now() - t0;  // the keydown's handlers (they run synchronously)
            setTimeout(() => { free = performance.now() - t0; }, 0);  // the page's own work after the Enter is done
        });
        out.push(r);
    }
    return out;
}"""


def py_value(page, expr):
    """The harness's py_value after taking the focus out of the widget (an answer input that keeps
    the focus would receive the keys that add the cell)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return _py_value(page, expr)


def frame_split(page, checks):
    """Per check (dicts from CHECK_LOOP_JS): Enter -> the answer frame out, the homework update in,
    the ack in (ms; the first such frame after the Enter and before the verdict)."""
    probe = page.evaluate("() => window.__wsProbe")
    out = {"answer": [], "homework": [], "ack": []}
    for c in checks:
        if c["t"] is None:
            continue
        t0, t1 = c["t0"], c["t0"] + c["t"]
        for kind, frames in (("answer", probe["out"]), ("homework", probe["in"]), ("ack", probe["in"])):
            hits = [t - t0 for k, t in frames if k == kind and t0 <= t <= t1 + 0.5]
            out[kind].append(hits[0] if hits else None)
    return out


def summary(times):
    ok = [t for t in times if t is not None]
    return {"p50": pct(ok, 0.5), "p95": pct(ok, 0.95), "n": len(ok), "lost": len(times) - len(ok)}


def notebook(*sources: str) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "Written by benchmarks/bench_homework.py"}]
    cells += [
        {"cell_type": "code", "metadata": {}, "source": s, "execution_count": None, "outputs": []} for s in sources
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def proc_rss_mb(pid):
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def proc_cpu_s(pid):
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def all_kernels(server_pid):
    """The server's kernels (ipykernel_launcher among its child processes)."""
    import psutil

    return [
        c.pid
        for c in psutil.Process(server_pid).children(recursive=True)
        if any("ipykernel" in part for part in c.cmdline())
    ]


def kernel_pid(server_pid):
    """The server's one kernel."""
    kernels = all_kernels(server_pid)
    if len(kernels) != 1:
        raise RuntimeError(f"expected one kernel under the server, found {kernels}")
    return kernels[0]


def lab_session(context, server, exercise_kernel):
    """Open the three tutorials in Lab beside the exercise (a kernel each, Run All in each), then
    read the RSS of the server and of every kernel: a student's whole session."""
    kernels = {"exercise": exercise_kernel}
    pages = []
    server_cpu0, t0 = proc_cpu_s(server.pid), time.perf_counter()
    for nb, roots in zip(TUTORIALS, (1, 1, 3)):
        page = context.new_page()
        pages.append(page)
        open_notebook(page, server, nb)
        run_all(page, ".rnnw", count=roots, timeout=120)
        known = set(kernels.values())
        new = [pid for pid in all_kernels(server.pid) if pid not in known]
        if len(new) != 1:
            raise RuntimeError(f"expected one new kernel for {nb}, found {new}")
        kernels[nb] = new[0]
    wall = time.perf_counter() - t0
    time.sleep(2.0)
    out = {name: proc_rss_mb(pid) for name, pid in kernels.items()}
    out["server"] = proc_rss_mb(server.pid)
    # CPU of opening the three notebooks and running them: the server, and the three new kernels
    # (from their start: the kernel's own start-up counts)
    out["cpu"] = {
        "server": proc_cpu_s(server.pid) - server_cpu0,
        "kernels": sum(proc_cpu_s(kernels[nb]) for nb in TUTORIALS),
        "wall": wall,
    }
    for page in pages:
        page.close()
    return out


# ---- browser ---------------------------------------------------------------------------------------


def wrong_plan(start, n):
    return [
        {"name": SLOTS[i % 5], "value": WRONG[SLOTS[i % 5]][(i // 5) % 2], "expect": "wrong"}
        for i in range(start, start + n)
    ]


def slider_values(start, n):
    return [round(1 + 0.25 * (i % 2) + 0.01 * i, 2) for i in range(start, start + n)]


class Student:
    """A JupyterHub (tests/e2e/hub_harness.py: the hub, configurable-http-proxy, a local-process
    spawner) with one student logged in through its login page: their single-user server
    (`jupyterhub-singleuser`) is what `Server` is for the other modes."""

    kind = "lab"
    user = "student"

    def __init__(self, mode, tmp, context):
        from hub_harness import Hub, find_proxy, login, wait_server_ready

        proxy = find_proxy()
        if proxy is None:
            sys.exit("no configurable-http-proxy (npm install)")
        self.hub = Hub(tmp / f"{mode}-hub", [self.user], proxy=proxy).wait_ready()
        self.root = self.hub.home(self.user)
        self.log_path = self.hub.log_path  # the single-user server writes into the hub's log
        if mode == "hub-nodelay":  # the student's own config turns the extension on
            (self.root / ".jupyter").mkdir(parents=True, exist_ok=True)
            (self.root / ".jupyter" / "jupyter_server_config.json").write_text(
                json.dumps({"ServerApp": {"jpserver_extensions": {"rnn_widget.nodelay": True}}})
            )
        write_notebooks(self.root)
        self.url = self.hub.user_url(self.user)
        page = context.new_page()
        login(page, self.hub, self.user)
        wait_server_ready(self.hub, self.user)
        page.close()
        self.pid = self._find("jupyterhub-singleuser")

    def _find(self, word):
        import psutil

        found = []
        for pid in self.hub.track():
            try:
                if any(word in part for part in psutil.Process(pid).cmdline()):
                    found.append(pid)
            except psutil.NoSuchProcess:
                pass
        if len(found) != 1:
            raise RuntimeError(f"expected one {word} process under the hub, found {found}")
        return found[0]

    def central_rss(self):
        return {"hub": proc_rss_mb(self.hub.proc.pid), "proxy": proc_rss_mb(self._find("configurable-http-proxy"))}

    def stop(self):
        self.hub.stop()


def write_notebooks(root):
    (root / "homework.ipynb").write_text(json.dumps(notebook(SETUP, EXERCISE, REFERENCE)))
    for nb in TUTORIALS:
        shutil.copy(REPO / "notebooks" / nb, root / nb)


def run_server(mode, args, chromium, tmp, playwright):
    context = launch_browser(playwright, tmp / f"{mode}-profile", chromium)
    context.set_default_timeout(60_000)
    context.add_init_script(WS_INIT)
    try:
        if mode.startswith("hub"):
            server = Student(mode, tmp, context)
        else:
            root = tmp / f"{mode}-notebooks"
            root.mkdir()
            write_notebooks(root)
            extra = (NODELAY_EXTENSION,) if mode == "nodelay" else ()
            server = Server("lab", root, tmp / f"{mode}-state", extra_args=extra).wait_ready()
            server.pid = server.proc.pid
    except BaseException:
        context.close()
        raise
    out = {}
    try:
        time.sleep(1.0)
        out["server_rss_start"] = proc_rss_mb(server.pid)
        out["server_cpu_start"] = proc_cpu_s(server.pid)  # its start-up (on the hub: and the login's Lab page)
        page = context.new_page()
        open_notebook(page, server, "homework.ipynb")
        run_all(page, ".rnnw", count=1)
        page.wait_for_selector(".bench-reference > .widget-label")
        first = page.locator(".jp-Notebook .jp-Cell").nth(1)
        out["kernel_rss_fresh"] = float(first.locator(".jp-OutputArea-output").inner_text().split()[-1])
        wait_until(
            lambda: page.locator('.rnnw input.rnnw-answer[data-where^="diagram"]').count() == 5,
            timeout=30,
            what="the five answer inputs in the diagram",
        )
        page.locator(".rnnw").first.scroll_into_view_if_needed()
        # warm-up: a few of each
        page.evaluate(SLIDER_LOOP_JS, {"values": slider_values(0, 6)})
        page.evaluate(CHECK_LOOP_JS, {"plan": wrong_plan(0, 5)})
        py_value(page, "timed_answers(ex)")
        origin = page.evaluate("() => performance.timeOrigin")
        kernel = kernel_pid(server.pid)
        slider_t, check_t, why, acks, hints, revs = [], [], [], [], [], []
        frames = {"answer": [], "homework": [], "ack": []}
        frees, syncs = [], []
        kernel_legs = {"to_kernel": [], "in_kernel": [], "to_page": []}  # same clock: page and kernel
        cpu = {"slider": [0.0, 0.0], "check": [0.0, 0.0]}  # kernel, server CPU seconds in those blocks

        def timed(kind, js, arg):
            k0, s0 = proc_cpu_s(kernel), proc_cpu_s(server.pid)
            r = page.evaluate(js, arg)
            cpu[kind][0] += proc_cpu_s(kernel) - k0
            cpu[kind][1] += proc_cpu_s(server.pid) - s0
            return r

        i_s, i_c = 6, 5
        while len(check_t) < args.checks:
            n = min(10, args.checks - len(check_t))
            slider_t += timed("slider", SLIDER_LOOP_JS, {"values": slider_values(i_s, n)})
            r = timed("check", CHECK_LOOP_JS, {"plan": wrong_plan(i_c, n)})
            split = frame_split(page, r)
            for kind, ts in split.items():
                frames[kind] += ts
            handled = py_value(page, "take_k()")
            ok = [x for x in r if x["t"] is not None]
            if len(handled) == len(r) == len(ok):  # one kernel record per check, in order
                for x, (k0, k1), hw in zip(r, handled, split["homework"]):
                    enter = origin + x["t0"]
                    kernel_legs["to_kernel"].append(k0 - enter)
                    kernel_legs["in_kernel"].append(k1 - k0)
                    if hw is not None:
                        kernel_legs["to_page"].append(enter + hw - k1)
            check_t += [x["t"] for x in r]
            acks += [x.get("ack") for x in r if x["t"] is not None]
            hints += [x.get("hinted") for x in r if x["t"] is not None]
            frees += [x.get("free") for x in r if x["t"] is not None]
            syncs += [x.get("sync") for x in r if x["t"] is not None]
            revs += [x.get("revs") for x in r if x["t"] is not None]
            why += [x["why"] for x in r if x.get("why")]
            i_s, i_c = i_s + n, i_c + n
        out["wrong_ack"], out["wrong_hint"] = summary(acks), summary(hints)
        out["frames"] = {k: summary(v) for k, v in frames.items()}
        out["free"], out["sync"] = summary(frees), summary(syncs)
        out["legs"] = {k: summary(v) for k, v in kernel_legs.items()}
        out["trace_redraws_per_check"] = sum(revs) / max(1, len(revs))
        out["cpu_ms"] = {k: [1000 * v / len(check_t) for v in kv] for k, kv in cpu.items()}
        r = page.evaluate(
            CHECK_LOOP_JS, {"plan": [{"name": k, "value": v, "expect": "right"} for k, v in RIGHT.items()]}
        )
        right_t = [x["t"] for x in r]
        why += [x["why"] for x in r if x.get("why")]
        out["slider"], out["wrong"], out["right"] = summary(slider_t), summary(check_t), summary(right_t)
        out["right_times"] = right_t
        out["why_lost"] = why
        out["score"] = py_value(page, "(ex.score(), ex.max_score)")
        out["kernel_rss_exercise"] = py_value(page, "rss_mb()")
        # the kernel's own cost of one check, in-process, on a second (undisplayed) exercise
        plan = [(x["name"], x["value"]) for x in wrong_plan(0, 40)]
        out["kernel_check_ms"] = py_value(page, f"check_ms({plan!r})")
        out["server_rss_end"] = proc_rss_mb(server.pid)
        if args.tutorials:
            out["session"] = lab_session(context, server, kernel)
        print(f"  [{mode}] {out}", file=sys.stderr)
        if mode.startswith("hub"):
            out["central"] = server.central_rss()
        page.close()
        out["nodelay_logged"] = "rnn_widget.nodelay" in server.log_path.read_text(errors="replace")
    finally:
        context.close()
        server.stop()
    return out


def browser_tables(results):
    label = {m: m for m in results}
    modes = list(results)
    lines = [
        "### Check -> feedback in the page (JupyterLab + chromium)",
        "",
        "| case | "
        + " | ".join(f"{label[m]} p50 / p95 ms (n)" for m in modes)
        + " | ratio to the slider p50 / p95 ("
        + ", ".join(modes)
        + ") |",
        "|---|" + "---|" * len(modes) + "---|",
    ]
    rows = [
        ("slider", "ipywidgets FloatSlider -> observe -> Label (reference, same notebook)"),
        ("wrong", "wrong answer typed + Enter -> hint naming it shown, slot marked wrong"),
        ("right", "right answer typed + Enter -> slot closed, score line updated"),
    ]
    for key, name in rows:
        cells = []
        for m in modes:
            r = results[m][key]
            cells.append(f"{r['p50']:.1f} / {r['p95']:.1f} ({r['n']})" + (f", {r['lost']} lost" if r["lost"] else ""))
        ratios = ", ".join(
            f"{results[m][key]['p50'] / results[m]['slider']['p50']:.2f}x / "
            f"{results[m][key]['p95'] / results[m]['slider']['p95']:.2f}x"
            for m in modes
        )
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratios} |")
    lines += [
        "",
        "| per server | " + " | ".join(modes) + " |",
        "|---|" + "---|" * len(modes),
        "| of a wrong check: Enter -> the answer's WebSocket frame out, p50 / p95 ms | "
        + " | ".join(
            f"{results[m]['frames']['answer']['p50']:.1f} / {results[m]['frames']['answer']['p95']:.1f}" for m in modes
        )
        + " |",
        "| of a wrong check: the Enter's own handlers (synchronous: parse, mark waiting, send, redraw), p50 / p95 ms | "
        + " | ".join(f"{results[m]['sync']['p50']:.1f} / {results[m]['sync']['p95']:.1f}" for m in modes)
        + " |",
        "| of a wrong check: Enter -> the page's main thread free again (a setTimeout 0 runs), p50 / p95 ms | "
        + " | ".join(f"{results[m]['free']['p50']:.1f} / {results[m]['free']['p95']:.1f}" for m in modes)
        + " |",
        "| of a wrong check: Enter -> the kernel's answer handler starts [clock], p50 / p95 ms | "
        + " | ".join(
            f"{results[m]['legs']['to_kernel']['p50']:.1f} / {results[m]['legs']['to_kernel']['p95']:.1f}"
            for m in modes
        )
        + " |",
        "| of a wrong check: the kernel's answer handler (check, hint, publish `homework`, ack), p50 / p95 ms | "
        + " | ".join(
            f"{results[m]['legs']['in_kernel']['p50']:.2f} / {results[m]['legs']['in_kernel']['p95']:.2f}"
            for m in modes
        )
        + " |",
        "| of a wrong check: handler done -> the `homework` update's frame handled in the page [clock], p50 / p95 ms | "
        + " | ".join(
            f"{results[m]['legs']['to_page']['p50']:.1f} / {results[m]['legs']['to_page']['p95']:.1f}" for m in modes
        )
        + " |",
        "| of a wrong check: Enter -> the `homework` update's frame handled in the page, p50 / p95 ms | "
        + " | ".join(
            f"{results[m]['frames']['homework']['p50']:.1f} / {results[m]['frames']['homework']['p95']:.1f}"
            for m in modes
        )
        + " |",
        "| of a wrong check: Enter -> the ack's frame handled in the page, p50 / p95 ms | "
        + " | ".join(
            f"{results[m]['frames']['ack']['p50']:.1f} / {results[m]['frames']['ack']['p95']:.1f}" for m in modes
        )
        + " |",
        "| of a wrong check: Enter -> the ack handled (input no longer waiting), p50 / p95 ms | "
        + " | ".join(f"{results[m]['wrong_ack']['p50']:.1f} / {results[m]['wrong_ack']['p95']:.1f}" for m in modes)
        + " |",
        "| of a wrong check: Enter -> the hint naming it in the panel (before or with the ack), p50 / p95 ms | "
        + " | ".join(f"{results[m]['wrong_hint']['p50']:.1f} / {results[m]['wrong_hint']['p95']:.1f}" for m in modes)
        + " |",
        "| of a wrong check: trace redraws (data-trace-rev steps) per check | "
        + " | ".join(f"{results[m]['trace_redraws_per_check']:.2f}" for m in modes)
        + " |",
        "| `ex.check()` in the kernel, in-process, median ms | "
        + " | ".join(f"{results[m]['kernel_check_ms']:.2f}" for m in modes)
        + " |",
        "| CPU per round trip, kernel / server ms: slider | "
        + " | ".join(
            f"{results[m]['cpu_ms']['slider'][0]:.1f} / {results[m]['cpu_ms']['slider'][1]:.1f}" for m in modes
        )
        + " |",
        "| CPU per round trip, kernel / server ms: wrong answer checked | "
        + " | ".join(f"{results[m]['cpu_ms']['check'][0]:.1f} / {results[m]['cpu_ms']['check'][1]:.1f}" for m in modes)
        + " |",
        "| kernel RSS fresh -> exercise + slider shown, MB | "
        + " | ".join(f"{results[m]['kernel_rss_fresh']:.0f} -> {results[m]['kernel_rss_exercise']:.0f}" for m in modes)
        + " |",
        "| single-user server RSS (`jupyter lab`; on the hub `jupyterhub-singleuser`, after the login page) "
        "at start -> after the checks, MB | "
        + " | ".join(f"{results[m]['server_rss_start']:.0f} -> {results[m]['server_rss_end']:.0f}" for m in modes)
        + " |",
        "| single-user server CPU s: its start-up (on the hub with the login page's Lab) | "
        + " | ".join(f"{results[m]['server_cpu_start']:.2f}" for m in modes)
        + " |",
        "| score after the five right answers | "
        + " | ".join(f"{results[m]['score'][0]:g}/{results[m]['score'][1]}" for m in modes)
        + " |",
    ]
    hubs = [m for m in modes if "central" in results[m]]
    if hubs:
        lines.append(
            "| JupyterHub's own processes (once per hub, not per student): hub / proxy RSS MB | "
            + " | ".join(
                f"{results[m]['central']['hub']:.0f} / {results[m]['central']['proxy']:.0f}" if m in hubs else "-"
                for m in modes
            )
            + " |"
        )
    if all("session" in results[m] for m in modes):
        lines += [
            "",
            "### A student's session in Lab: the exercise and the three tutorials open, a kernel each (RSS MB)",
            "",
        ]
        lines += ["| process | " + " | ".join(modes) + " |", "|---|" + "---:|" * len(modes)]
        names = ["server", "exercise", *TUTORIALS]
        for name in names:
            what = (
                "single-user server (`jupyter lab` / `jupyterhub-singleuser`)"
                if name == "server"
                else f"kernel: {name}"
            )
            lines.append(f"| {what} | " + " | ".join(f"{results[m]['session'][name]:.0f}" for m in modes) + " |")
        lines.append(
            "| **total** | "
            + " | ".join(f"**{sum(results[m]['session'][n] for n in names):.0f}**" for m in modes)
            + " |"
        )
        lines += [
            "",
            "| opening the three tutorials and Run All in each (one after the other) | " + " | ".join(modes) + " |",
            "|---|" + "---:|" * len(modes),
            "| CPU s: single-user server / the three kernels (with their start-up) | "
            + " | ".join(
                f"{results[m]['session']['cpu']['server']:.2f} / {results[m]['session']['cpu']['kernels']:.2f}"
                for m in modes
            )
            + " |",
            "| wall s | " + " | ".join(f"{results[m]['session']['cpu']['wall']:.1f}" for m in modes) + " |",
        ]
    return "\n".join(lines)


# ---- memory without a browser ------------------------------------------------------------------------

KERNEL_PROBE = """import os as _os
def _rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
def _cpu_s():
    t = _os.times()
    return t.user + t.system
def _widgets():
    import sys
    if "ipywidgets" not in sys.modules:
        return 0
    from ipywidgets.widgets import widget
    return len(getattr(widget, "_instances", None) or {})
"""

TUTORIALS = ["01_rnn_by_hand.ipynb", "02_dashboard.ipynb", "03_gradients_and_training.ipynb"]


class Kernel:
    """A python3 kernel (jupyter_client) with its state under a temporary folder."""

    def __init__(self, tmp: Path, cwd: Path):
        from jupyter_client.manager import KernelManager

        env = jupyter_env(tmp / "kernel-state")
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=env, cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.run(KERNEL_PROBE)

    def run(self, code: str, timeout: float = 180.0) -> str:
        out, errors = [], []

        def hook(msg):
            t, c = msg["msg_type"], msg["content"]
            if t == "stream":
                out.append(c["text"])
            elif t == "error":
                errors.append(f"{c['ename']}: {c['evalue']}")

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
        if reply["content"]["status"] != "ok" or errors:
            raise RuntimeError(f"cell failed: {errors or reply['content']}\n{code}")
        return "".join(out)

    def value(self, expr: str):
        import ast

        return ast.literal_eval(self.run(f"print(repr({expr}))").strip().splitlines()[-1])

    def rss_cpu(self):
        return self.value("(_rss_mb(), _cpu_s())")

    def run_notebook(self, path: Path):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                if src.strip():
                    self.run(src)

    def stop(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def memory(tmp: Path):
    rows = []
    nbdir = REPO / "notebooks"

    def case(name, steps):
        k = Kernel(tmp, nbdir)
        try:
            rss0, cpu0 = k.rss_cpu()
            t0 = time.perf_counter()
            for step in steps:
                step(k)
            wall = time.perf_counter() - t0
            k.run("import gc; gc.collect()")
            rss1, cpu1 = k.rss_cpu()
            widgets = k.value("_widgets()")
        finally:
            k.stop()
        rows.append(
            {
                "case": name,
                "start_cpu": cpu0,
                "fresh": rss0,
                "after": rss1,
                "cpu": cpu1 - cpu0,
                "wall": wall,
                "widgets": widgets,
            }
        )
        print(f"  memory: {rows[-1]}", file=sys.stderr)

    case("fresh kernel (nothing run)", [])
    case("`from rnn_widget import RNNWidget`", [lambda k: k.run("from rnn_widget import RNNWidget")])
    case("one exercise open (tom_yeh, h2 y2 h3)", [lambda k: k.run(EXERCISE)])
    case(
        "the three tutorials, one kernel",
        [lambda k, nb=nb: k.run_notebook(nbdir / nb) for nb in TUTORIALS],
    )
    for nb in TUTORIALS:
        case(f"{nb} alone", [lambda k, nb=nb: k.run_notebook(nbdir / nb)])
    return rows


def memory_table(rows):
    lines = [
        "### Kernel memory (VmRSS read in the kernel, after gc.collect())",
        "",
        "| kernel | RSS fresh MB | RSS after MB | widgets alive | CPU s: start the kernel / run it | wall s to run it |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['fresh']:.0f} | {r['after']:.0f} | {r['widgets']} | {r['start_cpu']:.2f} / {r['cpu']:.2f} | {r['wall']:.2f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checks", type=int, default=30)
    ap.add_argument("--servers", default="stock,nodelay")
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument(
        "--no-tutorials",
        dest="tutorials",
        action="store_false",
        help="skip opening the three tutorials in Lab beside the exercise (a student's whole session)",
    )
    args = ap.parse_args(argv)
    out = []
    with tempfile.TemporaryDirectory(prefix="rnnw-homework-") as d:
        tmp = Path(d)
        if not args.skip_memory:
            print("== memory", file=sys.stderr)
            out.append(memory_table(memory(tmp)))
            out.append(
                f"\n(load average at the end of the memory part: {' / '.join(f'{x:.1f}' for x in os.getloadavg())})\n"
            )
        if not args.skip_browser:
            chromium = find_chromium()
            if chromium is None:
                sys.exit("no chromium found (apt-get install -y chromium)")
            from playwright.sync_api import sync_playwright

            results = {}
            with sync_playwright() as p:
                for mode in args.servers.split(","):
                    print(f"== {mode} server", file=sys.stderr)
                    results[mode] = run_server(mode, args, chromium, tmp, p)
                    if mode.endswith("nodelay") and not results[mode]["nodelay_logged"]:
                        print("  WARNING: the nodelay extension did not log that it loaded", file=sys.stderr)
            out.append(browser_tables(results))
            out.append(
                f"\n(load average of this 2-core machine at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())})"
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()
