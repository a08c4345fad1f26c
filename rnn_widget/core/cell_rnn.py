"""Vanilla RNN layer: a_t = x_t W_xh + h_{t-1} W_hh + b_h, h_t = phi(a_t).

Every cell module has the same two functions. ``forward`` runs one layer over the whole
sequence and returns the trace values (each (T, h)) plus what backward needs. ``backward`` takes
dL/dh_t arriving from above for every step, shaped (T, S, h) (S = 1 for a loss; S = h to push an
identity through and get the Jacobians dh_T/dh_k), and returns a `LayerGrad`.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, INPLACE
from .layer_grad import LayerGrad, cut_flags


def forward(X, h0, c0, P, activation):
    Wx, Wh, b = P["Wx"], P["Wh"], P["b"]
    T, h = X.shape[0], Wh.shape[0]
    XW = X @ Wx
    base = XW + b if b is not None else XW
    HW = np.empty((T, h))
    A = np.empty((T, h))
    H = np.empty((T, h))
    # per step: three numpy calls on rows, outputs passed positionally (cheaper than out=)
    dot, add = np.dot, np.add
    f = np.tanh if activation == "tanh" else INPLACE[activation]
    hp = h0
    for bt, hw, a, ht in zip(base, HW, A, H):
        dot(hp, Wh, hw)
        add(bt, hw, a)
        f(a, ht)
        hp = ht
    return {"xw": XW, "hw": HW, "a": A, "h": H}


def transposed(P, key):
    """``P[key].T`` as a contiguous array, cached in the packed parameters (they are rebuilt
    whenever a parameter changes)."""
    cache_key = key + "T"
    WT = P.get(cache_key)
    if WT is None:
        WT = P[cache_key] = np.ascontiguousarray(P[key].T)
    return WT


def backward(values, X, h0, c0, DH_in, P, activation, truncate=None, want_params=True, want_dx=True):
    A, H = values["a"], values["h"]
    T, S, h = DH_in.shape
    if activation == "tanh":
        dphi = H * H
        np.subtract(1.0, dphi, dphi)
    else:
        dphi = ACTIVATIONS[activation][1](A, H)
    # Per-step operands all shaped (1, h) or (S, h): a ufunc on equal shapes skips broadcasting,
    # which costs more than the arithmetic at these sizes.
    dphi = dphi[:, None, :]
    WhT = transposed(P, "Wh")
    DH = np.empty_like(DH_in)
    DA = np.empty_like(DH_in)
    dot, multiply, add = np.dot, np.multiply, np.add
    # DH[t-1] = DH_in[t-1] + DA[t] Wh^T: the product is written into DH[t-1], then DH_in[t-1] added.
    DH[T - 1] = DH_in[T - 1]
    rows = zip(DH[:0:-1], dphi[:0:-1], DA[:0:-1], DH[-2::-1], DH_in[-2::-1], cut_flags(T, truncate))
    for dh, dp, da, dh_prev, din_prev, cut in rows:  # t = T-1 .. 1
        multiply(dh, dp, da)
        if cut:
            np.copyto(dh_prev, din_prev)
        else:
            dot(da, WhT, dh_prev)
            add(dh_prev, din_prev, dh_prev)
    multiply(DH[0], dphi[0], DA[0])
    out = LayerGrad(DH=DH, dh0=DA[0] @ WhT)
    if want_params:
        da2 = DA[:, 0, :]
        Hprev = np.concatenate([h0[None, :], H[:-1]])
        if want_dx:
            out.DX = da2 @ P["Wx"].T
        out.blocks = [(("W_xh",), X, da2), (("W_hh",), Hprev, da2), (("b_h",), None, da2)]
    return out
