"""The TextInspector in a real JupyterLab + Chromium: typing a character -> every view updated.

    .venv/bin/python benchmarks/bench_inspector.py [--chars 60] [--hidden 256] [--length 500]
                                                   [--servers stock,nodelay]

A notebook (written into a temporary folder) holds a TextInspector on a character LSTM (a
65-character vocabulary, hidden 256 by default, a text of 500 characters) and the reference, a
plain ipywidgets FloatSlider -> observe -> Label round trip, exactly as in bench_browser.py.
Measured in the page with performance.now() and a MutationObserver:

* append: a character typed at the end of the text (an input event on the text box) -> the page has
  the new values and has redrawn everything (heat map, thumbnails, the unit's line, the coloured
  text, the top steps: the root's data-rev goes up once all of that is drawn); `--chars` in a row,
  each started as soon as the previous one is drawn;
* first character changed: the same, but the first character of the 500 changes, so the kernel
  recomputes all 500 steps (the worst case of a single keystroke); the exact values of the quantity
  in view (h) and every quantity's coarse thumbnail preview travel, about 0.6 MB (the other
  quantities' exact values are fetched when shown: docs/protocol.md);
* the reference slider round trip, `--chars` edits.

The page also records how long its own drawing took per update (the root's data-draw-ms) and the
kernel's own time for the text, recompute and message preparation (data-kernel-ms, from the message).
"""

from __future__ import annotations

import argparse
import json
import sys

from common import SLIDER_LOOP_JS, browser_session, each_server, lab_server, load_average_line, notebook, pct
from jupyter_harness import launch_browser, open_notebook, run_all

SETUP = """import string
import numpy as np
import torch
from rnn_widget.inspect import TextInspector

torch.manual_seed(0)
VOCAB = string.ascii_letters + " .,;'\\"?!\\n-"
rnn = torch.nn.LSTM(len(VOCAB), {hidden})
linear = torch.nn.Linear({hidden}, len(VOCAB))
rng = np.random.default_rng(0)
text = "".join(rng.choice(list(VOCAB), {length}))
insp = TextInspector.from_torch(rnn, linear, VOCAB, text=text)
insp"""

REFERENCE = """import ipywidgets as widgets

# the reference: a plain ipywidgets slider -> observe -> label round trip
slider = widgets.FloatSlider(value=0.0, min=-10, max=10, step=0.01, description="x")
label = widgets.Label("0.000")
slider.observe(lambda change: setattr(label, "value", f"{2 * change['new']:.3f}"), names="value")
box = widgets.VBox([slider, label])
box.add_class("bench-reference")
box"""

# Type by setting the text box's value and firing its input event (what a keypress does); time
# until the root's data-rev changes (set after every view is redrawn).
TYPE_LOOP_JS = """async ({chars, where}) => {
    const root = document.querySelector('.rnnw-insp');
    const box = root.querySelector('textarea.rnnw-insp-text');
    const times = [], draws = [], kernel = [];
    for (const ch of chars) {
        const before = root.dataset.rev;
        const dt = await new Promise((resolve) => {
            let t0 = 0;
            const done = (r) => { obs.disconnect(); clearTimeout(timer); resolve(r); };
            const obs = new MutationObserver(() => { if (root.dataset.rev !== before) done(performance.now() - t0); });
            const timer = setTimeout(() => done(null), 10000);
            obs.observe(root, {attributes: true, attributeFilter: ['data-rev']});
            t0 = performance.now();
            box.value = where === 'end' ? box.value + ch : ch + box.value.slice(1);
            box.dispatchEvent(new Event('input', {bubbles: true}));
        });
        times.push(dt);
        draws.push(Number(root.dataset.drawMs));
        kernel.push(Number(root.dataset.kernelMs));
        await new Promise((r) => setTimeout(r, 0));
    }
    return {times, draws, kernel, T: Number(root.dataset.t)};
}"""


def summarize(times):
    ok = [t for t in times if t is not None]
    return {"p50": pct(ok, 0.5), "p95": pct(ok, 0.95), "n": len(ok), "lost": len(times) - len(ok)}


