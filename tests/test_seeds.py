"""Every number of seeds/README.md, reproduced through the one-line presets.

Expected values are typed in from the seed documents (the slides' own numbers and the "check"
numbers recomputed with numpy), or computed here by an independent hand-written numpy reference.
"""

import numpy as np
import pytest

from rnn_widget import presets
from rnn_widget.core import column_form, row_form


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- seed 000/002: Tom Yeh, "RNN by hand" ----------------------------------------------------

TOM_YEH_H = [[3, 6], [1, 17], [0, 28], [0, 40]]
TOM_YEH_Y = [3, 16, 28, 40]


def test_tom_yeh_hidden_states_and_outputs_exact():
    trace = presets.tom_yeh().forward()
    assert trace.h.tolist() == [[float(a) for a in row] for row in TOM_YEH_H]
    assert trace.y.ravel().tolist() == [float(v) for v in TOM_YEH_Y]


@pytest.mark.parametrize("t", range(4))
def test_tom_yeh_each_slide_step(t):
    """Slides [1]..[5] reveal one step at a time: h_t and y_t exactly, step by step."""
    trace = presets.tom_yeh().forward()
    assert trace.h[t].tolist() == [float(v) for v in TOM_YEH_H[t]]
    assert trace.y[t, 0] == TOM_YEH_Y[t]


def test_tom_yeh_inputs_and_h0():
    p = presets.tom_yeh()
    assert p.inputs.ravel().tolist() == [3.0, 4.0, 5.0, 6.0]
    trace = p.forward()
    assert trace.layers[0].h0.tolist() == [0.0, 0.0]


def test_tom_yeh_column_view_is_the_slide():
    net = presets.tom_yeh().network
    assert column_form(net["W_hh"]).tolist() == [[1, -1], [1, 1]]  # A
    assert column_form(net["W_xh"]).tolist() == [[1], [2]]  # B
    assert column_form(net["W_hy"]).tolist() == [[-1, 1]]  # C
    for name in ("W_hh", "W_xh", "W_hy"):
        np.testing.assert_array_equal(row_form(column_form(net[name])), net[name])


def test_tom_yeh_column_recurrence_by_hand():
    """h_t = ReLU(A h_{t-1} + B x_t), y_t = C h_t with the column-form matrices, in plain numpy."""
    net = presets.tom_yeh().network
    A, B, C = (column_form(net[n]) for n in ("W_hh", "W_xh", "W_hy"))
    h = np.zeros((2, 1))
    hs, ys = [], []
    for x in (3.0, 4.0, 5.0, 6.0):
        h = np.maximum(A @ h + B * x, 0.0)
        hs.append(h.ravel().tolist())
        ys.append(float((C @ h)[0, 0]))
    assert hs == [[float(a) for a in r] for r in TOM_YEH_H]
    assert ys == [float(v) for v in TOM_YEH_Y]


def test_tom_yeh_dead_unit_at_t3():
    """At t = 3 the pre-activation of unit 1 is A h2 + B x3 = [1 - 17 + 5, 1 + 17 + 10] = [-11, 28]."""
    trace = presets.tom_yeh().forward()
    a = trace.layers[0].values["a"]
    assert a[2].tolist() == [-11.0, 28.0]
    assert a[3].tolist() == [-22.0, 40.0]
    assert trace.h[2, 0] == 0.0 and trace.h[3, 0] == 0.0
    assert (a[:2] > 0).all()


def test_tom_yeh_dead_unit_passes_no_gradient():
    """ReLU' = 0 where a < 0: the step-3 and step-4 gradient terms of unit 1's weights vanish."""
    p = presets.tom_yeh()
    net = p.network
    trace, grads = net.run(p.inputs, targets=np.array([[1.0], [2.0], [3.0], [4.0]]))
    for name in ("W_xh", "W_hh"):
        steps = grads.per_step(name)
        assert np.all(steps[2:, :, 0] == 0.0), name
        assert np.any(steps[:2, :, 0] != 0.0), name


def test_tom_yeh_records_source_and_names():
    p = presets.tom_yeh()
    assert "000" in p.source and "Tom Yeh" in p.source
    assert p.display_names["W_hh"] == "A"
    assert p.display_names["W_xh"] == "B"
    assert p.display_names["W_hy"] == "C"
    assert p.convention == "column"
    assert p.network.spec.activation == "relu"
    assert p.network.spec.bias_gates == () and not p.network.spec.output_bias


# -- seed 001: tanh RNN, two steps, and the stacked layer k ----------------------------------


