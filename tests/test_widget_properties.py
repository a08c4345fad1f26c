"""Property-based: long random sequences of valid and invalid edits, from Python, from the page
(set_state, as the front end sends them) and through linked sliders. After every edit the trace
equals a fresh forward pass of the current state, and a refused edit changed nothing."""

from __future__ import annotations

import json

import numpy as np
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
