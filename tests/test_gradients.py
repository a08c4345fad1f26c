"""BPTT gradients against central finite differences of the loss.

The reference is `_fd`, a central-difference loop written here that only uses the public API
(set a parameter, run forward, read the loss); `core.numerical_gradients` is checked against it
too, so no check rests on our helper alone.
"""

import numpy as np
import pytest
import torch

from rnn_widget.core import Network, Spec, numerical_gradients

CELLS = {
    "rnn-tanh": {"cell": "rnn", "activation": "tanh"},
    "rnn-relu": {"cell": "rnn", "activation": "relu"},
    "rnn-sigmoid": {"cell": "rnn", "activation": "sigmoid"},
    "rnn-identity": {"cell": "rnn", "activation": "identity"},
    "lstm": {"cell": "lstm"},
    "gru-torch": {"cell": "gru", "gru_variant": "torch"},
    "gru-cho": {"cell": "gru", "gru_variant": "cho"},
}
MODES = ("many-to-many", "many-to-one", "one-to-many", "one-to-one")
LOSSES = ("squared", "mse", "cross_entropy")
HIDDEN = (3, 2, 3)
KINK = 1e-3  # ReLU pre-activations must be at least this far from 0 for finite differences


def _fd(net, X, targets, h0=None, c0=None, eps=1e-6):
    """dL/dW for every parameter by (L(W + eps e_k) - L(W - eps e_k)) / (2 eps)."""
    probe = net.copy()
    grads = {}
    for name, value in net.params.items():
        g = np.zeros(value.shape)
        for k in range(value.size):
            losses = []
            for delta in (eps, -eps):
                w = value.copy()
                w.flat[k] += delta
                probe[name] = w
                losses.append(probe.forward(X, h0, c0, targets).loss)
            g.flat[k] = (losses[0] - losses[1]) / (2 * eps)
        probe[name] = value
        grads[name] = g
    return grads


def _kinks(net, trace):
    """The smallest |pre-activation| that passes through a ReLU (inf when none does)."""
    spec = net.spec
    pre = []
    if spec.cell == "rnn" and spec.activation == "relu":
        pre += [lt.values["a"] for lt in trace.layers]
    if spec.output_activation == "relu" and trace.y_pre is not None:
        pre.append(trace.y_pre)
    return min((np.abs(a).min() for a in pre), default=np.inf)


def make_case(
    kind="rnn-tanh",
    loss="squared",
    mode="many-to-many",
    layers=1,
    seed=0,
    *,
    bias=True,
    output_bias=True,
    output_size=2,
    output_activation="identity",
    T=4,
    states=False,
):
    """A random network, inputs, targets (and optionally random initial states), ReLU kinks avoided."""
    if loss == "cross_entropy":
        output_size = 3
    T = 1 if mode == "one-to-one" else T
    spec = Spec(
        input_size=2,
        hidden_sizes=HIDDEN[:layers],
        output_size=output_size,
        bias=bias,
        output_bias=output_bias,
        output_activation=output_activation,
        mode=mode,
        loss=loss,
        **CELLS[kind],
    )
    for attempt in range(200):
        rng = np.random.default_rng(1000 * seed + attempt)
        net = Network(spec, seed=1000 * seed + attempt)
        net.set_params({k: rng.normal(0, 0.8, v.shape) for k, v in net.params.items()})
        X = rng.normal(0, 1.0, (T, 2))
        n = 1 if mode in ("many-to-one", "one-to-one") else T
        width = output_size if output_size is not None else HIDDEN[layers - 1]
        if loss == "cross_entropy":
            targets = rng.integers(0, output_size, n)
        else:
            targets = rng.normal(0, 1.0, (n, width))
        h0 = c0 = None
        if states:
            h0 = [rng.normal(0, 0.5, h) for h in spec.hidden_sizes]
            c0 = [rng.normal(0, 0.5, h) for h in spec.hidden_sizes] if spec.cell == "lstm" else None
        trace = net.forward(X, h0, c0, targets)
        if _kinks(net, trace) > KINK:
            return net, X, targets, h0, c0
    raise AssertionError("no random case keeps ReLU away from its kink")


def assert_grads_match(net, X, targets, h0=None, c0=None, rtol=1e-5, atol=1e-7):
    trace, grads = net.run(X, targets, h0, c0)
    assert np.isfinite(trace.loss) and trace.loss > 0
    fd = _fd(net, X, targets, h0, c0)
    assert set(grads.params) == set(fd) == set(net.param_shapes)
    for name, g in fd.items():
        assert grads.params[name].shape == net.param_shapes[name], name
        np.testing.assert_allclose(grads.params[name], g, rtol=rtol, atol=atol, err_msg=name)
    assert any(np.abs(g).max() > 1e-3 for g in fd.values())  # the check is not vacuous
    return grads


