"""The widget's state checks and the small helpers around them (no widget imports here)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .core import Network
from .core.validate import as_sequence, backward_options


def message(e: Exception) -> str:
    return e.args[0] if isinstance(e, KeyError) and e.args else str(e)


#: Per-step gradient contributions are sent to the page only up to this many numbers in all.
PER_STEP_LIMIT = 20_000
#: ||dh_T/dh_k|| is computed for the page only up to this hidden size.
JACOBIAN_MAX_HIDDEN = 64


class State(NamedTuple):
    net: Network
    inputs: np.ndarray   # the inputs as given (one-to-many ignores steps after the first)
    trace: object
    grads: object
    bptt: dict


def check(net: Network, X, h0, c0, targets, bptt: dict | None = None) -> State:
    """Compute the trace (and gradients, with targets) of a candidate state; raises
    ValueError/TypeError if anything is invalid."""
    bptt = check_bptt(bptt or {})
    X = as_sequence("inputs", X, net.spec.input_size)
    h0 = None if h0 is None or (isinstance(h0, list) and not h0) else h0
    c0 = None if c0 is None or (isinstance(c0, list) and not c0) else c0
    trace, grads = run(net, X, h0, c0, targets, bptt)
    check_finite(trace, grads)
    return State(net, X, trace, grads, bptt)


def run(net: Network, X, h0, c0, targets, bptt: dict):
    """Forward, and backward when there is a loss; overflow is left for the caller to judge."""
    with np.errstate(over="ignore", invalid="ignore"):
        trace = net.forward(X, h0, c0, targets)
        grads = net.backward(trace, **bptt) if trace.loss is not None else None
    return trace, grads


def check_finite(trace, grads) -> None:
    """Refuse a state whose numbers overflow: the page could not show them (JSON has no inf)."""
    parts = [(f"layer {i + 1} {k}", v) for i, lt in enumerate(trace.layers) for k, v in lt.values.items()]
    parts += [("y", trace.y), ("loss", trace.loss)]
    if grads is not None:
        parts += [(f"dL/d{k}", v) for k, v in grads.params.items()] + [("gradient norm", grads.norm)]
    for what, value in parts:
        if value is not None and not np.isfinite(value).all():
            raise ValueError(f"{what} overflows to infinity or NaN with these values; "
                             "expected numbers small enough to compute (try smaller weights or inputs)")


def check_bptt(bptt) -> dict:
    if not isinstance(bptt, dict):
        raise TypeError(f"bptt must be a dict with clip_norm and truncate, got {bptt!r}")
    unknown = set(bptt) - {"clip_norm", "truncate"}
    if unknown:
        raise ValueError(f"bptt has unknown option(s) {sorted(unknown)}; expected clip_norm and truncate")
    clip, trunc = backward_options(bptt.get("clip_norm"), bptt.get("truncate"))
    return {"clip_norm": clip, "truncate": trunc}


def trace_json(state: State) -> dict:
    """The `trace` trait: the core's JSON plus what the gradient view needs."""
    net, trace, grads = state.net, state.trace, state.grads
    out = trace.to_json(grads)
    if grads is not None:
        g = out["grads"]
        shapes = net.param_shapes
        size = trace.T * sum(int(np.prod(s)) for s in shapes.values())
        g["per_step"] = ({k: grads.per_step(k).tolist() for k in shapes} if size <= PER_STEP_LIMIT else None)
        g["jacobian_norms"] = [
            net.jacobian_norms(trace, layer).tolist() if lt.h.shape[1] <= JACOBIAN_MAX_HIDDEN else None
            for layer, lt in enumerate(trace.layers)]
        g["truncate"] = grads.truncate
    return out


def slide_count(trace) -> int:
    """Slides of the step-through (docs/protocol.md): slide 0, then per step one per layer and
    one for y_t where it is shown."""
    per_step = len(trace.layers)
    n = 1 + trace.T * per_step
    if trace.y is not None:
        n += int(trace.scored.sum()) if trace.spec.mode != "many-to-many" else trace.T
    return n


