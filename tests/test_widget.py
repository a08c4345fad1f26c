"""The widget's Python side: edits recompute, bad input is refused with nothing changed, sliders,
state serialisation. Expected numbers come from the seeds or from numpy computed here."""

from __future__ import annotations

import json

import numpy as np
import pytest
import traitlets

from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec


def relu_rnn(A, B, C, xs):
    """Tom Yeh's recurrence in column form, written out independently of the package."""
    h = np.zeros(2)
    hs, ys = [], []
    for x in xs:
        h = np.maximum(np.asarray(A) @ h + np.asarray(B).ravel() * x, 0)
        hs.append(h)
        ys.append(float(np.asarray(C) @ h))
    return np.array(hs), np.array(ys)


class Recorder:
    """Collects the messages the widget would send to the page."""

    def __init__(self, w):
        self.sent = []
        w._send = lambda msg, buffers=None: self.sent.append(msg)

    def updated(self):
        return [k for m in self.sent if m.get("method") == "update" for k in m["state"]]


@pytest.fixture
def w():
    return RNNWidget.from_preset("tom_yeh")


def test_tom_yeh_numbers(w):
    assert w.hidden_states().tolist() == [[3, 6], [1, 17], [0, 28], [0, 40]]
    assert w.outputs().ravel().tolist() == [3, 16, 28, 40]
    assert w.trace["layers"][0]["values"]["h"] == [[3, 6], [1, 17], [0, 28], [0, 40]]
    assert w.trace["y"] == [[3], [16], [28], [40]]
    assert w.convention == "column"
    assert w.display_names["W_hh"] == "A"
    assert w.get("A").tolist() == [[1, -1], [1, 1]]
    assert w.get("A", convention="row").tolist() == [[1, 1], [-1, 1]]
    assert w.get("W_hh").tolist() == [[1, -1], [1, 1]]  # widget convention is column
    assert w.param_order == ["W_hh", "W_xh", "W_hy"]  # A, B, C as on the slide
    w.convention = "row"
    assert w.param_order == ["W_xh", "W_hh", "W_hy"]


def test_python_edit_recomputes_everything(w):
    A = [[1, -1], [1, 2]]
    w.set("A", A)
    hs, ys = relu_rnn(A, [1, 2], [-1, 1], [3, 4, 5, 6])
    np.testing.assert_allclose(w.hidden_states(), hs)
    np.testing.assert_allclose(w.trace["y"], ys[:, None])
    w.inputs = [[1], [2], [3]]
    hs, ys = relu_rnn(A, [1, 2], [-1, 1], [1, 2, 3])
    np.testing.assert_allclose(w.hidden_states(), hs)
    assert w.trace["T"] == 3


@pytest.mark.parametrize(
    "bad, words",
    [
        ([[1, "x"], [1, 1]], ["A", "numbers", "'x'"]),
        ([[1, float("nan")], [1, 1]], ["A", "nan", "finite"]),
        ([[1, float("inf")], [1, 1]], ["inf", "finite"]),
        ([[1, 2, 3], [1, 1, 1]], ["A (W_hh) has shape (2, 3)", "expected (2, 2)"]),
        ("abc", ["text", "'abc'"]),
    ],
)
def test_python_bad_parameter_raises_and_changes_nothing(w, bad, words):
    before_params, before_trace = json.dumps(w.params), json.dumps(w.trace)
    with pytest.raises(traitlets.TraitError) as err:
        w.set("A", bad)
    for word in words:
        assert word.lower() in str(err.value).lower()
    assert json.dumps(w.params) == before_params
    assert json.dumps(w.trace) == before_trace