# -- every cell x loss x mode -----------------------------------------------------------------


@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("kind", CELLS)
def test_cell_loss_mode(kind, loss, mode, layers):
    assert_grads_match(*make_case(kind, loss, mode, layers, seed=layers))


# -- stacking, initial states, mixed hidden sizes ---------------------------------------------


@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("kind", CELLS)
def test_layers_with_initial_states(kind, layers):
    assert_grads_match(*make_case(kind, "squared", "many-to-many", layers, seed=layers, states=True))


# -- biases -----------------------------------------------------------------------------------


@pytest.mark.parametrize("output_bias", [True, False])
@pytest.mark.parametrize(
    "kind, bias",
    [
        ("rnn-tanh", False),
        ("rnn-tanh", {"h"}),
        ("rnn-relu", False),
        ("lstm", False),
        ("lstm", {"f"}),
        ("lstm", {"i", "o"}),
        ("lstm", {"c"}),
        ("gru-torch", False),
        ("gru-torch", {"hn"}),
        ("gru-torch", {"r", "n"}),
        ("gru-torch", {"z", "hn"}),
        ("gru-cho", False),
        ("gru-cho", {"z"}),
        ("gru-cho", {"r", "n"}),
    ],
)
def test_biases(kind, bias, output_bias):
    net, *rest = make_case(kind, "squared", "many-to-many", 2, seed=3, bias=bias, output_bias=output_bias)
    names = set(net.param_shapes)
    if bias is False:
        assert not any(n.startswith("b_") and n != "b_y" for n in names)
    assert ("b_y" in names) == output_bias
    assert_grads_match(net, *rest)


def test_partial_bias_names():
    net = make_case("lstm", bias={"f"}, layers=2)[0]
    assert sorted(n for n in net.param_shapes if n.startswith("b_")) == ["b_f", "b_f@2", "b_y"]
    net = make_case("gru-torch", bias={"hn"})[0]
    assert sorted(n for n in net.param_shapes if n.startswith("b_")) == ["b_hn", "b_y"]


# -- output activations and no readout ---------------------------------------------------------


@pytest.mark.parametrize("loss", ["squared", "mse"])
@pytest.mark.parametrize("output_activation", ["tanh", "relu", "sigmoid", "identity"])
@pytest.mark.parametrize("kind", ["rnn-tanh", "lstm", "gru-cho"])
def test_output_activation(kind, output_activation, loss):
    assert_grads_match(*make_case(kind, loss, "many-to-many", 1, seed=11, output_activation=output_activation))


@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one"])
@pytest.mark.parametrize("kind", CELLS)
def test_no_readout(kind, mode):
    net, *rest = make_case(kind, "mse", mode, 2, seed=5, output_size=None)
    assert "W_hy" not in net.param_shapes
    assert_grads_match(net, *rest)


# -- our helper against the independent loop --------------------------------------------------


@pytest.mark.parametrize("kind", CELLS)
def test_numerical_gradients_helper(kind):
    net, X, targets, h0, c0 = make_case(kind, "cross_entropy", "many-to-many", 2, seed=2, states=True)
    ours = numerical_gradients(net, X, targets, h0, c0)
    ref = _fd(net, X, targets, h0, c0)
    assert set(ours) == set(ref)
    for name in ref:
        np.testing.assert_allclose(ours[name], ref[name], rtol=1e-6, atol=1e-8, err_msg=name)
    before = net.params
    _, grads = net.run(X, targets, h0, c0)
    for name in ref:
        np.testing.assert_allclose(grads.params[name], ours[name], rtol=1e-5, atol=1e-7, err_msg=name)
    for name, value in net.params.items():  # the helper leaves the network alone
        np.testing.assert_array_equal(value, before[name])