def run_server(mode, args, chromium, tmp, playwright):
    root = tmp / f"{mode}-notebooks"
    root.mkdir()
    nb = notebook(SETUP.format(hidden=args.hidden, length=args.length), REFERENCE, by="benchmarks/bench_inspector.py")
    (root / "inspector.ipynb").write_text(json.dumps(nb, indent=1))
    server = lab_server(root, tmp / f"{mode}-state", nodelay=mode == "nodelay")
    out = {}
    try:
        context = launch_browser(playwright, tmp / f"{mode}-profile", chromium)
        context.set_default_timeout(120_000)
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 1400})
        open_notebook(page, server, "inspector.ipynb")
        run_all(page, ".rnnw-insp", timeout=180)
        page.wait_for_selector(".bench-reference > .widget-label")
        page.wait_for_function(f"document.querySelector('.rnnw-insp').dataset.t === '{args.length}'")
        letters = "abcdefghij"
        for kind in ("slider", "append", "first"):
            for measured in (False, True):  # a warm-up pass, then the measured one
                n = args.chars if measured else 6
                if kind == "slider":
                    values = [round(1 + 0.25 * (i % 2) + 0.01 * i, 2) for i in range(n)]
                    times = page.evaluate(SLIDER_LOOP_JS, {"values": values})
                    T, draws, kernel = None, [], []
                else:
                    chars = [letters[i % len(letters)] for i in range(n)]
                    if kind == "append":  # keep the text at about `length` characters: drop the added ones after
                        res = page.evaluate(TYPE_LOOP_JS, {"chars": chars, "where": "end"})
                        page.evaluate(
                            """(n) => { const b = document.querySelector('.rnnw-insp textarea');
                            b.value = b.value.slice(0, n); b.dispatchEvent(new Event('input', {bubbles: true})); }""",
                            args.length,
                        )
                        page.wait_for_function(f"document.querySelector('.rnnw-insp').dataset.t === '{args.length}'")
                    else:
                        res = page.evaluate(TYPE_LOOP_JS, {"chars": chars, "where": "first"})
                    times, T, draws, kernel = res["times"], res["T"], res["draws"], res["kernel"]
                if measured:
                    out[kind] = r = summarize(times)
                    r["T"] = T
                    r["draw_p50"] = pct(draws, 0.5) if draws else None
                    r["kernel_p50"] = pct(kernel, 0.5) if kernel else None
                    r["kernel_p95"] = pct(kernel, 0.95) if kernel else None
                    print(f"  [{mode}] {kind}: {r}", file=sys.stderr)
        page.close()
        context.close()
    finally:
        server.stop()
    return out


def table(results, args):
    label = {"stock": "stock server", "nodelay": "server + rnn_widget.nodelay"}
    lines = [
        f"## TextInspector: a character typed -> every view redrawn (LSTM hidden {args.hidden}, "
        f"{args.length} characters, {args.chars} keystrokes)",
        "",
        "| case | server | p50 ms | p95 ms | ratio to the slider p50 / p95 | the page's drawing, p50 ms "
        "| the kernel's work, p50 / p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {
        "slider": "ipywidgets FloatSlider -> observe -> Label (reference)",
        "append": "a character typed at the end (1 step recomputed and sent)",
        "first": f"the first character changed ({args.length} steps recomputed, the shown map sent)",
    }
    for kind in ("slider", "append", "first"):
        for m, res in results.items():
            r, ref = res[kind], res["slider"]
            lost = f" ({r['lost']} lost)" if r["lost"] else ""
            lines.append(
                f"| {names[kind]} | {label.get(m, m)} | {r['p50']:.1f}{lost} | {r['p95']:.1f} | "
                f"{r['p50'] / ref['p50']:.2f}x / {r['p95'] / ref['p95']:.2f}x | "
                + (f"{r['draw_p50']:.1f} |" if r.get("draw_p50") is not None else "- |")
                + (f" {r['kernel_p50']:.1f} / {r['kernel_p95']:.1f} |" if r.get("kernel_p50") is not None else " - |")
            )
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", type=int, default=60)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--length", type=int, default=500)
    ap.add_argument("--servers", default="stock,nodelay")
    args = ap.parse_args(argv)
    with browser_session("rnnw-bench-insp-") as (chromium, tmp, p):
        results = each_server(args.servers, lambda mode: run_server(mode, args, chromium, tmp, p))
    print(table(results, args))
    print("\n" + load_average_line())
    return results


if __name__ == "__main__":
    main()
