"""The widget's state checks and the small helpers around them (no widget imports here).

`Draft` (the edits on top of a `State`) is in _draft.py; the `trace` trait's JSON and the packing
of arrays for the page are in _trace_json.py (imported here under their old names)."""

from __future__ import annotations

import numpy as np

from . import _batch
from ._batch import Batch
from ._trace_json import PACK_MIN as PACK_MIN
from ._trace_json import pack_arrays as pack_arrays
from ._trace_json import pack_params as pack_params
from ._trace_json import trace_json
from .core import LIMITS, Network
from .core.validate import as_sequence, backward_options

#: Exceptions a bad value can raise while a candidate state is checked: all become a TraitError
#: (from Python) or `error` (from the page), and nothing is applied.
REFUSALS = (ValueError, TypeError, KeyError, IndexError, OverflowError, np.linalg.LinAlgError)
#: The longest message shown: a message never echoes a whole input.
MESSAGE_LIMIT = 400


def message(e: Exception) -> str:
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "\u2026"


class State:
    """A checked state: the network, the inputs as given, its trace and gradients. `json` is the
    `trace` trait, computed once on first use (a commit computes it before applying anything)."""

    __slots__ = ("net", "inputs", "trace", "grads", "bptt", "_json", "batch", "_jsons")

    def __init__(self, net: Network, inputs: np.ndarray, trace, grads, bptt: dict):
        self.net, self.inputs, self.trace, self.grads, self.bptt = net, inputs, trace, grads, bptt
        self._json: dict | None = None
        #: samples 2..n of a mini-batch (_batch.py), None without one
        self.batch: Batch | None = None
        self._jsons: dict[int, dict] = {}

    @property
    def json(self) -> dict:
        if self._json is None:
            self._json = trace_json(self)
        return self._json

    @property
    def n(self) -> int:
        """Samples in the batch (1 without one)."""
        return 1 if self.batch is None else self.batch.n

    def json_for(self, sample: int) -> dict:
        """The `trace` trait following `sample` (0-based) of a batch; `json` without a batch."""
        b = self.batch
        if b is None:
            return self.json
        if sample not in self._jsons:
            bt, bg = b.trace, b.grads
            X = self.inputs if sample == 0 else b.inputs[sample - 1]
            view = State(self.net, X, bt.traces[sample], None if bg is None else bg.samples[sample], self.bptt)
            self._jsons[sample] = view.json
        return self._jsons[sample]

    @property
    def batch_json(self) -> dict:
        """The `batch_trace` trait ({} without a batch)."""
        return _batch.batch_json(self)


def check(net: Network, X, h0, c0, targets, bptt: dict | None = None) -> State:
    """Compute the trace (and gradients, with targets) of a candidate state; raises
    ValueError/TypeError if anything is invalid."""
    bptt = check_bptt(bptt or {})
    X = as_sequence("inputs", X, net.spec.input_size)
    h0 = None if h0 is None or (isinstance(h0, list) and not h0) else h0
    c0 = None if c0 is None or (isinstance(c0, list) and not c0) else c0
    check_size(net.spec, X.shape[0])
    with one_blas_thread():
        trace, grads = run(net, X, h0, c0, targets, bptt)
        check_finite(trace, grads)
        state = State(net, X, trace, grads, bptt)
        _ = state.json  # everything that can fail is computed before anything is applied
    return state


_blas = None


def one_blas_thread():
    """A context in which numpy's BLAS runs on one thread. The widget's matrices are at most 256
    wide, where BLAS threads cost more than they give, and they fight the browser and the
    server for the cores: at the largest size the limits allow, an edit's forward and backward
    took 28-48 ms with OpenBLAS's two threads on a busy 2-core machine and 1.3 ms with one
    (benchmarks/README.md). Only the widget's own computations are limited (threadpoolctl)."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def check_size(spec, T: int) -> None:
    """Refuse a network whose state would not travel to the page in one message: the params and
    the trace of every edit go in one websocket message, and a big one makes every edit slow.
    See LIMITS (core/spec.py) and the README's "Limits"."""
    n_params = sum(int(np.prod(s)) for s in spec.param_shapes().values())
    if n_params > LIMITS["max_params"]:
        raise ValueError(
            f"this network has {n_params:,} parameters; at most {LIMITS['max_params']:,} can be shown "
            "and edited (make it smaller: fewer hidden units, inputs or layers)"
        )
    n_trace = size_of_trace(spec, T)
    if n_trace > LIMITS["max_trace"]:
        raise ValueError(
            f"{T} steps of this network make a trace of about {n_trace:,} numbers; at most "
            f"{LIMITS['max_trace']:,} can be shown (use fewer steps, hidden units or layers)"
        )


