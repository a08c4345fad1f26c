"""The fuzz test's oracle: what an edit must do (Expect), and the model an accepted edit must leave."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from rnn_widget import _batch, _state
from rnn_widget.core import LIMITS, Network, Spec

from .mirror import describe_difference
from .values import (
    Missing,
    json_number_ok,
)


@dataclass
class Expect:
    """What an edit must do. verdict: accept / refuse / either / control (training requests:
    no snapshot checks). `expected` is a list of alternative expected model states (dicts of
    numpy values; a missing key is not checked); `strict_error`: an accepted page edit must clear
    `error`."""

    source: str
    what: str
    verdict: str = "either"
    model: bool = True
    expected: list | None = None
    overflow_ok: bool = False  # a refusal because numbers overflow is fine too
    ack: str | None = None
    ping: str | None = None
    message: object = None  # the message or value, for the report
    effect: object = None  # extra callable(w) -> "" or a problem, when accepted
    always: object = None  # callable(w) -> "" or a problem, whatever the outcome
    error_field: str | None = None  # what error_field must say after a refusal (None: not checked)


@dataclass
class Violation:
    seed: int
    index: int
    kind: str
    what: str
    detail: str


@dataclass
class Tally:
    edits: int = 0
    accepted: int = 0
    refused: int = 0
    by_kind: dict = field(default_factory=dict)
    trainings: int = 0
    edits_while_training: int = 0
    widgets: int = 0
    packed: int = 0
    lenient_echoes: int = 0


class Capture(logging.Handler):
    """Exceptions the comm handler and the callback dispatcher swallow (they log them)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


# -- the state of a widget as plain numpy, and the oracle --------------------------------------
def internal(w):
    """The model as Python holds it (training moves it ahead of the traits between publications)."""
    st = w._state
    lstm = st.net.spec.cell == "lstm"
    layers = st.trace.layers
    return {
        "spec": st.net.spec,
        "params": {k: np.array(v, dtype=float) for k, v in st.net.params.items()},
        "inputs": np.array(st.inputs, dtype=float),
        "h0": [np.array(lt.h0, dtype=float) for lt in layers],
        "c0": [np.array(lt.c0, dtype=float) for lt in layers] if lstm else None,
        "targets": None if st.trace.targets is None else np.array(st.trace.targets, dtype=float),
        "bptt": dict(st.bptt),
    }


def expected_from(spec, params, X, h0, c0, targets, bptt):
    """Check a candidate state the way the widget must; the expected traits, or raises."""
    net = Network(spec, {k: v for k, v in params.items()})
    st = _state.check(net, X, h0, c0, targets, bptt)
    lstm = spec.cell == "lstm"
    return {
        "params": {k: np.asarray(v, float) for k, v in net.params.items()},
        "inputs": np.asarray(st.inputs, float),
        "h0": [np.asarray(lt.h0, float) for lt in st.trace.layers],
        "c0": [np.asarray(lt.c0, float) for lt in st.trace.layers] if lstm else [],
        "targets": None if st.trace.targets is None else np.asarray(st.trace.targets, float),
    }


def matches(w, exp):
    """'' when the widget's traits hold `exp` exactly, else the first difference."""
    for k, v in exp.items():
        got = getattr(w, "targets" if k == "targets_rows" else k)
        if k == "params":
            if set(got) != set(v):
                return f"params names {sorted(got)} vs expected {sorted(v)}"
            for name, arr in v.items():
                g = np.asarray(got[name], float)
                if g.shape != arr.shape or not np.array_equal(g, arr):
                    return f"params[{name}] = {str(got[name])[:120]} vs expected {str(arr.tolist())[:120]}"
        elif k in ("batch_inputs", "batch_targets"):
            if v is None or got is None:
                if (v is None) != (got is None) and not (v is None and got == []):
                    return f"{k} = {str(got)[:120]}; expected {None if v is None else len(v)}"
            elif len(got) != len(v) or any(
                np.asarray(a, float).shape != b.shape or not np.array_equal(np.asarray(a, float), b)
                for a, b in zip(got, v)
            ):
                return f"{k} = {str(got)[:120]} vs expected {str([x.tolist() for x in v])[:120]}"
        elif k in ("h0", "c0"):
            if len(got) != len(v) or any(not np.array_equal(np.asarray(a, float), b) for a, b in zip(got, v)):
                return f"{k} = {str(got)[:120]} vs expected {str([x.tolist() for x in v])[:120]}"
        elif k == "targets_rows":
            if v is None:
                if got is not None:
                    return f"targets = {str(got)[:80]}; expected None"
            elif got is None or len(got) != v:
                return f"targets has {None if got is None else len(got)} rows; expected {v}"
        elif v is None:
            if got is not None:
                return f"{k} = {str(got)[:120]}; expected None"
        else:
            g = None if got is None else np.asarray(got, float)
            if g is None or g.shape != v.shape or not np.array_equal(g, v):
                return f"{k} = {str(got)[:120]} vs expected {str(v.tolist())[:120]}"
    return ""


