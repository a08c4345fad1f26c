"""core.batch: n sequences at once (seed 003's X_t, H_t, O_t), against PyTorch autograd on a real
batch (float64, the module run on (T, n, d) with its reduction='mean' losses) and against finite
differences of the batch loss; training on several sequences generalises to a held-out one."""

import numpy as np
import pytest
import torch
from torch import nn

from rnn_widget.core import MAX_BATCH, Network, Spec, batch, from_torch, train

F64 = torch.float64
D, H, OUT, T, N = 2, 3, 2, 4, 3
KINDS = {"rnn": (nn.RNN, {"nonlinearity": "tanh"}), "lstm": (nn.LSTM, {}), "gru": (nn.GRU, {})}


def t64(a):
    return torch.tensor(np.asarray(a, dtype=float), dtype=F64)


def make(kind, layers, seed):
    torch.manual_seed(seed)
    cls, kw = KINDS[kind]
    module = cls(D, H, num_layers=layers, **kw).to(F64)
    linear = nn.Linear(H, OUT).to(F64)
    with torch.no_grad():
        for p in list(module.parameters()) + list(linear.parameters()):
            p.mul_(1.5)
    return module, linear


def data(mode, loss, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (N, T, D))
    S = 1 if mode == "many-to-one" else T
    if loss == "cross_entropy":
        targets = rng.integers(0, OUT, (N, S))
    else:
        targets = rng.normal(0, 1, (N, S, OUT))
    return X, targets


def torch_batch_loss(loss, ys, targets):
    """ys: (S, n, q) the scored outputs; targets (n, S, ...). PyTorch's mean reduction."""
    if loss == "squared":  # 1/2 sum of squares per sample, mean over the batch
        return 0.5 * ((ys - t64(targets).transpose(0, 1)) ** 2).sum() / ys.shape[1]
    if loss == "mse":
        return nn.MSELoss()(ys, t64(targets).transpose(0, 1))
    logits = ys.transpose(0, 1).reshape(-1, OUT)  # sample-major, like targets
    return nn.CrossEntropyLoss()(logits, torch.as_tensor(targets.reshape(-1)))


def torch_grads(module, linear):
    kind = type(module).__name__
    gates = {"RNN": "h", "LSTM": "ifco", "GRU": "rzn"}[kind]
    out = {}
    for layer in range(module.num_layers):
        sfx = "" if layer == 0 else f"@{layer + 1}"
        gi = getattr(module, f"weight_ih_l{layer}").grad
        gh = getattr(module, f"weight_hh_l{layer}").grad
        bi = getattr(module, f"bias_ih_l{layer}").grad
        bh = getattr(module, f"bias_hh_l{layer}").grad
        for k, g in enumerate(gates):
            rows = slice(k * H, (k + 1) * H)
            out[f"W_x{g}{sfx}"] = gi[rows].numpy().T
            out[f"W_h{g}{sfx}"] = gh[rows].numpy().T
            out[f"b_{g}{sfx}"] = bi[rows].numpy()
            if kind == "GRU" and g == "n":
                out[f"b_hn{sfx}"] = bh[rows].numpy()
    out["W_hy"] = linear.weight.grad.numpy().T
    out["b_y"] = linear.bias.grad.numpy()
    return out


