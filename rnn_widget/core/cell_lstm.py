"""LSTM layer (PyTorch's nn.LSTM equations, gate order i, f, c~ (PyTorch's g), o).

    z_g = x_t W_xg + h_{t-1} W_hg + b_g          for g in i, f, c, o
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  c~ = tanh(z_c)
    c_t = f * c_{t-1} + i * c~;  h_t = o * tanh(c_t)

`P["Wx"]` (d, 4h), `P["Wh"]` (h, 4h) and `P["b"]` (4h,) hold the four gates side by side.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .layer_grad import LayerGrad, cut_flags

GATES = ("i", "f", "c", "o")
_NAMES_X = tuple(f"W_x{g}" for g in GATES)
_NAMES_H = tuple(f"W_h{g}" for g in GATES)
_NAMES_B = tuple(f"b_{g}" for g in GATES)


@lru_cache(maxsize=64)
def _gate_scale(h):
    # sigmoid(z) = 0.5 * tanh(z / 2) + 0.5, so one tanh call computes all four gates.
    s = np.full(4 * h, 0.5)
    s[2 * h : 3 * h] = 1.0
    return s, 1.0 - s


def _scaled(P, h):
    """The gate weights and bias with the sigmoid gates' columns halved, cached in P.

    Halving is exact in floating point, so x Wx/2 + h Wh/2 + b/2 is exactly half of the
    pre-activation: the loop feeds it straight to tanh and saves one multiply per step."""
    sc = P.get("_lstm_scaled")
    if sc is None:
        S, _ = _gate_scale(h)
        b = P["b"]
        sc = P["_lstm_scaled"] = (P["Wx"] * S, P["Wh"] * S, None if b is None else b * S)
    return sc


def forward(X, h0, c0, P, activation=None):
    T, h = X.shape[0], P["Wh"].shape[0]
    WxS, WhS, bS = _scaled(P, h)
    S, S1 = _gate_scale(h)
    base = X @ WxS  # half of x W_x for sigmoid gates
    if bS is not None:
        base += bS
    h2, h3 = 2 * h, 3 * h
    ZS = np.empty((T, 4 * h))
    G = np.empty((T, 4 * h))
    C = np.empty((T, h))
    TC = np.empty((T, h))
    H = np.empty((T, h))
    tmp = np.empty(h)
    dot, tanh, multiply, add = np.dot, np.tanh, np.multiply, np.add
    hp, cp = h0, c0
    # outputs passed positionally: cheaper than out= at these sizes
    for zs, bs, g, gi, gf, gc, go, c, tc, ht in zip(
        ZS, base, G, G[:, :h], G[:, h:h2], G[:, h2:h3], G[:, h3:], C, TC, H
    ):
        dot(hp, WhS, zs)
        add(zs, bs, zs)
        tanh(zs, g)
        multiply(g, S, g)
        add(g, S1, g)
        multiply(gf, cp, c)
        multiply(gi, gc, tmp)
        add(c, tmp, c)
        tanh(c, tc)
        multiply(go, tc, ht)
        hp, cp = ht, c
    Z = np.divide(ZS, S, out=ZS)  # exact: S is 1/2 or 1
    values = {}
    for k, gate in enumerate(GATES):
        values[f"z_{gate}"] = Z[:, k * h : (k + 1) * h]
    values.update(i=G[:, :h], f=G[:, h:h2], c_tilde=G[:, h2:h3], o=G[:, h3:], c=C, tanh_c=TC, h=H)
    return values


def backward(values, X, h0, c0, DH_in, P, activation=None, truncate=None, want_params=True, want_dx=True):
    T, S, h = DH_in.shape
    i, f, g, o = values["i"], values["f"], values["c_tilde"], values["o"]
    C, TC, H = values["c"], values["tanh_c"], values["h"]
    h2, h3 = 2 * h, 3 * h
    K0 = TC * TC  # dc_t from dh_t: o (1 - tanh(c)^2)
    np.subtract(1.0, K0, out=K0)
    K0 *= o
    # dz_g = dc * K[g] for g in i, f, c~ and dz_o = dh * K[o]:
    # K = [c~ i (1 - i), c_{t-1} f (1 - f), i (1 - c~^2), tanh(c) o (1 - o)]
    K = np.empty((T, 4 * h))
    Ki, Kf, Kc, Ko = K[:, :h], K[:, h:h2], K[:, h2:h3], K[:, h3:]
    np.subtract(1.0, i, out=Ki)
    Ki *= i
    Ki *= g
    np.subtract(1.0, f, out=Kf)
    Kf *= f
    Kf[0] *= c0
    Kf[1:] *= C[:-1]
    np.multiply(g, g, out=Kc)
    np.subtract(1.0, Kc, out=Kc)
    Kc *= i
    np.subtract(1.0, o, out=Ko)
    Ko *= o
    Ko *= TC
    K3 = K.reshape(T, 4, h)[:, :3]  # (T, 3, h)
    # per-step operands shaped (1, h) like dh (S = 1): equal shapes skip numpy's broadcasting
    K0, Ko, f1 = K0[:, None, :], Ko[:, None, :], f[:, None, :]
    WhT = _transposed(P)
    DH = np.empty_like(DH_in)
    DC = np.empty_like(DH_in)
    DZ = np.empty((T, S, 4 * h))
    DZ4 = DZ.reshape(T, S, 4, h)
    DZ3, DZo = DZ4[:, :, :3], DZ4[:, :, 3]
    DC1 = DC[:, :, None, :]
    dot, multiply, add = np.dot, np.multiply, np.add
    dc_next = np.zeros((S, h))
    DH[T - 1] = DH_in[T - 1]
    rows = zip(
        DH[:0:-1],
        DC[:0:-1],
        DC1[:0:-1],
        DZ[:0:-1],
        DZ3[:0:-1],
        DZo[:0:-1],
        K0[:0:-1],
        K3[:0:-1],
        Ko[:0:-1],
        f1[:0:-1],
        DH[-2::-1],
        DH_in[-2::-1],
        cut_flags(T, truncate),
    )
    for dh, dc, dc1, dz, dz3, dzo, k0, k3, ko, ft, dh_prev, din_prev, cut in rows:  # t = T-1 .. 1
        multiply(dh, k0, dc)
        add(dc, dc_next, dc)
        multiply(dc1, k3, dz3)
        multiply(dh, ko, dzo)
        if cut:
            np.copyto(dh_prev, din_prev)
            dc_next[...] = 0.0
        else:
            dot(dz, WhT, dh_prev)
            add(dh_prev, din_prev, dh_prev)
            multiply(dc, ft, dc_next)
    dh, dc = DH[0], DC[0]  # t = 0
    multiply(dh, K0[0], dc)
    add(dc, dc_next, dc)
    multiply(DC1[0], K3[0], DZ3[0])
    multiply(dh, Ko[0], DZo[0])
    out = LayerGrad(DH=DH, dh0=DZ[0] @ WhT, DC=DC, dc0=dc * f1[0])
    if want_params:
        DZf = DZ[:, 0]
        Hprev = np.concatenate([h0[None, :], H[:-1]])
        if want_dx:
            out.DX = DZf @ P["Wx"].T
        out.blocks = [(_NAMES_X, X, DZf), (_NAMES_H, Hprev, DZf), (_NAMES_B, None, DZf)]
    return out


def _transposed(P):
    WT = P.get("WhT")
    if WT is None:
        WT = P["WhT"] = np.ascontiguousarray(P["Wh"].T)
    return WT
