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
import sys
import tempfile
import time
from pathlib import Path

from common import (
    SLIDER_LOOP_JS,
    browser_session,
    each_server,
    lab_server,
    load_average,
    load_average_line,
    proc_cpu_s,
    proc_rss_mb,
    summary,
)
from homework_hub import Student, kernel_pid, lab_session
from homework_memory import memory, memory_table
from homework_page import (
    CHECK_LOOP_JS,
    RIGHT,
    WS_INIT,
    frame_split,
    py_value,
    slider_values,
    write_notebooks,
    wrong_plan,
)
from homework_tables import browser_tables
from jupyter_harness import launch_browser, open_notebook, run_all, wait_until


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
            server = lab_server(root, tmp / f"{mode}-state", nodelay=mode == "nodelay")
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
            out.append(f"\n(load average at the end of the memory part: {load_average()})\n")
        if not args.skip_browser:
            with browser_session(tmp=tmp) as (chromium, tmp, p):
                results = each_server(
                    args.servers, lambda mode: run_server(mode, args, chromium, tmp, p), warn_nodelay=True
                )
            out.append(browser_tables(results))
            out.append("\n" + load_average_line())
    print("\n".join(out))


if __name__ == "__main__":
    main()