@pytest.mark.parametrize(
    "trait, bad, words",
    [
        ("inputs", [[1], [float("nan")]], ["inputs", "finite"]),
        ("inputs", [[1, 2]], ["inputs", "shape (1, 2)", "(steps, 1)"]),
        ("inputs", [], ["inputs", "empty"]),
        ("inputs", [[0]] * 1001, ["1001 steps", "at most 1000"]),
        ("h0", [[1, 2, 3]], ["h0", "shape (3,)", "expected (2,)"]),
        ("spec", {"cell": "transformer"}, ["cell", "'transformer'", "rnn"]),
        ("spec", {"hidden_sizes": [300]}, ["300", "1 to 256"]),
        ("spec", {"hidden_sizes": [2] * 9}, ["9 layers", "1 to 8"]),
        ("targets", [[1], [2]], ["targets", "2 rows", "expected 4"]),
    ],
)
def test_python_bad_trait_refused(w, trait, bad, words):
    if trait == "spec":
        bad = dict(w.spec, **bad)
    before = json.dumps({k: w.trait_values()[k] for k in ("params", "inputs", "h0", "spec", "trace")})
    with pytest.raises(traitlets.TraitError) as err:
        setattr(w, trait, bad)
    for word in words:
        assert word.lower() in str(err.value).lower(), str(err.value)
    assert json.dumps({k: w.trait_values()[k] for k in ("params", "inputs", "h0", "spec", "trace")}) == before


def test_page_edit_recomputes(w):
    rec = Recorder(w)
    params = dict(w.params)
    params["W_hh"] = [[1, 1], [-1, 2]]  # row form: A = [[1, -1], [1, 2]]
    w.set_state({"params": params})
    hs, _ = relu_rnn([[1, -1], [1, 2]], [1, 2], [-1, 1], [3, 4, 5, 6])
    np.testing.assert_allclose(w.hidden_states(), hs)
    assert "trace" in rec.updated()
    assert w.error == ""


def test_page_garbage_sets_error_restores_page_and_keeps_trace(w):
    rec = Recorder(w)
    before_params, before_trace = json.dumps(w.params), json.dumps(w.trace)
    params = dict(w.params)
    params["W_hh"] = [[1, "abc"], [-1, 1]]
    w.set_state({"params": params})
    assert "A (W_hh)" in w.error and "'abc'" in w.error
    assert w.error_field == "W_hh"
    assert json.dumps(w.params) == before_params and json.dumps(w.trace) == before_trace
    # the page is sent the value Python holds, so it shows the previous numbers again
    restored = [m["state"]["params"] for m in rec.sent if m.get("method") == "update" and "params" in m["state"]]
    assert restored and restored[-1]["W_hh"] == [[1, 1], [-1, 1]]
    assert "trace" not in rec.updated()
    # the next good edit clears the message
    params["W_hh"] = [[1, 1], [-1, 1]]
    params["W_xh"] = [[2, 2]]
    w.set_state({"params": params})
    assert w.error == "" and w.error_field == ""


def test_page_spec_change_resizes_and_keeps_values(w):
    w.set_state({"spec": dict(w.spec, hidden_sizes=[3])})
    assert np.shape(w.params["W_hh"]) == (3, 3)
    np.testing.assert_array_equal(np.asarray(w.params["W_hh"])[:2, :2], [[1, 1], [-1, 1]])
    assert len(w.h0[0]) == 3 and len(w.hidden_states()[0]) == 3
    w.set_state({"spec": dict(w.spec, cell="lstm")})
    assert "W_xf" in w.params and w.c0 == [[0, 0, 0]]
    assert set(w.trace["layers"][0]["values"]) >= {"i", "f", "o", "c_tilde", "c", "h"}
    w.set_state({"spec": dict(w.spec, input_size=2)})
    assert np.shape(w.inputs) == (4, 2) and [row[0] for row in w.inputs] == [3, 4, 5, 6]


def test_page_spec_refused_keeps_everything(w):
    before = json.dumps(w.trait_values()["trace"])
    w.set_state({"spec": dict(w.spec, hidden_sizes=[0])})
    assert "hidden_sizes[0] = 0" in w.error and w.error_field == "spec"
    assert json.dumps(w.trace) == before and w.spec["hidden_sizes"] == [2]


