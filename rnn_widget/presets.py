"""The seed examples as one-line presets: ``rnn_widget.presets.tom_yeh()`` and friends.

Each preset records where it comes from (``source``), the names it displays (``display_names``,
e.g. A, B, C for Tom Yeh's slides) and its convention. ``load(name)`` opens one by name and
``PRESETS`` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .core import Network, Spec
from .core.trace import Trace


@dataclass
class Preset:
    """A network, its input sequence and everything needed to show it as the source did."""

    name: str
    title: str
    source: str
    network: Network
    inputs: np.ndarray
    h0: list | None = None
    c0: list | None = None
    targets: np.ndarray | None = None
    display_names: dict = field(default_factory=dict)
    convention: str = "row"
    labels: list | None = None
    weights_form: str = "separate"  # "concatenated": one matrix W_g = [W_hg | W_xg] per gate (seed 004)
    #: keyword arguments for `rnn_widget.core.train` that retell the source's training, if any
    training: dict | None = None
    notes: str = ""

    def forward(self) -> Trace:
        return self.network.forward(self.inputs, self.h0, self.c0, self.targets)

    def widget(self, **kwargs):
        """An `RNNWidget` opened on this preset (imports the widget only when called)."""
        from .widget import RNNWidget

        return RNNWidget.from_preset(self, **kwargs)


def tom_yeh() -> Preset:
    """Seed 000/002: Tom Yeh's "RNN by hand". Column form h_t = ReLU(A h_{t-1} + B x_t), y_t = C h_t.

    h1..h4 = [3, 6], [1, 17], [0, 28], [0, 40]; y = 3, 16, 28, 40 (ReLU zeroes unit 1 at t = 3).
    """
    A = np.array([[1, -1], [1, 1]], dtype=float)
    B = np.array([[1], [2]], dtype=float)
    C = np.array([[-1, 1]], dtype=float)
    spec = Spec(input_size=1, hidden_sizes=(2,), output_size=1, activation="relu", bias=False, output_bias=False)
    net = Network(spec, {"W_hh": A.T, "W_xh": B.T, "W_hy": C.T})
    return Preset(
        "tom_yeh",
        "RNN by hand (Tom Yeh)",
        "seeds 000 and 002: Tom Yeh, 'RNN by hand' (2023), as taught in Jordan Boyd-Graber's course",
        net,
        np.array([[3.0], [4.0], [5.0], [6.0]]),
        display_names={"W_hh": "A", "W_xh": "B", "W_hy": "C", "h": "H"},
        convention="column",
        notes="At t = 3 ReLU zeroes the first hidden unit: a dead unit.",
    )


_W_XH_001 = [[-0.2, -0.6, 0.1], [-0.4, -0.8, -0.1], [0.3, 0.5, 0.6], [-0.4, -0.3, 0.1]]
_W_HH_001 = [[0.9, -0.1, 0.1], [-0.1, -0.9, -0.3], [0.1, 0.3, -0.9]]
_X_001 = [[1, 3, 2, 1], [0, 4, 1, 2]]


def lecture_tanh() -> Preset:
    """Seed 001: h_t = tanh(X_t W_xh + h_{t-1} W_hh + b_h), two time steps, row vectors.

    h1 = tanh([-1.2, -2.3, 1.1]) = [-0.8337, -0.9801, 0.8005]; h2 = [-0.9905, -0.9701, -0.1093].
    """
    spec = Spec(input_size=4, hidden_sizes=(3,), output_size=None, activation="tanh", bias=True)
    net = Network(spec, {"W_xh": _W_XH_001, "W_hh": _W_HH_001, "b_h": np.zeros(3)})
    return Preset(
        "lecture_tanh",
        "A tanh RNN, two time steps",
        "seed 001: Vietnamese lecture slides, 'classification and time-steps = 2'",
        net,
        np.array(_X_001, dtype=float),
    )


#: The classifier's readout (3 hidden units -> 3 classes). Not on the slide: chosen so that
#: y = h2 W_hy can be read off by hand (one entry of +-1 per column, no bias).
_W_HY_001 = [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


def lecture_classifier() -> Preset:
    """Seed 001's "classification and time-steps = 2" as a classifier: the slide's tanh RNN reads
    X1, X2; at t = 2 a softmax readout over 3 classes is scored with cross-entropy (many-to-one).

    h1 = [-0.8337, -0.9801, 0.8005], h2 = [-0.9905, -0.9701, -0.1093] as on the slide;
    y2 = h2 W_hy = [0.9905, -0.9701, -0.1093], p = softmax(y2) = [0.6786, 0.0955, 0.2259];
    target class 1, loss = -ln 0.6786 = 0.3878.
    """
    spec = Spec(
        input_size=4,
        hidden_sizes=(3,),
        output_size=3,
        activation="tanh",
        bias=True,
        output_bias=False,
        mode="many-to-one",
        loss="cross_entropy",
    )
    net = Network(spec, {"W_xh": _W_XH_001, "W_hh": _W_HH_001, "b_h": np.zeros(3), "W_hy": _W_HY_001})
    return Preset(
        "lecture_classifier",
        "Classification with two time steps",
        "seed 001: Vietnamese lecture slides, 'classification and time-steps = 2' (W_xh, W_hh, b_h, X as on "
        "the slide); the readout W_hy over 3 classes is not on the slide: it is ours, one +-1 per column "
        "so that y2 = h2 W_hy is read off by hand",
        net,
        np.array(_X_001, dtype=float),
        targets=np.array([[1.0, 0.0, 0.0]]),
        notes="Only the last step is scored: the class comes from h2, after the whole sequence is read.",
    )


def stacked() -> Preset:
    """Seed 001's second layer k on top of h: k_t = tanh(h_t W_hk + k_{t-1} W_kk + b_k).

    k1 = [0.4952, 0.4077], k2 = [0.8414, 0.4269].
    """
    spec = Spec(input_size=4, hidden_sizes=(3, 2), output_size=None, activation="tanh", bias=True)
    net = Network(
        spec,
        {
            "W_xh": _W_XH_001,
            "W_hh": _W_HH_001,
            "b_h": np.zeros(3),
            "W_xh@2": [[-1.1, 0.1], [0.3, -0.2], [-0.1, 0.4]],
            "W_hh@2": [[0.1, 0.9], [0.9, -0.1]],
            "b_h@2": np.zeros(2),
        },
    )
    return Preset(
        "stacked",
        "Two stacked tanh layers, h then k",
        "seed 001: the second layer k (the slide's 'h0 W_kk' is read as k0 W_kk)",
        net,
        np.array(_X_001, dtype=float),
        display_names={"W_xh@2": "W_hk", "W_hh@2": "W_kk", "b_h@2": "b_k", "h@2": "k"},
    )


def next_number() -> Preset:
    """Seed 003: read 1, 3, 5, 7, 9 and predict the next number, 11, from the final output only
    (many-to-one, tanh, SGD). ``training`` holds a recipe that brings the loss near zero."""
    spec = Spec(input_size=1, hidden_sizes=(3,), output_size=1, activation="tanh", mode="many-to-one", loss="squared")
    net = Network(spec, seed=3)
    return Preset(
        "next_number",
        "Predict the next number: 1, 3, 5, 7, 9 -> 11",
        "seed 003: study notes in d2l notation (tanh RNN, BPTT, SGD)",
        net,
        np.array([[1.0], [3.0], [5.0], [7.0], [9.0]]),
        targets=np.array([[11.0]]),
        display_names={"W_hy": "W_ho", "b_y": "b_o", "y": "O"},
        training={"steps": 200, "lr": 0.01, "momentum": 0.0},
    )


def handwritten_tanh() -> Preset:
    """Seed 004: h_t = tanh(W_x x_t + W_h h_{t-1} + b), y_t = W_y h_t, column vectors.

    W_h = [[0.4, 0.2], [0.3, 0.7]], x1 = 1 with W_x = [0.5, 0.1]^T, W_y = [1, -1]:
    h1 = tanh([0.5, 0.1]) = [0.4621, 0.0997], y1 = 0.3624.
    """
    spec = Spec(input_size=1, hidden_sizes=(2,), output_size=1, activation="tanh", bias=True, output_bias=False)
    W_h = np.array([[0.4, 0.2], [0.3, 0.7]])
    net = Network(spec, {"W_hh": W_h.T, "W_xh": [[0.5, 0.1]], "b_h": np.zeros(2), "W_hy": [[1.0], [-1.0]]})
    return Preset(
        "handwritten_tanh",
        "Handwritten notes: one tanh step",
        "seed 004: handwritten notes (x1 and W_x are illegible; x1 = 1, W_x = [0.5, 0.1]^T "
        "reproduce W_x x1 = [0.5, 0.1])",
        net,
        np.array([[1.0]]),
        display_names={"W_hh": "W_h", "W_xh": "W_x", "W_hy": "W_y", "b_h": "b"},
        convention="column",
    )


def lstm_by_hand() -> Preset:
    """A one-unit LSTM over three steps with round weights, small enough to check by hand
    (seed 004's gate equations: f, i, c~, o, c_t = f c_{t-1} + i c~, h_t = o tanh(c_t))."""
    spec = Spec(cell="lstm", input_size=1, hidden_sizes=(1,), output_size=1, bias=True, output_bias=False)
    net = Network(
        spec,
        {
            "W_xi": [[1.0]],
            "W_hi": [[0.5]],
            "b_i": [0.0],
            "W_xf": [[0.5]],
            "W_hf": [[0.0]],
            "b_f": [1.0],
            "W_xc": [[1.0]],
            "W_hc": [[-1.0]],
            "b_c": [0.0],
            "W_xo": [[1.0]],
            "W_ho": [[0.0]],
            "b_o": [0.0],
            "W_hy": [[2.0]],
        },
    )
    return Preset(
        "lstm_by_hand",
        "An LSTM small enough to do by hand",
        "seed 004: the LSTM gate equations, with one unit and round weights",
        net,
        np.array([[1.0], [0.0], [-1.0]]),
        weights_form="concatenated",
    )


def _forget_gate(bias: float, name: str, title: str) -> Preset:
    spec = Spec(
        cell="lstm", input_size=1, hidden_sizes=(1,), output_size=1, bias=True, output_bias=False, mode="many-to-one"
    )
    net = Network(
        spec,
        {
            "W_xi": [[4.0]],
            "W_hi": [[0.0]],
            "b_i": [-2.0],  # the input gate opens only for the pulse
            "W_xf": [[0.0]],
            "W_hf": [[0.0]],
            "b_f": [bias],  # the forget gate is pinned by its bias
            "W_xc": [[2.0]],
            "W_hc": [[0.0]],
            "b_c": [0.0],
            "W_xo": [[0.0]],
            "W_ho": [[0.0]],
            "b_o": [3.0],  # the output gate stays open
            "W_hy": [[1.0]],
        },
    )
    X = np.zeros((8, 1))
    X[0] = 1.0
    return Preset(
        name,
        title,
        "seed 004's LSTM equations; a pulse at t = 1, then zeros",
        net,
        X,
        targets=np.array([[0.9]]),
        labels=["pulse"] + [""] * 7,
        weights_form="concatenated",
        notes="Compare the cell state c_t of forget_open and forget_closed: f near 1 keeps "
        "the pulse in memory to the end, f near 0 forgets it at once.",
    )


def forget_open() -> Preset:
    """An LSTM whose forget gate is pinned open (b_f = +6, f = 0.998): the pulse at t = 1 is
    still in the cell state at t = 8, and the gradient reaches back to it."""
    return _forget_gate(6.0, "forget_open", "LSTM memory: forget gate open (f = 0.998)")


def forget_closed() -> Preset:
    """The same LSTM with the forget gate pinned shut (b_f = -6, f = 0.002): the pulse is gone
    from the cell state one step later, and so is its gradient."""
    return _forget_gate(-6.0, "forget_closed", "LSTM memory: forget gate closed (f = 0.002)")


def _chain(w: float, name: str, title: str) -> Preset:
    spec = Spec(
        input_size=1,
        hidden_sizes=(1,),
        output_size=1,
        activation="identity",
        bias=False,
        output_bias=False,
        mode="many-to-one",
    )
    net = Network(spec, {"W_xh": [[1.0]], "W_hh": [[w]], "W_hy": [[1.0]]})
    X = np.zeros((10, 1))
    X[0] = 1.0
    return Preset(
        name,
        title,
        "seed 004: vanishing and exploding gradients",
        net,
        X,
        targets=np.array([[0.0]]),
        notes=f"dh_10/dh_k = {w}^(10-k): watch ||dh_T/dh_k|| in the gradient view.",
    )


def vanishing() -> Preset:
    """A one-unit linear RNN with W_hh = 0.5 over 10 steps: dh_10/dh_k = 0.5^(10-k) vanishes."""
    return _chain(0.5, "vanishing", "Vanishing gradients: W_hh = 0.5")


def exploding() -> Preset:
    """The same with W_hh = 1.5: dh_10/dh_k = 1.5^(10-k) explodes (try clipping)."""
    return _chain(1.5, "exploding", "Exploding gradients: W_hh = 1.5")


PRESETS = {
    f.__name__: f
    for f in (
        tom_yeh,
        lecture_tanh,
        lecture_classifier,
        stacked,
        next_number,
        handwritten_tanh,
        lstm_by_hand,
        forget_open,
        forget_closed,
        vanishing,
        exploding,
    )
}


def load(name: str) -> Preset:
    """Open a preset by name; the names are the keys of `PRESETS`."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}; expected one of {list(PRESETS)}")
    return PRESETS[name]()
