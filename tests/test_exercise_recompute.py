"""Issue 7: the step-by-step forward pass that follow-through marking uses equals the model's, and
every kind of blank, on every cell, is absent from the page's trace while open."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_widget.core import Network, Spec
from rnn_widget.exercise import Exercise
from rnn_widget.exercise.recompute import forward_with
from rnn_widget.widget import RNNWidget


@pytest.fixture(autouse=True)
def _answers_file_in_tmp(tmp_path, monkeypatch):
    """Each exercise saves its checked answers in the working directory: a fresh one per test."""
    monkeypatch.chdir(tmp_path)


CASES = [
    ("rnn", "tanh", "torch"),
    ("rnn", "relu", "torch"),
    ("lstm", "tanh", "torch"),
    ("gru", "tanh", "torch"),
    ("gru", "tanh", "cho"),
]


def network(cell, activation, variant, layers=(3, 2)):
    spec = Spec(cell=cell, input_size=2, hidden_sizes=layers, output_size=2, activation=activation, gru_variant=variant)
    return Network(spec, seed=5)


@pytest.mark.parametrize(("cell", "activation", "variant"), CASES)
def test_forward_with_no_answers_is_the_model(cell, activation, variant):
    rng = np.random.default_rng(1)
    net = network(cell, activation, variant)
    trace = net.forward(rng.normal(size=(4, 2)), targets=rng.normal(size=(4, 2)))
    again = forward_with(net, trace)
    for layer, lt in enumerate(trace.layers):
        for key, value in lt.values.items():
            assert np.allclose([step[key] for step in again.layers[layer]], value, atol=1e-12), key
    assert np.allclose(again.y, trace.y, atol=1e-12)
    assert again.loss == pytest.approx(trace.loss, abs=1e-12)


def test_forward_with_puts_an_answer_in_and_follows_it():
    # tom_yeh (seed 000): with h2 = [1, 13] instead of [1, 17], h3 = ReLU([1 - 13 + 5, 1 + 13 + 10])
    net = Network(
        Spec(input_size=1, hidden_sizes=(2,), output_size=1, activation="relu", bias=False, output_bias=False),
        {"W_hh": [[1, 1], [-1, 1]], "W_xh": [[1, 2]], "W_hy": [[-1], [1]]},
    )
    trace = net.forward([[3], [4], [5], [6]])
    again = forward_with(net, trace, {(0, 1, "h"): {1: 13.0}})
    assert again.layers[0][1]["h"].tolist() == [1, 13]
    assert again.layers[0][2]["a"].tolist() == [-7, 24] and again.layers[0][2]["h"].tolist() == [0, 24]
    assert again.y[1].tolist() == [12]


KINDS = {
    "rnn": ["h2", "a2", "h3@2", "y2", "dh2", "dh2@2", "dy3", "loss", "dW_hh[1,2]", "dW_xh@2[2,1]", "db_h[1]"],
    "lstm": ["h2", "i2", "f2", "o2", "c~2", "c2", "a_f2", "c2@2", "dc2", "dh3", "y1", "loss", "dW_hf[1,1]"],
    "gru": ["h2", "r2", "z2", "n2", "a_n2", "h1@2", "dh2", "y4", "loss", "dW_hn[2,3]", "db_n@2[1]"],
}


@pytest.mark.parametrize(("cell", "activation", "variant"), CASES)
def test_every_kind_of_blank_is_hidden_until_revealed(cell, activation, variant):
    rng = np.random.default_rng(2)
    net = network(cell, activation, variant)
    X, targets = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    plain = RNNWidget(net, X, targets=targets)
    for name in KINDS[cell]:
        ex = Exercise(net, X, targets=targets, blanks=[name], seed=None)
        slots = ex._slots
        assert slots
        for slot in slots.values():
            assert _at(ex.trace, slot.loc) is None, (name, slot.name)
            assert slot.truth == _at(plain.trace, slot.loc)
        key = ex.reveal_answers()
        assert all(_at(ex.trace, s.loc) == key[n] for n, s in slots.items())


def _at(trace, loc):
    v = trace
    for p in (*loc.path, *loc.index):
        if v is None:
            return None
        v = v[p]
    return v
