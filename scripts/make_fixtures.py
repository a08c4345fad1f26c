"""Write the JS tests' fixtures from the real widget: js/tests/fixtures/<name>.json.

Each fixture is the synced state of an `RNNWidget` as the page sees it once packed arrays are
decoded (every synced trait from `get_state()`, with plain lists for the traits that travel
packed), for every preset and for RNN, LSTM and GRU networks with targets (so the gradients are
there), plus what the JS tests check against: Python's slide count and, for a widget large enough
to have its arrays packed, the packed `trace` with the bytes in base64.

The JS view tests (js/tests/fixture.js loads these) also get the states they render, made here
rather than written by hand: Tom Yeh in the row view and after the edit A[2,2] := 2 (the browser
tests' edit), an LSTM with targets whose numbers the gate and gradient tests quote (also with
truncation 1), larger RNN and LSTM networks (heat maps, compact diagram), seed 003 partly trained
and with a refused edit. The fake model of the JS tests never computes: after an edit it publishes
the trace of the fixture whose state it has reached, and it answers Train, Step and Reset by
replaying `replies`, what Python published for them (recorded here, frame by frame).

    .venv/bin/python scripts/make_fixtures.py          # before `npm test` (scripts/test.sh does it)

The folder is git-ignored: the fixtures are generated, never edited.
"""

from __future__ import annotations

import base64
import itertools
import json
import pathlib
import sys

import numpy as np

from rnn_widget import RNNWidget, _training, presets
from rnn_widget._state import pack_arrays, slide_count
from rnn_widget.core import Network, Spec

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "js" / "tests" / "fixtures"

#: Not rnn-widget's page state: the bundle itself, its id, and DOMWidget traits the page never reads.
SKIP = {"_esm", "_css", "_anywidget_id", "_dom_classes", "layout", "tabbable", "tooltip"}


def _with_targets() -> dict[str, RNNWidget]:
    """Networks with targets, so that the trace carries gradients, per-step terms and dL/dh."""
    rng = np.random.default_rng(9)
    made = {}
    for name, spec in {
        "rnn_targets": Spec(input_size=2, hidden_sizes=(3,), output_size=1, cell="rnn", activation="tanh"),
        "lstm_targets": Spec(input_size=1, hidden_sizes=(2,), output_size=1, cell="lstm"),
        "gru_two_layers": Spec(input_size=2, hidden_sizes=(3, 2), output_size=2, cell="gru"),
        "rnn_many_to_one": Spec(
            input_size=1, hidden_sizes=(2,), output_size=3, activation="relu", mode="many-to-one", loss="cross_entropy"
        ),
    }.items():
        T = 4
        X = rng.normal(0, 1, (T, spec.input_size)).round(2)
        if spec.loss == "cross_entropy":
            targets = [1]
        else:
            targets = rng.normal(0, 1, (T, spec.output_size or 1)).round(2)
        made[name] = RNNWidget(Network(spec, seed=3), X, targets=targets)
    # the modes with steps that take no input or emit nothing (their own numbers: the ones above stay)
    rng2 = np.random.default_rng(11)
    for name, spec in {
        "encoder_decoder": Spec(
            input_size=1, hidden_sizes=(2,), output_size=1, mode="encoder-decoder", decoder_steps=2
        ),
        "one_to_many": Spec(input_size=2, hidden_sizes=(2,), output_size=1, cell="lstm", mode="one-to-many"),
    }.items():
        X = rng2.normal(0, 1, (5, spec.input_size)).round(2)
        made[name] = RNNWidget(Network(spec, seed=4), X, targets=rng2.normal(0, 1, (5, 1)).round(2))
    # long enough for the compact (canvas) diagram: 15 steps read, 5 emitted
    spec = Spec(input_size=1, hidden_sizes=(3,), output_size=1, mode="encoder-decoder", decoder_steps=5)
    made["encoder_decoder_long"] = RNNWidget(
        Network(spec, seed=5), rng2.normal(0, 1, (20, 1)).round(2), labels=[f"w{t + 1}" for t in range(20)]
    )
    # large enough that the trace travels packed (docs/protocol.md, "Packed arrays")
    spec = Spec(input_size=3, hidden_sizes=(12,), output_size=1, cell="lstm")
    X = rng.normal(0, 1, (30, 3)).round(2)
    made["lstm_packed"] = RNNWidget(Network(spec, seed=4), X, targets=rng.normal(0, 1, (30, 1)).round(2))
    return made