# -- per-step contributions ------------------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"clip_norm": 0.01}, {"truncate": 2}])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", CELLS)
def test_per_step_sums_to_total(kind, mode, options):
    net, X, targets, h0, c0 = make_case(kind, "mse", mode, 2, seed=4, states=True)
    trace, grads = net.run(X, targets, h0, c0, **options)
    if "clip_norm" in options:
        assert grads.clipped
    for name, shape in net.param_shapes.items():
        steps = grads.per_step(name)
        assert steps.shape == (trace.T, *shape), name
        np.testing.assert_allclose(steps.sum(axis=0), grads.params[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_per_step_unknown_name():
    net, X, targets, *_ = make_case("lstm")
    _, grads = net.run(X, targets)
    with pytest.raises(KeyError, match="W_nope"):
        grads.per_step("W_nope")


def test_per_step_readout_by_hand():
    """dL/dW_hy at step t is outer(h_t, y_t - target_t) for the squared loss with identity output."""
    net, X, targets, *_ = make_case("gru-cho", "squared", "many-to-many", 2, seed=9)
    trace, grads = net.run(X, targets)
    expected = np.einsum("ti,tj->tij", trace.h, trace.y - targets)
    np.testing.assert_allclose(grads.per_step("W_hy"), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads.per_step("b_y"), trace.y - targets, rtol=1e-12, atol=1e-15)


# -- dL/dh0 --------------------------------------------------------------------------------------


def _fd_h0(net, X, targets, h0, c0, layer, eps=1e-6):
    g = np.zeros_like(h0[layer])
    for k in range(g.size):
        losses = []
        for delta in (eps, -eps):
            hs = [v.copy() for v in h0]
            hs[layer][k] += delta
            losses.append(net.forward(X, hs, c0, targets).loss)
        g[k] = (losses[0] - losses[1]) / (2 * eps)
    return g


@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("kind", CELLS)
def test_dh0(kind, layers, loss):
    net, X, targets, h0, c0 = make_case(kind, loss, "many-to-many", layers, seed=6, states=True)
    trace, grads = net.run(X, targets, h0, c0)
    assert len(grads.dh0) == layers
    largest = 0.0
    for layer in range(layers):
        expected = _fd_h0(net, X, targets, h0, c0, layer)
        largest = max(largest, np.abs(expected).max())
        np.testing.assert_allclose(grads.dh0[layer], expected, rtol=1e-5, atol=1e-8, err_msg=f"layer {layer}")
        assert grads.dh[layer].shape == trace.layers[layer].h.shape
    assert largest > 1e-4


def test_dh_last_step_by_hand():
    """dL/dh_T of the top layer is (y_T - target_T) W_hy^T: nothing comes back from later steps."""
    net, X, targets, *_ = make_case("lstm", "squared", "many-to-many", 2, seed=8)
    trace, grads = net.run(X, targets)
    np.testing.assert_allclose(grads.dh[-1][-1], (trace.y[-1] - targets[-1]) @ net["W_hy"].T, rtol=1e-12)
    assert grads.dc[-1] is not None and grads.dc[-1].shape == trace.layers[-1].c.shape


def test_gradient_norm_is_global():
    net, X, targets, *_ = make_case("gru-torch", "squared", "many-to-many", 2, seed=10)
    _, grads = net.run(X, targets)
    assert grads.norm == pytest.approx(np.sqrt(sum((g**2).sum() for g in grads.params.values())), rel=1e-12)
    assert grads.scale == 1.0 and not grads.clipped
    _, clipped = net.run(X, targets, clip_norm=grads.norm / 4)
    assert clipped.clipped and clipped.norm == pytest.approx(grads.norm, rel=1e-12)
    for name, g in grads.params.items():
        np.testing.assert_allclose(clipped.params[name], g * (grads.norm / 4) / (grads.norm + 1e-6), rtol=1e-12)


# -- forward and gradient of forms torch has no module for: hand-written torch, autograd ------
# (finite differences check BPTT against our own forward; these check the forward itself too)


def _t(a):
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64)


def _autograd(net, step, X, h0, readout):
    """Run `step(P, x, states) -> states` over X with our parameters as torch leaves; returns the
    outputs, and the gradients of the squared loss against `readout` targets."""
    P = {k: _t(v).requires_grad_() for k, v in net.params.items()}
    states, ys = [_t(h) for h in h0], []
    for x in _t(X):
        states = step(P, x, states)
        ys.append(readout(P, states[-1]))
    return P, torch.stack(ys)


def test_gru_cho_against_torch_formula():
    """d2l's GRU: n = tanh(x W_xn + (r * h) W_hn + b_n), h = z * h_prev + (1 - z) * n."""
    net, X, targets, h0, _ = make_case("gru-cho", "squared", "many-to-many", 1, seed=12, states=True)
    trace, grads = net.run(X, targets, h0)

    def step(P, x, states):
        h = states[0]
        r = torch.sigmoid(x @ P["W_xr"] + h @ P["W_hr"] + P["b_r"])
        z = torch.sigmoid(x @ P["W_xz"] + h @ P["W_hz"] + P["b_z"])
        n = torch.tanh(x @ P["W_xn"] + (r * h) @ P["W_hn"] + P["b_n"])
        return [z * h + (1 - z) * n]

    P, y = _autograd(net, step, X, h0, lambda P, h: h @ P["W_hy"] + P["b_y"])
    L = 0.5 * ((y - _t(targets)) ** 2).sum()
    L.backward()
    np.testing.assert_allclose(trace.y, y.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert trace.loss == pytest.approx(L.item(), rel=1e-12)
    for name, p in P.items():
        np.testing.assert_allclose(grads.params[name], p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("output_activation", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("activation", ["sigmoid", "identity", "tanh", "relu"])
def test_rnn_activations_against_torch_formula(activation, output_activation):
    act = {"sigmoid": torch.sigmoid, "identity": lambda a: a, "tanh": torch.tanh, "relu": torch.relu}
    net, X, targets, h0, _ = make_case(
        f"rnn-{activation}", "mse", "many-to-many", 2, seed=13, states=True, output_activation=output_activation
    )
    trace, grads = net.run(X, targets, h0)

    def step(P, x, states):
        h1 = act[activation](x @ P["W_xh"] + states[0] @ P["W_hh"] + P["b_h"])
        h2 = act[activation](h1 @ P["W_xh@2"] + states[1] @ P["W_hh@2"] + P["b_h@2"])
        return [h1, h2]

    P, y = _autograd(net, step, X, h0, lambda P, h: act[output_activation](h @ P["W_hy"] + P["b_y"]))
    L = torch.nn.MSELoss()(y, _t(targets))
    L.backward()
    np.testing.assert_allclose(trace.y, y.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert trace.loss == pytest.approx(L.item(), rel=1e-12)
    for name, p in P.items():
        np.testing.assert_allclose(grads.params[name], p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


# -- backward is a pure function of the trace ------------------------------------------------


def _arrays(trace):
    out = {"x": trace.x, "y": trace.y, "y_pre": trace.y_pre, "targets": trace.targets}
    for l, lt in enumerate(trace.layers):
        out.update({f"{k}@{l}": v for k, v in lt.values.items()})
        out[f"h0@{l}"] = lt.h0
    return {k: np.array(v, copy=True) for k, v in out.items() if v is not None}


@pytest.mark.parametrize("kind", CELLS)
def test_backward_is_repeatable_and_leaves_trace_and_params_alone(kind):
    net, X, targets, h0, c0 = make_case(kind, "mse", "many-to-many", 2, seed=14, states=True)
    params = net.params
    trace = net.forward(X, h0, c0, targets)
    snapshot = _arrays(trace)
    first = net.backward(trace)
    first_steps = {n: first.per_step(n).copy() for n in net.param_shapes}
    first_params = {n: g.copy() for n, g in first.params.items()}
    net.backward(trace, truncate=1, clip_norm=1e-3)
    net.jacobian_norms(trace)
    again = net.backward(trace)
    for name in net.param_shapes:
        np.testing.assert_array_equal(again.params[name], first_params[name], err_msg=name)
        np.testing.assert_array_equal(first.params[name], first_params[name], err_msg=name)
        np.testing.assert_array_equal(first.per_step(name), first_steps[name], err_msg=name)
    for key, value in _arrays(trace).items():
        np.testing.assert_array_equal(value, snapshot[key], err_msg=key)
    for name, value in net.params.items():
        np.testing.assert_array_equal(value, params[name], err_msg=name)
    fresh = net.copy().run(X, targets, h0, c0)[1]
    for name in net.param_shapes:
        np.testing.assert_array_equal(fresh.params[name], first_params[name], err_msg=name)


def test_new_parameters_take_effect_after_a_cached_run():
    """Cached packed weights are rebuilt when a parameter changes (also for GRU/LSTM scaled copies)."""
    for kind in ("rnn-tanh", "lstm", "gru-torch", "gru-cho"):
        net, X, targets, *_ = make_case(kind, "squared", "many-to-many", 1, seed=15)
        net.run(X, targets)
        name = next(n for n in net.param_shapes if n.startswith("W_h"))
        net[name] = net[name] * 0.5
        fresh = Network(net.spec, net.params)
        t1, g1 = net.run(X, targets)
        t2, g2 = fresh.run(X, targets)
        assert t1.loss == t2.loss, kind
        for n in net.param_shapes:
            np.testing.assert_array_equal(g1.params[n], g2.params[n], err_msg=f"{kind} {n}")
