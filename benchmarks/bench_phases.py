"""The update path of one edit, phase by phase, in a real JupyterLab + Chromium (issue 9); prints
a markdown table.

    .venv/bin/python benchmarks/bench_phases.py [--edits 30] [--servers nodelay,stock] [--cases tom_yeh,lstm,big]

One edit = a number typed into a cell of the widget and Enter, until the view has redrawn for the
new trace. Marks, matched per edit:

* in the page (performance.now(), turned into wall-clock ms with performance.timeOrigin):
  the keydown; the view's `model.send` of the edit message (benchmarks/probe/phase_probe.js wraps
  the widget's own front end, bundled by esbuild into a temporary _esm of a subclass); the
  WebSocket frame going out and the update / ack frames coming in (an init script wraps
  WebSocket); `change:trace` on the model (ipywidgets has deserialised the state); the widget
  root's `data-trace-rev` going up (every part has redrawn); the next animation frame;
* in the kernel (time.time(), wrappers installed from a notebook cell on the widget instance and
  on rnn_widget._state): the edit handler's start and end; check + recompute (`_state.run`, the
  forward and backward pass); the trace as lists (`_state.trace_json`); the rest of applying the
  edit; publishing the traits (`_commit`: packing the arrays (`to_json`) and serialising + sending
  the comm message (`_send`)); sending the ack.

Page and kernel read the same system clock; the two crossing legs (page -> kernel, kernel ->
page) depend on it, their sum does not. The decode of the packed trace (js/packed.js) happens
inside the redraw; it is timed apart on the same trace (median of 20 decodes) and shown as a
share of the redraw.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench_load import notebook
from common import (
    HERE,
    REPO,
    browser_session,
    each_server,
    lab_server,
    load_average_line,
    pct,
    set_blas_threads,
    ws_probe_init,
)
from jupyter_harness import (
    launch_browser,
    open_notebook,
    run_all,
    run_cell,
)

# Before any page script: every WebSocket frame carrying an edit, a trait update or an ack is
# timestamped (the first 16 kB of a frame hold the message's JSON parts, before any buffers).
WS_INIT = ws_probe_init(
    r"""        if (/"method":\s*"update"/.test(s) && /"trace"/.test(s)) return 'update';
        if (/"type":\s*"ack"/.test(s)) return 'ack';
        if (/"type":\s*"edit"/.test(s)) return 'edit';
        if (/"type":\s*"bench-blob"/.test(s)) return 'blob';
""",
    sizes=True,
)

SETUP = """import json, pathlib, time
import numpy as np
import rnn_widget._state as _S
from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec

class Probe(RNNWidget):
    _esm = pathlib.Path({probe!r})

K, _cur = {{}}, [None]
def _now():
    return time.time() * 1000.0

def _add(key, ms):
    if _cur[0] is not None:
        _cur[0][key] = _cur[0].get(key, 0.0) + ms

def _timed(f, key):
    def g(*a, **k):
        t = _now()
        try:
            return f(*a, **k)
        finally:
            _add(key, _now() - t)
    return g

_S.run = _timed(_S.run, "run")
_S.trace_json = _timed(_S.trace_json, "trace_json")
for _name, _trait in Probe.class_traits(sync=True).items():
    if _trait.metadata.get("to_json") is _S.pack_arrays:
        _trait.metadata["to_json"] = _timed(_S.pack_arrays, "pack")

