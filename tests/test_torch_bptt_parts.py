"""dL/dh_t split into the part arriving at step t and the part flowing back from t + 1, the
pre-activation gradients and dL/dy, against torch autograd with retain_grad."""

import numpy as np
import pytest
import torch
from test_torch_parity import KINDS, H, T, layer_cells, make_data, make_torch, np_, t64

from rnn_widget.core import from_torch


def grad_of(pre):
    return np.concatenate([np_(p.grad) for p in pre]) if isinstance(pre, tuple) else np_(pre.grad)


@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_direct_future_and_preactivation_gradients(kind, layers, mode):
    """dL/dh_t splits into the part from y_t / the layer above and the part from step t + 1;
    dL/d(pre-activations) and dL/dy, all against torch autograd with retain_grad."""
    module, linear = make_torch(kind, layers, seed=11)
    X, _, targets, h0, c0 = make_data(mode, "squared", 5, layers, kind == "lstm")
    net = from_torch(module, linear, mode=mode)
    cell_kind = kind.split("-")[0]
    trace, grads = net.run(X, targets, list(h0), None if c0 is None else list(c0))
    cells = layer_cells(module)
    Xt = t64(X)
    inp = [Xt[t] for t in range(T)]
    pre_expected = []
    hs_all = []
    for l, cell in enumerate(cells):
        h = t64(h0[l]).requires_grad_()
        c = t64(c0[l]) if kind == "lstm" else None
        hs, pres = [], []
        for t in range(T):
            x_t = inp[t]
            gates = x_t @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
            if cell_kind == "rnn":
                pre = gates
                pre.retain_grad()
                h = torch.tanh(pre) if module.nonlinearity == "tanh" else torch.relu(pre)
            elif cell_kind == "lstm":
                pre = gates
                pre.retain_grad()
                i, f, g, o = pre.chunk(4)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            else:
                gi = x_t @ cell.weight_ih.T + cell.bias_ih
                gh = h @ cell.weight_hh.T + cell.bias_hh
                pre_rz = gi[: 2 * H] + gh[: 2 * H]
                pre_rz.retain_grad()
                r, z = torch.sigmoid(pre_rz[:H]), torch.sigmoid(pre_rz[H:])
                pre_n = gi[2 * H :] + r * gh[2 * H :]
                pre_n.retain_grad()
                n = torch.tanh(pre_n)
                h = (1 - z) * n + z * h
                pre = (pre_rz, pre_n)
            h.retain_grad()
            hs.append(h)
            pres.append(pre)
        hs_all.append(hs)
        pre_expected.append(pres)
        inp = hs
    y = torch.stack(hs_all[-1]) @ linear.weight.T + linear.bias
    y.retain_grad()
    mask = torch.from_numpy(trace.scored.astype(float))[:, None]
    L = 0.5 * (((y - t64(trace.targets)) * mask) ** 2).sum()
    L.backward()
    np.testing.assert_allclose(grads.dy, np_(y.grad), rtol=1e-9, atol=1e-12)
    for l in range(layers):
        total = np.array([np_(h.grad) for h in hs_all[l]])
        np.testing.assert_allclose(grads.dh[l], total, rtol=1e-9, atol=1e-12)
        # the direct part: from y_t through W_hy (top) or from the layer above's pre-activations
        if l == layers - 1:
            direct = np_(y.grad) @ np_(linear.weight)
        else:
            above = np.array([grad_of(p) for p in pre_expected[l + 1]])
            direct = above @ np_(cells[l + 1].weight_ih)  # the candidate's x-part has coefficient 1
        np.testing.assert_allclose(grads.dh_direct[l], direct, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(grads.dh_future[l], total - direct, rtol=1e-9, atol=1e-12)
        pre = np.array([grad_of(p) for p in pre_expected[l]])
        keys = {"rnn": ["a"], "lstm": ["z_i", "z_f", "z_c", "z_o"], "gru": ["z_r", "z_z", "z_n"]}[cell_kind]
        ours = np.concatenate([grads.dpre(l)[k] for k in keys], axis=1)
        np.testing.assert_allclose(ours, pre, rtol=1e-9, atol=1e-12)
