"""Values and gradients against PyTorch autograd (float64): nn.RNN/LSTM/GRU + nn.Linear.

Per-step states of every layer and dL/dh_t come from unrolling torch's own cells (nn.RNNCell,
nn.GRUCell, weights copied from the module; nn.LSTMCell's step written out, checked against the
cell) with retain_grad on each state.
"""

import numpy as np
import pytest
import torch
from torch import nn

from rnn_widget.core import Network, Spec, from_torch, to_torch, train

F64 = torch.float64
KINDS = {
    "rnn-tanh": (nn.RNN, {"nonlinearity": "tanh"}),
    "rnn-relu": (nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (nn.LSTM, {}),
    "gru": (nn.GRU, {}),
}
CELL_OF = {"RNN": nn.RNNCell, "LSTM": nn.LSTMCell, "GRU": nn.GRUCell}
GATES = {"RNN": "h", "LSTM": "ifco", "GRU": "rzn"}
D, H, OUT, T = 3, 4, 3, 6


def t64(a):
    return torch.tensor(np.asarray(a, dtype=float), dtype=F64)


def np_(t):
    return t.detach().numpy()


def make_torch(kind, layers, seed=0, bias=True):
    torch.manual_seed(seed)
    cls, kw = KINDS[kind]
    module = cls(D, H, num_layers=layers, bias=bias, **kw).to(F64)
    linear = nn.Linear(H, OUT).to(F64)
    with torch.no_grad():  # larger weights than the default init: livelier numbers
        for p in list(module.parameters()) + list(linear.parameters()):
            p.mul_(1.6)
    return module, linear


def make_data(mode, loss, seed=0, layers=1, lstm=False):
    rng = np.random.default_rng(seed)
    steps = 1 if mode == "one-to-one" else T
    X = rng.normal(0, 1, (steps, D))
    scored = np.ones(steps, bool)
    if mode == "many-to-one":
        scored[:-1] = False
    n = int(scored.sum())
    targets = rng.integers(0, OUT, n) if loss == "cross_entropy" else rng.normal(0, 1, (n, OUT))
    h0 = rng.normal(0, 0.5, (layers, H))
    c0 = rng.normal(0, 0.5, (layers, H)) if lstm else None
    return X, scored, targets, h0, c0


def torch_loss(kind, y, targets):
    if kind == "squared":
        return 0.5 * ((y - t64(targets)) ** 2).sum()
    if kind == "mse":
        return nn.MSELoss()(y, t64(targets))
    return nn.CrossEntropyLoss()(y, torch.as_tensor(targets, dtype=torch.long))


def run_module(module, linear, X, h0, c0, scored, loss, targets, truncate=None):
    """The whole sequence through the module (stepped one step at a time when truncating)."""
    h0t = t64(h0).requires_grad_()
    state = (h0t, t64(c0)) if c0 is not None else h0t
    if truncate is None:
        out, last = module(t64(X), state)
    else:
        outs = []
        for t in range(len(X)):
            if t > 0 and t % truncate == 0:
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            o, state = module(t64(X[t : t + 1]), state)
            outs.append(o)
        out, last = torch.cat(outs), state
    y = linear(out)
    L = torch_loss(loss, y[torch.as_tensor(scored)], targets)
    return out, last, y, L, h0t


def torch_grads_by_name(module, linear, shared_bias=True):
    """The torch gradients under our parameter names (biases: bias_ih + bias_hh share the grad,
    checked when `shared_bias`; `trainable` freezes or masks bias_hh instead)."""
    kind = type(module).__name__
    gates = GATES[kind]
    out = {}
    for l in range(module.num_layers):
        sfx = "" if l == 0 else f"@{l + 1}"
        gi, gh = getattr(module, f"weight_ih_l{l}").grad, getattr(module, f"weight_hh_l{l}").grad
        bi = getattr(module, f"bias_ih_l{l}").grad if module.bias else None
        bh = getattr(module, f"bias_hh_l{l}").grad if module.bias else None
        for k, g in enumerate(gates):
            rows = slice(k * H, (k + 1) * H)
            out[f"W_x{g}{sfx}"] = np_(gi[rows]).T
            out[f"W_h{g}{sfx}"] = np_(gh[rows]).T
            if bi is not None:
                out[f"b_{g}{sfx}"] = np_(bi[rows])
                if kind == "GRU" and g == "n":
                    out[f"b_hn{sfx}"] = np_(bh[rows])
                elif shared_bias:
                    np.testing.assert_allclose(np_(bh[rows]), np_(bi[rows]), rtol=1e-12)
    out["W_hy"] = np_(linear.weight.grad).T
    if linear.bias is not None:
        out["b_y"] = np_(linear.bias.grad)
    return out


def layer_cells(module):
    kind = type(module).__name__
    cells = []
    for l in range(module.num_layers):
        d = module.input_size if l == 0 else module.hidden_size
        kw = {"nonlinearity": module.nonlinearity} if kind == "RNN" else {}
        cell = CELL_OF[kind](d, module.hidden_size, bias=module.bias, **kw).to(F64)
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if module.bias else ()):
                getattr(cell, name).copy_(getattr(module, f"{name}_l{l}"))
        cells.append(cell)
    return cells


