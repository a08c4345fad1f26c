"""Mini-batches in the widget (seed 003's X_t, H_t, O_t): the widget's own sequence (`inputs`,
`targets`) is sample 1, `batch_inputs`/`batch_targets` hold samples 2..n. With a batch the loss
and every gradient are those of the batch loss (core/batch.py: the mean of the samples' losses);
the `trace` trait shows the sample the page follows (`batch_sample`), `batch_trace` every sample's rows.
No widget imports here: _draft.py's Draft and _state.py's State call these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .core import LIMITS, MAX_BATCH, batch
from .core.validate import NUMBER_LIMIT, _is_number, as_sequence, short

if TYPE_CHECKING:
    from ._draft import Draft
    from ._state import State


class Batch:
    """Samples 2..n of a checked state (`inputs`: arrays (T, d); `targets`: arrays (T, q) or None)
    and the batch's trace and gradients (gradients None without targets)."""

    __slots__ = ("inputs", "targets", "trace", "grads")

    def __init__(self, inputs: list, targets: list | None, trace: batch.BatchTrace, grads):
        self.inputs, self.targets, self.trace, self.grads = inputs, targets, trace, grads

    @property
    def n(self) -> int:
        return self.trace.n


def _fit(arr, rows: int, cols: int) -> np.ndarray:
    out = np.zeros((rows, cols))
    a = np.asarray(arr, dtype=float)
    if a.ndim == 2:
        out[: min(rows, a.shape[0]), : min(cols, a.shape[1])] = a[:rows, :cols]
    return out


def conform(draft: Draft, T: int) -> None:
    """Samples 2..n after a change elsewhere (steps, sizes, targets on or off, a sample added):
    cut or padded to the widget's steps and sizes, targets following the widget's (zeros for a
    new sample). A value assigned in this very draft is not conformed: it is checked as given."""
    spec = draft.net.spec
    if "batch_inputs" not in draft.batch_given:
        draft.batch_inputs = [_fit(x, T, spec.input_size) for x in draft.batch_inputs]
    if "batch_targets" in draft.batch_given:
        return
    if draft.targets is None:
        draft.batch_targets = None
        return
    width = spec.output_size if spec.output_size is not None else spec.hidden_sizes[-1]
    from ._state import retime_targets

    old = list(draft.batch_targets or [])

    def follow(tg):  # like sample 1's targets: retimed (many-to-one keeps the last target), then fitted
        if np.shape(tg) == (T, width):
            return tg
        rows = np.shape(tg)[0] if np.ndim(tg) == 2 else T
        return _fit(retime_targets(tg, rows, T, spec), T, width)

    draft.batch_targets = [
        follow(old[k]) if k < len(old) else _blank(T, width, spec.loss) for k in range(len(draft.batch_inputs))
    ]


def _blank(T: int, width: int, loss: str) -> np.ndarray:
    out = np.zeros((T, width))
    if loss == "cross_entropy":
        out[:, 0] = 1.0
    return out


def with_batch(state: State, extra, extra_targets, *, publish: bool = True) -> State:
    """`state` (sample 1, checked) with samples 2..n (`extra`, `extra_targets`): the batch's trace
    and gradients, checked like any state (sizes, finite numbers). Raises ValueError/TypeError
    naming the sample. `publish`: compute the page's JSON now (a check), or later (training)."""
    from ._state import State, check_finite, one_blas_thread, size_of_trace

    if not isinstance(extra, list):
        raise TypeError(f"batch_inputs must be a list of sequences (samples 2..n), got {short(extra)}")
    n = 1 + len(extra)
    if n > MAX_BATCH:
        raise ValueError(
            f"a batch holds at most {MAX_BATCH} samples; got {n} (the widget's inputs and {len(extra)} more)"
        )
    net, trace = state.net, state.trace
    T, d = trace.T, net.spec.input_size
    inputs = [as_sequence(f"batch_inputs[{k}] (sample {k + 2})", x, d) for k, x in enumerate(extra)]
    for k, x in enumerate(inputs):
        if x.shape[0] != T:
            raise ValueError(
                f"batch_inputs[{k}] (sample {k + 2}) has {x.shape[0]} steps; expected {T} like the widget's "
                "inputs (sample 1): the sequences of a batch have one length (X_t is n x d)"
            )
    targets = extra_targets
    if trace.targets is None:
        if targets:
            raise ValueError("batch_targets are given but the widget has no targets; set targets first")
        targets = None
    elif not isinstance(targets, list) or len(targets) != len(extra):
        raise ValueError(f"batch_targets must hold one entry per sample 2..{n} ({len(extra)}); got {short(targets)}")
    n_trace = n * size_of_trace(net.spec, T)
    if n_trace > LIMITS["max_trace"]:
        raise ValueError(
            f"{n} samples of {T} steps make a trace of about {n_trace:,} numbers; at most "
            f"{LIMITS['max_trace']:,} can be shown (use fewer samples, steps or hidden units)"
        )
    layers = trace.layers
    h0 = [lt.h0 for lt in layers]
    c0 = [lt.c0 for lt in layers] if net.spec.cell == "lstm" else None
    all_targets = None if targets is None else [trace.targets, *targets]
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        bt = batch.forward(net, [state.inputs, *inputs], all_targets, h0, c0)
        bg = batch.backward(net, bt, **state.bptt) if bt.loss is not None else None
        for k, tr in enumerate(bt.traces):
            try:
                check_finite(tr, None if bg is None else bg.samples[k])
            except ValueError as e:
                raise ValueError(f"sample {k + 1}: {e}") from None
        kept = None if targets is None else [tr.targets for tr in bt.traces[1:]]
        first = State(net, state.inputs, bt.traces[0], None if bg is None else bg.samples[0], state.bptt)
        first.batch = Batch(inputs, kept, bt, bg)
        if publish:  # everything that can fail is computed before anything is applied
            _ = first.json_for(0), first.batch_json
    return first


