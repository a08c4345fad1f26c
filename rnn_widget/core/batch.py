"""Mini-batches as seed 003 writes them: n sequences at once, sharing the weights.

``H_t = phi(X_t W_xh + H_{t-1} W_hh + b_h)`` with ``X_t`` (n x d), ``H_t`` (n x h) and
``O_t = H_t W_ho + b_o`` (n x q): row k of each matrix is sample k. The rows never mix, so the
forward pass runs the network's single-sequence cells once per sample (exact, and as fast as
they are) and stacks the rows for display (`BatchTrace.X`, `.H`, `.O`).

The batch loss is the **mean** of the samples' losses, ``L = (1/n) sum_k L_k``: PyTorch's default
reduction. With every sample of one length, ``mse`` is then exactly ``nn.MSELoss()`` over the
(n, T, q) outputs and ``cross_entropy`` exactly ``nn.CrossEntropyLoss()`` over every scored step
of every sample; ``squared`` (1/2 sum of squares per sample) becomes its batch mean, as d2l
averages over a mini-batch. Its exact BPTT gradient is the mean of the samples' gradients: each
sample's backward pass is seeded with ``(1/n) dL_k/dy`` and the shares are summed, then clipped
together (global norm, as ``torch.nn.utils.clip_grad_norm_``).

Each sample's `Trace` in a `BatchTrace` is that sample seen from the batch loss: ``loss`` is the
batch loss, ``loss_steps`` the sample's share per step (its own per-step losses / n), and
``_dy`` = dL/dy_t of the batch loss. Each sample's `Gradients` in `BatchGradients.samples` holds
the batch totals in ``params`` and that sample's share everywhere else (``dh``, ``dy``,
``per_step`` ...): every number is a derivative of the one batch loss.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .network import Network
from .trace import Gradients, Trace
from .train import SGD, sgd_loop
from .validate import backward_options, short

#: The most samples one batch holds (the page shows one row per sample).
MAX_BATCH = 16


@dataclass
class BatchTrace:
    """The forward pass of n sequences (`traces`, one `Trace` per sample, each seen from the batch
    loss), the batch loss (the mean of `sample_losses`) or None without targets."""

    traces: list
    loss: float | None = None
    sample_losses: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.traces)

    @property
    def T(self) -> int:
        return self.traces[0].T

    def X(self, t: int) -> np.ndarray:
        """X_t (n x d): the inputs of step t (0-based) of every sample, one row each."""
        return np.stack([tr.x[t] for tr in self.traces])

    def H(self, t: int, layer: int = -1) -> np.ndarray:
        """H_t (n x h) of a layer (the top one by default); t = -1 is not H_0: use ``H0``."""
        return np.stack([tr.layers[layer].h[t] for tr in self.traces])

    def H0(self, layer: int = -1) -> np.ndarray:
        return np.stack([tr.layers[layer].h0 for tr in self.traces])

    def O(self, t: int) -> np.ndarray:  # noqa: E743 - seed 003's name
        """O_t (n x q): the outputs of step t, one row per sample (the top states without a readout)."""
        return np.stack([tr.outputs[t] for tr in self.traces])

    def stacked(self, key: str = "h", layer: int = -1) -> np.ndarray:
        """A trace value of every sample over every step, (n, T, size): ``"h"``, ``"x"``, ``"y"``
        or any value of a layer (``"a"``, ``"f"``, ``"c"`` ...)."""
        if key == "x":
            return np.stack([tr.x for tr in self.traces])
        if key == "y":
            return np.stack([tr.outputs for tr in self.traces])
        return np.stack([tr.layers[layer].values[key] for tr in self.traces])


@dataclass
class BatchGradients(Gradients):
    """The exact BPTT gradient of the batch loss. ``params`` (the batch totals, after clipping),
    ``norm`` and ``scale`` are the batch's; ``dh``, ``dc``, ``dh0``, ``dy`` hold every sample's
    share stacked on a first axis (per layer (n, T, h), ...); ``samples`` the per-sample
    `Gradients` (batch totals in ``params``, the sample's share elsewhere)."""

    samples: list = field(default_factory=list)

    def per_step(self, name: str) -> np.ndarray:
        """What each time step contributes to dL/d`name`, summed over the samples: (T, *shape)."""
        return np.sum([g.per_step(name) for g in self.samples], axis=0)

    def dpre(self, layer: int = -1) -> dict:
        parts = [g.dpre(layer) for g in self.samples]
        return {k: np.stack([p[k] for p in parts]) for k in parts[0]}

    def to_json(self) -> dict:
        raise TypeError("a batch has no single-sequence JSON: use samples[k].to_json()")


def as_batch(X, width: int) -> list:
    """The n sequences of a batch as given (a list of (T, d) sequences or an (n, T, d) array),
    checked for their count; each sequence is checked by `Network.forward`."""
    if isinstance(X, np.ndarray):
        if X.ndim != 3:
            raise ValueError(f"a batch array must be (n, T, {width}); got shape {X.shape}")
        seqs = list(X)
    elif isinstance(X, (list, tuple)):
        seqs = list(X)
    else:
        raise TypeError(f"a batch is a list of n sequences (or an (n, T, d) array), got {short(X)}")
    if not 1 <= len(seqs) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} sequences; got {len(seqs)}")
    return seqs