def test_lecture_h1_preactivation_exact():
    trace = presets.lecture_tanh().forward()
    a = trace.layers[0].values["a"]
    np.testing.assert_allclose(a[0], [-1.2, -2.3, 1.1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.h[0], np.tanh([-1.2, -2.3, 1.1]), rtol=0, atol=1e-15)


def test_lecture_h2_preactivation_to_slide_precision():
    a2 = presets.lecture_tanh().forward().layers[0].values["a"][1]
    # the slide writes [-2.67, -2.09, -0.109] (truncated, not rounded)
    np.testing.assert_allclose(a2, [-2.67, -2.09, -0.109], rtol=0, atol=5e-3)
    assert abs(a2[2] - (-0.109)) < 1e-3


@pytest.mark.parametrize(
    "step, slide, check",
    [
        (0, [-0.833, -0.98, 0.8], [-0.8337, -0.9801, 0.8005]),
        (1, [-0.99, -0.97, -0.109], [-0.9905, -0.9701, -0.1093]),
    ],
)
def test_lecture_hidden_states(step, slide, check):
    h = presets.lecture_tanh().forward().h[step]
    np.testing.assert_allclose(h, slide, rtol=0, atol=1e-2)  # the slide's 2-3 digits
    assert np.round(h, 4).tolist() == check  # the README's 4-digit check


@pytest.mark.parametrize(
    "step, slide, check",
    [
        (0, [0.49, 0.407], [0.4952, 0.4077]),
        (1, [0.84, 0.42], [0.8414, 0.4269]),
    ],
)
def test_stacked_k(step, slide, check):
    trace = presets.stacked().forward()
    assert len(trace.layers) == 2
    k = trace.layers[1].h[step]
    np.testing.assert_allclose(k, slide, rtol=0, atol=1e-2)
    assert np.round(k, 4).tolist() == check


def test_stacked_first_layer_is_the_lecture():
    np.testing.assert_array_equal(presets.stacked().forward().layers[0].h, presets.lecture_tanh().forward().h)


def test_stacked_by_hand():
    """k_t = tanh(h_t W_hk + k_{t-1} W_kk + b_k), k0 = 0, with the slide's matrices typed in."""
    W_xh = np.array([[-0.2, -0.6, 0.1], [-0.4, -0.8, -0.1], [0.3, 0.5, 0.6], [-0.4, -0.3, 0.1]])
    W_hh = np.array([[0.9, -0.1, 0.1], [-0.1, -0.9, -0.3], [0.1, 0.3, -0.9]])
    W_hk = np.array([[-1.1, 0.1], [0.3, -0.2], [-0.1, 0.4]])
    W_kk = np.array([[0.1, 0.9], [0.9, -0.1]])
    X = np.array([[1, 3, 2, 1], [0, 4, 1, 2]], dtype=float)
    h, k, ks = np.zeros(3), np.zeros(2), []
    for x in X:
        h = np.tanh(x @ W_xh + h @ W_hh)
        k = np.tanh(h @ W_hk + k @ W_kk)
        ks.append(k)
    np.testing.assert_allclose(presets.stacked().forward().layers[1].h, ks, rtol=1e-13, atol=0)


def test_stacked_display_names():
    p = presets.stacked()
    assert p.display_names["W_xh@2"] == "W_hk"
    assert p.display_names["W_hh@2"] == "W_kk"
    assert p.display_names["b_h@2"] == "b_k"
    assert p.network["b_h@2"].shape == (2,)  # a 2-entry b_k, as the README argues


# -- seed 004: handwritten notes -------------------------------------------------------------


def test_handwritten_h1_and_y1():
    p = presets.handwritten_tanh()
    trace = p.forward()
    np.testing.assert_allclose(trace.layers[0].values["a"][0], [0.5, 0.1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(trace.h[0], np.tanh([0.5, 0.1]), rtol=0, atol=1e-15)
    assert np.round(trace.h[0], 4).tolist() == [0.4621, 0.0997]
    np.testing.assert_allclose(trace.h[0], [0.46, 0.09], rtol=0, atol=1e-2)
    assert round(float(trace.y[0, 0]), 4) == 0.3624
    assert column_form(p.network["W_hh"]).tolist() == [[0.4, 0.2], [0.3, 0.7]]  # W_h
    assert column_form(p.network["W_hy"]).tolist() == [[1.0, -1.0]]  # W_y
    assert p.convention == "column" and p.display_names["W_hh"] == "W_h"


# -- seed 003: next number ---------------------------------------------------------------------


def test_next_number_setup():
    p = presets.next_number()
    assert p.inputs.ravel().tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert p.targets.ravel().tolist() == [11.0]
    spec = p.network.spec
    assert (spec.mode, spec.activation, spec.cell) == ("many-to-one", "tanh", "rnn")
    trace = p.forward()
    assert trace.scored.tolist() == [False, False, False, False, True]
    assert trace.loss == pytest.approx(0.5 * (trace.y[-1, 0] - 11.0) ** 2, rel=1e-14)
    assert set(p.training) >= {"steps", "lr"}


# -- the LSTM preset against a hand-written LSTM --------------------------------------------


def _numpy_lstm(net, X):
    """Seed 004's concatenated form: g_t = act(W_g [h_{t-1}, x_t] + b_g), column vectors."""
    W = {g: np.hstack([column_form(net[f"W_h{g}"]), column_form(net[f"W_x{g}"])]) for g in "ifco"}
    b = {g: net[f"b_{g}"] for g in "ifco"}
    h, c = np.zeros(1), np.zeros(1)
    rows = []
    for x in X:
        v = np.concatenate([h, x])
        i, f, o = (_sigmoid(W[g] @ v + b[g]) for g in "ifo")
        ct = np.tanh(W["c"] @ v + b["c"])
        c = f * c + i * ct
        h = o * np.tanh(c)
        rows.append({"i": i, "f": f, "o": o, "c_tilde": ct, "c": c, "h": h})
    return rows


def test_lstm_by_hand_matches_numpy_reference():
    p = presets.lstm_by_hand()
    trace = p.forward()
    ref = _numpy_lstm(p.network, p.inputs)
    values = trace.layers[0].values
    for t, row in enumerate(ref):
        for key, expected in row.items():
            np.testing.assert_allclose(values[key][t], expected, rtol=1e-13, atol=1e-15, err_msg=f"{key} t={t}")
    np.testing.assert_allclose(trace.y[:, 0], 2.0 * np.array([r["h"][0] for r in ref]), rtol=1e-13)


def test_lstm_by_hand_first_step_closed_form():
    """x1 = 1, h0 = c0 = 0: i = o = sigma(1), f = sigma(1.5), c~ = tanh(1), c1 = i c~, h1 = o tanh(c1)."""
    values = presets.lstm_by_hand().forward().layers[0].values
    s1 = 1.0 / (1.0 + np.exp(-1.0))
    c1 = s1 * np.tanh(1.0)
    assert values["i"][0, 0] == pytest.approx(s1, rel=1e-14)
    assert values["f"][0, 0] == pytest.approx(1.0 / (1.0 + np.exp(-1.5)), rel=1e-14)
    assert values["c_tilde"][0, 0] == pytest.approx(np.tanh(1.0), rel=1e-14)
    assert values["c"][0, 0] == pytest.approx(c1, rel=1e-14)
    assert values["h"][0, 0] == pytest.approx(s1 * np.tanh(c1), rel=1e-14)
    assert 0 < values["i"].min() and values["f"].max() < 1  # gates are numbers in (0, 1)


# -- every preset records where it comes from -----------------------------------------------

SEED_PRESETS = [
    ("tom_yeh", "000"),
    ("lecture_tanh", "001"),
    ("stacked", "001"),
    ("next_number", "003"),
    ("handwritten_tanh", "004"),
    ("lstm_by_hand", "004"),
]


@pytest.mark.parametrize("name, seed", SEED_PRESETS)
def test_seed_preset_names_its_seed(name, seed):
    p = presets.load(name)
    assert seed in p.source


@pytest.mark.parametrize("name", sorted(presets.PRESETS))
def test_preset_records_source_and_display_names(name):
    p = presets.load(name)
    assert p.name == name
    assert isinstance(p.title, str) and p.title
    assert isinstance(p.source, str) and "seed" in p.source
    assert p.convention in ("row", "column")
    params = p.network.params
    trace_names = {"h", "y", "c"} | {f"h@{k}" for k in range(2, 9)}
    for key, shown in p.display_names.items():
        assert key in params or key in trace_names, key
        assert isinstance(shown, str) and shown
    if p.labels is not None:
        assert len(p.labels) == len(p.inputs)
    trace = p.forward()  # every preset runs as stored
    assert trace.T == len(p.inputs)


def test_preset_list_and_unknown_name():
    assert set(presets.PRESETS) >= {name for name, _ in SEED_PRESETS}
    with pytest.raises(KeyError, match="nope"):
        presets.load("nope")


def test_presets_are_independent_copies():
    a = presets.tom_yeh()
    a.network["W_hh"] = np.zeros((2, 2))
    assert presets.tom_yeh().forward().y.ravel().tolist() == [float(v) for v in TOM_YEH_Y]