def _lstm_step(cell, x, h, c):
    """nn.LSTMCell's step written out, so that h_t is computed from the c_t tensor and c_t.grad is
    the total dL/dc_t (the fused cell returns c_t beside h_t, not under it). Checked against the cell."""
    z = x @ cell.weight_ih.T + h @ cell.weight_hh.T
    if cell.bias:
        z = z + cell.bias_ih + cell.bias_hh
    i, f, g, o = z.chunk(4)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_new = torch.sigmoid(o) * torch.tanh(c_new)
    with torch.no_grad():
        h_ref, c_ref = cell(x, (h, c))
        torch.testing.assert_close(h_new, h_ref, rtol=1e-13, atol=1e-15)
        torch.testing.assert_close(c_new, c_ref, rtol=1e-13, atol=1e-15)
    return h_new, c_new


def unroll(cells, X, h0, c0, retain=True):
    """hs[l][t], cs[l][t]: every state as its own tensor, gradients retained."""
    lstm = isinstance(cells[0], nn.LSTMCell)
    h = [t64(v) for v in h0]
    c = [t64(v) for v in c0] if lstm else None
    hs, cs = [[] for _ in cells], [[] for _ in cells]
    for x in t64(X):
        inp = x
        for l, cell in enumerate(cells):
            if lstm:
                h[l], c[l] = _lstm_step(cell, inp, h[l], c[l])
                if retain:
                    c[l].retain_grad()
                cs[l].append(c[l])
            else:
                h[l] = cell(inp, h[l])
            if retain:
                h[l].retain_grad()
            hs[l].append(h[l])
            inp = h[l]
    return hs, cs


def _run_case(kind, layers, loss, mode, seed=0):
    """Our network on the raw inputs; X comes back as torch must see it (one-to-many: zeros after step 1)."""
    module, linear = make_torch(kind, layers, seed)
    X, scored, targets, h0, c0 = make_data(mode, loss, seed, layers, kind == "lstm")
    net = from_torch(module, linear, mode=mode, loss=loss)
    trace, grads = net.run(X, targets, list(h0), None if c0 is None else list(c0))
    if mode == "one-to-many":
        X = X.copy()
        X[1:] = 0.0
    np.testing.assert_array_equal(trace.x, X)
    return module, linear, X, scored, targets, h0, c0, net, trace, grads


def _torch_loss_steps(loss, y, targets, scored):
    """Each step's share of the loss: torch's unreduced loss over the scored steps / the mean's count."""
    ys, n = y[torch.as_tensor(scored)], int(scored.sum())
    if loss == "squared":
        part = 0.5 * ((ys - t64(targets)) ** 2).sum(1)
    elif loss == "mse":
        part = nn.MSELoss(reduction="none")(ys, t64(targets)).sum(1) / (n * OUT)
    else:
        part = nn.CrossEntropyLoss(reduction="none")(ys, torch.as_tensor(targets)) / n
    steps = np.zeros(len(scored))
    steps[scored] = np_(part)
    return steps


# -- values and parameter gradients ----------------------------------------------------------