def advance(state: State, net) -> State:
    """The state after a training step changed the weights (samples, states and targets as they
    were; with_batch reads only those from the old trace)."""
    from ._state import State

    b = state.batch
    assert b is not None
    return with_batch(
        State(net, state.inputs, state.trace, state.grads, state.bptt), b.inputs, b.targets, publish=False
    )


def clipped(state: State, clip_norm: float):
    """The batch gradient (sample 1's view of it) clipped to `clip_norm`, for a training step."""
    b = state.batch
    assert b is not None
    return batch.backward(state.net, b.trace, clip_norm=clip_norm, truncate=state.bptt.get("truncate")).samples[0]


def edit(draft: Draft, e: dict) -> str:
    """An entry edit of samples 2..n: ``{"field": "batch_inputs" | "batch_targets", "index": [k, t, i],
    "value": v}`` (k: 0-based among samples 2..n) or ``{"field": "batch_inputs", "samples": m}``
    (m more samples besides the widget's own: cut, or padded with zero sequences)."""
    field = str(e.get("field"))
    if field == "batch_inputs" and "samples" in e:
        m = e["samples"]
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m < MAX_BATCH:
            raise ValueError(
                f"samples must be a whole number from 0 to {MAX_BATCH - 1} (besides the widget's own), got {short(m)}"
            )
        X = draft.inputs
        T, d = np.shape(X)[0], draft.net.spec.input_size
        old = list(draft.batch_inputs)
        draft.batch_inputs = old[:m] + [np.zeros((T, d)) for _ in range(m - len(old))]
        if draft.batch_targets is not None:
            draft.batch_targets = list(draft.batch_targets)[:m]
        return field
    value: Any = e.get("value")
    if not _is_number(value) or abs(value) > NUMBER_LIMIT:
        raise ValueError(
            f"{field}: {short(value)} is not a number the page can take; expected a finite number "
            f"between -{NUMBER_LIMIT:g} and {NUMBER_LIMIT:g}"
        )
    seqs = draft.batch_inputs if field == "batch_inputs" else draft.batch_targets
    if seqs is None:
        raise ValueError("there are no batch targets to edit; add targets first")
    index = e.get("index")
    if (
        not isinstance(index, list)
        or len(index) != 3
        or any(isinstance(i, bool) or not isinstance(i, int) for i in index)
    ):
        raise ValueError(f"{field}: index {short(index)} must be [sample, step, entry], 3 whole numbers")
    k = index[0]
    if not 0 <= k < len(seqs):
        raise IndexError(f"{field}: sample index {k} is outside 0..{len(seqs) - 1} (samples 2..{len(seqs) + 1})")
    arr = np.array(seqs[k], dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    t, i = index[1], index[2]
    if not (0 <= t < arr.shape[0] and 0 <= i < arr.shape[1]):
        raise IndexError(f"{field}: index {index} is outside sample {k + 2}'s shape {arr.shape}")
    arr[t, i] = float(value)
    seqs = list(seqs)
    seqs[k] = arr
    if field == "batch_inputs":
        draft.batch_inputs = seqs
    else:
        draft.batch_targets = seqs
    return field


def batch_json(state: State) -> dict:
    """The `batch_trace` trait (docs/protocol.md, "Mini-batches"): every sample's rows, for the
    page's X_t, H_t, O_t matrices; {} without a batch."""
    b = state.batch
    if b is None:
        return {}
    bt = b.trace
    return {
        "n": bt.n,
        "T": bt.T,
        "x": bt.stacked("x").tolist(),
        "h": [bt.stacked("h", layer).tolist() for layer in range(len(bt.traces[0].layers))],
        "y": None if bt.traces[0].y is None else bt.stacked("y").tolist(),
        "targets": None if bt.loss is None else [tr.targets.tolist() for tr in bt.traces],
        "loss": bt.loss,
        "sample_losses": None if bt.sample_losses is None else bt.sample_losses.tolist(),
        "reduction": "mean",
    }
