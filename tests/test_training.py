"""SGD training in place: seed 003's next-number task, loss histories, early stopping."""

import numpy as np
import pytest

from rnn_widget import presets
from rnn_widget.core import SGD, Network, Spec, train


def _tanh_rnn_forward(params, xs):
    """A hand-written forward of the trained network: h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)."""
    h = np.zeros(params["W_hh"].shape[0])
    for x in xs:
        h = np.tanh(x @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
    return h @ params["W_hy"] + params["b_y"]


def test_next_number_recipe_learns_eleven():
    p = presets.next_number()
    first = p.forward().loss
    history = train(p.network, p.inputs, p.targets, **p.training)
    assert len(history) == p.training["steps"]
    assert history[0] == first
    assert history[-1] < 1e-3 * history[0]  # orders of magnitude lower
    final = p.forward()
    assert final.loss < 1e-3 * first
    assert final.y[-1, 0] == pytest.approx(11.0, abs=0.05)
    assert _tanh_rnn_forward(p.network.params, p.inputs)[0] == pytest.approx(final.y[-1, 0], rel=1e-12)
    assert abs(final.y[-1, 0] - 11.0) < abs(p.network.copy().forward(p.inputs).y[-1, 0] - 11.0) + 1e-12


def test_next_number_starts_far_from_eleven():
    p = presets.next_number()
    assert abs(p.forward().y[-1, 0] - 11.0) > 1.0  # there is something to learn


@pytest.mark.parametrize("lr", [1e-4, 1e-3])
def test_small_lr_is_monotone(lr):
    p = presets.next_number()
    history = np.array(train(p.network, p.inputs, p.targets, steps=60, lr=lr))
    assert history[-1] < history[0]
    assert (np.diff(history) <= 1e-12 * history[:-1]).all()


def test_callback_false_stops_early():
    p = presets.next_number()
    calls = []

    def stop_after_three(step, trace, grads):
        calls.append((step, trace.loss, grads.norm))
        return False if step == 2 else None

    history = train(p.network, p.inputs, p.targets, steps=50, lr=0.01, callback=stop_after_three)
    assert len(history) == 3
    assert [c[0] for c in calls] == [0, 1, 2]
    assert [c[1] for c in calls] == history
    reference = presets.next_number()
    train(reference.network, reference.inputs, reference.targets, steps=3, lr=0.01)
    for name, value in reference.network.params.items():
        np.testing.assert_array_equal(p.network[name], value, err_msg=name)


@pytest.mark.parametrize("answer", [None, True, 0, "stop"])
def test_callback_other_answers_do_not_stop(answer):
    p = presets.next_number()
    history = train(p.network, p.inputs, p.targets, steps=5, lr=0.01, callback=lambda *a: answer)
    assert len(history) == 5


def test_zero_steps_changes_nothing():
    p = presets.next_number()
    before = p.network.params
    assert train(p.network, p.inputs, p.targets, steps=0) == []
    for name, value in before.items():
        np.testing.assert_array_equal(p.network[name], value)


def test_one_step_is_the_sgd_rule():
    """p <- p - lr * dL/dp, with the gradient of the loss before the step."""
    p = presets.next_number()
    before = p.network.params
    _, grads = p.network.run(p.inputs, p.targets)
    train(p.network, p.inputs, p.targets, steps=1, lr=0.05)
    for name, value in before.items():
        np.testing.assert_allclose(p.network[name], value - 0.05 * grads.params[name], rtol=1e-14, atol=1e-16)


def test_momentum_rule_two_steps():
    """v1 = g1, v2 = m v1 + g2; p2 = p1 - lr v2 (PyTorch's SGD, no dampening)."""
    net = presets.next_number().network
    X, Y = presets.next_number().inputs, presets.next_number().targets
    opt = SGD(lr=0.02, momentum=0.5)
    p0 = net.params
    g1 = net.run(X, Y)[1].params
    opt.step(net, net.run(X, Y)[1])
    g2 = net.run(X, Y)[1].params
    opt.step(net, net.run(X, Y)[1])
    for name in p0:
        p1 = p0[name] - 0.02 * g1[name]
        np.testing.assert_allclose(net[name], p1 - 0.02 * (0.5 * g1[name] + g2[name]), rtol=1e-13, atol=1e-16)


def test_training_uses_h0():
    p = presets.next_number()
    h0 = np.array([0.3, -0.2, 0.1])
    first = p.network.forward(p.inputs, h0, targets=p.targets).loss
    history = train(p.network, p.inputs, p.targets, steps=2, lr=0.01, h0=h0)
    assert history[0] == first
    assert first != presets.next_number().forward().loss


@pytest.mark.parametrize(
    "options", [{"clip_norm": 5.0, "lr": 0.05}, {"truncate": 2}, {"momentum": 0.9, "clip_norm": 5.0}]
)
def test_training_options_still_learn(options):
    p = presets.next_number()
    history = train(p.network, p.inputs, p.targets, steps=150, **{"lr": 0.01, **options})
    assert history[-1] < 0.1 * history[0]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_cells_learn_a_sequence(cell):
    spec = Spec(cell=cell, input_size=1, hidden_sizes=(4,), output_size=1, loss="mse")
    net = Network(spec, seed=1)
    X = np.array([[1.0], [0.0], [-1.0], [0.5], [0.0]])
    Y = np.array([[0.5], [0.5], [-0.5], [0.2], [0.1]])
    history = train(net, X, Y, steps=300, lr=0.2, momentum=0.5)
    assert history[-1] < 0.05 * history[0]
    assert np.abs(net.forward(X).y - Y).max() < 0.1


def test_lstm_preset_trains_toward_targets():
    p = presets.lstm_by_hand()
    targets = np.array([[0.5], [0.0], [-0.5]])
    history = train(p.network, p.inputs, targets, steps=100, lr=0.2)
    assert history[-1] < 0.1 * history[0]