def retime(Y, new_T, spec):
    """Targets after the inputs grew or shrank (the page's "steps" edit): rows kept where they
    still exist; many-to-one keeps its scored (last) row on the new last step."""
    if Y is None:
        return None
    out = np.zeros((new_T, Y.shape[1]))
    if spec.loss == "cross_entropy":
        out[:, 0] = 1.0
    if spec.mode == "many-to-one":
        out[-1] = Y[-1]
    elif spec.mode == "encoder-decoder":  # the scored (decoder) steps are the last ones
        k = min(spec.decoder_steps, len(Y), new_T)
        out[new_T - k :] = Y[len(Y) - k :]
    else:
        n = min(len(Y), new_T)
        out[:n] = Y[:n]
    return out


def oracle_edits(w, edits):
    """What an edit message must do: ("refuse", why) or ("accept"/"either", [expected states])."""
    cur = internal(w)
    spec = cur["spec"]
    P, X, H0, C0, Y = cur["params"], cur["inputs"], cur["h0"], cur["c0"], cur["targets"]
    P = {k: v.copy() for k, v in P.items()}
    X, H0 = X.copy(), [h.copy() for h in H0]
    C0 = None if C0 is None else [c.copy() for c in C0]
    Y = None if Y is None else Y.copy()
    loose_targets = False
    verdict = "accept"
    if not isinstance(edits, list) or not edits:
        return "refuse", "edits must be a non-empty list"
    for e in edits:
        if not isinstance(e, dict):
            return "refuse", "an edit that is not a dict"
        f = e.get("field")
        if "steps" in e:
            n = e["steps"]
            if f != "inputs" or isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= LIMITS["max_steps"]:
                return "refuse", f"steps {n!r}"
            old = X
            X = np.zeros((n, spec.input_size))
            X[: min(n, len(old))] = old[: min(n, len(old))]
            if Y is not None and n != len(old):  # the same steps: the targets stay as they are
                Y = retime(Y, n, spec)
                # the scored steps' targets of many-to-one and encoder-decoder are checked exactly
                loose_targets = loose_targets or spec.mode not in ("many-to-one", "encoder-decoder")
            continue
        if "on" in e:
            on = e["on"]
            if f != "targets" or not isinstance(on, bool):
                return "refuse", f"targets on {on!r}"
            if not on:
                Y = None
            elif Y is None:
                Y = np.zeros((len(X), spec.output_size or spec.hidden_sizes[-1]))  # no readout: targets for h
                if spec.loss == "cross_entropy":
                    Y[:, 0] = 1.0
            else:
                verdict = "either"  # on while on: unchanged (or fresh blanks)
                loose_targets = True
            continue
        v = e.get("value", Missing())
        idx = e.get("index")
        if not json_number_ok(v):
            return "refuse", f"value {v!r}"
        if not isinstance(idx, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in idx):
            return "refuse", f"index {idx!r}"
        if f == "params":
            name = e.get("name")
            if not isinstance(name, str) or name not in P:
                return "refuse", f"name {name!r}"
            arr = P[name]
        elif f == "inputs":
            arr = X
        elif f == "targets":
            if Y is None:
                return "refuse", "a target entry without targets"
            arr = Y
        elif f in ("h0", "c0"):
            states = H0 if f == "h0" else C0
            if states is None:
                return "refuse", "c0 on a cell without a cell state"
            if len(idx) != 2 or not 0 <= idx[0] < len(states) or not 0 <= idx[1] < states[idx[0]].shape[0]:
                return "refuse", f"{f} index {idx!r}"
            states[idx[0]][idx[1]] = v
            continue
        else:
            return "refuse", f"field {f!r}"
        if len(idx) != arr.ndim or any(not 0 <= i < n for i, n in zip(idx, arr.shape)):
            return "refuse", f"{f} index {idx!r} for shape {arr.shape}"
        arr[tuple(idx)] = v
    try:
        exp = expected_from(spec, P, X, H0, C0, Y, cur["bptt"])
    except _state.REFUSALS as e:
        return "refuse", f"check: {e}"
    if loose_targets:
        exp["targets_rows"] = None if exp["targets"] is None else len(exp["targets"])
        del exp["targets"]
    return verdict, [exp]