def instrument(w):
    on_edit, apply, commit, send = w._on_edit_msg, w._apply_edits, w._commit, w._send
    def _on_edit_msg(content):
        rec = {{"recv": _now()}}
        K[content.get("id")] = rec
        _cur[0] = rec
        try:
            on_edit(content)
        finally:
            rec["end"] = _now()
            _cur[0] = None
    def _apply_edits(edits):
        t = _now()
        try:
            return apply(edits)
        finally:
            _add("apply", _now() - t)
    def _commit(state):
        t = _now()
        try:
            return commit(state)
        finally:
            _add("commit", _now() - t)
            if _cur[0] is not None:
                _cur[0]["commit_end"] = _now()
    def _send(msg, buffers=None):
        t = _now()
        try:
            return send(msg, buffers)
        finally:
            kind = "send_ack" if msg.get("method") == "custom" else "send_update"
            _add(kind, _now() - t)
            if _cur[0] is not None:
                _cur[0][kind + "_end"] = _now()
    w._on_edit_msg, w._apply_edits, w._commit, w._send = _on_edit_msg, _apply_edits, _commit, _send
    return w"""

CASES = {  # display code, how to edit (a small cell by its aria-label, or a heat map cell), values
    "tom_yeh": (
        'w = instrument(Probe.from_preset("tom_yeh"))\nw',
        {"label": "B row 1 column 1"},
        [2, 1],
        "Tom Yeh preset (RNN, hidden 2, 4 steps)",
    ),
    "lstm": (
        'w = instrument(Probe(Network(Spec(cell="lstm", input_size=1, hidden_sizes=(32,), output_size=1)),'
        " np.sin(np.arange(64) / 4.0)[:, None]))\nw",
        {"label": "x64 entry 1", "heat": {"name": "inputs", "r": 63, "c": 0}},
        [1.5, -1.5],
        "LSTM hidden 32, 64 steps (x64 edited)",
    ),
    "big": (
        'w = instrument(Probe(Network(Spec(cell="lstm", input_size=64, hidden_sizes=(128,), output_size=1)),'
        " np.sin(np.arange(90 * 64).reshape(90, 64) / 7.0)))\nw",
        {"heat": {"name": "W_xi", "r": 3, "c": 5}},
        [0.5, -0.5],
        "LSTM hidden 128, input 64, 90 steps (one W_xi entry)",
    ),
}

LOOP_JS = """async ({how, values}) => {
    const root = document.querySelector('.rnnw');
    let input = how.label ? root.querySelector(`input.rnnw-cell[aria-label="${how.label}"]`) : null;
    if (input) input.scrollIntoView({block: 'center'});
    else {
        const canvas = root.querySelector(`.rnnw-heat[data-name="${how.heat.name}"] canvas.rnnw-heat-canvas`);
        canvas.scrollIntoView({block: 'center'});
        const box = canvas.getBoundingClientRect();
        const x = box.left + (how.heat.c + 0.5) * Number(canvas.dataset.cellW), y = box.top + (how.heat.r + 0.5) * Number(canvas.dataset.cellH);
        const ev = (type) => canvas.dispatchEvent(new PointerEvent(type, {bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, pointerId: 7}));
        ev('pointerdown'); ev('pointerup');
        input = root.querySelector('input.rnnw-heat-input:not([hidden])');
    }
    const probe = window.__rnnwProbe;
    const rev = () => Number(root.getAttribute('data-trace-rev'));
    const out = [];
    for (const v of values) {
        const before = rev(), acks = probe.acks.length;
        const rec = await new Promise((resolve) => {
            const r = {};
            const check = () => {
                if (r.rev && r.frame && probe.acks.length > acks) { obs.disconnect(); clearTimeout(timer); resolve(r); }
            };
            const obs = new MutationObserver(() => {
                if (!r.rev && rev() > before) {
                    r.rev = performance.now();
                    requestAnimationFrame(() => { r.frame = performance.now(); check(); });
                }
            });
            const poll = setInterval(() => { if (probe.acks.length > acks) { clearInterval(poll); setTimeout(check, 0); } }, 1);
            const timer = setTimeout(() => { obs.disconnect(); clearInterval(poll); resolve(null); }, 20000);
            obs.observe(root, {attributes: true, attributeFilter: ['data-trace-rev']});
            input.value = String(v);
            r.key = performance.now();
            input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true}));
            // the main thread after the keydown: the view's own redraw of the edited entry (before any answer)
            setTimeout(() => { r.free = performance.now(); }, 0);
            requestAnimationFrame(() => setTimeout(() => { r.painted = performance.now(); }, 0));
        });
        out.push(rec);
        await new Promise((res) => setTimeout(res, 30));   // let the channel settle between edits
    }
    return {out, sends: probe.sends, changes: probe.changes, acks: probe.acks, ws: window.__wsProbe, origin: performance.timeOrigin};
}"""

PHASES = [  # key, what it is
    ("handler", "page: keydown -> the view's model.send (parse, overlay, edit message)"),
    ("to_ws", "page: model.send -> WebSocket frame out (ipywidgets + Lab kernel client)"),
    ("local", "page, meanwhile: keydown -> main thread free again (the view redraws the entry it sent)"),
    ("local_paint", "page, meanwhile: keydown -> that redraw painted (next frame + a task)"),
    ("frame_in", "page: keydown -> the update's WebSocket frame in (for comparison with the two above)"),
    ("to_kernel", "page frame out -> kernel's edit handler starts (server, ZMQ, kernel dispatch) [clock]"),
    ("run", "kernel: check + recompute (forward + BPTT, `_state.run`)"),
    ("trace_json", "kernel: trace to lists (`_state.trace_json`)"),
    ("apply_rest", "kernel: rest of applying the edit (draft, checks)"),
    ("pack", "kernel: pack arrays for the page (`to_json`)"),
    ("send_update", "kernel: serialise + send the trait update (`_send`)"),
    ("commit_rest", "kernel: rest of publishing (traitlets, hold_sync)"),
    ("send_ack", "kernel: send the ack"),
    ("to_page", "kernel update sent -> its WebSocket frame in the page (ZMQ, server) [clock]"),
    ("deserialise", "page: frame in -> change:trace (Lab kernel client, ipywidgets deserialise)"),
    ("redraw", "page: change:trace -> data-trace-rev up (decode + every part redrawn)"),
    ("decode", "  of which: decode the packed trace (js/packed.js, timed apart)"),
    ("frame", "page: redrawn -> next animation frame (style, layout, paint)"),
    ("total", "keydown -> next frame after the redraw"),
    ("crossing", "both crossings (to_kernel + to_page; independent of the clock)"),
]


def first_after(marks, t, kind=None):
    for m in marks:
        if (kind is None or m[0] == kind) and m[1] >= t:
            return m
    return None


def phases(result, kernel):
    origin = result["origin"]
    ws_out, ws_in = result["ws"]["out"], result["ws"]["in"]
    sends, changes = result["sends"], result["changes"]
    rows = []
    for rec in result["out"]:
        if rec is None:
            continue
        send = next((s for s in sends if s[1] >= rec["key"]), None)
        if send is None or send[0] not in kernel:
            continue
        k = kernel[send[0]]
        out = first_after(ws_out, send[1], "edit")
        update = first_after(ws_in, send[1], "update")
        change = next((c for c in changes if c >= (update[1] if update else send[1])), None)
        if not (out and update and change):
            continue
        epoch = lambda t: origin + t  # noqa: E731
        row = {
            "handler": send[1] - rec["key"],
            "to_ws": out[1] - send[1],
            "to_kernel": k["recv"] - epoch(out[1]),
            "run": k.get("run", 0.0),
            "trace_json": k.get("trace_json", 0.0),
            "pack": k.get("pack", 0.0),
            "send_update": k.get("send_update", 0.0),
            "send_ack": k.get("send_ack", 0.0),
            "to_page": epoch(update[1]) - k.get("send_update_end", k["commit_end"]),
            "deserialise": change - update[1],
            "local": rec.get("free", rec["key"]) - rec["key"],
            "local_paint": rec.get("painted", rec["key"]) - rec["key"],
            "frame_in": update[1] - rec["key"],
            "redraw": rec["rev"] - change,
            "frame": rec["frame"] - rec["rev"],
            "total": rec["frame"] - rec["key"],
            "bytes": update[2],
        }
        row["apply_rest"] = k.get("apply", 0.0) - row["run"] - row["trace_json"]
        row["commit_rest"] = k.get("commit", 0.0) - row["pack"] - row["send_update"]
        row["crossing"] = row["to_kernel"] + row["to_page"]
        rows.append(row)
    return rows


BLOBS = """import time
def _blobs(n, size, parts):
    for _ in range(n):
        w.send({{"type": "bench-blob", "sent": time.time() * 1000.0}}, buffers=[bytes(size // parts)] * parts)
        time.sleep(0.2)
_blobs({n}, {size}, {parts})"""


def transport(page, size, n, parts=1):
    """The transport alone, for reference: `n` custom messages from the kernel carrying `size` bytes
    in one buffer (the size of the case's update frame), kernel send -> WebSocket frame in the page
    and -> the model's msg:custom. Same clock caveat as to_page."""
    if not size or not n:
        return None
    page.evaluate("() => { window.__rnnwProbe.blobs = []; window.__wsProbe.in.length = 0; }")
    run_cell(page, BLOBS.format(n=n, size=size, parts=parts), timeout=60)
    page.wait_for_function(f"() => (window.__rnnwProbe.blobs || []).length >= {n}", timeout=60_000)
    got = page.evaluate(
        "() => ({blobs: window.__rnnwProbe.blobs, ws: window.__wsProbe.in.filter(m => m[0] === 'blob'), origin: performance.timeOrigin})"
    )
    frames = [t for _, t, _ in got["ws"]]
    to_frame = [got["origin"] + f - sent for (sent, _), f in zip(got["blobs"], frames)]
    to_model = [got["origin"] + t - sent for sent, t in got["blobs"]]
    return {"size": size, "to_frame": to_frame, "to_model": to_model}


def build_probe(tmp: Path) -> Path:
    out = tmp / "phase_probe.js"
    esbuild = REPO / "node_modules" / ".bin" / "esbuild"
    packed = next((REPO / "js").rglob("packed.js"))  # js/ is being reorganised into folders
    done = subprocess.run(
        [
            str(esbuild),
            str(HERE / "probe" / "phase_probe.js"),
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            f"--outfile={out}",
            "--alias:rnnw-widget=./js/widget.js",
            f"--alias:rnnw-packed=./{packed.relative_to(REPO)}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"esbuild could not bundle the probe:\n{done.stderr}")
    return out


def run_server(mode, args, chromium, tmp, playwright, probe):
    root = tmp / f"{mode}-notebooks"
    root.mkdir()
    for case in args.cases:
        (root / f"{case}.ipynb").write_text(json.dumps(notebook(SETUP.format(probe=str(probe)), CASES[case][0])))
    server = lab_server(root, tmp / f"{mode}-state", nodelay=mode == "nodelay")
    out = {}
    try:
        context = launch_browser(playwright, tmp / f"{mode}-profile", chromium)
        context.add_init_script(WS_INIT)
        context.set_default_timeout(60_000)
        for case in args.cases:
            _, how, pair, _ = CASES[case]
            page = context.new_page()
            open_notebook(page, server, f"{case}.ipynb")
            run_all(page, ".rnnw", count=1)
            page.wait_for_function("() => document.querySelector('.rnnw .rnnw-diagram') && window.__rnnwProbe")
            values = [pair[i % 2] for i in range(args.edits + 6)]
            result = page.evaluate(LOOP_JS, {"how": how, "values": values})
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            try:
                kernel = json.loads(run_cell(page, "print(json.dumps(K))", timeout=60).strip().splitlines()[-1])
            except Exception:
                page.screenshot(path=str(tmp.parent / "phases-fail.png"))
                raise
            decode = page.evaluate("() => window.__rnnwProbe.decode(0, 20)")
            rows = phases(result, kernel)[6:]  # the first six are a warm-up
            size = int(pct([r["bytes"] for r in rows], 0.5)) if rows else 0
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            blob = transport(page, size, args.blobs)
            blob_parts = transport(page, size, args.blobs, parts=24)
            lost = sum(r is None for r in result["out"])
            out[case] = {"rows": rows, "decode": decode, "lost": lost, "blob": blob, "blob24": blob_parts}
            print(f"  [{mode}] {case}: {len(rows)} edits matched, {lost} lost, decode {decode:.2f} ms", file=sys.stderr)
            page.close()
        context.close()
    finally:
        server.stop()
    return out


def table(results):
    lines = []
    label = {"stock": "stock server", "nodelay": "server + rnn_widget.nodelay"}
    for mode, cases in results.items():
        names = [c for c in cases]
        lines += [
            f"### Phases of one edit, {label[mode]} (median ms; p95 in brackets)",
            "",
            "| phase | " + " | ".join(CASES[c][3] for c in names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        for key, what in PHASES:
            cells = []
            for c in names:
                rows = cases[c]["rows"]
                if key == "decode":
                    cells.append(f"{cases[c]['decode']:.2f}")
                    continue
                xs = [r[key] for r in rows]
                cells.append(f"{pct(xs, 0.5):.2f} ({pct(xs, 0.95):.2f})" if xs else "-")
            lines.append(f"| {what} | " + " | ".join(cells) + " |")
        lines.append(
            "| update frame size (bytes) | "
            + " | ".join(
                str(int(pct([r["bytes"] for r in cases[c]["rows"]], 0.5))) if cases[c]["rows"] else "-" for c in names
            )
            + " |"
        )
        blob_cells = []
        for c in names:
            b = cases[c].get("blob")
            ok = b and b["to_frame"]
            blob_cells.append(f"{pct(b['to_frame'], 0.5):.2f} ({pct(b['to_frame'], 0.95):.2f})" if ok else "-")
        lines.append(
            "| reference: a bare custom message of that size (1 buffer), kernel send -> its frame in the page [clock] | "
            + " | ".join(blob_cells)
            + " |"
        )
        cells24 = []
        for c in names:
            b = cases[c].get("blob24")
            ok = b and b["to_frame"]
            cells24.append(f"{pct(b['to_frame'], 0.5):.2f} ({pct(b['to_frame'], 0.95):.2f})" if ok else "-")
        lines.append("| the same in 24 buffers [clock] | " + " | ".join(cells24) + " |")
        lines.append(
            "| edits measured (lost) | "
            + " | ".join(f"{len(cases[c]['rows'])} ({cases[c]['lost']})" for c in names)
            + " |"
        )
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS for the kernels (default: unset, numpy's choice)",
    )
    ap.add_argument("--servers", default="nodelay,stock")
    ap.add_argument("--cases", default="tom_yeh,lstm,big")
    ap.add_argument("--blobs", type=int, default=10, help="bare messages of the update's size, for reference")
    args = ap.parse_args(argv)
    set_blas_threads(args.blas_threads)
    args.cases = args.cases.split(",")
    with browser_session("rnnw-phases-") as (chromium, tmp, p):
        probe = build_probe(tmp)
        results = each_server(args.servers, lambda mode: run_server(mode, args, chromium, tmp, p, probe))
    print(table(results))
    print(f"\n(BLAS threads in the kernels: {args.blas_threads or 'unset (numpy default)'})")
    print(load_average_line())
    return results


if __name__ == "__main__":
    main()