def _lstm_grads(**traits) -> RNNWidget:
    """An LSTM with targets and round weights: the numbers the JS gate and gradient tests quote."""
    spec = Spec(input_size=1, hidden_sizes=(2,), output_size=1, cell="lstm", bias=True, output_bias=False)
    params = {
        "W_xi": [[0.5, -0.3]],
        "W_hi": [[0.1, 0.2], [-0.4, 0.3]],
        "b_i": [0.0, 0.1],
        "W_xf": [[0.2, 0.4]],
        "W_hf": [[0.3, -0.1], [0.2, 0.5]],
        "b_f": [1.0, 1.0],
        "W_xc": [[0.8, -0.6]],
        "W_hc": [[-0.2, 0.4], [0.6, 0.1]],
        "b_c": [0.0, 0.0],
        "W_xo": [[0.3, 0.7]],
        "W_ho": [[0.2, -0.3], [0.1, 0.4]],
        "b_o": [0.0, 0.0],
        "W_hy": [[1.0], [-1.0]],
    }
    return RNNWidget(
        Network(spec, params),
        [[1.0], [0.5], [-1.0]],
        targets=[[0.5], [-0.2], [0.8]],
        title="LSTM: gates and gradients",
        labels=["the", "cat", "sat"],
        focus_step=1,
        show_grads=True,
        train_options={"lr": 0.05, "momentum": 0.0, "steps": 100, "clip_norm": None},
        **traits,
    )


def _next_number_trained() -> RNNWidget:
    """Seed 003 after 5 SGD steps (a loss curve to draw), with the options the page's Train uses."""
    w = RNNWidget.from_preset(
        "next_number", train_options={"lr": 0.02, "momentum": 0.5, "steps": 200, "clip_norm": None}
    )
    w.train(5, block=True)
    return w


def _for_the_views() -> dict[str, RNNWidget]:
    """The states the JS view tests and the dev harness render."""
    rng = np.random.default_rng(11)
    made = {}
    row = RNNWidget.from_preset("tom_yeh")
    row.convention = "row"
    row.display_names = {}
    made["tom_yeh_row"] = row
    edited = RNNWidget.from_preset("tom_yeh")
    edited.edit([{"field": "params", "name": "W_hh", "index": [1, 1], "value": 2.0}])  # A[2,2] := 2
    made["tom_yeh_a22"] = edited
    made["lstm_grads"] = _lstm_grads()
    made["lstm_grads_truncate1"] = _lstm_grads(bptt={"clip_norm": None, "truncate": 1})
    spec = Spec(input_size=2, hidden_sizes=(12,), output_size=2, cell="rnn", activation="tanh", bias=False)
    T = 20
    made["large_rnn"] = RNNWidget(
        Network(spec, seed=5),
        rng.normal(0, 1, (T, 2)).round(2),
        title="A larger network (compact diagram)",
        labels=[f"w{t + 1}" for t in range(T)],
    )
    spec = Spec(input_size=2, hidden_sizes=(10,), output_size=1, cell="lstm", mode="many-to-one")
    T = 12
    made["large_lstm"] = RNNWidget(
        Network(spec, seed=6),
        rng.normal(0, 1, (T, 2)).round(2),
        targets=[[0.5]],
        title="A larger LSTM (compact diagram)",
        labels=[f"w{t + 1}" for t in range(T)],
        show_grads=True,
    )
    made["next_number_trained"] = _next_number_trained()
    refused = _next_number_trained()
    # what the page's edit of a letter into W_xh gets: Python's own refusal (error, error_field)
    refused._on_page_msg(
        refused,
        {
            "type": "edit",
            "id": "fixture:1",
            "edits": [{"field": "params", "name": "W_xh", "index": [0, 0], "value": "abc"}],
        },
        [],
    )
    assert refused.error and refused.error_field == "W_xh", (refused.error, refused.error_field)
    made["next_number_refused"] = refused
    # a mini-batch of seed 003's sequences (README "Mini-batches"), following sample 2
    batched = RNNWidget.from_preset("next_number", focus_step=4)
    batched.set_batch([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], [0, 5, 10, 15, 20]], [[[11]], [[12]], [[25]]])
    batched.batch_sample = 1
    made["next_number_batch"] = batched
    return made


def _text() -> dict[str, RNNWidget]:
    """Text mode (issue 10): the "hello" character RNN, and a sampling run it shows."""
    hello = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    sampled = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    sampled.sample("h", 6, temperature=1.0, seed=3)
    words = RNNWidget.from_text("the cat sat on the mat", words=True, hidden=4, seed=2)
    long = RNNWidget.from_text("the quick brown fox jumps over the lazy dog " * 3, hidden=8, seed=1)
    return {"text_hello": hello, "text_hello_sampled": sampled, "text_words": words, "text_long": long}


