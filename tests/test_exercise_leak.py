"""Issue 7: no answer key in the page. Everything the widget sends to the front end (every message,
from construction on), the state a view reads (`get_state`, what JupyterLab saves) and the state
embedded in a saved notebook (`ipywidgets.embed`) are searched for every blanked number: as number
text at any precision from two decimals up, and as the float64 bytes of packed buffers. Each search
is first shown to find the numbers in a plain widget of the same network (positive control).
"""

from __future__ import annotations

import base64
import json
import re
import struct

import numpy as np
import pytest
from ipywidgets.embed import dependency_state, embed_data
from ipywidgets.widgets.widget import _remove_buffers

from rnn_widget.core import Network, Spec
from rnn_widget.exercise import Exercise, make
from rnn_widget.widget import RNNWidget


@pytest.fixture(autouse=True)
def _answers_file_in_tmp(tmp_path, monkeypatch):
    """Each exercise saves its checked answers in the working directory: a fresh one per test."""
    monkeypatch.chdir(tmp_path)


#: a number in JSON text; not digits inside a word such as a model id ("IPY_MODEL_3a16f...")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?(?![\w.])")


def _without_bundle(state: dict) -> dict:
    """The state less the front end's code (anywidget syncs the bundle as `_esm` and `_css`: the
    same text in every widget, full of numbers such as CSS sizes)."""
    return {k: v for k, v in state.items() if k not in ("_esm", "_css")}


def picture_numbers(w) -> list[str]:
    """What the picture in `w`'s mime bundle shows as text, with the typographic minus as '-'."""
    data, _metadata = w._repr_mimebundle_()
    svgs = [data["image/svg+xml"]]
    svgs += [base64.b64decode(b).decode() for b in re.findall(r"base64,([A-Za-z0-9+/=]+)", data["text/html"])]
    texts = [t for svg in svgs for t in re.findall(r">([^<>]*)</text>", svg)]
    texts += re.findall(r'alt="([^"]*)"', data["text/html"])
    return [t.replace("\u2212", "-") for t in texts]


class Wire:
    """Text and binary buffers of everything a widget sends or would be saved with."""

    def __init__(self):
        self.texts: list[str] = []
        self.buffers: list[bytes] = []

    def add(self, msg, buffers=None):
        if isinstance(msg.get("state"), dict):
            msg = dict(msg, state=_without_bundle(msg["state"]))
        self.texts.append(json.dumps(msg, default=lambda o: None))
        self.buffers += [bytes(b) for b in buffers or []]

    def add_state(self, w):
        state, _paths, buffers = _remove_buffers(_without_bundle(w.get_state()))
        self.add(state, buffers)
        saved = embed_data(views=[w], state=dependency_state(w))["manager_state"]
        for model in saved["state"].values():
            model["state"] = _without_bundle(model["state"])
            for b in model.get("buffers", []):
                self.buffers.append(base64.b64decode(b["data"]))
        self.texts.append(json.dumps(saved))
        self.add_picture(w)

    def add_picture(self, w):
        """The static picture in the widget's mime bundle: the numbers it draws (the SVG's text,
        the <img>'s alt text and the SVG inside its data URI), not its coordinates."""
        self.texts += picture_numbers(w)

    def finds(self, value: float) -> list[str]:
        """Where `value` shows: number text equal to it (integers), or equal to it rounded to the
        text's own decimals (two or more, and two significant digits or more: 0.01 is the
        tolerance, not a rounded 0.0137), or its float64 bytes in a buffer."""
        hits = []
        for text in self.texts:
            for m in _NUMBER.finditer(text):
                token, decimals = m.group(0), m.group(1)
                x = float(token)
                if x == value:
                    hits.append(token)
                elif (
                    not float(value).is_integer()
                    and decimals
                    and len(decimals) >= 2
                    and len(token.lstrip("-0.")) >= 2
                    and "e" not in token.lower()
                ):
                    if abs(round(value, len(decimals)) - x) < 10 ** -(len(decimals) + 3):
                        hits.append(token)
        packed = struct.pack("<d", value)
        hits += ["buffer" for b in self.buffers if packed in b]
        return hits


