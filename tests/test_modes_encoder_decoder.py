"""The encoder-decoder mode: read the input for T - D steps, then emit D outputs with no input.

The reference is built in PyTorch independently of our model: the encoder is torch's own module
(nn.RNN / nn.LSTM / nn.GRU) run over the input steps; the decoder is written out here from the
module's weights, with the input term left out of layer 1 (the decoder steps take no input);
the loss is torch's over the decoder outputs only. Gradients also against central finite
differences (tests/test_gradients.py's `_fd`).
"""

import numpy as np
import pytest
import torch
from test_gradients import _fd
from test_torch_parity import F64, KINDS, OUT, D, H, make_torch, np_, t64, torch_grads_by_name, torch_loss
from torch import nn

from rnn_widget.core import Network, Spec, from_torch, train

T_IN, DEC = 4, 3  # 4 steps read, 3 steps emitted


def _decoder_step(module, l, x, h, c):
    """One step of layer l of `module` with the input term left out when x is None."""
    kind = type(module).__name__
    w_hh = getattr(module, f"weight_hh_l{l}")
    z = h @ w_hh.T
    zx = None
    if x is not None:
        zx = x @ getattr(module, f"weight_ih_l{l}").T
    b_ih = getattr(module, f"bias_ih_l{l}") if module.bias else None
    b_hh = getattr(module, f"bias_hh_l{l}") if module.bias else None
    if kind == "RNN":
        a = z + (zx if zx is not None else 0) + (b_ih + b_hh if b_ih is not None else 0)
        return (torch.tanh(a) if module.nonlinearity == "tanh" else torch.relu(a)), None
    if kind == "LSTM":
        a = z + (zx if zx is not None else 0) + (b_ih + b_hh if b_ih is not None else 0)
        i, f, g, o = a.chunk(4)
        c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c_new), c_new
    # GRU (PyTorch's variant: r multiplies W_hn h + b_hn)
    gx = zx if zx is not None else torch.zeros(3 * module.hidden_size, dtype=F64)
    if b_ih is not None:
        gx = gx + b_ih
    gh = z + (b_hh if b_hh is not None else 0)
    xr, xz, xn = gx.chunk(3)
    hr, hz, hn = gh.chunk(3)
    r, zz = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    return (1 - zz) * n + zz * h, None


def torch_encoder_decoder(module, linear, X_in, h0, c0, dec, loss, targets):
    """Encoder: the module over X_in. Decoder: `dec` steps from its last state, no input."""
    layers = module.num_layers
    h0t = t64(h0).requires_grad_()
    state = (h0t, t64(c0)) if c0 is not None else h0t
    enc_out, last = module(t64(X_in), state)
    hs, cs = (list(last[0]), list(last[1])) if c0 is not None else (list(last), [None] * layers)
    outs = []
    for _ in range(dec):
        inp = None
        for l in range(layers):
            hs[l], cs[l] = _decoder_step(module, l, inp, hs[l], cs[l])
            inp = hs[l]
        outs.append(inp)
    dec_out = torch.stack(outs)
    y = linear(dec_out)
    L = torch_loss(loss, y, targets)
    return enc_out, dec_out, y, L, h0t


def _case(kind, layers, loss, seed=0):
    module, linear = make_torch(kind, layers, seed)
    rng = np.random.default_rng(seed)
    X_in = rng.normal(0, 1, (T_IN, D))
    targets = rng.integers(0, OUT, DEC) if loss == "cross_entropy" else rng.normal(0, 1, (DEC, OUT))
    h0 = rng.normal(0, 0.5, (layers, H))
    c0 = rng.normal(0, 0.5, (layers, H)) if kind == "lstm" else None
    return module, linear, X_in, targets, h0, c0


