"""Vanilla RNN layer: a_t = x_t W_xh + h_{t-1} W_hh + b_h, h_t = phi(a_t).

Every cell module has the same two functions. ``forward`` runs one layer over the whole
sequence and returns the trace values (each (T, h)) plus what backward needs. ``backward`` takes
dL/dh_t arriving from above for every step, shaped (T, S, h) (S = 1 for a loss; S = h to push an
identity through and get the Jacobians dh_T/dh_k), and returns a `LayerGrad`.
"""
from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, INPLACE
from .layer_grad import LayerGrad, cut_at


def forward(X, h0, c0, P, activation):
    f = INPLACE[activation]
    Wx, Wh, b = P["Wx"], P["Wh"], P["b"]
    T, h = X.shape[0], Wh.shape[0]
    XW = X @ Wx
    base = XW + b if b is not None else XW
    HW = np.empty((T, h))
    A = np.empty((T, h))
    H = np.empty((T, h))
    hp = h0
    for t in range(T):
        np.dot(hp, Wh, out=HW[t])
        np.add(base[t], HW[t], out=A[t])
        f(A[t], H[t])
        hp = H[t]
    return {"xw": XW, "hw": HW, "a": A, "h": H}


def backward(values, X, h0, c0, DH_in, P, activation, truncate=None, want_params=True):
    A, H = values["a"], values["h"]
    T, S, h = DH_in.shape
    dphi = ACTIVATIONS[activation][1](A, H)
    WhT = np.ascontiguousarray(P["Wh"].T)
    DH = np.empty_like(DH_in)
    DA = np.empty_like(DH_in)
    dnext = np.zeros((S, h))
    for t in range(T - 1, -1, -1):
        dh = DH[t]
        np.add(DH_in[t], dnext, out=dh)
        da = DA[t]
        np.multiply(dh, dphi[t], out=da)
        dnext = np.zeros((S, h)) if cut_at(t, truncate) else da @ WhT
    out = LayerGrad(DH=DH, dh0=dnext)
    if want_params:
        da2 = DA[:, 0, :]
        Hprev = np.concatenate([h0[None, :], H[:-1]])
        out.DX = da2 @ P["Wx"].T
        out.blocks = [(("W_xh",), X, da2), (("W_hh",), Hprev, da2), (("b_h",), None, da2)]
    return out
