"""Gradients, BPTT options and training through the widget (issue 4, Python side)."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest
import traitlets

from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec, numerical_gradients


@pytest.fixture
def w():
    return RNNWidget.from_preset("next_number")


def in_thread(fn):
    """Run `fn` in a new thread: no event loop runs there, whatever the main thread has (the
    browser tests' Playwright keeps one running for the whole session)."""
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as e:  # re-raised in the test's thread
            out["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_grads_in_trace_match_finite_differences(w):
    num = numerical_gradients(w.network, w.inputs, [[11.0]])
    for name, g in w.trace["grads"]["params"].items():
        np.testing.assert_allclose(g, num[name], atol=1e-6)
    # per-step contributions add up to the totals
    for name, steps in w.trace["grads"]["per_step"].items():
        np.testing.assert_allclose(np.sum(steps, axis=0), w.trace["grads"]["params"][name], atol=1e-12)


def test_jacobian_norms_against_finite_differences(w):
    """||dh_T/dh_k||_2 from the trace against a Jacobian built by perturbing h_k and re-running."""
    net = w.network
    X = np.asarray(w.inputs)
    norms = w.trace["grads"]["jacobian_norms"][0]
    P = net.params
    act = np.tanh

    def run_from(k, hk):
        h = hk
        for t in range(k, len(X)):
            h = act(X[t] @ P["W_xh"] + h @ P["W_hh"] + P["b_h"])
        return h

    H = np.vstack([np.zeros(3), w.hidden_states()])
    for k in range(len(X) + 1):
        J = np.zeros((3, 3))
        for j in range(3):
            e = np.zeros(3)
            e[j] = 1e-6
            J[:, j] = (run_from(k, H[k] + e) - run_from(k, H[k] - e)) / 2e-6
        assert norms[k] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)


def test_bptt_options_change_the_gradients(w):
    full = w.trace["grads"]["norm"]
    w.bptt = {"clip_norm": 1.0, "truncate": None}
    g = w.trace["grads"]
    assert g["scale"] == pytest.approx(1.0 / (full + 1e-6))
    assert np.sqrt(sum(np.sum(np.square(v)) for v in g["params"].values())) == pytest.approx(1.0, rel=1e-5)
    w.bptt = {"clip_norm": None, "truncate": 2}
    # the only scored step is t = 5 (index 4); chunks [0,1] [2,3] [4]: only step 5 gets gradient
    per = np.asarray(w.trace["grads"]["per_step"]["W_hh"])
    assert np.abs(per[:4]).max() == 0 and np.abs(per[4]).max() > 0
    with pytest.raises(traitlets.TraitError, match="truncate"):
        w.bptt = {"clip_norm": None, "truncate": 0}
    with pytest.raises(traitlets.TraitError, match="clip_norm"):
        w.bptt = {"clip_norm": -1, "truncate": None}


def test_train_blocking_lowers_loss_and_reset_restores(w):
    before = w.get("W_hh", convention="row").copy()
    history = w.train(200, lr=0.01, block=True)
    assert len(history) == 200 == len(w.loss_history)
    assert history[-1] < history[0] * 1e-3
    assert w.training["running"] is False and w.training["step"] == 200
    assert abs(w.outputs()[-1, 0] - 11) < 0.05
    assert w.trace["loss"] == pytest.approx(0.5 * (w.outputs()[-1, 0] - 11) ** 2)
    w.reset_training()
    np.testing.assert_array_equal(w.get("W_hh", convention="row"), before)
    assert w.loss_history == []


def test_train_needs_targets():
    w = RNNWidget.from_preset("tom_yeh")
    with pytest.raises(ValueError, match="targets"):
        w.train(5)


def test_train_options_validated(w):
    with pytest.raises(traitlets.TraitError, match="learning rate"):
        w.train_options = {"lr": -1, "momentum": 0, "steps": 5, "clip_norm": None}
    with pytest.raises(ValueError, match="steps"):
        w.train(0, block=True)


def test_page_messages_train_step_reset(w):
    in_thread(lambda: page_messages(w))


def page_messages(w):
    w._on_page_msg(w, {"type": "step"}, [])
    assert len(w.loss_history) == 1
    w._on_page_msg(w, {"type": "train", "steps": 4}, [])
    assert len(w.loss_history) == 5
    w._on_page_msg(w, {"type": "reset"}, [])
    assert w.loss_history == []
    w2 = RNNWidget.from_preset("tom_yeh")
    w2._on_page_msg(w2, {"type": "train", "steps": 3}, [])
    assert "targets" in w2.error and w2.error_field == "training"


def test_background_training_can_be_stopped_and_edits_go_through(w):
    async def scenario():
        w.train(100_000, lr=0.001)  # runs on the loop in chunks
        assert w.training["running"]
        await asyncio.sleep(0.15)
        # an edit from the page while training is applied, not lost
        params = dict(w.params)
        params["b_y"] = [5.0]
        w.set_state({"params": params})
        assert w.error == ""
        await asyncio.sleep(0.05)
        w._on_page_msg(w, {"type": "stop"}, [])
        for _ in range(100):
            if not w.training["running"]:
                break
            await asyncio.sleep(0.01)
        return w.training

    status = in_thread(lambda: asyncio.run(scenario()))
    assert status["running"] is False and 0 < status["step"] < 100_000
    assert status["message"] == "stopped"
    assert len(w.loss_history) == status["step"]
    # the published trace is the state of the current weights
    fresh = Network(Spec.from_dict(w.spec), w.params).forward(w.inputs, targets=[[11.0]])
    assert w.trace["loss"] == pytest.approx(fresh.loss)


def test_divergence_is_reported_not_raised(w):
    w.train_options = {"lr": 50.0, "momentum": 0.9, "steps": 500, "clip_norm": None}
    w.train(block=True)
    assert w.training["running"] is False
    assert np.isfinite(np.asarray(w.params["W_hh"])).all()
    assert "training stopped" in w.training["message"] or "diverged" in w.training["message"]
    assert np.isfinite(w.trace["loss"])


def test_overflowing_values_are_refused_not_sent():
    w = RNNWidget.from_preset("tom_yeh")
    w.inputs = [[1.0]] * 60  # 60 steps of A = 1e6: (2e6)^60 overflows float64
    before = w.trace
    with pytest.raises(traitlets.TraitError, match="overflows"):
        w.set("A", [[1e6, 1e6], [1e6, 1e6]])
    assert w.trace == before
    with pytest.raises(traitlets.TraitError, match=r"expected numbers between -1e\+06 and 1e\+06"):
        w.set("A", [[1e200, 1e200], [1e200, 1e200]])  # the page's limit on a number, in Python too
    assert w.trace == before


def test_reset_ends_a_background_run_and_a_new_one_can_start(w):
    async def scenario():
        w.train(100_000, lr=1e-4)
        await asyncio.sleep(0.1)
        w.reset_training()  # ends the old run at once
        assert not w.training["running"]
        w.train(5, lr=0.01)  # a new run is allowed straight away
        for _ in range(200):
            if not w.training["running"]:
                break
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)  # the old task, if any, must not touch anything
        return w.training, list(w.loss_history)

    status, history = in_thread(lambda: asyncio.run(scenario()))
    assert status["step"] == 5 and status["running"] is False and len(history) == 5


def test_loss_curve_is_thinned_but_keeps_the_ends_and_spikes():
    from rnn_widget._training import thin_curve

    assert thin_curve([3.0, 2.0, 1.0]) == {"step": [1, 2, 3], "loss": [3.0, 2.0, 1.0]}
    history = list(np.linspace(10, 1, 50_000))
    history[12_345] = 99.0  # a spike
    curve = thin_curve(history)
    assert len(curve["step"]) <= 1001
    assert curve["step"][0] == 1 and curve["step"][-1] == 50_000 and curve["loss"][-1] == 1.0
    assert 99.0 in curve["loss"] and curve["step"][curve["loss"].index(99.0)] == 12_346
    assert curve["step"] == sorted(curve["step"])
    assert all(history[s - 1] == v for s, v in zip(curve["step"], curve["loss"]))


def test_widget_publishes_the_thinned_curve(w):
    w.train(30, lr=0.01, block=True)
    assert w.loss_curve["loss"] == w.loss_history and w.loss_curve["step"] == list(range(1, 31))
    assert "loss_history" not in w.get_state()  # the full list stays in Python