@pytest.fixture
def wire(monkeypatch):
    """Every message an exercise sends from now on, construction included."""
    w = Wire()
    original = RNNWidget._send

    def send(self, msg, buffers=None):
        if isinstance(self, Exercise):
            w.add(msg, buffers)
        else:
            original(self, msg, buffers=buffers)

    monkeypatch.setattr(RNNWidget, "_send", send)
    return w


def search(wire: Wire, ex, values, plain=None):
    wire.add_state(ex)
    leaks = {v: wire.finds(v) for v in values}
    assert not any(leaks.values()), leaks
    if plain is not None:  # positive control: the same search finds them in a plain widget
        control = Wire()
        control.add_state(plain)
        assert all(control.finds(v) for v in values)


def test_tom_yeh_blanks_are_nowhere(wire):
    ex = make("tom_yeh", ["h2", "y2", "h3"], seed=None)
    ex.check("h2[2]", 13)  # wrong answers on the way
    ex.check("y2", 1)
    # h2 = [1, 17], y2 = 16, h3 = [0, 28], a3 = [-11, 28] (seed 000); y3 = 28 follows from h3.
    # 1 and 0 are in the given weights and inputs, so they are checked where they live (below).
    search(wire, ex, [17.0, 16.0, 28.0, -11.0], plain=RNNWidget.from_preset("tom_yeh"))
    tr = ex.trace
    assert all(v is None for k in ("a", "h", "xw", "hw") for v in tr["layers"][0]["values"][k][1])
    assert tr["y"][1] == [None] and tr["y"][2] == [None]  # y3 = C h3 gives h3 away in one step
    assert tr["layers"][0]["values"]["h"][0] == [3, 6] and tr["y"][0] == [3]  # the rest is shown
    assert ex.homework["blanks"][0]["value"] is None


def test_right_answer_opens_its_value_only(wire):
    ex = make("tom_yeh", ["h2", "y2"], seed=None)
    ex.check("h2", [1, 17])
    assert ex.trace["layers"][0]["values"]["h"][1] == [1, 17]
    search(wire, ex, [16.0])
    assert ex.trace["y"][1] == [None]


def test_hide_downstream_off_shows_what_follows():
    ex = make("tom_yeh", ["h2"], seed=None, hide_downstream=False)
    assert ex.trace["y"][1] == [16] and ex.trace["layers"][0]["values"]["h"][2] == [0, 28]
    on = make("tom_yeh", ["h2"], seed=None)
    assert on.trace["y"][1] == [None] and on.trace["layers"][0]["values"]["h"][2] == [None, None]
    assert on.trace["layers"][0]["values"]["h"][3] == [0, 40]  # two steps on: shown


def decimal_values(ex_values, givens):
    """Blank values that no given number could be mistaken for."""
    out = [v for v in ex_values if not float(v).is_integer()]
    assert all(abs(v - g) > 1e-3 for v in out for g in givens)
    return out


def test_tanh_blanks_at_every_precision(wire):
    ex = make("lecture_tanh", ["h1[1]", "h2"], seed=None)
    # seed 001: h1 = [-0.8337, -0.9801, 0.8005], h2 = [-0.9905, -0.9701, -0.1093]; check with numpy
    W_xh = np.array([[-0.2, -0.6, 0.1], [-0.4, -0.8, -0.1], [0.3, 0.5, 0.6], [-0.4, -0.3, 0.1]])
    W_hh = np.array([[0.9, -0.1, 0.1], [-0.1, -0.9, -0.3], [0.1, 0.3, -0.9]])
    X = np.array([[1, 3, 2, 1], [0, 4, 1, 2]])
    h1 = np.tanh(X[0] @ W_xh)
    h2 = np.tanh(X[1] @ W_xh + h1 @ W_hh)
    assert np.allclose(h1, [-0.8337, -0.9801, 0.8005], atol=1e-4)
    plain = RNNWidget.from_preset("lecture_tanh")
    values = plain.trace["layers"][0]["values"]  # the widget's own float64s, equal to ours
    assert np.allclose(values["h"], [h1, h2]) and np.allclose(values["hw"][1], h1 @ W_hh)
    blanked = [values["h"][0][0], *values["h"][1], *values["hw"][1], *values["a"][1]]
    search(wire, ex, decimal_values(blanked, [*W_xh.ravel(), *W_hh.ravel()]), plain=plain)
    assert ex.trace["layers"][0]["values"]["h"][0][1] == pytest.approx(h1[1])  # not a blank: shown


