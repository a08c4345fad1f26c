"""Write the JS tests' fixtures from the real widget: js/tests/fixtures/<name>.json.

Each fixture is the synced state of an `RNNWidget` as the page sees it once packed arrays are
decoded (every synced trait from `get_state()`, with plain lists for the traits that travel
packed), for every preset and for RNN, LSTM and GRU networks with targets (so the gradients are
there), plus what the JS tests check against: Python's slide count and, for a widget large enough
to have its arrays packed, the packed `trace` with the bytes in base64.

    .venv/bin/python scripts/make_fixtures.py          # before `npm test` (scripts/test.sh does it)

The folder is git-ignored: the fixtures are generated, never edited.
"""

from __future__ import annotations

import base64
import json
import pathlib
import sys

import numpy as np

from rnn_widget import RNNWidget, presets
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
    # large enough that the trace travels packed (docs/protocol.md, "Packed arrays")
    spec = Spec(input_size=3, hidden_sizes=(12,), output_size=1, cell="lstm")
    X = rng.normal(0, 1, (30, 3)).round(2)
    made["lstm_packed"] = RNNWidget(Network(spec, seed=4), X, targets=rng.normal(0, 1, (30, 1)).round(2))
    return made


def _encode_packed(value):
    """pack_arrays' output as JSON: the float64 bytes in base64 (the page gets them as a DataView)."""
    if isinstance(value, dict):
        if "$packed" in value:
            return {"$packed": value["$packed"], "base64": base64.b64encode(bytes(value["data"])).decode("ascii")}
        return {k: _encode_packed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode_packed(v) for v in value]
    return value


def fixture(name: str, w: RNNWidget) -> dict:
    state = {}
    for key, raw in w.get_state().items():
        if key in SKIP:
            continue
        # traits sent packed arrive in the page as plain lists once decoded: the trait value
        packed = w.trait_metadata(key, "to_json") is not None
        state[key] = getattr(w, key) if packed else raw
    trace = w.result()
    out = {"name": name, "state": state, "slide_count": slide_count(trace)}
    packed_trace = pack_arrays(w.trace)
    if packed_trace != w.trace:
        out["trace_packed"] = _encode_packed(packed_trace)
    return out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    widgets = {name: RNNWidget.from_preset(name) for name in presets.PRESETS}
    widgets.update(_with_targets())
    for name, w in widgets.items():
        text = json.dumps(fixture(name, w), allow_nan=False, separators=(",", ":"))
        (OUT / f"{name}.json").write_text(text)
    print(f"wrote {len(widgets)} fixtures to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
