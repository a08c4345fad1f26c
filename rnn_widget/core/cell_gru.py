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

from .layer_grad import LayerGrad, cut_flags

GATES = ("r", "z", "n")
_NAMES_X = tuple(f"W_x{g}" for g in GATES)
_NAMES_H = tuple(f"W_h{g}" for g in GATES)
_NAMES_B = tuple(f"b_{g}" for g in GATES)


def _scaled(P, h):
    """Wx, Wh and b with the r and z columns halved, cached in P.

    sigmoid(a) = 0.5 * tanh(a / 2) + 0.5 and halving is exact in floating point, so feeding
    x Wx/2 + h Wh/2 + b/2 to tanh gives exactly the same gates with one multiply less per step."""
    sc = P.get("_gru_scaled")
    if sc is None:
        S = np.ones(3 * h)
        S[: 2 * h] = 0.5
        b = P["b"]
        sc = P["_gru_scaled"] = (P["Wx"] * S, P["Wh"] * S, None if b is None else b * S)
    return sc


def forward(X, h0, c0, P, variant="torch"):
    T, h = X.shape[0], P["Wh"].shape[0]
    h2 = 2 * h
    WxS, WhS, bS = _scaled(P, h)
    base = X @ WxS  # columns r, z: half of x W_x + b (unused after the loop); n: x W_xn + b_n
    if bS is not None:
        base += bS
    RZ = np.empty((T, h2))
    ZN = np.empty((T, h))
    N = np.empty((T, h))
    H = np.empty((T, h))
    dot, add, tanh, multiply, subtract = np.dot, np.add, np.tanh, np.multiply, np.subtract
    hp = h0
    if variant == "torch":
        bhn = P.get("b_hn")
        GH = np.empty((T, 3 * h))  # columns r, z halved until after the loop
        for bt_rz, bt_n, gh, gh_rz, gh_n, rz, r, z, zn, n, ht in zip(
            base[:, :h2], base[:, h2:], GH, GH[:, :h2], GH[:, h2:], RZ, RZ[:, :h], RZ[:, h:], ZN, N, H
        ):
            dot(hp, WhS, gh)
            if bhn is not None:
                add(gh_n, bhn, gh_n)
            add(bt_rz, gh_rz, rz)
            tanh(rz, rz)
            multiply(rz, 0.5, rz)
            add(rz, 0.5, rz)
            multiply(r, gh_n, zn)
            add(zn, bt_n, zn)
            tanh(zn, n)
            subtract(hp, n, ht)  # h = (1 - z) n + z h_prev, as n + z (h_prev - n)
            multiply(ht, z, ht)
            add(ht, n, ht)
            hp = ht
        pre_rz = base[:, :h2] + GH[:, :h2]
        pre_rz *= 2.0
        NH = GH[:, h2:]
        extra = {}
    else:
        Wrz, Wn = WhS[:, :h2], P["Wh"][:, h2:]
        HW = np.empty((T, h2))
        RH = np.empty((T, h))
        NH = np.empty((T, h))
        for bt_rz, bt_n, hw, rz, r, z, rh, nh, zn, n, ht in zip(
            base[:, :h2], base[:, h2:], HW, RZ, RZ[:, :h], RZ[:, h:], RH, NH, ZN, N, H
        ):
            dot(hp, Wrz, hw)
            add(bt_rz, hw, rz)
            tanh(rz, rz)
            multiply(rz, 0.5, rz)
            add(rz, 0.5, rz)
            multiply(r, hp, rh)
            dot(rh, Wn, nh)
            add(bt_n, nh, zn)
            tanh(zn, n)
            subtract(hp, n, ht)
            multiply(ht, z, ht)
            add(ht, n, ht)
            hp = ht
        pre_rz = base[:, :h2] + HW
        pre_rz *= 2.0
        extra = {"rh": RH}
    values = {
        "z_r": pre_rz[:, :h],
        "z_z": pre_rz[:, h:],
        "r": RZ[:, :h],
        "z": RZ[:, h:],
        "n_x": base[:, h2:],
        "n_h": NH,
        "z_n": ZN,
        "n": N,
        "h": H,
    }
    values.update(extra)
    return values


def _transposed(P, key, cols):
    WT = P.get(key)
    if WT is None:
        WT = P[key] = np.ascontiguousarray(P["Wh"][:, cols].T)
    return WT


