"""The widget's state checks and the small helpers around them (no widget imports here)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _batch
from ._batch import Batch
from .core import LIMITS, Network, Spec
from .core.activations import softmax
from .core.validate import NUMBER_LIMIT, _is_number, as_sequence, backward_options, short

#: Exceptions a bad value can raise while a candidate state is checked: all become a TraitError
#: (from Python) or `error` (from the page), and nothing is applied.
REFUSALS = (ValueError, TypeError, KeyError, IndexError, OverflowError, np.linalg.LinAlgError)
#: The longest message shown: a message never echoes a whole input.
MESSAGE_LIMIT = 400


def message(e: Exception) -> str:
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "\u2026"


#: Per-step gradient contributions are sent to the page only up to this many numbers in all.
PER_STEP_LIMIT = 20_000
#: ||dh_T/dh_k|| is computed for the page only up to this hidden size, and only while T * hidden^2
#: stays within JACOBIAN_BUDGET (one SVD per step: beyond it an edit would wait for the chart).
JACOBIAN_MAX_HIDDEN = 64
JACOBIAN_BUDGET = 100_000


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


class Draft:
    """A state being edited: start from the current `State` (or defaults), apply edits, then
    `check()` computes and checks everything at once. Nothing here touches the widget, so a
    refused edit leaves no trace; the current network is copied before its first change."""

    def __init__(self, net: Network, inputs, h0=None, c0=None, targets=None, bptt=None):
        self.net, self.inputs, self.h0, self.c0, self.targets = net, inputs, h0, c0, targets
        self.bptt = dict(bptt or {"clip_norm": None, "truncate": None})
        self._own_net = False
        #: samples 2..n of a mini-batch (_batch.py); batch_given: assigned in this draft (checked
        #: as given) rather than carried over (then cut or padded to the new steps and sizes)
        self.batch_inputs: Any = []
        self.batch_targets: Any = None
        self.batch_given: set[str] = set()

    @classmethod
    def of(cls, state: State) -> Draft:
        layers = state.trace.layers
        lstm = state.net.spec.cell == "lstm"
        targets = state.trace.targets
        draft = cls(
            state.net,
            state.inputs,
            [lt.h0 for lt in layers],
            [lt.c0 for lt in layers] if lstm else None,
            None if targets is None else targets.copy(),
            state.bptt,
        )
        if state.batch is not None:
            draft.batch_inputs = list(state.batch.inputs)
            draft.batch_targets = None if state.batch.targets is None else list(state.batch.targets)
        return draft

    def _net(self) -> Network:
        if not self._own_net:
            self.net, self._own_net = self.net.copy(), True
        return self.net

    # -- whole values (trait assignments) -------------------------------------------------
    def set_spec(self, value) -> None:
        spec = Spec.from_dict(value)
        T = _steps(self.inputs)
        self.net, self._own_net = self.net.with_spec(spec), True
        self.inputs = fit(self.inputs, (T, spec.input_size))
        self.h0 = [fit(h, (n,)) for h, n in zip(pad_layers(self.h0, spec), spec.hidden_sizes)]
        self.c0 = (
            [fit(c, (n,)) for c, n in zip(pad_layers(self.c0, spec), spec.hidden_sizes)]
            if spec.cell == "lstm"
            else None
        )
        if self.targets is not None and spec.output_size is not None:
            self.targets = fit_targets(self.targets, spec)
        else:
            self.targets = None

    def set_params(self, value) -> None:
        if not isinstance(value, dict):
            raise TypeError(f"params must be a dict of name -> values, got {type(value).__name__}")
        missing = set(self.net.param_shapes) - set(value)
        if missing:
            raise ValueError(f"params is missing {sorted(missing)}; expected every parameter of the network")
        self._net().set_params(value)

    def set_inputs(self, value) -> None:
        old_T = _steps(self.inputs)
        if self.targets is not None and isinstance(value, (list, np.ndarray)) and len(value) != old_T:
            self.targets = retime_targets(self.targets, old_T, len(value), self.net.spec)
        self.inputs = value

    def set(self, name: str, value) -> None:
        """A whole trait: spec, params, inputs, h0, c0, targets or bptt."""
        if name == "spec":
            self.set_spec(value)
        elif name == "params":
            self.set_params(value)
        elif name == "inputs":
            self.set_inputs(value)
        elif name == "bptt":
            self.bptt = value
        elif name in ("batch_inputs", "batch_targets"):
            setattr(self, name, list(value) if isinstance(value, (list, tuple, np.ndarray)) else value)
            self.batch_given.add(name)
        else:
            setattr(self, name, value)

    # -- entries (the page's edit messages, sliders) ---------------------------------------
    def edit(self, edit) -> str:
        """Apply one entry edit (docs/protocol.md, "Edits carry what changed"); returns the field
        it was about (a parameter name, "inputs", "h0", "c0" or "targets")."""
        if not isinstance(edit, dict):
            raise TypeError(
                f"an edit must be a dict such as {{'field': 'params', 'name': 'W_hh', 'index': [0, 1], "
                f"'value': 2.0}}, got {short(edit)}"
            )
        field = edit.get("field")
        if field in ("batch_inputs", "batch_targets"):
            return _batch.edit(self, edit)
        if field == "inputs" and "steps" in edit:
            n = edit["steps"]
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= LIMITS["max_steps"]:
                raise ValueError(f"steps must be a whole number from 1 to {LIMITS['max_steps']}, got {short(n)}")
            X = as_sequence("inputs", self.inputs, self.net.spec.input_size)
            self.set_inputs(fit(X, (n, X.shape[1])))
            return "inputs"
        if field == "targets" and "on" in edit:
            on = edit["on"]
            if not isinstance(on, bool):
                raise ValueError(f"targets 'on' must be true or false, got {short(on)}")
            spec = self.net.spec
            width = spec.output_size if spec.output_size is not None else spec.hidden_sizes[-1]
            self.targets = blank_targets(_steps(self.inputs), width, spec.loss) if on else None
            return "targets"
        value: Any = edit.get("value")
        if not _is_number(value) or abs(value) > NUMBER_LIMIT:
            raise ValueError(
                f"{field}: {short(value)} is not a number the page can take; expected a finite number "
                f"between -{NUMBER_LIMIT:g} and {NUMBER_LIMIT:g}"
            )
        value = float(value)
        index = edit.get("index")
        if field == "params":
            key = self.net.canonical(edit.get("name"))  # type: ignore[arg-type]  # canonical refuses non-text
            arr = self.net[key]
            arr[_index(key, index, arr.shape)] = value
            self._net().set_params({key: arr})
            return key
        if field in ("inputs", "targets"):
            if field == "targets" and self.targets is None:
                raise ValueError("there are no targets to edit; add targets first")
            arr = np.array(self.inputs if field == "inputs" else self.targets, dtype=float)
            if arr.ndim == 1:
                arr = arr.reshape(-1, 1)
            arr[_index(field, index, arr.shape)] = value
            if field == "inputs":
                self.inputs = arr
            else:
                self.targets = arr
            return field
        if field in ("h0", "c0"):
            spec = self.net.spec
            if field == "c0" and spec.cell != "lstm":
                raise ValueError(f"c0 is the LSTM cell state; this is a {spec.cell} network")
            states = [
                np.zeros(n) if v is None else np.array(v, dtype=float)
                for v, n in zip(pad_layers(getattr(self, field), spec), spec.hidden_sizes)
            ]
            if not isinstance(index, list) or len(index) != 2:
                raise ValueError(f"{field} index must be [layer, entry], got {short(index)}")
            layer = _index(f"{field} layer", index[:1], (len(states),))[0]
            states[layer][_index(f"{field}[{layer}]", index[1:], states[layer].shape)] = value
            setattr(self, field, states)
            return field
        raise ValueError(f"unknown edit field {short(field)}; expected 'params', 'inputs', 'h0', 'c0' or 'targets'")

    def check(self) -> State:
        state = check(self.net, self.inputs, self.h0, self.c0, self.targets, self.bptt)
        if self.batch_inputs is None or (isinstance(self.batch_inputs, list) and not self.batch_inputs):
            if self.batch_targets and "batch_targets" in self.batch_given:
                raise ValueError("batch_targets are given without batch_inputs; expected one entry per extra sample")
            return state
        _batch.conform(self, state.trace.T)
        return _batch.with_batch(state, self.batch_inputs, self.batch_targets)


def _steps(X) -> int:
    return len(X) if isinstance(X, (list, np.ndarray)) else 0


def _index(what: str, index, shape) -> tuple:
    """A checked index into an array of `shape`: whole numbers, one per axis, within range."""
    if (
        not isinstance(index, (list, tuple))
        or len(index) != len(shape)
        or any(isinstance(i, bool) or not isinstance(i, int) for i in index)
    ):
        raise ValueError(f"{what}: index {short(index)} must be {len(shape)} whole number(s)")
    if any(not 0 <= i < n for i, n in zip(index, shape)):
        raise IndexError(f"{what}: index {list(index)} is outside its shape {tuple(shape)}")
    return tuple(index)
