"""Hints computed from the model: which common mistake gives the student's wrong number.

For the blank's formula, `candidates` lists the values that common mistakes give (activation not
applied, bias or input or recurrent term left out, h_{t-1} from the wrong step, the transposed
matrix / the other convention, a sign error, the gate products in the wrong order, ...), each
with what went wrong and how to fix it, written with the widget's display names and convention.
`hint` says which one the answer matches, or else which part of the formula to recompute; a hint
never contains a value the student has not given.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.spec import layer_suffix
from .names import Location
from .recompute import Recomputed, layer_params

_T = "\u1d40"
_ACT_NAMES = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "\u03c3", "identity": "the identity"}
_GATE_NAMES = {"i": "i", "f": "f", "o": "o", "c": "c~", "r": "r", "z": "z", "n": "n"}

Candidate = tuple  # (value, what is wrong, how to fix it)


def fmt(v: float) -> str:
    return f"{v:.6g}"


class Symbols:
    """Names as the page shows them (js/data/names.js): display names as given, stored weight
    names with a transpose mark in the column view; states per layer ("k" for seed 001's second)."""

    def __init__(self, spec, display: dict, convention: str, names_convention: str | None = None):
        self.spec, self.display, self.column = spec, display, convention == "column"
        #: display names describe names_convention; in the other one they are written transposed
        self.flip_names = names_convention is not None and names_convention != convention

    def state(self, kind: str, layer: int, step: int) -> str:
        if kind == "x" and layer > 0:
            return self.state("h", layer - 1, step)
        own = self.display.get(f"{kind}@{layer + 1}") if layer else None
        base = own or self.display.get(kind, kind) + (f"\u207d{layer + 1}\u207e" if layer else "")
        return f"{base}{step}"

    def param(self, key: str, transposed: bool = False) -> str:
        shown = self.display.get(key)
        if shown is not None and self.flip_names and key[0] == "W":
            shown += _T
        if shown is None:
            base, _, layer = key.partition("@")
            shown = base + (f"\u207d{layer}\u207e" if layer else "") + (_T if self.column and key[0] == "W" else "")
        if transposed:
            shown = shown[:-1] if shown.endswith(_T) else shown + _T
        return shown

    def product(self, key: str, vec: str, transposed: bool = False) -> str:
        """The term as written in the convention: 'A h1' (column) or 'h1 W_hh' (row)."""
        m = self.param(key, transposed)
        return f"{m} {vec}" if self.column else f"{vec} {m}"


class HintContext:
    """What the hints read: the network, the true trace and gradients, the values the student's
    own answers lead to (`ctx`, the true ones without follow-through) and the symbols."""

    def __init__(self, net, trace, grads, ctx: Recomputed, symbols: Symbols, close: Callable):
        self.net, self.trace, self.grads, self.ctx, self.sym, self.close = net, trace, grads, ctx, symbols, close

    def h(self, layer: int, t: int) -> np.ndarray:
        return self.ctx.h(layer, t, self.trace.layers[layer].h0)

    def c(self, layer: int, t: int) -> np.ndarray:
        lt = self.trace.layers[layer]
        return lt.c0 if t < 0 else self.ctx.value(layer, t, "c")

    def x(self, layer: int, t: int) -> np.ndarray:
        return self.trace.x[t] if layer == 0 else self.ctx.value(layer - 1, t, "h")


def _act_of(cell: str, gate: str, activation: str) -> str:
    if cell == "rnn":
        return activation
    return "tanh" if gate in ("c", "n") else "sigmoid"


def _pre_terms(hc: HintContext, layer: int, t: int, gate: str):
    """The gate's pre-activation as its terms: (label, vector, text), with the wrong-term variants."""
    net, sym = hc.net, hc.sym
    P = layer_params(net, layer)
    sfx = layer_suffix(layer)
    wx, wh = f"W_x{gate}", f"W_h{gate}"
    x, hp = hc.x(layer, t), hc.h(layer, t - 1)
    X, H, b = x @ P[wx], hp @ P[wh], P[f"b_{gate}"]
    xs, hs = sym.state("x", layer, t + 1), sym.state("h", layer, t)
    Xt, Ht = sym.product(wx + sfx, xs), sym.product(wh + sfx, hs)
    bias = f"b_{gate}{sfx}" in net.param_shapes
    bt = sym.param(f"b_{gate}{sfx}") if bias else ""
    full = f"{Ht} + {Xt}" if sym.column else f"{Xt} + {Ht}"
    if bias:
        full += f" + {bt}"
    variants = [
        (H + b, f"leaves out the input term {Xt}", f"add {Xt}"),
        (X + b, f"leaves out the recurrent term {Ht}", f"add {Ht}"),
    ]
    if bias and np.any(b != 0):
        variants.append((X + H, f"leaves out the bias {bt}", f"add {bt}"))
    if t >= 1:
        hpp = hc.h(layer, t - 2)
        variants.append(
            (X + hpp @ P[wh] + b, f"uses {sym.state('h', layer, t - 1)} where the formula has {hs}", f"use {hs}")
        )
    for dt in (-1, 1):
        if 0 <= t + dt < hc.trace.T:
            xo = hc.x(layer, t + dt)
            other = sym.state("x", layer, t + dt + 1)
            variants.append((xo @ P[wx] + H + b, f"uses {other} where the formula has {xs}", f"use {xs}"))
    Wh = P[wh]
    if not np.allclose(Wh, Wh.T):
        variants.append(
            (
                X + hp @ Wh.T + b,
                f"uses {sym.product(wh + sfx, hs, True)} instead of {Ht} (the transposed matrix, as in the other convention)",
                f"use {Ht}",
            )
        )
    Wx = P[wx]
    if Wx.shape[0] == Wx.shape[1] and not np.allclose(Wx, Wx.T):
        variants.append(
            (
                x @ Wx.T + H + b,
                f"uses {sym.product(wx + sfx, xs, True)} instead of {Xt} (the transposed matrix)",
                f"use {Xt}",
            )
        )
    variants.append((X - H + b, f"subtracts {Ht} instead of adding it", f"add {Ht}"))
    variants.append((-X + H + b, f"subtracts {Xt} instead of adding it", f"add {Xt}"))
    return X + H + b, full, variants


def candidates(hc: HintContext, loc: Location, truth: float) -> tuple[list, str]:
    """(mistake candidates, what to recompute when none matches) for one slot."""
    spec = hc.net.spec
    kind, layer, t, j = loc.kind, loc.layer, loc.step, loc.unit
    out: list = []
    if kind in ("h", "a", "i", "f", "o", "c~", "r", "z", "n", "a_i", "a_f", "a_c", "a_o", "a_r", "a_z", "a_n") and (
        spec.cell == "rnn" or kind not in ("h",)
    ):
        assert layer is not None and t is not None and j is not None
        gate = {"h": "h", "a": "h", "c~": "c"}.get(kind, kind[-1])
        pre_only = kind == "a" or kind.startswith("a_")
        if spec.cell == "gru" and gate == "n":
            return _gru_n(hc, layer, t, j, pre_only)
        act = _act_of(spec.cell, gate, spec.activation)
        f = ACTIVATIONS[act][0]
        pre, full, variants = _pre_terms(hc, layer, t, gate)
        name = _ACT_NAMES[act]
        if pre_only:
            out += [(v[j], what, fix) for v, what, fix in variants]
            return out + _sign(truth), f"recompute {full}"
        if act != "identity":
            out.append((pre[j], f"is {full} before {name}", f"apply {name}"))
        for v, what, fix in variants:
            out.append((f(v)[j], what, fix))
            if act != "identity":
                out.append((v[j], f"{what}, and is before {name}", f"{fix} and apply {name}"))
        if spec.cell != "rnn":
            other = "tanh" if act == "sigmoid" else "sigmoid"
            out.append(
                (ACTIVATIONS[other][0](pre)[j], f"applies {_ACT_NAMES[other]} instead of {name}", f"apply {name}")
            )
        return out + _sign(truth), f"recompute {full}, then apply {name}"
    if kind in ("c", "h") and spec.cell == "lstm":
        return _lstm(hc, kind, layer, t, j, truth)
    if kind == "h" and spec.cell == "gru":
        return _gru_h(hc, layer, t, j, truth)
    if kind == "y":
        return _readout(hc, t, j, truth)
    if kind == "loss":
        return _loss(hc, truth)
    if kind in ("dh", "dc"):
        return _dh(hc, loc, truth)
    if kind == "dW":
        return _dw(hc, loc, truth)
    if kind == "dy":
        return _sign(truth), "recompute dL/dy from the loss: for the squared loss it is y minus the target"
    return _sign(truth), "recompute it from its formula"


def _sign(truth: float) -> list:
    return [(-truth, "has the wrong sign", "check the signs")] if truth != 0 else []


def _lstm(hc: HintContext, kind, layer, t, j, truth):
    sym, v = hc.sym, hc.ctx.layers[layer][t]
    i, f, g, o, c = v["i"][j], v["f"][j], v["c_tilde"][j], v["o"][j], v["c"][j]
    cp = hc.c(layer, t - 1)[j]
    hp = hc.h(layer, t - 1)[j]
    cs, cps = sym.state("c", layer, t + 1), sym.state("c", layer, t)
    if kind == "c":
        out = [
            (f * g + i * cp, f"swaps the products: f\u00b7c~ + i\u00b7{cps}", f"{cs} = f\u00b7{cps} + i\u00b7c~"),
            (cp + i * g, "leaves out the forget gate f", f"multiply {cps} by f"),
            (f * cp + g, "leaves out the input gate i", "multiply c~ by i"),
            (f * cp, "leaves out i\u00b7c~", "add i\u00b7c~"),
            (i * g, f"leaves out f\u00b7{cps}", f"add f\u00b7{cps}"),
            (f * hp + i * g, f"uses {sym.state('h', layer, t)} instead of {cps}", f"use the cell state {cps}"),
        ]
        if t >= 1:
            cpp = hc.c(layer, t - 2)[j]
            out.append((f * cpp + i * g, f"uses {sym.state('c', layer, t - 1)} instead of {cps}", f"use {cps}"))
        return out + _sign(truth), f"recompute {cs} = f\u00b7{cps} + i\u00b7c~ with this step's gates"
    out = [
        (o * c, f"is o\u00b7{cs} without tanh", f"apply tanh to {cs} first"),
        (np.tanh(o * c), f"applies tanh after multiplying by o: tanh(o\u00b7{cs})", f"use o\u00b7tanh({cs})"),
        (np.tanh(c), "leaves out the output gate o", "multiply by o"),
        (o * np.tanh(cp), f"uses {cps} instead of {cs}", f"use {cs}"),
    ]
    return out + _sign(truth), f"recompute o\u00b7tanh({cs}) with this step's o and {cs}"


def _gru_n(hc: HintContext, layer, t, j, pre_only):
    net, sym = hc.net, hc.sym
    P = layer_params(net, layer)
    sfx = layer_suffix(layer)
    v = hc.ctx.layers[layer][t]
    x, hp, r = hc.x(layer, t), hc.h(layer, t - 1), v["r"]
    nx = x @ P["W_xn"] + P["b_n"]
    torch = net.spec.gru_variant == "torch"
    nh_t = hp @ P["W_hn"] + P["b_hn"]  # PyTorch's: r * (h W_hn + b_hn)
    nh_c = (r * hp) @ P["W_hn"]  # Cho's: (r * h) W_hn
    right, other = (r * nh_t, nh_c) if torch else (nh_c, r * nh_t)
    hs = sym.state("h", layer, t)
    Hn = sym.product("W_hn" + sfx, hs)
    where = f"r\u2299({Hn})" if torch else sym.product("W_hn" + sfx, f"(r\u2299{hs})")
    elsewhere = sym.product("W_hn" + sfx, f"(r\u2299{hs})") if torch else f"r\u2299({Hn})"
    pres = [
        (nx + other, f"applies the reset gate as {elsewhere} (the other GRU variant)", f"use {where}"),
        (nx + (nh_t if torch else hp @ P["W_hn"]), "leaves out the reset gate r", "multiply by r"),
        (right, "leaves out the input term", f"add {sym.product('W_xn' + sfx, sym.state('x', layer, t + 1))}"),
    ]
    pre = nx + right
    truth = (pre if pre_only else np.tanh(pre))[j]
    if pre_only:
        return [(p[j], what, fix) for p, what, fix in pres] + _sign(truth), "recompute the pre-activation of n"
    out = [(pre[j], "is before tanh", "apply tanh")]
    out += [(np.tanh(p)[j], what, fix) for p, what, fix in pres]
    return out + _sign(truth), f"recompute the candidate n = tanh(x W_xn + b_n + {where})"


def _gru_h(hc: HintContext, layer, t, j, truth):
    sym, v = hc.sym, hc.ctx.layers[layer][t]
    z, n = v["z"][j], v["n"][j]
    hp = hc.h(layer, t - 1)[j]
    hs = sym.state("h", layer, t)
    out = [
        (z * n + (1 - z) * hp, "swaps z and 1 \u2212 z", f"h = (1 \u2212 z)\u00b7n + z\u00b7{hs}"),
        (n, f"leaves out z\u00b7{hs}", "mix n and the previous state with z"),
        ((1 - z) * n, f"leaves out z\u00b7{hs}", f"add z\u00b7{hs}"),
        (z * hp, "leaves out (1 \u2212 z)\u00b7n", "add (1 \u2212 z)\u00b7n"),
    ]
    if t >= 1:
        hpp = hc.h(layer, t - 2)[j]
        out.append(((1 - z) * n + z * hpp, f"uses {sym.state('h', layer, t - 1)} instead of {hs}", f"use {hs}"))
    return out + _sign(truth), f"recompute (1 \u2212 z)\u00b7n + z\u00b7{hs} with this step's z and n"


def _readout(hc: HintContext, t, j, truth):
    net, sym, spec = hc.net, hc.sym, hc.net.spec
    params = net.params
    W, b = params["W_hy"], params.get("b_y", np.zeros(spec.output_size))
    top = spec.num_layers - 1
    act = spec.output_activation
    f = ACTIVATIONS[act][0]
    hs = sym.state("h", top, t + 1)
    term = sym.product("W_hy", hs)
    full = term + (f" + {sym.param('b_y')}" if "b_y" in params else "")
    h = hc.h(top, t)
    pres = []
    for dt in (-1, 1):
        if -1 <= t + dt < hc.trace.T:
            pres.append(
                (hc.h(top, t + dt) @ W + b, f"uses {sym.state('h', top, t + dt + 1)} instead of {hs}", f"use {hs}")
            )
    if spec.cell == "rnn" and spec.activation != "identity":
        a = hc.ctx.value(top, t, "a")
        name = _ACT_NAMES[spec.activation]
        pres.append((a @ W + b, f"uses {hs} before {name}", f"apply {name} to {hs} first"))
    if W.shape[0] == W.shape[1] and not np.allclose(W, W.T):
        pres.append((h @ W.T + b, f"uses {sym.product('W_hy', hs, True)} instead of {term}", f"use {term}"))
    if np.any(b != 0):
        pres.append((h @ W, f"leaves out the bias {sym.param('b_y')}", f"add {sym.param('b_y')}"))
    out = [(f(p)[j], what, fix) for p, what, fix in pres]
    if act != "identity":
        out.append(((h @ W + b)[j], f"is {full} before {_ACT_NAMES[act]}", f"apply {_ACT_NAMES[act]}"))
    return out + _sign(truth), f"recompute {full}"


def _loss(hc: HintContext, truth):
    spec = hc.net.spec
    out = []
    if spec.loss == "squared":
        out.append((2 * truth, "leaves out the \u00bd of \u00bd \u03a3 (y \u2212 target)\u00b2", "halve it"))
    elif spec.loss == "mse":
        n = int(hc.trace.scored.sum()) * (spec.output_size or 1)
        out.append(
            (truth * n / 2, "is \u00bd \u03a3 (y \u2212 target)\u00b2, not the mean", "take the mean of the squares")
        )
        out.append((truth * n, "is the sum of the squares, not their mean", "divide by their number"))
    return out + _sign(truth), "recompute the loss from the outputs and the targets of the scored steps"


def _dh(hc: HintContext, loc: Location, truth):
    g, sym, spec = hc.grads, hc.sym, hc.net.spec
    layer, t, j = loc.layer, loc.step, loc.unit
    assert layer is not None and t is not None and j is not None
    hs = sym.state("h" if loc.kind == "dh" else "c", layer, t + 1)
    if loc.kind == "dc":
        return (
            _sign(truth),
            f"recompute dL/d{hs}: what arrives through {sym.state('h', layer, t + 1)} plus what flows back from the next cell state",
        )
    direct, future = g.dh_direct[layer][t], g.dh_future[layer][t]
    came = "y" if layer == spec.num_layers - 1 else "the layer above"
    out = [
        (direct[j], f"is only the part from {came}; it leaves out what flows back from step {t + 2}", "add it"),
        (future[j], f"is only the part from step {t + 2}; it leaves out the part from {came}", "add it"),
    ]
    if spec.cell == "rnn" and t + 1 < hc.trace.T:
        sfx = layer_suffix(layer)
        Wh = hc.net[f"W_hh{sfx}"]
        dnext = g.dh[layer][t + 1]
        da = g.dpre(layer)["a"][t + 1]
        name = _ACT_NAMES[spec.activation]
        if spec.activation != "identity":
            out.append(
                (
                    direct[j] + (dnext @ Wh.T)[j],
                    f"leaves out the derivative of {name} at step {t + 2}",
                    f"multiply by {name}'",
                )
            )
        if not np.allclose(Wh, Wh.T):
            out.append(
                (direct[j] + (da @ Wh)[j], "uses the matrix where the formula has its transpose", "transpose it")
            )
    return out + _sign(truth), (
        f"recompute dL/d{hs} = (the part from {came}) + (the part flowing back from step {t + 2})"
    )


def _dw(hc: HintContext, loc: Location, truth):
    g = hc.grads
    key = loc.param
    assert key is not None
    idx = loc.index
    per = g.per_step(key)
    out = [(per[s][idx], f"is only step {s + 1}'s share", "add the shares of every step") for s in range(per.shape[0])]
    M = g.params[key]
    if M.ndim == 2 and M.shape[0] == M.shape[1] and idx[0] != idx[1]:
        out.append((M[idx[::-1]], "is the entry of the transposed matrix", "swap row and column"))
    return out + _sign(truth), "recompute the sum over every step of that step's share"


def hint(slot: str, answer: float, truth: float, cands: list, recompute: str, close: Callable) -> str:
    """The first candidate the answer matches (ignoring any that equal the truth), or what to recompute."""
    for value, what, fix in cands:
        if np.isfinite(value) and close(answer, value) and not close(value, truth):
            return f"{slot}: {fmt(answer)} {what}; {fix}"
    return f"{slot}: {fmt(answer)} is not right; {recompute}"
