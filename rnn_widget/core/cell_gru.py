"""GRU layer, two variants, both with h_t = (1 - z) * n + z * h_{t-1}.

``torch`` (PyTorch's nn.GRU, the reset gate applied after the hidden matmul):
    r = sigmoid(x W_xr + h W_hr + b_r),  z = sigmoid(x W_xz + h W_hz + b_z)
    n = tanh(x W_xn + b_n + r * (h W_hn + b_hn))
``cho`` (Cho et al. 2014 / d2l, the reset gate applied before it):
    n = tanh(x W_xn + (r * h) W_hn + b_n)

Trace values: z_r, z_z (pre-activations), r, z, n_x (x W_xn + b_n), n_h (torch: h W_hn + b_hn;
cho: (r*h) W_hn), z_n (pre-activation of n), n, h; cho also rh = r * h_{t-1}.
"""
from __future__ import annotations

import numpy as np

from .activations import INPLACE
from .layer_grad import LayerGrad, cut_at

GATES = ("r", "z", "n")
_NAMES_X = tuple(f"W_x{g}" for g in GATES)
_NAMES_H = tuple(f"W_h{g}" for g in GATES)
_NAMES_B = tuple(f"b_{g}" for g in GATES)
_sigmoid_ = INPLACE["sigmoid"]


def forward(X, h0, c0, P, variant="torch"):
    Wx, Wh, b = P["Wx"], P["Wh"], P["b"]
    T, h = X.shape[0], Wh.shape[0]
    h2 = 2 * h
    base = X @ Wx
    if b is not None:
        base += b
    RZ = np.empty((T, h2))
    ZN = np.empty((T, h))
    N = np.empty((T, h))
    H = np.empty((T, h))
    hp = h0
    if variant == "torch":
        bhn = P.get("b_hn")
        GH = np.empty((T, 3 * h))
        for t in range(T):
            gh = GH[t]
            np.dot(hp, Wh, out=gh)
            if bhn is not None:
                gh[h2:] += bhn
            rz = RZ[t]
            np.add(base[t, :h2], gh[:h2], out=rz)
            _sigmoid_(rz, rz)
            zn = ZN[t]
            np.multiply(rz[:h], gh[h2:], out=zn)
            zn += base[t, h2:]
            np.tanh(zn, out=N[t])
            _mix(hp, N[t], rz[h:], H[t])
            hp = H[t]
        pre_rz = base[:, :h2] + GH[:, :h2]
        NH = GH[:, h2:]
        extra = {}
    else:
        Wrz, Wn = Wh[:, :h2], Wh[:, h2:]
        HW = np.empty((T, h2))
        RH = np.empty((T, h))
        NH = np.empty((T, h))
        for t in range(T):
            np.dot(hp, Wrz, out=HW[t])
            rz = RZ[t]
            np.add(base[t, :h2], HW[t], out=rz)
            _sigmoid_(rz, rz)
            np.multiply(rz[:h], hp, out=RH[t])
            np.dot(RH[t], Wn, out=NH[t])
            np.add(base[t, h2:], NH[t], out=ZN[t])
            np.tanh(ZN[t], out=N[t])
            _mix(hp, N[t], rz[h:], H[t])
            hp = H[t]
        pre_rz = base[:, :h2] + HW
        extra = {"rh": RH}
    values = {"z_r": pre_rz[:, :h], "z_z": pre_rz[:, h:], "r": RZ[:, :h], "z": RZ[:, h:],
              "n_x": base[:, h2:], "n_h": NH, "z_n": ZN, "n": N, "h": H}
    values.update(extra)
    return values


def _mix(hp, n, z, out):
    """out = (1 - z) * n + z * hp, written as n + z * (hp - n)."""
    np.subtract(hp, n, out=out)
    out *= z
    out += n


def backward(values, X, h0, c0, DH_in, P, variant="torch", truncate=None, want_params=True):
    T, S, h = DH_in.shape
    r, z, n, H = values["r"], values["z"], values["n"], values["h"]
    Hprev = np.concatenate([h0[None, :], H[:-1]])
    Kn = (1.0 - z) * (1.0 - n * n)            # dL/dz_n = dh * Kn
    Kz = (Hprev - n) * z * (1.0 - z)          # dL/dz_z = dh * Kz
    DH = np.empty_like(DH_in)
    DG = np.empty((T, S, 3, h))               # dL/d(pre-activations) of r, z, n (hidden side)
    dnext = np.zeros((S, h))
    if variant == "torch":
        Kr = Kn * values["n_h"] * r * (1.0 - r)
        Kh = np.stack([Kr, Kz, Kn * r], axis=1)       # hidden side: r, z, (h W_hn + b_hn)
        WhT = np.ascontiguousarray(P["Wh"].T)
        for t in range(T - 1, -1, -1):
            dh = DH[t]
            np.add(DH_in[t], dnext, out=dh)
            dg = DG[t]
            np.multiply(dh[:, None, :], Kh[t], out=dg)
            dnext = np.zeros((S, h)) if cut_at(t, truncate) else dh * z[t] + dg.reshape(S, 3 * h) @ WhT
    else:
        Kr = Hprev * r * (1.0 - r)
        WrzT = np.ascontiguousarray(P["Wh"][:, :2 * h].T)
        WnT = np.ascontiguousarray(P["Wh"][:, 2 * h:].T)
        for t in range(T - 1, -1, -1):
            dh = DH[t]
            np.add(DH_in[t], dnext, out=dh)
            dg = DG[t]
            np.multiply(dh, Kn[t], out=dg[:, 2])
            drh = dg[:, 2] @ WnT
            np.multiply(drh, Kr[t], out=dg[:, 0])
            np.multiply(dh, Kz[t], out=dg[:, 1])
            if cut_at(t, truncate):
                dnext = np.zeros((S, h))
            else:
                dnext = dh * z[t] + drh * r[t] + dg[:, :2].reshape(S, 2 * h) @ WrzT
    out = LayerGrad(DH=DH, dh0=dnext)
    if want_params:
        dg = DG[:, 0].reshape(T, 3 * h)
        if variant == "torch":
            dgx = dg.copy()
            np.multiply(DH[:, 0], Kn, out=dgx[:, 2 * h:])
            out.blocks = [(_NAMES_H, Hprev, dg), (("b_hn",), None, dg[:, 2 * h:])]
        else:
            dgx = dg
            out.blocks = [(_NAMES_H[:2], Hprev, dg[:, :2 * h]), (_NAMES_H[2:], values["rh"], dg[:, 2 * h:])]
        out.DX = dgx @ P["Wx"].T
        out.blocks += [(_NAMES_X, X, dgx), (_NAMES_B, None, dgx)]
    return out
