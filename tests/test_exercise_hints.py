"""Issue 7: each common mistake gives its hint, for RNN, LSTM and GRU.

Wrong answers are computed here by hand from the seeds' numbers (seed 000: A = [[1, -1], [1, 1]],
B = [1, 2]^T, C = [-1, 1], X = 3, 4, 5, 6, h1 = [3, 6], h2 = [1, 17], h3 = [0, 28]) or with the
small formulas below, never read back from the widget.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_widget.core import Network, Spec
from rnn_widget.exercise import Exercise, make


@pytest.fixture(autouse=True)
def _answers_file_in_tmp(tmp_path, monkeypatch):
    """Each exercise saves its checked answers in the working directory: a fresh one per test."""
    monkeypatch.chdir(tmp_path)


def tom(blanks, **kw):
    kw.setdefault("seed", None)
    kw.setdefault("attempts", None)
    return make("tom_yeh", blanks, **kw)


# h3 = ReLU(A h2 + B x3): A h2 = [1 - 17, 1 + 17] = [-16, 18], B x3 = [5, 10]
@pytest.mark.parametrize(
    ("slot", "answer", "phrase"),
    [
        ("h3[1]", -11, "is A H2 + B x3 before ReLU; apply ReLU"),  # -16 + 5
        ("h3[2]", 18, "leaves out the input term B x3"),  # ReLU(18)
        ("h3[2]", 10, "leaves out the recurrent term A H2"),  # ReLU(10)
        ("h3[2]", 19, "uses H1 where the formula has H2"),  # A h1 + B x3 = [-3 + 5, 9 + 10]
        ("h3[1]", 23, "uses A\u1d40 H2 instead of A H2"),  # A^T h2 = [18, 16]; + 5
        ("h3[2]", -28, "has the wrong sign"),
        ("h3[1]", 21, "subtracts A H2 instead of adding it"),  # 5 - (-16)
        ("h3[2]", 30, "uses x4 where the formula has x3"),  # B x4 = [6, 12]: 18 + 12
    ],
)
def test_rnn_mistakes(slot, answer, phrase):
    ex = tom(["h3"])
    out = ex.check(slot, answer)
    assert out["status"] == "wrong"
    assert phrase in out["hint"], out["hint"]
    assert out["hint"].startswith(f"{slot}: {answer:g} ")


def test_rnn_readout_mistakes():
    ex = tom(["y2"])
    assert "uses H1 instead of H2" in ex.check("y2", 3)["hint"]  # C h1 = -3 + 6
    assert "uses H3 instead of H2" in ex.check("y2", 28)["hint"]  # C h3 = 0 + 28
    assert "wrong sign" in ex.check("y2", -16)["hint"]


def test_no_match_says_what_to_recompute_and_not_the_answer():
    ex = tom(["h2"])
    hint = ex.check("h2[2]", 13)["hint"]
    assert hint == "h2[2]: 13 is not right; recompute A H1 + B x2, then apply ReLU"
    assert "17" not in hint


def test_row_convention_writes_the_terms_as_rows():
    ex = tom(["h3"])
    ex.convention = "row"  # the display names A, B describe the column form: shown transposed
    hint = ex.check("h3[1]", -11)["hint"]
    assert "x3 B\u1d40 + H2 A\u1d40 before ReLU" in hint, hint


def test_follow_through_hint_uses_the_students_own_h2():
    ex = tom(["h2", "h3"])
    ex.check("h2", [1, 13])  # h2[2] wrong
    # from the student's h2 = [1, 13]: A h2 + B x3 = [1 - 13 + 5, 1 + 13 + 10] = [-7, 24]
    assert "before ReLU" in ex.check("h3[1]", -7)["hint"]
    assert ex.check("h3[2]", 24)["status"] == "right"  # follow-through


def sig(v):
    return 1 / (1 + math.exp(-v))


def lstm_exercise(blanks):
    # lstm_by_hand (seed 004's equations): W_xi 1, W_hi 0.5, W_xf 0.5, b_f 1, W_xc 1, W_hc -1, W_xo 1; x = 1, 0, -1
    return make("lstm_by_hand", blanks, seed=None, attempts=None)


def lstm_step1():
    i, f, g, o = sig(1.0), sig(0.5 + 1.0), math.tanh(1.0), sig(1.0)
    c = f * 0 + i * g
    return i, f, g, o, c, o * math.tanh(c)


def test_lstm_mistakes():
    i1, f1, g1, o1, c1, h1 = lstm_step1()
    # step 2, x2 = 0: z_i = 0.5 h1, z_f = 1, z_c = -h1
    i, f, g = sig(0.5 * h1), sig(1.0), math.tanh(-h1)
    c = f * c1 + i * g
    ex = lstm_exercise(["c2", "h1", "i1", "c~2"])
    assert "swaps the products" in ex.check("c2", f * g + i * c1)["hint"]
    assert "leaves out the forget gate f" in ex.check("c2", c1 + i * g)["hint"]
    assert "uses h1 instead of c1" in ex.check("c2", f * h1 + i * g)["hint"]
    # h1 = o1 tanh(c1): at step 2 c is too small for tanh(c) and c to differ by more than 0.01
    assert "without tanh" in ex.check("h1", o1 * c1)["hint"]
    assert "tanh(o\u00b7c1)" in ex.check("h1", math.tanh(o1 * c1))["hint"]
    assert "leaves out the output gate o" in ex.check("h1", math.tanh(c1))["hint"]
    # i1 = sigma(x1 W_xi) = sigma(1)
    assert "before \u03c3" in ex.check("i1", 1.0)["hint"]
    assert "applies tanh instead of \u03c3" in ex.check("i1", math.tanh(1.0))["hint"]
    assert "before tanh" in ex.check("c~2", -h1)["hint"]
    assert ex.check("c2", c)["status"] == "right"
    assert ex.check("h1", h1)["status"] == "right"
    assert (i1, f1, g1) == (sig(1.0), sig(1.5), math.tanh(1.0))


def gru_exercise(blanks, variant="torch"):
    spec = Spec(cell="gru", input_size=1, hidden_sizes=(1,), output_size=1, gru_variant=variant, output_bias=False)
    params = {
        "W_xr": [[0.5]],
        "W_hr": [[0.2]],
        "b_r": [0.0],
        "W_xz": [[-0.5]],
        "W_hz": [[0.3]],
        "b_z": [0.0],
        "W_xn": [[1.0]],
        "W_hn": [[0.8]],
        "b_n": [0.1],
        "W_hy": [[1.0]],
    }
    if variant == "torch":
        params["b_hn"] = [0.2]
    net = Network(spec, params)
    return Exercise(net, [[1.0], [-1.0]], blanks=blanks, seed=None, attempts=None)


def gru_step(x, hp, variant="torch"):
    r, z = sig(0.5 * x + 0.2 * hp), sig(-0.5 * x + 0.3 * hp)
    nx = 1.0 * x + 0.1
    if variant == "torch":
        nh = 0.8 * hp + 0.2
        pre, no_r, other = nx + r * nh, nx + nh, nx + 0.8 * (r * hp)
    else:
        pre, no_r, other = nx + 0.8 * (r * hp), nx + 0.8 * hp, nx + r * (0.8 * hp)
    n = math.tanh(pre)
    return r, z, n, (1 - z) * n + z * hp, pre, no_r, other


@pytest.mark.parametrize("variant", ["torch", "cho"])
def test_gru_mistakes(variant):
    _, _, _, h1, *_ = gru_step(1.0, 0.0, variant)
    r, z, n, h2, pre, no_r, other = gru_step(-1.0, h1, variant)
    ex = gru_exercise(["h2", "n2", "r2"], variant)
    assert "swaps z and 1 \u2212 z" in ex.check("h2", z * n + (1 - z) * h1)["hint"]
    assert "is before tanh" in ex.check("n2", pre)["hint"]
    assert "leaves out the reset gate r" in ex.check("n2", math.tanh(no_r))["hint"]
    if variant == "torch":  # with one unit, Cho's r (h W_hn) and (r h) W_hn are the same number
        assert "the other GRU variant" in ex.check("n2", math.tanh(other))["hint"]
    assert "before \u03c3" in ex.check("r2", 0.5 * -1.0 + 0.2 * h1)["hint"]
    assert ex.check("h2", h2)["status"] == "right"


def test_gradient_mistakes():
    # next_number-like: one tanh unit, W_xh = 0.5, W_hh = -0.5, W_hy = 2, squared loss on y2
    spec = Spec(input_size=1, hidden_sizes=(1,), output_size=1, bias=False, output_bias=False)
    net = Network(spec, {"W_xh": [[0.5]], "W_hh": [[-0.5]], "W_hy": [[2.0]]})
    ex = Exercise(
        net, [[1.0], [1.0]], targets=[[0.0], [1.0]], blanks=["dh1", "loss", "dW_hh"], seed=None, attempts=None
    )
    h1 = math.tanh(0.5)
    h2 = math.tanh(0.5 - 0.5 * h1)
    y1, y2 = 2 * h1, 2 * h2
    loss = 0.5 * (y1 - 0) ** 2 + 0.5 * (y2 - 1) ** 2
    dh2 = (y2 - 1) * 2
    direct1 = (y1 - 0) * 2
    future1 = dh2 * (1 - h2**2) * -0.5
    assert "leaves out the \u00bd" in ex.check("loss", 2 * loss)["hint"]
    assert "is only the part from y" in ex.check("dh1", direct1)["hint"]
    assert "is only the part from step 2" in ex.check("dh1", future1)["hint"]
    assert "derivative of tanh" in ex.check("dh1", direct1 + dh2 * -0.5)["hint"]
    assert ex.check("dh1", direct1 + future1)["status"] == "right"
    assert ex.check("loss", loss)["status"] == "right"
    # dL/dW_hh = sum_t h_{t-1} da_t: step 1 has h0 = 0, so step 2's share is all of it; a sign error
    da2 = dh2 * (1 - h2**2)
    assert "wrong sign" in ex.check("dW_hh", -h1 * da2)["hint"]
    assert ex.check("dW_hh", h1 * da2)["status"] == "right"


def test_hint_never_contains_an_open_value():
    ex = make("lecture_tanh", ["h2"], seed=None, attempts=None)
    truth = [-0.9905, -0.9701, -0.1093]  # seed 001, checked with numpy
    for answer in (0.0, 1.0, -2.67, 5.0):
        hint = ex.check("h2[1]", answer)["hint"]
        for v in truth:
            assert f"{v:.3f}"[:-1] not in hint.replace(f"{answer:g}", "")
    assert np.isclose(ex.reveal_answers()["h2[1]"], -0.9905, atol=1e-4)