def try_check(cur, X, Y, extra, extra_targets):
    """The candidate state checked the way the widget checks it; None when it is refused."""
    spec = cur["spec"]
    try:
        net = Network(spec, cur["params"])
        st = _state.check(net, X, cur["h0"], cur["c0"], Y, cur["bptt"])
        if extra:
            st = _batch.with_batch(st, list(extra), extra_targets)
    except _state.REFUSALS:
        return None
    return st


def recompute_trace(w):
    """The trace of the widget's traits, computed afresh through a new Network (with a batch:
    the trace of the sample the page follows, and the batch_trace), or raises."""
    net = Network(Spec.from_dict(w.spec), w.params)
    st = _state.check(net, w.inputs, w.h0, w.c0 or None, w.targets, w.bptt)
    if not w.batch_inputs:
        return st.json, {}
    st = _batch.with_batch(st, list(w.batch_inputs), w.batch_targets)
    k = w.batch_sample
    # the followed sample's forward pass, computed on its own (not through the batch)
    X = w.inputs if k == 0 else w.batch_inputs[k - 1]
    alone = net.forward(
        np.asarray(X, float), [np.asarray(h, float) for h in w.h0], [np.asarray(c, float) for c in w.c0] or None
    )
    for layer, lt in enumerate(alone.layers):
        if not np.allclose(np.asarray(st.batch.trace.traces[k].layers[layer].h), lt.h, rtol=1e-12, atol=1e-12):
            raise ValueError(f"sample {k}'s hidden states differ from a forward pass of that sample alone")
    return st.json_for(k), st.batch_json


def slides(w):
    tr = w.trace
    n = 1 + tr["T"] * len(tr["layers"])
    if tr["y"] is not None:
        n += tr["T"] if w.spec["mode"] == "many-to-many" else sum(tr["scored"])
    return n


# -- random values -----------------------------------------------------------------------------


def single_field(content, names):
    """What `error_field` must say after a refused edit message with one well-formed edit of a
    known parameter (one of `names`) or field (None: not checked)."""
    if not isinstance(content, dict) or not isinstance(content.get("edits"), list) or len(content["edits"]) != 1:
        return None
    e = content["edits"][0]
    if not isinstance(e, dict):
        return None
    if e.get("field") == "params":
        name = e.get("name")
        return name if isinstance(name, str) and name in names else None
    return e.get("field") if e.get("field") in ("inputs", "h0", "c0", "targets") else None


def spec_effect(spec, params=None):
    """After an accepted spec: the spec as given (completed), every parameter of its shape."""
    want = Spec.from_dict(spec)

    def effect(w):
        if w.spec != want.to_dict():
            return f"spec {w.spec} vs given {want.to_dict()}"
        shapes = {k: np.shape(v) for k, v in w.params.items()}
        if shapes != {k: tuple(s) for k, s in want.param_shapes().items()}:
            return f"param shapes {shapes} vs {want.param_shapes()}"
        if params is not None:
            return matches(w, {"params": {k: np.asarray(v, float) for k, v in params.items()}})
        return ""

    return effect


def describe_snap(before, after, changed):
    k = changed[0]
    return f"{k}: " + describe_difference(after[k], before[k]).replace("page", "after").replace("python", "before")