@pytest.mark.parametrize("loss", ["squared", "mse", "cross_entropy"])
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_against_torch(kind, layers, loss):
    module, linear, X_in, targets, h0, c0 = _case(kind, layers, loss, seed=layers)
    net = from_torch(module, linear, mode="encoder-decoder", loss=loss, decoder_steps=DEC)
    # the decoder rows of the inputs are not read: put junk there to prove it
    X = np.vstack([X_in, np.full((DEC, D), 7.0)])
    trace, grads = net.run(X, targets, list(h0), None if c0 is None else list(c0))
    enc_out, dec_out, y, L, h0t = torch_encoder_decoder(module, linear, X_in, h0, c0, DEC, loss, targets)
    L.backward()
    assert trace.input_mask.tolist() == [True] * T_IN + [False] * DEC
    assert trace.scored.tolist() == [False] * T_IN + [True] * DEC
    np.testing.assert_array_equal(trace.x[T_IN:], 0.0)
    np.testing.assert_allclose(trace.h[:T_IN], np_(enc_out), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(trace.h[T_IN:], np_(dec_out), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(trace.y[T_IN:], np_(y), rtol=1e-12, atol=1e-14)
    assert trace.loss == pytest.approx(L.item(), rel=1e-12, abs=1e-14)
    assert np.all(trace.loss_steps[:T_IN] == 0)
    if loss == "cross_entropy":
        np.testing.assert_allclose(trace.p[T_IN:], np_(torch.softmax(y, dim=1)), rtol=1e-12, atol=1e-15)
    expected = torch_grads_by_name(module, linear)
    assert set(expected) == set(grads.params)
    for name, g in expected.items():
        np.testing.assert_allclose(grads.params[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(np.array(grads.dh0), np_(h0t.grad), rtol=1e-9, atol=1e-12)
    # the loss reaches back to the first encoder step
    assert np.abs(grads.dh[0][0]).max() > 1e-6


def test_targets_one_per_step_or_per_emitted_step():
    net = Network(Spec(input_size=1, hidden_sizes=(2,), output_size=1, mode="encoder-decoder", decoder_steps=2))
    X = [[1.0], [2.0], [3.0], [0.0], [0.0]]
    short = net.forward(X, targets=[[1.0], [2.0]])
    full = net.forward(X, targets=[[9.0], [9.0], [9.0], [1.0], [2.0]])  # encoder rows are not scored
    assert short.loss == pytest.approx(full.loss, rel=1e-15)
    with pytest.raises(
        ValueError, match=r"targets has 3 rows; expected 5 \(one per step\) or 2 \(one per scored step\)"
    ):
        net.forward(X, targets=[[1.0], [2.0], [3.0]])


CELLS = {
    "rnn-tanh": {"cell": "rnn", "activation": "tanh"},
    "rnn-sigmoid": {"cell": "rnn", "activation": "sigmoid"},
    "lstm": {"cell": "lstm"},
    "gru-torch": {"cell": "gru", "gru_variant": "torch"},
    "gru-cho": {"cell": "gru", "gru_variant": "cho"},
}


@pytest.mark.parametrize("loss", ["squared", "mse", "cross_entropy"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", CELLS)
def test_against_finite_differences(kind, layers, loss):
    out = 3 if loss == "cross_entropy" else 2
    spec = Spec(
        input_size=2,
        hidden_sizes=(3, 2)[:layers],
        output_size=out,
        mode="encoder-decoder",
        decoder_steps=2,
        loss=loss,
        **CELLS[kind],
    )
    rng = np.random.default_rng(layers)
    net = Network(spec, seed=3)
    net.set_params({k: rng.normal(0, 0.8, v.shape) for k, v in net.params.items()})
    X = rng.normal(0, 1, (5, 2))
    targets = rng.integers(0, out, 2) if loss == "cross_entropy" else rng.normal(0, 1, (2, out))
    trace, grads = net.run(X, targets)
    fd = _fd(net, X, targets)
    assert set(fd) == set(grads.params)
    for name, g in fd.items():
        np.testing.assert_allclose(grads.params[name], g, rtol=1e-5, atol=1e-7, err_msg=name)
    assert any(np.abs(g).max() > 1e-3 for g in fd.values())


def test_decoder_steps_validation_messages():
    with pytest.raises(ValueError, match=r"decoder_steps = 0 is out of range; expected 1 to 999"):
        Spec(mode="encoder-decoder", decoder_steps=0)
    with pytest.raises(TypeError, match=r"decoder_steps .* must be a whole number from 1 to 999, got 1.5"):
        Spec(mode="encoder-decoder", decoder_steps=1.5)
    with pytest.raises(TypeError, match="got True"):
        Spec(decoder_steps=True)
    net = Network(Spec(input_size=1, hidden_sizes=(2,), mode="encoder-decoder", decoder_steps=3))
    with pytest.raises(ValueError, match=r"got 3 step\(s\) in all, expected at least 4"):
        net.forward([[1.0], [2.0], [3.0]])
    spec = Spec.from_dict({"mode": "encoder-decoder", "decoder_steps": 2})
    assert spec.to_dict()["decoder_steps"] == 2
    assert Spec.from_dict(spec.to_dict()) == spec


def test_step_roles():
    spec = Spec(mode="encoder-decoder", decoder_steps=2)
    assert spec.step_roles(4) == ([True, True, False, False], [False, False, True, True])
    assert Spec(mode="one-to-many").step_roles(3) == ([True, False, False], [True, True, True])
    assert Spec(mode="many-to-one").step_roles(3) == ([True, True, True], [False, False, True])


def test_training_lowers_the_loss():
    spec = Spec(input_size=1, hidden_sizes=(4,), output_size=1, mode="encoder-decoder", decoder_steps=2)
    net = Network(spec, seed=1)
    X = [[1.0], [2.0], [3.0], [0.0], [0.0]]
    targets = [[3.0], [2.0]]  # emit the last inputs backwards
    before = net.forward(X, targets=targets).loss
    history = train(net, X, targets, steps=300, lr=0.05)
    assert history[0] == pytest.approx(before)
    assert net.forward(X, targets=targets).loss < 0.1 * before


def test_torch_decoder_step_is_the_module_with_zero_input():
    """Our torch decoder with the input term left out equals the module fed zeros (layer 1), so the
    reference above is the textbook one."""
    for kind in KINDS:
        module, _ = make_torch(kind, 1, seed=5)
        h = t64(np.linspace(-0.5, 0.5, H))
        c = t64(np.linspace(0.3, -0.3, H)) if kind == "lstm" else None
        with torch.no_grad():
            ours, _ = _decoder_step(module, 0, None, h, c)
            state = (h[None], c[None]) if c is not None else h[None]
            ref, _ = module(torch.zeros(1, D, dtype=F64), state)
        torch.testing.assert_close(ours, ref[0], rtol=1e-13, atol=1e-15)
    assert isinstance(module, nn.Module)
