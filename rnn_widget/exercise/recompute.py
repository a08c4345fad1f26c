"""The forward pass again, step by step, with some values replaced by a student's answers.

Follow-through marking checks a later blank against what it would be if the student's own
earlier answers were right: ``forward_with(net, trace, subs)`` recomputes every value in the
order a person computes them by hand, putting a substituted entry in place as soon as it is
computed. With no substitutions it equals `Network.forward` (tests/test_exercise_recompute.py).
"""

from __future__ import annotations

import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.losses import loss_and_grad
from ..core.spec import layer_suffix

#: (layer or None for the readout, 0-based step, trace key) -> {entry: value}
Subs = dict


def sigmoid(a):
    return ACTIVATIONS["sigmoid"][0](a)


def layer_params(net, layer: int) -> dict:
    """The layer's parameters by their bare names (W_xh, W_hh, b_h, ...), zero where absent."""
    sfx, spec = layer_suffix(layer), net.spec
    h = spec.hidden_sizes[layer]
    params = net.params
    out = {}
    for name in spec.param_shapes():
        if name.endswith(sfx) and (sfx or "@" not in name) and name not in ("W_hy", "b_y"):
            out[name[: len(name) - len(sfx)] if sfx else name] = params[name]
    for g in {"rnn": "h", "lstm": "ifco", "gru": "rzn"}[spec.cell]:
        out.setdefault(f"b_{g}", np.zeros(h))
    if spec.cell == "gru":
        out.setdefault("b_hn", np.zeros(h))
    return out


def step(cell: str, option: str, P: dict, x, hp, cp, sub) -> dict:
    """One step of one layer; ``sub(key, vec)`` returns vec with any substituted entries."""
    if cell == "rnn":
        xw, hw = x @ P["W_xh"], hp @ P["W_hh"]
        a = sub("a", xw + hw + P["b_h"])
        return {"xw": xw, "hw": hw, "a": a, "h": sub("h", ACTIVATIONS[option][0](a))}
    if cell == "lstm":
        v = {f"z_{g}": sub(f"z_{g}", x @ P[f"W_x{g}"] + hp @ P[f"W_h{g}"] + P[f"b_{g}"]) for g in "ifco"}
        v["i"], v["f"], v["o"] = (sub(g, sigmoid(v[f"z_{g}"])) for g in "ifo")
        v["c_tilde"] = sub("c_tilde", np.tanh(v["z_c"]))
        v["c"] = sub("c", v["f"] * cp + v["i"] * v["c_tilde"])
        v["tanh_c"] = np.tanh(v["c"])
        v["h"] = sub("h", v["o"] * v["tanh_c"])
        return v
    v = {f"z_{g}": sub(f"z_{g}", x @ P[f"W_x{g}"] + hp @ P[f"W_h{g}"] + P[f"b_{g}"]) for g in "rz"}
    v["r"], v["z"] = sub("r", sigmoid(v["z_r"])), sub("z", sigmoid(v["z_z"]))
    v["n_x"] = x @ P["W_xn"] + P["b_n"]
    if option == "torch":
        v["n_h"] = hp @ P["W_hn"] + P["b_hn"]
        v["z_n"] = sub("z_n", v["n_x"] + v["r"] * v["n_h"])
    else:
        v["rh"] = v["r"] * hp
        v["n_h"] = v["rh"] @ P["W_hn"]
        v["z_n"] = sub("z_n", v["n_x"] + v["n_h"])
    v["n"] = sub("n", np.tanh(v["z_n"]))
    v["h"] = sub("h", (1.0 - v["z"]) * v["n"] + v["z"] * hp)
    return v


class Recomputed:
    """Per layer a list of per-step value dicts, and the readout ``y_pre``, ``y`` (T, out) and ``loss``."""

    def __init__(self, layers, y_pre, y, loss):
        self.layers, self.y_pre, self.y, self.loss = layers, y_pre, y, loss

    def value(self, layer: int, t: int, key: str) -> np.ndarray:
        return self.layers[layer][t][key]

    def h(self, layer: int, t: int, h0) -> np.ndarray:
        """h_t of a layer, 0-based; t = -1 is h0."""
        return h0 if t < 0 else self.layers[layer][t]["h"]


def forward_with(net, trace, subs: Subs | None = None) -> Recomputed:
    subs = subs or {}
    spec = net.spec
    option = spec.gru_variant if spec.cell == "gru" else spec.activation
    layers = []
    inputs = [trace.x[t] for t in range(trace.T)]
    for layer, lt in enumerate(trace.layers):
        P = layer_params(net, layer)
        hp, cp = lt.h0, lt.c0 if lt.c0 is not None else np.zeros_like(lt.h0)
        steps = []
        for t in range(trace.T):

            def sub(key, vec, _t=t, _layer=layer):
                given = subs.get((_layer, _t, key))
                if not given:
                    return vec
                vec = np.array(vec, dtype=float)
                for j, value in given.items():
                    vec[j] = value
                return vec

            v = step(spec.cell, option, P, inputs[t], hp, cp, sub)
            steps.append(v)
            hp, cp = v["h"], v.get("c", cp)
        layers.append(steps)
        inputs = [v["h"] for v in steps]
    y_pre = y = None
    loss = None
    if spec.output_size is not None:
        params = net.params
        H = np.array(inputs)
        y_pre = H @ params["W_hy"] + params.get("b_y", 0.0)
        y = ACTIVATIONS[spec.output_activation][0](y_pre)
        for (layer, t, key), given in subs.items():
            if layer is None and key == "y":
                for j, value in given.items():
                    y[t, j] = value
    if trace.targets is not None:
        out = y if y is not None else np.array(inputs)
        pre = y_pre if y_pre is not None else out
        n = int(trace.scored.sum())
        loss = loss_and_grad(spec.loss, pre, out, trace.targets, trace.scored, n_scored=n)[0]
    return Recomputed(layers, y_pre, y, loss)