@pytest.mark.parametrize("loss", ["squared", "mse", "cross_entropy"])
@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_batch_matches_pytorch(kind, layers, mode, loss):
    module, linear = make(kind, layers, seed=layers)
    X, targets = data(mode, loss, seed=7)
    rng = np.random.default_rng(1)
    h0 = rng.normal(0, 0.5, (layers, H))  # one H_0 row, shared by every sample
    c0 = rng.normal(0, 0.5, (layers, H)) if kind == "lstm" else None
    net = from_torch(module, linear, mode=mode, loss=loss)
    bt, bg = batch.run(net, X, list(targets), list(h0), None if c0 is None else list(c0))

    # torch: the whole batch at once, (T, n, d), initial states (layers, n, h) with their own grads
    h0t = t64(np.repeat(h0[:, None, :], N, axis=1)).requires_grad_()
    state = (h0t, t64(np.repeat(c0[:, None, :], N, axis=1))) if c0 is not None else h0t
    out, _ = module(t64(X).transpose(0, 1), state)
    out.retain_grad()
    y = linear(out)
    scored = slice(T - 1, T) if mode == "many-to-one" else slice(0, T)
    L = torch_batch_loss(loss, y[scored], targets)
    L.backward()

    np.testing.assert_allclose(bt.loss, L.item(), rtol=1e-12)
    for t in range(T):  # H_t and O_t: one row per sample
        np.testing.assert_allclose(bt.H(t), out[t].detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(bt.O(t), y[t].detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(bt.X(t), X[:, t])
    ref = torch_grads(module, linear)
    assert set(bg.params) == set(ref)
    for name, g in bg.params.items():
        np.testing.assert_allclose(g, ref[name], rtol=1e-10, atol=1e-12, err_msg=name)
    # each sample's share: dL/dh_t arriving from the readout, and dL/dH_0, of the one batch loss
    dout = out.grad.numpy()
    for k in range(N):
        np.testing.assert_allclose(bg.samples[k].dh_direct[-1], dout[:, k], rtol=1e-10, atol=1e-13)
        for layer in range(layers):
            np.testing.assert_allclose(bg.samples[k].dh0[layer], h0t.grad[layer, k].numpy(), rtol=1e-10, atol=1e-13)
    # the samples' per-step shares add up to the batch gradient
    for name in bg.params:
        np.testing.assert_allclose(bg.per_step(name).sum(axis=0), bg.params[name], rtol=1e-10, atol=1e-13)


def test_clipping_is_of_the_batch_gradient():
    """Clipping rescales the batch gradient by its global norm (torch's clip_grad_norm_ rule;
    the norm is over our parameters, where torch counts a gate bias twice, bias_ih and bias_hh)."""
    module, linear = make("gru", 1, seed=3)
    X, targets = data("many-to-many", "mse", seed=3)
    net = from_torch(module, linear, loss="mse")
    out, _ = module(t64(X).transpose(0, 1))
    nn.MSELoss()(linear(out), t64(targets).transpose(0, 1)).backward()
    ref = torch_grads(module, linear)
    norm = float(np.sqrt(sum((g**2).sum() for g in ref.values())))
    _, bg = batch.run(net, X, list(targets), clip_norm=0.05)
    np.testing.assert_allclose(bg.norm, norm, rtol=1e-10)
    np.testing.assert_allclose(bg.scale, 0.05 / (norm + 1e-6), rtol=1e-12)
    for name, g in bg.params.items():
        np.testing.assert_allclose(g, ref[name] * bg.scale, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_batch_gradient_matches_finite_differences(kind):
    spec = Spec(cell=kind, input_size=D, hidden_sizes=(H,), output_size=1, mode="many-to-one")
    net = Network(spec, seed=5)
    rng = np.random.default_rng(2)
    X = rng.normal(0, 1, (N, T, D))
    targets = [[[v]] for v in rng.normal(0, 1, N)]
    _, bg = batch.run(net, X, targets)
    eps = 1e-6
    for name, value in net.params.items():
        fd = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            losses = []
            for sign in (1, -1):
                w = value.copy()
                w[idx] += sign * eps
                probe = net.copy()
                probe.set_params({name: w})
                losses.append(batch.forward(probe, X, targets).loss)
            fd[idx] = (losses[0] - losses[1]) / (2 * eps)
        np.testing.assert_allclose(bg.params[name], fd, rtol=1e-6, atol=1e-8, err_msg=name)


def test_one_sample_batch_is_the_single_sequence():
    net = Network(Spec(input_size=1, hidden_sizes=(3,), mode="many-to-one"), seed=1)
    X = np.array([[1.0], [3.0], [5.0]])
    trace, grads = net.run(X, [[7.0]])
    bt, bg = batch.run(net, [X], [[[7.0]]])
    assert bt.loss == trace.loss
    for k, g in grads.params.items():
        np.testing.assert_allclose(bg.params[k], g, rtol=1e-14)


def test_bad_batches_say_what_is_wrong():
    net = Network(Spec(input_size=1, hidden_sizes=(2,)))
    with pytest.raises(ValueError, match="sample 2 has 2 steps; expected 3"):
        batch.forward(net, [[[1], [2], [3]], [[1], [2]]])
    with pytest.raises(ValueError, match=f"1 to {MAX_BATCH} sequences; got {MAX_BATCH + 1}"):
        batch.forward(net, [[[1.0]]] * (MAX_BATCH + 1))
    with pytest.raises(ValueError, match="sample 1: inputs"):
        batch.forward(net, [[[float("nan")]]])
    with pytest.raises(ValueError, match="one entry per sample"):
        batch.forward(net, [[[1.0]], [[2.0]]], targets=[[[1.0]]])
    with pytest.raises(ValueError, match="needs a loss"):
        batch.backward(net, batch.forward(net, [[[1.0]]]))


#: the next-number task of seed 003 on three sequences, and held-out ones (inputs in tens: 1 -> 0.1)
TRAIN = [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], [0, 5, 10, 15, 20]]
HELD_OUT = [([3, 6, 9, 12, 15], 18), ([1, 2, 3, 4, 5], 6), ([4, 6, 8, 10, 12], 14)]


def _next_after(seq):
    return seq[-1] + seq[1] - seq[0]


def test_training_on_several_sequences_generalises_where_one_sequence_is_memorised():
    spec = Spec(input_size=1, hidden_sizes=(3,), output_size=1, activation="tanh", mode="many-to-one")
    X = batch.sequences([[v / 10 for v in s] for s in TRAIN])
    targets = [[[_next_after(s) / 10]] for s in TRAIN]
    several, one = Network(spec, seed=3), Network(spec, seed=3)
    history = batch.train(several, X, targets, steps=500, lr=0.03)
    train(one, X[0], targets[0], steps=500, lr=0.03)
    assert history[-1] < 0.01 * history[0]

    def errors(net):
        return [abs(net.forward(np.array(s, float).reshape(-1, 1) / 10).y[-1, 0] * 10 - t) for s, t in HELD_OUT]

    e_several, e_one = errors(several), errors(one)
    # the single sequence answers about 11 whatever it reads; the batch follows the step size
    assert np.mean(e_several) < 0.5 * np.mean(e_one), (e_several, e_one)
    assert abs(one.forward(X[1]).y[-1, 0] * 10 - 11) < 1.0  # memorised: 2, 4, ..., 10 -> about 11
    assert abs(several.forward(X[1]).y[-1, 0] * 10 - 12) < 1.0


@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one", "one-to-many", "encoder-decoder"])
def test_every_sequence_mode_batches_as_the_mean_of_its_samples(mode):
    """Whatever a mode scores, the batch loss and gradient are the mean of the samples' own
    (single-sequence path, checked against PyTorch in test_torch_parity.py)."""
    extra = {"decoder_steps": 2} if mode == "encoder-decoder" else {}
    spec = Spec(cell="gru", input_size=D, hidden_sizes=(H,), output_size=OUT, mode=mode, **extra)
    net = Network(spec, seed=4)
    rng = np.random.default_rng(4)
    X = rng.normal(0, 1, (N, T, D))
    targets = [rng.normal(0, 1, (T, OUT)) for _ in range(N)]
    bt, bg = batch.run(net, X, targets)
    singles = [net.run(X[k], targets[k]) for k in range(N)]
    assert bt.loss == pytest.approx(np.mean([tr.loss for tr, _ in singles]), rel=1e-13)
    for name in net.params:
        np.testing.assert_allclose(bg.params[name], np.mean([g.params[name] for _, g in singles], axis=0), rtol=1e-12)