def forward(net: Network, X, targets=None, h0=None, c0=None) -> BatchTrace:
    """Run every sample of the batch `X` (n sequences of one length T) from the same initial
    states `h0`/`c0` (zeros by default, H_0 = 0 as in seed 003). `targets`: None, or one entry
    per sample in any form `Network.forward` takes (e.g. ``[[11.0]]`` for many-to-one)."""
    seqs = as_batch(X, net.spec.input_size)
    n = len(seqs)
    if targets is not None:
        if isinstance(targets, (str, bytes)) or not hasattr(targets, "__len__") or len(targets) != n:
            raise ValueError(f"targets must hold one entry per sample ({n} samples); got {short(targets)}")
    traces: list[Trace] = []
    for k, seq in enumerate(seqs):
        try:
            tr = net.forward(seq, h0, c0, None if targets is None else targets[k])
        except (ValueError, TypeError) as e:
            raise type(e)(f"sample {k + 1}: {e}") from None
        if traces and tr.T != traces[0].T:
            raise ValueError(
                f"sample {k + 1} has {tr.T} steps; expected {traces[0].T} like sample 1 "
                "(the sequences of a batch have one length: X_t is n x d)"
            )
        traces.append(tr)
    bt = BatchTrace(traces)
    if targets is not None:
        losses = np.array([tr.loss for tr in traces], dtype=float)
        bt.sample_losses = losses
        bt.loss = math.fsum(losses.tolist()) / n
        for tr in traces:  # each sample seen from the batch loss
            assert tr.loss_steps is not None and tr._dy is not None  # targets given
            tr.loss = bt.loss
            tr.loss_steps = np.asarray(tr.loss_steps) / n
            tr._dy = np.asarray(tr._dy) / n
    return bt


def backward(
    net: Network, bt: BatchTrace, *, clip_norm: float | None = None, truncate: int | None = None
) -> BatchGradients:
    """Exact BPTT of the batch loss: the samples' shares, summed, then clipped together."""
    if bt.loss is None:
        raise ValueError("backward needs a loss: call batch.forward(..., targets=...) first")
    clip_norm, truncate = backward_options(clip_norm, truncate)
    shares = [net.backward(tr, truncate=truncate) for tr in bt.traces]
    totals = {k: np.sum([g.params[k] for g in shares], axis=0) for k in shares[0].params}
    flat = np.concatenate([v.ravel() for v in totals.values()])
    norm = float(np.sqrt(flat.dot(flat)))
    scale = 1.0
    if clip_norm is not None:
        scale = min(1.0, clip_norm / (norm + 1e-6))
        if scale < 1.0:
            totals = {k: v * scale for k, v in totals.items()}
    samples = [dataclasses.replace(g, params=totals, norm=norm, scale=scale) for g in shares]
    L = len(shares[0].dh)
    stack = np.stack
    return BatchGradients(
        params=totals,
        dh=[stack([g.dh[i] for g in shares]) for i in range(L)],
        dc=[None if shares[0].dc[i] is None else stack([g.dc[i] for g in shares]) for i in range(L)],
        dh0=[stack([g.dh0[i] for g in shares]) for i in range(L)],
        norm=norm,
        scale=scale,
        truncate=truncate,
        dh_direct=[stack([g.dh_direct[i] for g in shares if g.dh_direct is not None]) for i in range(L)],
        dy=None if shares[0].dy is None else stack([g.dy for g in shares if g.dy is not None]),
        _cell=net.spec.cell,
        samples=samples,
    )


def run(net: Network, X, targets, h0=None, c0=None, **backward_options) -> tuple[BatchTrace, BatchGradients]:
    """forward then backward on a batch: returns (batch trace, batch gradients)."""
    bt = forward(net, X, targets, h0, c0)
    return bt, backward(net, bt, **backward_options)


def train(
    net: Network,
    X,
    targets,
    steps: int = 100,
    lr: float = 0.01,
    *,
    momentum: float = 0.0,
    clip_norm: float | None = None,
    truncate: int | None = None,
    h0=None,
    c0=None,
    callback: Callable | None = None,
) -> list[float]:
    """`core.train` on a batch: `steps` SGD steps on the batch loss (full-batch gradient descent
    over the n sequences) in place; returns the batch loss before each step."""
    return sgd_loop(
        net,
        lambda: run(net, X, targets, h0, c0, clip_norm=clip_norm, truncate=truncate),
        steps,
        SGD(lr, momentum),
        callback,
    )


def sequences(rows: Sequence[Sequence[float]]) -> list:
    """Scalar sequences as a batch of (T, 1) inputs: ``sequences([[1, 3, 5], [2, 4, 6]])``."""
    return [np.asarray(r, dtype=float).reshape(-1, 1) for r in rows]
