"""Property-based: long random sequences of valid and invalid edits, from Python, from the page
(set_state, as the front end sends them) and through linked sliders. After every edit the trace
equals a fresh forward pass of the current state, and a refused edit changed nothing."""

from __future__ import annotations

import json

import numpy as np
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
garbage = st.sampled_from(["abc", "", "1/0", None, float("nan"), float("inf"), -float("inf"), [1, 2], {"a": 1}])


def snapshot(w):
    """The model traits as plain data; compared with == (so -0.0 equals 0.0, as traitlets sees it)."""
    keys = ("spec", "params", "inputs", "h0", "c0", "targets", "trace")
    return json.loads(json.dumps({k: w.trait_values()[k] for k in keys}))


def fresh_trace(w):
    """An independent forward pass of the widget's current traits through a new Network."""
    net = Network(Spec.from_dict(w.spec), w.params)
    trace = net.forward(w.inputs, w.h0, w.c0 or None, w.targets)
    grads = net.backward(trace) if trace.loss is not None else None
    return json.loads(json.dumps(trace.to_json(grads)))


#: The kinds of edit; about a third of them invalid.
KINDS = ["param", "param_bad", "inputs", "inputs_bad", "h0", "spec", "spec_bad", "slider", "python_param", "python_bad"]


def apply(w, sliders, kind, rnd):
    """Perform one edit; returns True if it must be accepted, False if it must be refused."""
    names = list(w.params)
    name = rnd.choice(names)
    value = np.asarray(w.params[name], dtype=float)
    idx = tuple(rnd.randrange(n) for n in value.shape)
    if kind == "param":
        params = dict(w.params)
        value[idx] = rnd.uniform(-3, 3)
        params[name] = value.tolist()
        w.set_state({"params": params})
        return True
    if kind == "param_bad":
        params = dict(w.params)
        bad = value.tolist()
        target = bad
        for i in idx[:-1]:
            target = target[i]
        if idx:
            target[idx[-1]] = rnd.choice(["abc", "", None, float("nan"), float("inf"), "1e999x"])
        else:
            bad = "abc"
        params[name] = bad
        w.set_state({"params": params})
        return False
    if kind == "inputs":
        T = rnd.randint(1, 6)
        w.set_state({"inputs": [[rnd.uniform(-2, 2) for _ in range(w.spec["input_size"])] for _ in range(T)]})
        return True
    if kind == "inputs_bad":
        bad = rnd.choice(
            [
                [],
                [[float("nan")] * w.spec["input_size"]],
                [["x"] * w.spec["input_size"]],
                [[1.0] * (w.spec["input_size"] + 1)],
                [[0.0] * w.spec["input_size"]] * 1001,
            ]
        )
        w.set_state({"inputs": bad})
        return False
    if kind == "h0":
        w.set_state({"h0": [[rnd.uniform(-1, 1) for _ in range(n)] for n in w.spec["hidden_sizes"]]})
        return True
    if kind == "spec":
        spec = dict(
            w.spec,
            cell=rnd.choice(["rnn", "lstm", "gru"]),
            activation=rnd.choice(["tanh", "relu", "sigmoid", "identity"]),
            hidden_sizes=[rnd.randint(1, 3) for _ in range(rnd.randint(1, 2))],
            mode=rnd.choice(["many-to-many", "many-to-one"]),
        )
        w.set_state({"spec": spec})
        return True
    if kind == "spec_bad":
        spec = dict(
            w.spec,
            **rnd.choice(
                [
                    {"cell": "cnn"},
                    {"hidden_sizes": [0]},
                    {"hidden_sizes": [999]},
                    {"mode": "sideways"},
                    {"output_size": -1},
                    {"unknown": 1},
                ]
            ),
        )
        w.set_state({"spec": spec})
        return False
    if kind == "slider":
        shapes = {k: np.shape(v) for k, v in w.params.items()}
        if name not in sliders or sliders[name][0].disabled or shapes[name] != sliders[name][1]:
            s = w.slider(name, idx if idx else (0,), convention="row", min=-3, max=3)
            sliders[name] = (s, shapes[name])
        sliders[name][0].value = round(rnd.uniform(-3, 3), 1)
        return True
    if kind == "python_param":
        value[idx] = rnd.uniform(-3, 3)
        w.set(name, value, convention="row")
        return True
    # python_bad
    value = value.astype(object)
    if idx:
        value[idx] = rnd.choice([float("nan"), float("inf"), "abc"])
    try:
        w.set(name, value.tolist() if idx else "abc", convention="row")
    except traitlets.TraitError:
        pass
    else:
        raise AssertionError("a bad value from Python was accepted")
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(KINDS),
            st.randoms(use_true_random=False),
        ),
        min_size=5,
        max_size=25,
    )
)
def test_random_edit_sequences_keep_trace_exact_and_refusals_harmless(steps):
    w = RNNWidget.from_preset("tom_yeh")
    w._send = lambda msg, buffers=None: None  # no front end attached
    sliders = {}
    for kind, rnd in steps:
        before = snapshot(w)
        accepted = apply(w, sliders, kind, rnd)
        if accepted:
            # an accepted edit clears the message (unless it changed nothing at all)
            assert w.error == "" or snapshot(w) == before, (kind, w.error)
        else:
            assert snapshot(w) == before, kind  # nothing changed
            if kind not in ("python_bad",):
                assert w.error, kind  # and the page is told why
        assert w.trace == fresh_trace(w), kind
        assert np.array_equal(w.hidden_states(), np.asarray(w.trace["layers"][-1]["values"]["h"]))