def backward(values, X, h0, c0, DH_in, P, variant="torch", truncate=None, want_params=True, want_dx=True):
    T, S, h = DH_in.shape
    h2 = 2 * h
    r, z, n, H = values["r"], values["z"], values["n"], values["h"]
    Hprev = np.concatenate([h0[None, :], H[:-1]])
    one_z = np.subtract(1.0, z)
    Kn = n * n  # dL/dz_n = dh * Kn, Kn = (1 - z)(1 - n^2)
    np.subtract(1.0, Kn, out=Kn)
    Kn *= one_z
    K = np.empty((T, 3 * h))  # dL/d(hidden-side pre-activations) = dh * K
    Kr, Kz, Khn = K[:, :h], K[:, h:h2], K[:, h2:]
    np.subtract(Hprev, n, out=Kz)  # Kz = (h_prev - n) z (1 - z)
    Kz *= z
    Kz *= one_z
    np.subtract(1.0, r, out=Kr)  # r (1 - r), times the rest below
    Kr *= r
    DH = np.empty_like(DH_in)
    DG = np.empty((T, S, 3 * h))  # dL/d(pre-activations) of r, z, n (hidden side)
    dot, multiply = np.dot, np.multiply
    tmp = np.empty((S, h))
    DH[T - 1] = DH_in[T - 1]
    if variant == "torch":
        Kr *= values["n_h"]
        Kr *= Kn
        np.multiply(Kn, r, out=Khn)  # hidden side: r, z, (h W_hn + b_hn)
        WhT = _transposed(P, "WhT", slice(None))
        K3, DG3, DH1 = K.reshape(T, 3, h), DG.reshape(T, S, 3, h), DH[:, :, None, :]
        z1 = z[:, None, :]  # (1, h) like dh: equal shapes skip broadcasting
        add = np.add
        rows = zip(
            DH[:0:-1],
            DH1[:0:-1],
            DG[:0:-1],
            DG3[:0:-1],
            K3[:0:-1],
            z1[:0:-1],
            DH[-2::-1],
            DH_in[-2::-1],
            cut_flags(T, truncate),
        )
        for dh, dh1, dg, dg3, k3, zt, dh_prev, din_prev, cut in rows:  # t = T-1 .. 1
            multiply(dh1, k3, dg3)
            if cut:
                np.copyto(dh_prev, din_prev)
                continue
            # DH[t-1] = DH_in[t-1] + (dh z + dg Wh^T), the bracket built in DH[t-1]
            dot(dg, WhT, dh_prev)
            multiply(dh, zt, tmp)
            add(dh_prev, tmp, dh_prev)
            add(dh_prev, din_prev, dh_prev)
        multiply(DH1[0], K3[0], DG3[0])
        dh0 = DH[0] * z[0] + DG[0] @ WhT
    else:
        Kr *= Hprev
        WrzT = _transposed(P, "WrzT", slice(None, h2))
        WnT = _transposed(P, "WnT", slice(h2, None))
        for t in range(T - 1, -1, -1):
            dh, dg = DH[t], DG[t]
            dgn = dg[:, h2:]
            np.multiply(dh, Kn[t], out=dgn)
            drh = dgn @ WnT
            np.multiply(drh, Kr[t], out=dg[:, :h])
            np.multiply(dh, Kz[t], out=dg[:, h:h2])
            if t and truncate and t % truncate == 0:  # cut_at(t, truncate)
                DH[t - 1] = DH_in[t - 1]
                continue
            dnext = dh * z[t] + drh * r[t] + dg[:, :h2] @ WrzT
            if t == 0:
                dh0 = dnext
                break
            np.add(DH_in[t - 1], dnext, out=DH[t - 1])
    out = LayerGrad(DH=DH, dh0=dh0)
    if want_params:
        dg = DG[:, 0]
        if variant == "torch":
            dgx = dg.copy()
            np.multiply(DH[:, 0], Kn, out=dgx[:, h2:])
            out.blocks = [(_NAMES_H, Hprev, dg), (("b_hn",), None, dg[:, h2:])]
        else:
            dgx = dg
            out.blocks = [(_NAMES_H[:2], Hprev, dg[:, :h2]), (_NAMES_H[2:], values["rh"], dg[:, h2:])]
        if want_dx:
            out.DX = dgx @ P["Wx"].T
        out.blocks += [(_NAMES_X, X, dgx), (_NAMES_B, None, dgx)]
    return out
