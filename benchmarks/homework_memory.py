"""bench_homework.py's memory part, without a browser: one kernel per row (jupyter_client), its
VmRSS and CPU time fresh and after the row's cells."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import REPO
from homework_page import EXERCISE, TUTORIALS
from jupyter_harness import jupyter_env

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
