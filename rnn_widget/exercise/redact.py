"""What of the trace the page may see while blanks are open (docs/protocol.md, "Exercises").

`redact(trace_json, open_locations, hide_downstream, n_layers)` returns a copy of the `trace` trait
with every open blank's value, and whatever gives it away in one step, replaced by null:

- a forward value of layer l, step t, unit j (h, a, a gate, c~, c): every value of that unit's
  computation at step t in layer l (all of them are the work the student does: a_t gives h_t
  = phi(a_t) at once). With `hide_downstream`, also all of step t + 1 in layer l, all of step t in
  layer l + 1, and the readout at step t (y_pre, y, p) for the top layer: each follows from it in
  one step (y_t = C h_t).
- an output y_t: y_pre, y and p at step t.
- any forward blank, and the loss: the loss, loss_steps and every gradient (dL/dy_t = y_t - target
  gives y_t away in one step, and everything backward starts from there).
- dL/dh_t (or dL/dc_t) of layer l: the backward values of step t in layer l (dh, dh_direct,
  dh_future, dpre, dc, the per-step share of that layer's parameters), every total dL/dW, dh0,
  the norm and the scale. With `hide_downstream`, also the backward values of step t - 1 in layer
  l and of step t in layer l - 1.
- dL/dy_t: dy at t, loss_steps and loss, per-step shares of the readout at t, the totals.
- an entry of dL/dW: that parameter's total and per-step shares, the norm and the scale.

A hidden number is null in JSON; in a packed array (docs/protocol.md, "Packed arrays") it
arrives as NaN.
"""

from __future__ import annotations

import copy

from ..core.spec import split_name
from .names import Location

_FORWARD = {"layers", "y"}


def _null_row(arr, t, j=None):
    if arr is None or not 0 <= t < len(arr):
        return
    row = arr[t]
    if j is None:
        arr[t] = [None] * len(row) if isinstance(row, list) else None
    else:
        row[j] = None


def _layer_of(name: str) -> int | None:
    """The 0-based layer a parameter belongs to; None for the readout."""
    if name in ("W_hy", "b_y"):
        return None
    return split_name(name)[1]


def _hide_backward_cell(g: dict, layer: int, t: int) -> None:
    for key in ("dh", "dh_direct", "dh_future", "dc"):
        arrs = g.get(key)
        if arrs is not None and layer < len(arrs):
            _null_row(arrs[layer], t)
    dpre = g.get("dpre")
    if dpre is not None and layer < len(dpre):
        for arr in dpre[layer].values():
            _null_row(arr, t)
    per = g.get("per_step")
    if per:
        for name, arr in per.items():
            if _layer_of(name) == layer:
                _null_row(arr, t)


def _hide_totals(g: dict) -> None:
    for name in g["params"]:
        g["params"][name] = _nulls(g["params"][name])
    g["dh0"] = [_nulls(d) for d in g["dh0"]]
    g["norm"] = None
    g["scale"] = None


def _nulls(value):
    if isinstance(value, list):
        return [_nulls(v) for v in value]
    return None


def redact(trace: dict, open_locs: list[Location], hide_downstream: bool) -> dict:
    """A copy of the `trace` trait with the open blanks and what reveals them set to null."""
    if not open_locs:
        return trace
    out = copy.deepcopy(trace)
    layers = out["layers"]
    L, T = len(layers), out["T"]
    g = out.get("grads")
    forward = any(loc.path[0] in _FORWARD for loc in open_locs)
    loss_blank = any(loc.kind == "loss" for loc in open_locs)
    if forward or loss_blank:
        out["loss"] = None
        out["loss_steps"] = None if out.get("loss_steps") is None else [None] * T
        if g is not None:
            out["grads"] = None
            g = None
    for loc in open_locs:
        t = loc.step
        if loc.path[0] == "layers":
            assert loc.layer is not None and t is not None
            layer = loc.layer
            for arr in layers[layer]["values"].values():
                _null_row(arr, t, loc.unit)
            if hide_downstream:
                for arr in layers[layer]["values"].values():
                    _null_row(arr, t + 1)
                if layer + 1 < L:
                    for arr in layers[layer + 1]["values"].values():
                        _null_row(arr, t)
                if layer == L - 1:
                    for key in ("y_pre", "y", "p"):
                        _null_row(out.get(key), t)
        elif loc.path[0] == "y":
            assert t is not None
            for key in ("y_pre", "y", "p"):
                _null_row(out.get(key), t)
        elif g is not None and loc.path[:2] in (("grads", "dh"), ("grads", "dc")):
            assert loc.layer is not None and t is not None
            _hide_backward_cell(g, loc.layer, t)
            _hide_totals(g)
            if hide_downstream:
                _hide_backward_cell(g, loc.layer, t - 1)
                if loc.layer > 0:
                    _hide_backward_cell(g, loc.layer - 1, t)
        elif g is not None and loc.path == ("grads", "dy"):
            assert t is not None
            _null_row(g.get("dy"), t)
            out["loss"] = None
            out["loss_steps"] = None if out.get("loss_steps") is None else [None] * T
            per = g.get("per_step")
            if per:
                for name in ("W_hy", "b_y"):
                    if name in per:
                        _null_row(per[name], t)
            _hide_totals(g)
            if hide_downstream:
                _hide_backward_cell(g, L - 1, t)
        elif g is not None and loc.kind == "dW":
            assert loc.param is not None
            g["params"][loc.param] = _nulls(g["params"][loc.param])
            per = g.get("per_step")
            if per and loc.param in per:
                per[loc.param] = _nulls(per[loc.param])
            g["norm"] = None
            g["scale"] = None
    return out


def hidden_everything(trace: dict) -> dict:
    """The trace with every computed number null: what the page gets before the blanks are set."""
    out = copy.deepcopy(trace)
    for lt in out["layers"]:
        lt["values"] = {k: _nulls(v) for k, v in lt["values"].items()}
    for key in ("y_pre", "y", "p", "loss_steps"):
        if out.get(key) is not None:
            out[key] = _nulls(out[key])
    out["loss"] = None
    out["grads"] = None
    return out