def model_traits(state: State, names=None) -> dict:
    """The editable traits as `state` holds them (plain lists), all of them or just `names`."""
    net, trace = state.net, state.trace
    make = {
        "spec": lambda: net.spec.to_dict(),
        "params": lambda: {k: v.tolist() for k, v in net.params.items()},
        "inputs": lambda: state.inputs.tolist(),
        "h0": lambda: [lt.h0.tolist() for lt in trace.layers],
        "c0": lambda: [lt.c0.tolist() for lt in trace.layers] if net.spec.cell == "lstm" else [],
        "targets": lambda: None if trace.targets is None else trace.targets.tolist(),
        "bptt": lambda: dict(state.bptt),
    }
    return {k: make[k]() for k in (names or make)}


def fit(arr, shape):
    """Pad with zeros or cut `arr` to `shape`."""
    out = np.zeros(shape)
    arr = np.asarray(arr, dtype=float)
    if arr.ndim != len(shape):
        return out
    block = tuple(slice(0, min(a, b)) for a, b in zip(arr.shape, shape))
    out[block] = arr[block]
    return out


def retime_targets(targets, old_T, new_T, mode):
    """Targets after the sequence grew or shrank: many-to-one keeps the last step's target on
    the new last step; otherwise rows are cut or padded with zeros."""
    arr = np.asarray(targets, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != old_T:
        return targets
    if mode == "many-to-one":
        out = np.zeros((new_T, arr.shape[1]))
        out[-1] = arr[-1]
        return out.tolist()
    return fit(arr, (new_T, arr.shape[1])).tolist()


def pad_layers(states, spec):
    states = list(states or [])
    return (states + [[]] * spec.num_layers)[:spec.num_layers]


def fit_targets(targets, spec):
    arr = np.asarray(targets, dtype=float)
    if arr.ndim != 2:
        return None
    return fit(arr, (arr.shape[0], spec.output_size)).tolist()


def changed_param(old: dict, new) -> str:
    if not isinstance(new, dict):
        return ""
    for k, v in new.items():
        if old.get(k) != v:
            return k
    return ""


def param_order(shapes: dict, convention: str) -> list:
    """Display order: layer by layer, readout last. The column form writes A h + B x, so the
    recurrent matrix of each gate comes before the input one (A, B, C); the row form writes
    x W_xh + h W_hh and keeps the input matrix first."""
    names = list(shapes)
    if convention != "column":
        return names
    out = []
    for name in names:
        if name.startswith("W_h") and name != "W_hy" and out and out[-1] == "W_x" + name[3:]:
            out.insert(len(out) - 1, name)
        else:
            out.append(name)
    return out


#: Arrays with at least this many numbers travel to the page as binary float64 buffers.
PACK_MIN = 256


def pack_arrays(value, _widget=None):
    """The `trace` trait as sent to the page: every large numeric array (nested lists) becomes
    ``{"$packed": shape, "data": <little-endian float64 bytes>}``, which ipywidgets sends as a
    binary buffer: no float formatting in Python, no JSON parsing of numbers in the page. Small
    arrays stay plain JSON. js/packed.js undoes it."""
    if isinstance(value, dict):
        return {k: pack_arrays(v) for k, v in value.items()}
    if isinstance(value, list) and value:
        first = value[0]
        if isinstance(first, (list, float, int)) and not isinstance(first, bool):
            try:
                arr = np.asarray(value, dtype="<f8")
            except (TypeError, ValueError):
                arr = None
            if arr is not None and arr.ndim >= 1 and arr.size >= PACK_MIN:
                return {"$packed": list(arr.shape), "data": memoryview(np.ascontiguousarray(arr).tobytes())}
            if arr is not None:
                return value
        return [pack_arrays(v) for v in value]
    return value
