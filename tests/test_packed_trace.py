"""Large trace arrays travel as binary float64 buffers; decoding them gives back the exact numbers."""

from __future__ import annotations

import json

import numpy as np
from ipywidgets.widgets.widget import _remove_buffers

from rnn_widget import RNNWidget
from rnn_widget._state import PACK_MIN, pack_arrays
from rnn_widget.core import Network, Spec


def unpack(value):
    """What js/data/packed.js does, in Python."""
    if isinstance(value, dict) and "$packed" in value:
        return np.frombuffer(bytes(value["data"]), dtype="<f8").reshape(value["$packed"]).tolist()
    if isinstance(value, dict):
        return {k: unpack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack(v) for v in value]
    return value


def put_buffers(state, paths, buffers):
    for path, buf in zip(paths, buffers):
        obj = state
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = buf
    return state


def test_a_large_lstm_trace_round_trips_exactly_through_buffers():
    X = np.random.default_rng(0).normal(size=(64, 1))
    w = RNNWidget(
        Network(Spec(cell="lstm", input_size=1, hidden_sizes=(32,), output_size=1)), X, targets=np.zeros((64, 1))
    )
    state, paths, buffers = _remove_buffers({"trace": pack_arrays(w.trace)})
    text = json.dumps(state)  # what goes as JSON is small and has no floats of h
    assert len(text) < 0.05 * len(json.dumps(w.trace))
    assert sum(len(b) for b in buffers) > 0
    received = put_buffers(json.loads(text), paths, [memoryview(bytes(b)) for b in buffers])
    assert unpack(received["trace"]) == w.trace  # bit for bit


def test_small_arrays_stay_plain_json():
    w = RNNWidget.from_preset("tom_yeh")
    packed = pack_arrays(w.trace)
    state, paths, buffers = _remove_buffers({"trace": packed})
    assert buffers == [] and state["trace"] == w.trace
    big = [[0.5] * 16] * (PACK_MIN // 16)
    assert "$packed" in pack_arrays({"a": big})["a"]
    assert pack_arrays({"a": [[1.0, 2.0]], "b": ["x", "y"], "c": [True, False]}) == {
        "a": [[1.0, 2.0]],
        "b": ["x", "y"],
        "c": [True, False],
    }