def size_of_trace(spec, T: int) -> int:
    """About how many numbers the trace of one sequence of T steps holds (README "Limits")."""
    return T * sum(spec.hidden_sizes) * {"rnn": 4, "gru": 14, "lstm": 13}[spec.cell]


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
            raise ValueError(
                f"{what} overflows to infinity or NaN with these values; "
                "expected numbers small enough to compute (try smaller weights or inputs)"
            )


def check_bptt(bptt) -> dict:
    if not isinstance(bptt, dict):
        raise TypeError(f"bptt must be a dict with clip_norm and truncate, got {bptt!r}")
    unknown = set(bptt) - {"clip_norm", "truncate"}
    if unknown:
        raise ValueError(f"bptt has unknown option(s) {sorted(unknown)}; expected clip_norm and truncate")
    clip, trunc = backward_options(bptt.get("clip_norm"), bptt.get("truncate"))
    return {"clip_norm": clip, "truncate": trunc}


def slide_count(trace) -> int:
    """Slides of the step-through (docs/protocol.md): slide 0, then per step one per layer and
    one for y_t where it is shown."""
    per_step = len(trace.layers)
    n = 1 + trace.T * per_step
    if trace.y is not None:
        n += int(trace.scored.sum()) if trace.spec.mode != "many-to-many" else trace.T
    return n


def model_traits(state: State, names=None, lists: dict | None = None) -> dict:
    """The editable traits as `state` holds them (plain lists), all of them or just `names`.

    `lists` (name -> (array, list)) keeps the list of each parameter while its array is the
    same object (a network's arrays are read-only and replaced on change): an edit of one entry
    then makes one new list, and comparing and packing the others is an identity check."""
    net, trace = state.net, state.trace

    def params() -> dict:
        out = {}
        for k, arr in net.snapshot().items():
            cached = lists.get(k) if lists is not None else None
            if cached is None or cached[0] is not arr:
                cached = (arr, arr.tolist())
                if lists is not None:
                    lists[k] = cached
            out[k] = cached[1]
        return out

    make = {
        "spec": lambda: net.spec.to_dict(),
        "params": params,
        "inputs": lambda: state.inputs.tolist(),
        "h0": lambda: [lt.h0.tolist() for lt in trace.layers],
        "c0": lambda: [lt.c0.tolist() for lt in trace.layers] if net.spec.cell == "lstm" else [],
        "targets": lambda: None if trace.targets is None else trace.targets.tolist(),
        "bptt": lambda: dict(state.bptt),
        "batch_inputs": lambda: [] if state.batch is None else [x.tolist() for x in state.batch.inputs],
        "batch_targets": lambda: (
            None if state.batch is None or state.batch.targets is None else [tg.tolist() for tg in state.batch.targets]
        ),
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


def blank_targets(T: int, width: int, loss: str) -> np.ndarray:
    """Targets for T steps that a person then edits: zeros, or class 0 (a one-hot row) for
    cross-entropy, whose targets must be probability rows."""
    out = np.zeros((T, width))
    if loss == "cross_entropy":
        out[:, 0] = 1.0
    return out


def retime_targets(targets, old_T, new_T, spec):
    """Targets after the sequence grew or shrank: many-to-one keeps the last step's target on
    the new last step (encoder-decoder its decoder steps' targets on the new last steps); otherwise rows are cut or padded (with zeros, or class 0 for cross-entropy)."""
    try:
        arr = np.asarray(targets, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return targets
    if arr.ndim != 2 or arr.shape[0] != old_T or new_T < 1:
        return targets
    out = blank_targets(new_T, arr.shape[1], spec.loss)
    if spec.mode in ("many-to-one", "encoder-decoder"):
        k = min(1 if spec.mode == "many-to-one" else spec.decoder_steps, old_T, new_T)
        out[new_T - k :] = arr[old_T - k :]  # the scored steps are the last ones: keep them there
    else:
        n = min(old_T, new_T)
        out[:n] = arr[:n]
    return out


def pad_layers(states, spec):
    states = list(states or [])
    return (states + [[]] * spec.num_layers)[: spec.num_layers]


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
    out: list[str] = []
    for name in names:
        if name.startswith("W_h") and name != "W_hy" and out and out[-1] == "W_x" + name[3:]:
            out.insert(len(out) - 1, name)
        else:
            out.append(name)
    return out
