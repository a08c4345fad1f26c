"""LSTM layer (PyTorch's nn.LSTM equations, gate order i, f, c~ (PyTorch's g), o).

    z_g = x_t W_xg + h_{t-1} W_hg + b_g          for g in i, f, c, o
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  c~ = tanh(z_c)
    c_t = f * c_{t-1} + i * c~;  h_t = o * tanh(c_t)

`P["Wx"]` (d, 4h), `P["Wh"]` (h, 4h) and `P["b"]` (4h,) hold the four gates side by side.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .layer_grad import LayerGrad, cut_at

GATES = ("i", "f", "c", "o")
_NAMES_X = tuple(f"W_x{g}" for g in GATES)
_NAMES_H = tuple(f"W_h{g}" for g in GATES)
_NAMES_B = tuple(f"b_{g}" for g in GATES)


@lru_cache(maxsize=64)
def _gate_scale(h):
    # sigmoid(z) = 0.5 * tanh(z / 2) + 0.5, so one tanh call computes all four gates.
    s = np.full(4 * h, 0.5)
    s[2 * h:3 * h] = 1.0
    return s, 1.0 - s


def forward(X, h0, c0, P, activation=None):
    Wx, Wh, b = P["Wx"], P["Wh"], P["b"]
    T, h = X.shape[0], Wh.shape[0]
    base = X @ Wx
    if b is not None:
        base += b
    S, S1 = _gate_scale(h)
    Z = np.empty((T, 4 * h))
    G = np.empty((T, 4 * h))
    C = np.empty((T, h))
    TC = np.empty((T, h))
    H = np.empty((T, h))
    hp, cp = h0, c0
    h2, h3 = 2 * h, 3 * h
    for t in range(T):
        z = Z[t]
        np.dot(hp, Wh, out=z)
        z += base[t]
        g = G[t]
        np.multiply(z, S, out=g)
        np.tanh(g, out=g)
        g *= S
        g += S1
        c = C[t]
        np.multiply(g[h:h2], cp, out=c)
        c += g[:h] * g[h2:h3]
        np.tanh(c, out=TC[t])
        np.multiply(g[h3:], TC[t], out=H[t])
        hp, cp = H[t], c
    values = {}
    for k, gate in enumerate(GATES):
        values[f"z_{gate}"] = Z[:, k * h:(k + 1) * h]
    values.update(i=G[:, :h], f=G[:, h:h2], c_tilde=G[:, h2:h3], o=G[:, h3:], c=C, tanh_c=TC, h=H)
    return values


def backward(values, X, h0, c0, DH_in, P, activation=None, truncate=None, want_params=True):
    T, S, h = DH_in.shape
    i, f, g, o = values["i"], values["f"], values["c_tilde"], values["o"]
    C, TC, H = values["c"], values["tanh_c"], values["h"]
    Cprev = np.concatenate([c0[None, :], C[:-1]])
    K0 = o * (1.0 - TC * TC)                                   # dc_t from dh_t
    Kc = np.stack([g * i * (1.0 - i), Cprev * f * (1.0 - f), i * (1.0 - g * g)], axis=1)  # (T,3,h)
    Ko = TC * o * (1.0 - o)
    WhT = np.ascontiguousarray(P["Wh"].T)
    DH = np.empty_like(DH_in)
    DC = np.empty_like(DH_in)
    DZ = np.empty((T, S, 4, h))
    dh_next = np.zeros((S, h))
    dc_next = np.zeros((S, h))
    for t in range(T - 1, -1, -1):
        dh = DH[t]
        np.add(DH_in[t], dh_next, out=dh)
        dc = DC[t]
        np.multiply(dh, K0[t], out=dc)
        dc += dc_next
        dz = DZ[t]
        np.multiply(dc[:, None, :], Kc[t], out=dz[:, :3])
        np.multiply(dh, Ko[t], out=dz[:, 3])
        if cut_at(t, truncate):
            dh_next = np.zeros((S, h))
            dc_next = np.zeros((S, h))
        else:
            dh_next = dz.reshape(S, 4 * h) @ WhT
            dc_next = dc * f[t]
    out = LayerGrad(DH=DH, dh0=dh_next, DC=DC, dc0=dc_next)
    if want_params:
        DZf = DZ[:, 0].reshape(T, 4 * h)
        Hprev = np.concatenate([h0[None, :], H[:-1]])
        out.DX = DZf @ P["Wx"].T
        out.blocks = [(_NAMES_X, X, DZf), (_NAMES_H, Hprev, DZf), (_NAMES_B, None, DZf)]
    return out
