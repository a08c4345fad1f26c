"""The `trace` trait as the page gets it: the core's trace JSON plus what the gradient view needs
(`trace_json`), and large numeric arrays packed as binary buffers (`pack_arrays`, `pack_params`).
No widget imports here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .core import Network
from .core.activations import softmax

if TYPE_CHECKING:
    from ._state import State


#: Per-step gradient contributions are sent to the page only up to this many numbers in all.
PER_STEP_LIMIT = 20_000
#: ||dh_T/dh_k|| is computed for the page only up to this hidden size, and only while T * hidden^2
#: stays within JACOBIAN_BUDGET (one SVD per step: beyond it an edit would wait for the chart).
JACOBIAN_MAX_HIDDEN = 64
JACOBIAN_BUDGET = 100_000


def trace_json(state: State) -> dict:
    """The `trace` trait: the core's JSON plus what the gradient view needs."""
    net, trace, grads = state.net, state.trace, state.grads
    out = trace.to_json(grads)
    if out.get("p") is None and net.spec.loss == "cross_entropy" and trace.y_pre is not None:
        out["p"] = softmax(trace.y_pre).tolist()  # the softmax over the vocabulary, also without targets
    if grads is not None:
        g = out["grads"]
        shapes = net.param_shapes
        size = trace.T * sum(int(np.prod(s)) for s in shapes.values())
        g["per_step"] = {k: grads.per_step(k).tolist() for k in shapes} if size <= PER_STEP_LIMIT else None
        g["jacobian_norms"] = [jacobian_norms(net, trace, layer) for layer in range(len(trace.layers))]
        g["truncate"] = grads.truncate
    return out


def jacobian_norms(net: Network, trace, layer: int):
    """||dh_T/dh_k|| for the page, or None when the layer is too wide, or when the numbers are
    beyond what an SVD can take (it raises LinAlgError on them): a chart is never worth a refusal."""
    T, h = trace.layers[layer].h.shape
    if h > JACOBIAN_MAX_HIDDEN or T * h * h > JACOBIAN_BUDGET:
        return None
    try:
        with np.errstate(all="ignore"):
            norms = net.jacobian_norms(trace, layer)
    except (np.linalg.LinAlgError, ValueError):
        return None
    return norms.tolist() if np.isfinite(norms).all() else None


#: Arrays with at least this many numbers travel to the page as binary float64 buffers.
PACK_MIN = 256


def pack_params(value: dict, widget=None) -> dict:
    """`params` as sent to the page: `pack_arrays` per parameter, reusing the packed form of a
    parameter whose list is the very object packed before (see `model_traits`)."""
    cache = getattr(widget, "_packed_params", None)
    out = {}
    for k, v in value.items():
        hit = cache.get(k) if cache is not None else None
        if hit is None or hit[0] is not v:
            hit = (v, pack_arrays(v))
            if cache is not None:
                cache[k] = hit
        out[k] = hit[1]
    return out


def pack_arrays(value, _widget=None):
    """The `trace` trait as sent to the page: every large numeric array (nested lists) becomes
    ``{"$packed": shape, "data": <little-endian float64 bytes>}``, which ipywidgets sends as a
    binary buffer: no float formatting in Python, no JSON parsing of numbers in the page. Small
    arrays stay plain JSON. js/data/packed.js undoes it."""
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