def big_lstm():
    rng = np.random.default_rng(7)
    spec = Spec(cell="lstm", input_size=1, hidden_sizes=(16,), output_size=1)
    net = Network(spec, seed=7)
    X = rng.normal(size=(20, 1))
    targets = rng.normal(size=(20, 1))
    return net, X, targets


def test_packed_buffers_hold_no_blank(wire):
    net, X, targets = big_lstm()
    ex = Exercise(net, X, targets=targets, blanks=["h5[3]", "c7[2]", "y9", "f4[1]"], seed=None)
    plain = RNNWidget(net, X, targets=targets)
    tr = plain.result()
    lt = tr.layers[0].values
    values = [lt["h"][4, 2], lt["c"][6, 1], tr.y[8, 0], lt["f"][3, 0], lt["z_f"][3, 0], lt["tanh_c"][6, 1]]
    search(wire, ex, values, plain=plain)
    assert any(wire.buffers), "the trace travels packed at this size"


def test_gradient_blanks_are_nowhere(wire):
    net, X, targets = big_lstm()
    ex = Exercise(net, X, targets=targets, blanks=["dh3[2]", "dW_hf[1,2]", "dc5[4]", "loss"], seed=None)
    plain = RNNWidget(net, X, targets=targets)
    g, tr = plain.gradients(), plain.result()
    values = [g.dh[0][2, 1], g.params["W_hf"][0, 1], g.dc[0][4, 3], tr.loss]
    search(wire, ex, values, plain=plain)
    assert ex.trace["loss"] is None and ex.trace["grads"] is None  # the loss blank hides the backward pass


def test_backward_blank_keeps_the_forward_pass():
    spec = Spec(input_size=1, hidden_sizes=(2,), output_size=1)
    net = Network(spec, seed=3)
    X, targets = [[0.5], [-0.3], [0.8]], [[0.1], [0.2], [0.3]]
    ex = Exercise(net, X, targets=targets, blanks=["dh2"], seed=None)
    plain = RNNWidget(net, X, targets=targets)
    g = plain.gradients()
    wire = Wire()
    values = [*g.dh[0][1], *g.dh_future[0][0], *g.params["W_hh"].ravel(), g.norm]
    search(wire, ex, values, plain=plain)
    assert ex.trace["layers"][0]["values"]["h"] == plain.trace["layers"][0]["values"]["h"]
    assert ex.trace["grads"]["dh"][0][2] == plain.trace["grads"]["dh"][0][2]  # a later step: shown


def test_the_comm_open_message_carries_no_blank(monkeypatch):
    """The state the comm opens with (ipywidgets' Widget.open), captured at the comm itself."""
    import ipywidgets.widgets.widget as ipw

    opened = Wire()
    create = ipw.comm.create_comm

    def capture(**args):
        opened.add(args.get("data", {}), args.get("buffers"))
        return create(**args)

    monkeypatch.setattr(ipw.comm, "create_comm", capture)
    ex = make("tom_yeh", ["h2", "y2", "h3"], seed=None)
    assert opened.texts, "the comm was opened through create_comm"
    assert not any(opened.finds(v) for v in (17.0, 16.0, 28.0, -11.0))
    ex.close()
