"""`Network`: a spec plus its parameters; forward trace, exact BPTT and Jacobian norms."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import cell_gru, cell_lstm, cell_rnn
from .activations import ACTIVATIONS
from .layer_grad import Block, LayerGrad
from .losses import loss_and_grad
from .losses import ones as _ones
from .snapshot import ParamSnapshot
from .spec import GATES, LIMITS, Spec, layer_suffix, split_name
from .trace import Gradients, LayerTrace, Trace
from .validate import NUMBER_LIMIT, as_array, as_sequence, backward_options, short

_CELLS = {"rnn": cell_rnn, "lstm": cell_lstm, "gru": cell_gru}
_F64 = np.dtype(np.float64)
#: all-True masks to copy from (np.ones is several times slower than slicing and copying)
_TRUE = np.ones(LIMITS["max_steps"] + 1, dtype=bool)


def _sequence(what: str, value, width: int) -> np.ndarray:
    """`as_sequence` with a fast path for what the widget and the training loop pass: a float64
    (T, width) array. Same checks (shape, length limit, finite numbers) and the same copy; any
    other value, or a value that fails a check, goes through `as_sequence` for its message."""
    if (
        type(value) is np.ndarray
        and value.dtype == _F64
        and value.ndim == 2
        and value.shape[1] == width
        and 0 < value.shape[0] <= LIMITS["max_steps"]
    ):
        arr = value.copy()
        flat = arr.ravel()
        # a sum of squares is finite exactly when every entry is (or it overflows: then the slow
        # path below looks entry by entry)
        if math.isfinite(flat.dot(flat)):
            return arr
    return as_sequence(what, value, width)


def _mask(T: int) -> np.ndarray:
    return _TRUE[:T].copy() if T <= _TRUE.shape[0] else np.ones(T, dtype=bool)


class Network:
    """A small recurrent network, row-vector convention (``h_t = phi(x_t W_xh + h_{t-1} W_hh + b_h)``).

    >>> net = Network(Spec(input_size=1, hidden_sizes=(2,), output_size=1, activation="relu",
    ...                    bias=False, output_bias=False),
    ...               {"W_hh": [[1, 1], [-1, 1]], "W_xh": [[1, 2]], "W_hy": [[-1], [1]]})
    >>> net.forward([3, 4, 5, 6]).y.ravel().tolist()
    [3.0, 16.0, 28.0, 40.0]

    Parameters not given start from PyTorch's default initialisation, U(-1/sqrt(h), 1/sqrt(h)),
    drawn from ``numpy.random.default_rng(seed)``.

    Every parameter a network holds is a finite float64 array of its shape with entries within
    +-NUMBER_LIMIT, and is read-only: a change installs new arrays (`set_params`, `subtract`,
    `restore`), never writes into old ones. So snapshots and copies share arrays safely, and the
    packed weights the cells compute with are rebuilt exactly when a value changed.
    """

    def __init__(self, spec: Spec | None = None, params: dict | None = None, *, seed: int = 0, **spec_fields):
        if spec is None:
            spec = Spec(**spec_fields)
        elif spec_fields:
            raise TypeError("give either a Spec or spec fields, not both")
        if not isinstance(spec, Spec):
            raise TypeError(f"spec must be a rnn_widget Spec, got {type(spec).__name__}")
        self._spec = spec
        self._params: dict[str, np.ndarray] = {}
        self._packed: list[dict[str, Any]] | None = None
        #: where each gradient block goes in the flat buffer (backward)
        self._grad_plan: tuple[list, list, int] | None = None
        self._install(_init_params(spec, seed))
        if params:
            self.set_params(params)

    # -- parameters -----------------------------------------------------------------------
    @property
    def spec(self) -> Spec:
        return self._spec

    @property
    def param_shapes(self) -> dict:
        return self._spec.param_shapes()

    @property
    def params(self) -> dict:
        """A copy of every parameter, name -> float array."""
        return {k: v.copy() for k, v in self._params.items()}

    def __getitem__(self, name: str) -> np.ndarray:
        return self._params[self.canonical(name)].copy()

    def __setitem__(self, name: str, value) -> None:
        self.set_params({name: value})

    def canonical(self, name: str) -> str:
        """``"W_xh@1"`` -> ``"W_xh"``; raises KeyError naming the known parameters otherwise."""
        if not isinstance(name, str):
            raise TypeError(f"a parameter name must be text, got {name!r}")
        base, layer = split_name(name)
        key = base + layer_suffix(layer)
        if key not in self._params:
            raise KeyError(f"unknown parameter {name!r}; this {self._spec.cell} network has {list(self._params)}")
        return key

    def set_params(self, updates: dict) -> None:
        """Assign several parameters at once: all are checked first, then all applied, or none."""
        shapes = self._spec.param_shapes()
        checked = {}
        for name, value in dict(updates).items():
            key = self.canonical(name)
            checked[key] = as_array(name, value, shapes[key])
        self._install(checked)

    def subtract(self, deltas: Mapping[str, np.ndarray]) -> None:
        """``p -= deltas[name]`` for the named parameters (an SGD step), all or none.

        ``deltas`` maps parameter names to arrays of the parameters' shapes. Raises
        FloatingPointError naming the parameters that would become non-finite or leave
        +-NUMBER_LIMIT (the range every number of the widget stays in); nothing changes then.
        """
        params = self._params
        new = {}
        for name, delta in deltas.items():
            key = name if name in params else self.canonical(name)
            value = params[key] - delta
            if value.shape != params[key].shape:
                raise ValueError(f"the step for {name} has shape {np.shape(delta)}; expected {params[key].shape}")
            new[key] = value
        # one check of every entry (NaN fails it too); names only when it fails
        if new and not np.abs(np.concatenate([v.ravel() for v in new.values()])).max() <= NUMBER_LIMIT:
            bad = [k for k, v in new.items() if not np.abs(v).max() <= NUMBER_LIMIT]
            raise FloatingPointError(f"the step would make {bad} non-finite or larger than {NUMBER_LIMIT:g}")
        self._install(new)

    def snapshot(self) -> ParamSnapshot:
        """The current parameter values, to `restore` later (e.g. when a training step that was
        already applied turns out to be refused). Cheap: it shares the read-only arrays."""
        return ParamSnapshot(self._spec, self._params)

    def restore(self, snapshot: ParamSnapshot) -> None:
        """Put back every parameter value of `snapshot` (taken of this network or of another one
        with the same spec). Raises TypeError/ValueError, and changes nothing, otherwise."""
        if not isinstance(snapshot, ParamSnapshot):
            raise TypeError(f"restore takes a ParamSnapshot from Network.snapshot(), got {type(snapshot).__name__}")
        if snapshot.spec != self._spec:
            raise ValueError("this snapshot was taken of a network of another shape; it cannot be restored here")
        self._install(snapshot._values)

    def _install(self, arrays: Mapping[str, np.ndarray]) -> None:
        """The one place parameter values change: the arrays (checked by the caller, owned by
        this network from now on) become read-only and the packed weights are rebuilt lazily."""
        for value in arrays.values():
            value.flags.writeable = False
        self._params.update(arrays)
        self._packed = None

    def copy(self) -> Network:
        """An independent network with the same spec and values (no re-validation needed; the
        read-only parameter arrays are shared)."""
        new = object.__new__(Network)
        new.__dict__.update(self.__dict__)
        new._params = dict(self._params)
        new._packed = None
        return new

    def with_spec(self, spec: Spec, *, seed: int = 0) -> Network:
        """A network of another shape that keeps every value this one has where the shapes overlap."""
        new = Network(spec, seed=seed)
        kept = {}
        for name, new_value in new._params.items():
            old = self._params.get(name)
            if old is not None:
                value = new_value.copy()
                block = tuple(slice(0, min(a, b)) for a, b in zip(old.shape, new_value.shape))
                value[block] = old[block]
                kept[name] = value
        new._install(kept)
        return new

    def _pack(self) -> list[dict[str, Any]]:
        """Per layer: the gate weights side by side, as the cells compute with them."""
        if self._packed is None:
            spec, p = self._spec, self._params
            packed: list[dict[str, Any]] = []
            for layer in range(spec.num_layers):
                sfx, h = layer_suffix(layer), spec.hidden_sizes[layer]
                gates = GATES[spec.cell]
                P: dict[str, Any] = {
                    "Wx": np.ascontiguousarray(np.hstack([p[f"W_x{g}{sfx}"] for g in gates])),
                    "Wh": np.ascontiguousarray(np.hstack([p[f"W_h{g}{sfx}"] for g in gates])),
                    "b": None,
                }
                if spec.bias_gates:
                    P["b"] = np.concatenate([p.get(f"b_{g}{sfx}", np.zeros(h)) for g in gates])
                P["b_hn"] = p.get(f"b_hn{sfx}")
                packed.append(P)
            self._packed = packed
        return self._packed

    def _cell_option(self):
        spec = self._spec
        return spec.gru_variant if spec.cell == "gru" else spec.activation

    # -- forward --------------------------------------------------------------------------
    def forward(self, X, h0=None, c0=None, targets=None) -> Trace:
        """Run the sequence X (T, input_size) and return every intermediate.

        ``h0``/``c0``: the initial states, one vector per layer (a single vector for one layer);
        zeros by default. ``targets``: (T, out) or one row per scored step; for cross-entropy a
        class index per step also works.
        """
        spec = self._spec
        X = _sequence("inputs", X, spec.input_size)
        T = X.shape[0]
        input_mask = _mask(T)
        scored = _mask(T)
        mode = spec.mode
        if mode == "one-to-one" and T != 1:
            raise ValueError(f"mode 'one-to-one' takes exactly one time step; got {T}")
        if mode == "one-to-many":
            input_mask[1:] = False
            X[1:] = 0.0  # X is already our own copy
        elif mode == "many-to-one":
            scored[:-1] = False
        elif mode == "encoder-decoder":
            spec.step_roles(T)  # raises when T is too short for decoder_steps
            D = spec.decoder_steps
            input_mask[T - D :] = False
            X[T - D :] = 0.0  # decoder steps take no input
            scored[: T - D] = False
        h0s = self._states("h0", h0)
        c0s = self._states("c0", c0) if spec.cell == "lstm" else [None] * len(h0s)
        cell, option = _CELLS[spec.cell], self._cell_option()
        packed = self._pack()
        layers = []
        inp = X
        for layer, P in enumerate(packed):
            values = cell.forward(inp, h0s[layer], c0s[layer], P, option)
            layers.append(LayerTrace(values, h0s[layer], c0s[layer], inp))
            inp = values["h"]
        y_pre = y = None
        if spec.output_size is not None:
            params = self._params
            y_pre = inp @ params["W_hy"]
            b_y = params.get("b_y")
            if b_y is not None:
                y_pre += b_y
            y = ACTIVATIONS[spec.output_activation][0](y_pre)
        trace = Trace(spec, X, input_mask, scored, layers, y_pre, y)
        trace._packed = packed
        if targets is not None:
            out = y if y is not None else inp
            n_scored = 1 if mode == "many-to-one" else spec.decoder_steps if mode == "encoder-decoder" else T
            tg = self._targets(targets, T, scored, out.shape[1], n_scored)
            trace.targets = tg
            trace.loss, trace.loss_steps, trace._dy, trace.p = loss_and_grad(
                spec.loss, y_pre if y_pre is not None else inp, out, tg, scored, n_scored=n_scored
            )
        return trace

    def _states(self, what, value):
        spec = self._spec
        sizes = spec.hidden_sizes
        if value is None:
            return [np.zeros(h) for h in sizes]
        if (
            len(sizes) == 1
            and type(value) is np.ndarray
            and value.dtype == _F64
            and value.shape == (sizes[0],)
            and math.isfinite(value.dot(value))
        ):
            return [value.copy()]
        if spec.num_layers == 1:
            if isinstance(value, (list, tuple)) and len(value) == 1 and np.ndim(value[0]) == 1:
                value = value[0]
            return [as_array(what, value, (sizes[0],))]
        if not isinstance(value, (list, tuple)) or len(value) != spec.num_layers:
            raise ValueError(
                f"{what} must be a list of one vector per layer ({spec.num_layers} layers); got {short(value)}"
            )
        return [as_array(f"{what}[{i}]", v, (h,)) for i, (v, h) in enumerate(zip(value, sizes))]

    def _targets(self, targets, T, scored, width, n=None):
        spec = self._spec
        if n is None:
            n = int(scored.sum())
        if spec.loss == "cross_entropy" and not isinstance(targets, (str, bytes)):
            idx = np.asarray(targets)
            if idx.ndim == 1 and idx.dtype.kind in "iu":
                if idx.size and (idx.min() < 0 or idx.max() >= width):
                    raise ValueError(f"targets holds class indices {idx.tolist()}; expected classes 0 to {width - 1}")
                targets = np.eye(width)[idx]
        tg = _sequence("targets", targets, width)
        if tg.shape[0] == n and n != T:
            full = np.zeros((T, width))
            full[scored] = tg
            tg = full
        elif tg.shape[0] != T:
            raise ValueError(
                f"targets has {tg.shape[0]} rows; expected {T} (one per step) or {n} (one per scored step)"
            )
        if spec.loss == "cross_entropy":
            rows = tg[scored]
            if (rows < 0).any() or not np.allclose(rows.sum(axis=1), 1.0):
                raise ValueError(
                    "cross-entropy targets must be class indices or probability rows (non-negative, each summing to 1)"
                )
        return tg

    # -- backward -------------------------------------------------------------------------
    def backward(self, trace: Trace, *, clip_norm: float | None = None, truncate: int | None = None) -> Gradients:
        """Exact BPTT of ``trace.loss`` for every parameter.

        ``clip_norm``: rescale all gradients together when their global norm exceeds it (as
        ``torch.nn.utils.clip_grad_norm_``). ``truncate``: detach the state every `truncate`
        steps (truncated BPTT as PyTorch training loops do it).
        """
        dy = trace._dy
        if trace.loss is None or dy is None:
            raise ValueError("backward needs a loss: call forward(..., targets=...) first")
        spec = self._spec
        if trace.spec is not spec and trace.spec != spec:
            raise ValueError("this trace was made by a network of another shape; run forward again")
        clip_norm, truncate = backward_options(clip_norm, truncate)
        packed = trace._packed if trace._packed is not None else self._pack()
        params = self._params
        blocks: list[Block] = []  # (gate names, left, right), see LayerGrad
        y_pre, y = trace.y_pre, trace.y
        if y_pre is not None and y is not None:  # a readout: spec.output_size is set
            if spec.loss != "cross_entropy" and spec.output_activation != "identity":
                dy = dy * ACTIVATIONS[spec.output_activation][1](y_pre, y)
            blocks.append((("W_hy",), trace.h, dy))
            if "b_y" in params:
                blocks.append((("b_y",), None, dy))
            dh_in = dy @ params["W_hy"].T
        else:
            dh_in = dy
        cell, option = _CELLS[spec.cell], self._cell_option()
        L = len(packed)
        # per layer, filled from the top layer down
        dh: list[np.ndarray | None] = [None] * L
        dc: list[np.ndarray | None] = [None] * L
        dh0: list[np.ndarray | None] = [None] * L
        direct: list[np.ndarray | None] = [None] * L
        dy_top = dh_in if spec.output_size is None else dy
        layers = trace.layers
        first_block = [0] * L  # where each layer's blocks start
        for layer in range(L - 1, -1, -1):
            lt = layers[layer]
            direct[layer] = dh_in
            lg: LayerGrad = cell.backward(
                lt.values, lt.x, lt.h0, lt.c0, dh_in[:, None, :], packed[layer], option, truncate, want_dx=layer > 0
            )
            first_block[layer] = len(blocks)
            blocks += lg.blocks
            dh[layer] = lg.DH[:, 0]
            dc[layer] = None if lg.DC is None else lg.DC[:, 0]
            dh0[layer] = lg.dh0[0]
            dh_in = lg.DX
        plan = self.__dict__.get("_grad_plan")
        if plan is None or len(plan[0]) != len(blocks):
            plan = self._grad_plan = _grad_plan(blocks, first_block, params)
        entries, order, size = plan
        # Every block total is a view into one flat buffer, so one dot product gives the global norm.
        flat = np.empty(size)
        ones = _ones(dy.shape[0])
        dot = np.dot
        block_totals: list[np.ndarray | None] = []
        for (_, left, right), (off, end, shape, absent) in zip(blocks, entries):
            if shape is None:  # no parameter in this block
                block_totals.append(None)
                continue
            total = flat[off:end]
            if left is None:
                dot(ones, right, total)  # bias: the sum over the steps
            else:
                total = total.reshape(shape)
                dot(left.T, right, total)
            for start, stop in absent:  # columns of gates that have no parameter
                total[..., start:stop] = 0.0
            block_totals.append(total)
        sq = float(dot(flat, flat))
        totals, recipes = {}, {}
        for name, i, start, width, alone in order:  # in the order of params
            _, left, right = blocks[i]
            total = block_totals[i]
            totals[name] = total if alone else total[..., start : start + width]
            recipes[name] = (left, right, start, width)
        norm = sq**0.5
        scale = 1.0
        if clip_norm is not None:
            scale = min(1.0, clip_norm / (norm + 1e-6))
            if scale < 1.0:
                totals = {k: v * scale for k, v in totals.items()}
        return Gradients(
            totals, dh, dc, dh0, norm, scale, truncate, recipes, dh_direct=direct, dy=dy_top, _cell=spec.cell
        )

    def run(self, X, targets, h0=None, c0=None, **backward_options):
        """forward then backward: returns (trace, gradients)."""
        trace = self.forward(X, h0, c0, targets)
        return trace, self.backward(trace, **backward_options)

    def jacobian_norms(self, trace: Trace, layer: int = -1) -> np.ndarray:
        """Spectral norms of dh_T/dh_k for k = 0..T (k = 0 is h0) within one layer.

        For an LSTM the state at step k is (h_k, c_k), and the norm is that of dh_T/d(h_k, c_k):
        the cell state is the path along which an LSTM keeps its gradient. Small values far back
        in time are vanishing gradients, large ones exploding. Costs one backward pass with h
        seeds, so it is computed only on request.
        """
        spec = self._spec
        if not -len(trace.layers) <= layer < len(trace.layers):
            raise IndexError(f"layer {layer} does not exist; this network has {len(trace.layers)} layer(s)")
        lt = trace.layers[layer]
        packed = trace._packed if trace._packed is not None else self._pack()
        T, h = lt.h.shape
        seeds = np.zeros((T, h, h))
        seeds[-1] = np.eye(h)
        lg = _CELLS[spec.cell].backward(
            lt.values, lt.x, lt.h0, lt.c0, seeds, packed[layer], self._cell_option(), None, want_params=False
        )
        mats = np.concatenate([lg.dh0[None], lg.DH], axis=0)
        if lg.DC is not None:
            # dh_T/dc_k with h_k held (the state is the pair): only the path through c_{k+1} = f c_k + ...
            dc_state = np.zeros_like(mats)
            dc_state[:T] = lg.DC * lt.values["f"][:, None, :]
            mats = np.concatenate([mats, dc_state], axis=2)
        return np.linalg.norm(mats, ord=2, axis=(1, 2))

    def __repr__(self):
        s = self._spec
        return (
            f"Network(cell={s.cell!r}, input_size={s.input_size}, hidden_sizes={list(s.hidden_sizes)}, "
            f"output_size={s.output_size}, mode={s.mode!r})"
        )


def _grad_plan(blocks, first_block, params):
    """Where backward puts each gradient; depends on the spec only, so a network keeps it.

    Returns (per block: (offset, end in the flat buffer, shape of the block total or None when
    the block has no parameter, [(start, stop) column ranges of gates without a parameter])),
    (per parameter in the order of ``params``: (name, block index, first column, columns,
    whether it is the whole block)), and the buffer size. ``first_block[l]`` is the index of
    layer l's first block; the blocks before the top layer's are the readout's."""
    sfx_of_block = [""] * len(blocks)
    for layer, start in enumerate(first_block):
        stop = first_block[layer - 1] if layer else len(blocks)
        for i in range(start, stop):
            sfx_of_block[i] = layer_suffix(layer)
    entries: list[tuple[int, int, tuple[int, ...] | None, list[tuple[int, int]]]] = []
    where: dict[str, tuple[int, int, int, bool]] = {}
    off = 0
    for i, ((names, left, right), sfx) in enumerate(zip(blocks, sfx_of_block)):
        cols = right.shape[1]
        width = cols // len(names)
        present = [base + sfx in params for base in names]
        if not any(present):
            entries.append((off, off, None, []))
            continue
        shape: tuple[int, ...] = (cols,) if left is None else (left.shape[1], cols)
        size = int(np.prod(shape))
        absent = [(k * width, (k + 1) * width) for k, p in enumerate(present) if not p]
        entries.append((off, off + size, shape, absent))
        off += size
        for k, base in enumerate(names):
            if present[k]:
                where[base + sfx] = (i, k * width, width, len(names) == 1)
    order = [(name,) + where[name] for name in params]
    return entries, order, off


def _init_params(spec: Spec, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    params = {}
    for name, shape in spec.param_shapes().items():
        if name in ("W_hy", "b_y"):
            fan = spec.hidden_sizes[-1]
        else:
            fan = spec.hidden_sizes[split_name(name)[1]]
        k = 1.0 / np.sqrt(fan)
        params[name] = rng.uniform(-k, k, size=shape)
    return params
