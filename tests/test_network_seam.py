"""The public seam between training and the model: Network.snapshot/restore/subtract and SGD.step's undo.

Nothing here touches a private attribute of core: what training needs, core offers in public.
"""

import pathlib
import re
from types import SimpleNamespace

import numpy as np
import pytest

from rnn_widget import presets
from rnn_widget.core import SGD, Network, ParamSnapshot, Spec
from rnn_widget.core.validate import NUMBER_LIMIT


def _net(cell="rnn", **kw):
    spec = Spec(input_size=2, hidden_sizes=(3,), output_size=1, cell=cell, **kw)
    return Network(spec, seed=1)


X = np.array([[0.5, -1.0], [1.0, 0.25], [-0.5, 0.5], [0.1, 0.2]])
Y = np.array([[0.3], [-0.2], [0.6], [0.1]])


def _same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_restore_puts_back_every_value_and_the_forward_pass(cell):
    net = _net(cell)
    before, trace = net.params, net.forward(X, targets=Y)
    snap = net.snapshot()
    SGD(lr=0.5).step(net, net.backward(trace))
    net.set_params({name: np.full_like(v, 0.7) for name, v in list(before.items())[:2]})
    assert net.forward(X, targets=Y).loss != trace.loss
    net.restore(snap)
    _same(net.params, before)
    assert net.forward(X, targets=Y).loss == trace.loss  # the packed weights were rebuilt too


def test_a_snapshot_does_not_follow_later_changes_and_restores_more_than_once():
    net = _net()
    snap, before = net.snapshot(), net.params
    for value in (0.1, -0.3):
        net.set_params({"W_hh": np.full((3, 3), value)})
        net.restore(snap)
        _same(net.params, before)


def test_values_handed_out_are_copies():
    net = _net()
    snap = net.snapshot()
    net.params["W_hh"][:] = 5.0
    net["W_xh"][:] = 5.0
    net.restore(snap)
    assert not (net.params["W_hh"] == 5.0).any() and not (net["W_xh"] == 5.0).any()


def test_restore_onto_a_copy_and_refusals():
    net = _net()
    snap = net.snapshot()
    other = net.copy()
    other.set_params({"W_hh": np.eye(3)})
    other.restore(snap)
    _same(other.params, net.params)
    with pytest.raises(ValueError, match="another shape"):
        Network(Spec(input_size=2, hidden_sizes=(4,))).restore(snap)
    with pytest.raises(TypeError, match="ParamSnapshot"):
        net.restore(net.params)  # a dict of values is not a snapshot
    assert isinstance(snap, ParamSnapshot) and snap.spec == net.spec


def test_copies_and_with_spec_stay_independent():
    net = _net()
    twin = net.copy()
    twin.set_params({"W_hh": np.eye(3)})
    assert not np.array_equal(net["W_hh"], np.eye(3))
    wider = net.with_spec(net.spec.replace(hidden_sizes=(4,)))
    np.testing.assert_array_equal(wider["W_hh"][:3, :3], net["W_hh"])
    wider.set_params({"W_hh": np.zeros((4, 4))})
    assert net["W_hh"].any()


def test_subtract_is_all_or_none():
    net = _net()
    before = net.params
    net.subtract({"W_hh": np.full((3, 3), 0.5)})
    np.testing.assert_array_equal(net["W_hh"], before["W_hh"] - 0.5)
    after_one = net.params
    for bad in (np.inf, np.nan, 2 * NUMBER_LIMIT):
        with pytest.raises(FloatingPointError, match="W_xh"):
            net.subtract({"W_hh": np.full((3, 3), 0.5), "W_xh": np.full((2, 3), bad)})
        _same(net.params, after_one)
    with pytest.raises(ValueError, match="shape"):
        net.subtract({"W_hh": np.ones((1, 3, 3))})
    with pytest.raises(KeyError, match="W_zz"):
        net.subtract({"W_zz": np.ones(3)})
    _same(net.params, after_one)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_step_undo_puts_back_the_weights_and_the_momentum(momentum):
    a, b = _net("gru"), _net("gru")
    opt_a, opt_b = SGD(0.1, momentum), SGD(0.1, momentum)
    for _ in range(2):
        opt_a.step(a, a.run(X, Y)[1])
        opt_b.step(b, b.run(X, Y)[1])
    undo = opt_b.step(b, b.run(X, Y)[1])  # a step that what comes next refuses
    undo()
    _same(b.params, a.params)
    for _ in range(3):  # and the momentum is where a's is
        opt_a.step(a, a.run(X, Y)[1])
        opt_b.step(b, b.run(X, Y)[1])
    _same(b.params, a.params)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_a_diverging_step_changes_neither_weights_nor_momentum():
    a, b = _net(), _net()
    opt_a, opt_b = SGD(0.1, 0.9), SGD(0.1, 0.9)
    opt_a.step(a, a.run(X, Y)[1])
    opt_b.step(b, b.run(X, Y)[1])
    grads = b.run(X, Y)[1]
    huge = SimpleNamespace(params={k: v * 1e300 for k, v in grads.params.items()})
    with pytest.raises(FloatingPointError, match="diverged"):
        opt_b.step(b, huge)
    _same(b.params, a.params)
    for _ in range(2):  # the refused step left no trace in the momentum
        opt_a.step(a, a.run(X, Y)[1])
        opt_b.step(b, b.run(X, Y)[1])
    _same(b.params, a.params)


def test_trained_weights_stay_within_the_number_limit():
    p = presets.next_number()
    net = p.network
    opt = SGD(lr=1e5)
    with pytest.raises(FloatingPointError, match="diverged"):
        for _ in range(50):
            opt.step(net, net.run(p.inputs, p.targets)[1])
    assert all(np.abs(v).max() <= NUMBER_LIMIT for v in net.params.values())
    Network(net.spec, net.params)  # every value passes the checks a user's values pass


_PRIVATE = re.compile(r"\.(_params|_packed|_grad_plan|_install)\b")


def test_nothing_outside_core_touches_the_network_privates():
    root = pathlib.Path(__file__).resolve().parents[1] / "rnn_widget"
    found = [
        f"{path.relative_to(root)}:{i}: {line.strip()}"
        for path in sorted(root.glob("*.py"))
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if _PRIVATE.search(line)
    ]
    assert found == []