@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one", "one-to-many", "one-to-one"])
@pytest.mark.parametrize("loss", ["squared", "mse", "cross_entropy"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_values_and_gradients(kind, layers, loss, mode):
    module, linear, X, scored, targets, h0, c0, net, trace, grads = _run_case(kind, layers, loss, mode)
    out, last, y, L, h0t = run_module(module, linear, X, h0, c0, scored, loss, targets)
    L.backward()
    np.testing.assert_allclose(trace.h, np_(out), rtol=1e-12, atol=1e-14)
    hn, cn = last if kind == "lstm" else (last, None)
    for l in range(layers):
        np.testing.assert_allclose(trace.layers[l].h[-1], np_(hn[l]), rtol=1e-12, atol=1e-14)
        if cn is not None:
            np.testing.assert_allclose(trace.layers[l].c[-1], np_(cn[l]), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(trace.y, np_(y), rtol=1e-12, atol=1e-14)
    assert trace.loss == pytest.approx(L.item(), rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(trace.loss_steps, _torch_loss_steps(loss, y, targets, scored), rtol=1e-12, atol=1e-15)
    assert trace.scored.tolist() == scored.tolist()
    if loss == "cross_entropy":
        np.testing.assert_allclose(trace.p, np_(torch.softmax(y, dim=1)), rtol=1e-12, atol=1e-15)
    expected = torch_grads_by_name(module, linear)
    assert set(expected) == set(grads.params)
    for name, g in expected.items():
        np.testing.assert_allclose(grads.params[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(np.array(grads.dh0), np_(h0t.grad), rtol=1e-9, atol=1e-12)


# -- every state and dL/dh_t of every layer, via torch's cells --------------------------------


@pytest.mark.parametrize(
    "mode, loss", [("many-to-many", "squared"), ("many-to-one", "mse"), ("many-to-many", "cross_entropy")]
)
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_every_state_and_dh(kind, layers, mode, loss):
    module, linear, X, scored, targets, h0, c0, net, trace, grads = _run_case(kind, layers, loss, mode, seed=1)
    hs, cs = unroll(layer_cells(module), X, h0, c0 if c0 is not None else np.zeros((layers, H)))
    top = torch.stack(hs[-1])
    np.testing.assert_allclose(
        np_(top), np_(run_module(module, linear, X, h0, c0, scored, loss, targets)[0]), rtol=1e-12, atol=1e-14
    )  # the cells are the module
    y = linear(top)
    torch_loss(loss, y[torch.as_tensor(scored)], targets).backward()
    for l in range(layers):
        np.testing.assert_allclose(trace.layers[l].h, np_(torch.stack(hs[l])), rtol=1e-12, atol=1e-14)
        dh = np.stack([np_(h.grad) for h in hs[l]])
        np.testing.assert_allclose(grads.dh[l], dh, rtol=1e-9, atol=1e-12, err_msg=f"dh layer {l}")
        if kind == "lstm":
            np.testing.assert_allclose(trace.layers[l].c, np_(torch.stack(cs[l])), rtol=1e-12, atol=1e-14)
            dc = np.stack([np_(c.grad) for c in cs[l]])
            np.testing.assert_allclose(grads.dc[l], dc, rtol=1e-9, atol=1e-12, err_msg=f"dc layer {l}")
    if mode == "many-to-one":
        assert np.abs(grads.dh[0][0]).max() > 0  # the gradient reaches the first step


# -- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_from_torch_to_torch_round_trip(kind, layers, bias):
    module, linear = make_torch(kind, layers, seed=2, bias=bias)
    net = from_torch(module, linear)
    assert net.spec.cell == type(module).__name__.lower() and net.spec.num_layers == layers
    module2, linear2 = to_torch(net)
    assert type(module2) is type(module) and module2.num_layers == layers
    X = t64(np.random.default_rng(2).normal(size=(T, D)))
    with torch.no_grad():
        a, b = module(X)[0], module2(X)[0]
        np.testing.assert_allclose(np_(a), np_(b), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(np_(linear(a)), np_(linear2(b)), rtol=1e-12, atol=1e-14)
    for name, p in module.named_parameters():
        q = getattr(module2, name)
        if name.startswith("weight"):
            assert torch.equal(p, q), name
    if bias:
        for l in range(layers):
            s1 = getattr(module, f"bias_ih_l{l}") + getattr(module, f"bias_hh_l{l}")
            s2 = getattr(module2, f"bias_ih_l{l}") + getattr(module2, f"bias_hh_l{l}")
            torch.testing.assert_close(s1, s2, rtol=1e-14, atol=1e-15)
    net2 = from_torch(module2, linear2)
    assert net2.spec == net.spec
    for name, value in net.params.items():
        np.testing.assert_allclose(net2[name], value, rtol=1e-15, atol=1e-15, err_msg=name)


def test_to_torch_without_readout():
    net = Network(Spec(cell="gru", input_size=2, hidden_sizes=(3, 3), output_size=None), seed=1)
    module, linear = to_torch(net)
    assert linear is None and isinstance(module, nn.GRU)
    X = np.random.default_rng(0).normal(size=(4, 2))
    with torch.no_grad():
        np.testing.assert_allclose(np_(module(t64(X))[0]), net.forward(X).h, rtol=1e-12, atol=1e-14)


# -- clipping, truncation, Jacobians, SGD ----------------------------------------------------


def trainable(module, linear):
    """torch tensors that are exactly our parameters: after to_torch, bias_hh holds only GRU's b_hn."""
    params = []
    for name, p in module.named_parameters():
        if name.startswith("bias_hh"):
            if isinstance(module, nn.GRU):
                mask = torch.zeros_like(p)
                mask[2 * H :] = 1.0
                p.register_hook(lambda g, m=mask: g * m)
            else:
                assert torch.count_nonzero(p) == 0
                p.requires_grad_(False)
                continue
        params.append(p)
    return params + list(linear.parameters())


def _via_to_torch(kind, layers, loss="squared", mode="many-to-many", seed=3):
    """Our network made from a random torch model, and to_torch of it (bias sums in bias_ih)."""
    module, linear = make_torch(kind, layers, seed)
    net = from_torch(module, linear, mode=mode, loss=loss)
    module, linear = to_torch(net)
    return net, module, linear


@pytest.mark.parametrize("fraction", [0.1, 0.9, 2.0])
@pytest.mark.parametrize("kind", KINDS)
def test_clip_grad_norm(kind, fraction):
    net, module, linear = _via_to_torch(kind, 2)
    X, scored, targets, h0, c0 = make_data("many-to-many", "squared", 3, 2, kind == "lstm")
    params = trainable(module, linear)
    _, _, _, L, _ = run_module(module, linear, X, h0, c0, scored, "squared", targets)
    L.backward()
    full = net.run(X, targets, list(h0), None if c0 is None else list(c0))[1]
    max_norm = fraction * full.norm
    total = nn.utils.clip_grad_norm_(params, max_norm)
    _, grads = net.run(X, targets, list(h0), None if c0 is None else list(c0), clip_norm=max_norm)
    assert grads.norm == pytest.approx(total.item(), rel=1e-10)
    assert grads.clipped == (fraction < 1)
    expected = torch_grads_by_name(module, linear, shared_bias=False)
    assert set(expected) == set(grads.params)
    for name, g in expected.items():
        np.testing.assert_allclose(grads.params[name], g, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("k", [1, 2, 3, 10])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_truncated_bptt(kind, layers, k):
    module, linear = make_torch(kind, layers, seed=4)
    X, scored, targets, h0, c0 = make_data("many-to-many", "mse", 4, layers, kind == "lstm")
    net = from_torch(module, linear, loss="mse")
    _, _, _, L, h0t = run_module(module, linear, X, h0, c0, scored, "mse", targets, truncate=k)
    L.backward()
    trace, grads = net.run(X, targets, list(h0), None if c0 is None else list(c0), truncate=k)
    assert trace.loss == pytest.approx(L.item(), rel=1e-12)
    for name, g in torch_grads_by_name(module, linear).items():
        np.testing.assert_allclose(grads.params[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(np.array(grads.dh0), np_(h0t.grad), rtol=1e-9, atol=1e-12)  # first chunk
    full = net.run(X, targets, list(h0), None if c0 is None else list(c0))[1]
    differs = any(not np.allclose(full.params[n], grads.params[n]) for n in full.params)
    assert differs == (k < T)


@pytest.mark.parametrize("layer", [0, -1])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_jacobian_norms(kind, layers, layer):
    module, linear = make_torch(kind, layers, seed=5)
    X, _, _, h0, c0 = make_data("many-to-many", "squared", 5, layers, kind == "lstm")
    if c0 is None:
        c0 = np.zeros((layers, H))
    net = from_torch(module, linear)
    trace = net.forward(X, list(h0), list(c0) if kind == "lstm" else None)
    norms = net.jacobian_norms(trace, layer)
    cells = layer_cells(module)
    with torch.no_grad():
        hs, cs = unroll(cells, X, h0, c0, retain=False)
    l = layer % layers
    cell = cells[l]
    inputs = t64(X) if l == 0 else torch.stack(hs[l - 1])
    states_h = [t64(h0[l])] + hs[l]
    states_c = [t64(c0[l])] + cs[l]
    expected = []
    for k in range(T + 1):
        # an LSTM's state at step k is (h_k, c_k): the norm is that of dh_T/d(h_k, c_k)
        def h_T(state, k=k):
            h, c = (state[:H], state[H:]) if kind == "lstm" else (state, None)
            for t in range(k, T):
                if c is not None:
                    h, c = cell(inputs[t], (h, c))
                else:
                    h = cell(inputs[t], h)
            return h

        state = torch.cat([states_h[k], states_c[k]]) if kind == "lstm" else states_h[k]
        J = torch.autograd.functional.jacobian(h_T, state.detach())
        expected.append(torch.linalg.matrix_norm(J, ord=2).item())
    assert norms.shape == (T + 1,)
    np.testing.assert_allclose(norms, expected, rtol=1e-9, atol=1e-13)
    if kind != "lstm":
        assert norms[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("clip", [None, 0.5])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("kind", KINDS)
def test_sgd_matches_torch(kind, momentum, clip):
    net, module, linear = _via_to_torch(kind, 2, loss="mse", mode="many-to-one", seed=6)
    X, scored, targets, h0, c0 = make_data("many-to-one", "mse", 6, 2, kind == "lstm")
    params = trainable(module, linear)
    opt = torch.optim.SGD(params, lr=0.1, momentum=momentum)
    torch_history = []
    for _ in range(5):
        opt.zero_grad()
        L = run_module(module, linear, X, h0, c0, scored, "mse", targets)[3]
        torch_history.append(L.item())
        L.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(params, clip)
        opt.step()
    history = train(
        net,
        X,
        targets,
        steps=5,
        lr=0.1,
        momentum=momentum,
        clip_norm=clip,
        h0=list(h0),
        c0=None if c0 is None else list(c0),
    )
    np.testing.assert_allclose(history, torch_history, rtol=1e-10)
    assert history[-1] < history[0]
    trained = from_torch(module, linear, mode="many-to-one", loss="mse")
    for name, value in trained.params.items():
        np.testing.assert_allclose(net[name], value, rtol=1e-9, atol=1e-12, err_msg=name)


def test_relu_at_exactly_zero_follows_torch():
    """A pre-activation of exactly 0 (zero input, zero state, no bias): ReLU' = 0 there, as in torch."""
    torch.manual_seed(9)
    module, linear = nn.RNN(D, H, nonlinearity="relu", bias=False).to(F64), nn.Linear(H, OUT).to(F64)
    X = np.random.default_rng(9).normal(size=(T, D))
    X[0] = 0.0
    targets = np.random.default_rng(10).normal(size=(T, OUT))
    net = from_torch(module, linear)
    trace, grads = net.run(X, targets)
    assert (trace.layers[0].values["a"][0] == 0.0).all()
    out, _ = module(t64(X))
    L = 0.5 * ((linear(out) - t64(targets)) ** 2).sum()
    L.backward()
    for name, g in torch_grads_by_name(module, linear).items():
        np.testing.assert_allclose(grads.params[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
