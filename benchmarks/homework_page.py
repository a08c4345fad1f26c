"""bench_homework.py's notebook and its page: the cells (the exercise, the slider reference, the
kernel's probes), the wrong and right answers, and the in-page check loop with its WebSocket probe."""

from __future__ import annotations

import json
import shutil

from common import REPO, RSS_MB, ws_probe_init
from common import notebook as _notebook
from jupyter_harness import py_value as _py_value

SETUP = f"""import os, time

{RSS_MB}

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
WS_INIT = ws_probe_init(
    r"""        if (/"method":\s*"update"/.test(s) && /"homework"/.test(s)) return 'homework';
        if (/"type":\s*"ack"/.test(s)) return 'ack';
        if (/"type":\s*"answer"/.test(s)) return 'answer';
"""
)

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


def wrong_plan(start, n):
    return [
        {"name": SLOTS[i % 5], "value": WRONG[SLOTS[i % 5]][(i // 5) % 2], "expect": "wrong"}
        for i in range(start, start + n)
    ]


def slider_values(start, n):
    return [round(1 + 0.25 * (i % 2) + 0.01 * i, 2) for i in range(start, start + n)]


TUTORIALS = ["01_rnn_by_hand.ipynb", "02_dashboard.ipynb", "03_gradients_and_training.ipynb"]


def notebook(*sources: str) -> dict:
    return _notebook(*sources, by="benchmarks/bench_homework.py")


def write_notebooks(root):
    (root / "homework.ipynb").write_text(json.dumps(notebook(SETUP, EXERCISE, REFERENCE)))
    for nb in TUTORIALS:
        shutil.copy(REPO / "notebooks" / nb, root / nb)