def _exercises() -> dict[str, tuple[RNNWidget, int]]:
    """Homework (`RNNWidget.exercise`) as the page sees it: the `homework` trait and the trace with
    the open blanks' values left out. Written to fixtures/exercise/ (fixtures.test.js checks full
    traces only). Python hides an exercise's trace (result() raises), so the slide count is that
    of the plain preset, which has the same shape."""
    blanks = ["h2", "y2", "h3"]
    slides = slide_count(RNNWidget.from_preset("tom_yeh").result())
    # answers_file=None: no rnn_widget_answers.json in the working directory (a second run would
    # replay its answers into the "open" fixture)
    checked = RNNWidget.exercise("tom_yeh", blanks, answers_file=None)
    checked.check("h2[1]", 1.0)  # right
    checked.check("h2[2]", 13.0)  # wrong: a hint, an attempt used
    return {
        "exercise/tom_yeh_open": (RNNWidget.exercise("tom_yeh", blanks, answers_file=None), slides),
        "exercise/tom_yeh_checked": (checked, slides),
    }


def _recorded(w: RNNWidget, run) -> list[dict]:
    """What Python publishes while `run()` runs, as frames: the synced traits set together, each
    frame ending with a `training` update (as `_training` publishes). Long runs keep ~8 frames,
    always the first and the last two (the end of the run, then `running` false); a dropped frame's
    traits go into the next kept one, so the last frames hold exactly what Python ended with."""
    frames: list[dict] = []
    current: dict = {}

    def record(change):
        current[change["name"]] = change["new"]
        if change["name"] == "training":
            frames.append(dict(current))
            current.clear()

    names = [n for n in w.keys if not n.startswith("_") and n not in SKIP]
    w.observe(record, names=names)
    try:
        run()
    finally:
        w.unobserve(record, names=names)
    if current:
        frames.append(dict(current))
    if len(frames) > 8:
        step = -(-(len(frames) - 3) // 5)
        keep = {0, len(frames) - 2, len(frames) - 1, *range(1, len(frames) - 2, step)}
        thinned, pending = [], {}
        for i, frame in enumerate(frames):
            pending.update(frame)
            if i in keep:
                thinned.append(pending)
                pending = {}
        frames = thinned
    return frames


def _training_replies() -> dict[str, list[dict]]:
    """Python's answers to the page's Train (200 steps), then Reset, and to Step, for
    next_number_trained. Training publishes on a clock; a clock that ticks 10 ms a reading makes
    the frames the same on every machine."""
    clock = itertools.count()
    real_time = _training.time
    _training.time = type("Clock", (), {"perf_counter": staticmethod(lambda: next(clock) * 0.01)})
    try:
        w = _next_number_trained()
        train = _recorded(w, lambda: w.train(200, block=True))
        reset = _recorded(w, w.reset_training)
        w = _next_number_trained()
        step = _recorded(w, lambda: w.train(1, block=True))
    finally:
        _training.time = real_time
    return {"train": train, "step": step, "reset": reset}


def _encode_packed(value):
    """pack_arrays' output as JSON: the float64 bytes in base64 (the page gets them as a DataView)."""
    if isinstance(value, dict):
        if "$packed" in value:
            return {"$packed": value["$packed"], "base64": base64.b64encode(bytes(value["data"])).decode("ascii")}
        return {k: _encode_packed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode_packed(v) for v in value]
    return value


def fixture(name: str, w: RNNWidget, replies: dict | None = None, slides: int | None = None) -> dict:
    state = {}
    for key, raw in w.get_state().items():
        if key in SKIP:
            continue
        # traits sent packed arrive in the page as plain lists once decoded: the trait value
        packed = w.trait_metadata(key, "to_json") is not None
        state[key] = getattr(w, key) if packed else raw
    out = {"name": name, "state": state, "slide_count": slide_count(w.result()) if slides is None else slides}
    packed_trace = pack_arrays(w.trace)
    if packed_trace != w.trace:
        out["trace_packed"] = _encode_packed(packed_trace)
    if replies:
        out["replies"] = replies
    return out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.rglob("*.json"):
        old.unlink()
    widgets = {name: RNNWidget.from_preset(name) for name in presets.PRESETS}
    widgets.update(_with_targets())
    widgets.update(_for_the_views())
    widgets.update(_text())
    replies = {"next_number_trained": _training_replies()}
    for name, w in widgets.items():
        text = json.dumps(fixture(name, w, replies.get(name)), allow_nan=False, separators=(",", ":"))
        (OUT / f"{name}.json").write_text(text)
    exercises = _exercises()
    (OUT / "exercise").mkdir(exist_ok=True)
    for name, (w, slides) in exercises.items():
        text = json.dumps(fixture(name, w, slides=slides), allow_nan=False, separators=(",", ":"))
        (OUT / f"{name}.json").write_text(text)
    print(f"wrote {len(widgets) + len(exercises)} fixtures to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