def test_slider_both_ways(w):
    s = w.slider("A", (1, 1), min=-2, max=2)
    assert s.value == 1 and s.description == "A[2, 2]"
    s.value = 2
    assert w.get("A").tolist() == [[1, -1], [1, 2]]
    hs, _ = relu_rnn([[1, -1], [1, 2]], [1, 2], [-1, 1], [3, 4, 5, 6])
    np.testing.assert_allclose(w.hidden_states(), hs)
    w.set("A", [[1, -1], [1, -0.5]])
    assert s.value == -0.5
    # a page edit moves the slider too
    params = dict(w.params)
    params["W_hh"] = [[1, 1], [-1, 1.5]]
    w.set_state({"params": params})
    assert s.value == 1.5


def test_slider_index_checked_and_disabled_when_parameter_goes(w):
    with pytest.raises(traitlets.TraitError, match="outside A"):
        w.slider("A", (2, 0))
    with pytest.raises(traitlets.TraitError, match="unknown parameter"):
        w.slider("Q", (0, 0))
    s = w.slider("B", (1, 0))  # column form: B is (2, 1)
    assert s.value == 2
    w.spec = dict(w.spec, cell="gru")
    assert s.disabled


def test_reveal_and_focus_validated(w):
    w.reveal = 3
    assert w.reveal == 3
    with pytest.raises(traitlets.TraitError, match="expected -1"):
        w.reveal = 9  # 1 + 4 steps x (h, y) = 9 slides: 0..8
    with pytest.raises(traitlets.TraitError, match="0 to 3"):
        w.focus_step = 4
    w.inputs = [[1], [2]]  # fewer steps clamp both
    assert w.focus_step <= 1 and w.reveal <= 4


def test_state_round_trip_is_json_and_rebuilds_the_same_trace(w):
    w.set("A", [[0.5, -1], [1, 1]])
    state = w.get_state()
    text = json.dumps(state)  # everything is plain JSON
    other = RNNWidget(Network(Spec(input_size=1, hidden_sizes=(2,), output_size=1)))
    other.set_state({k: json.loads(text)[k] for k in ("spec", "params", "inputs", "h0", "convention", "display_names")})
    assert other.trace == w.trace
    assert other.get("A").tolist() == [[0.5, -1], [1, 1]]


def test_labels_and_title_are_kept_as_plain_text(w):
    w.labels = ["<img src=x onerror=alert(1)>", "b", "c", "d"]
    w.title = "<script>alert(1)</script>"
    assert w.get_state()["labels"][0] == "<img src=x onerror=alert(1)>"
    assert w.get_state()["title"] == "<script>alert(1)</script>"


def test_targets_give_loss_and_gradients():
    w = RNNWidget.from_preset("next_number")
    assert w.trace["scored"] == [False] * 4 + [True]
    assert w.trace["loss"] == pytest.approx(0.5 * (w.outputs()[-1, 0] - 11) ** 2)
    g = w.trace["grads"]
    assert set(g["params"]) == set(w.params) and len(g["dh"][0]) == 5


def test_views_share_one_model(w):
    a, b = w._repr_mimebundle_(), w._repr_mimebundle_()
    key = "application/vnd.jupyter.widget-view+json"
    assert a[0][key]["model_id"] == b[0][key]["model_id"] == w.model_id


def test_bundle_is_built():
    from rnn_widget import widget

    assert widget._STATIC.joinpath("widget.js").stat().st_size > 1000
    assert widget._STATIC.joinpath("widget.css").stat().st_size > 100


def test_slider_widens_its_range_instead_of_clamping(w):
    s = w.slider("A", (1, 1), min=-2, max=2)
    w.set("A", [[1, -1], [1, 3]])
    assert s.value == 3 and s.max >= 3
    w.set("A", [[1, -1], [1, -7]])
    assert s.value == -7 and s.min <= -7
