"""The architecture of a network (`Spec`), its parameter names and shapes, and the size limits.

Parameter names are what users type. Layer 1 uses the bare name, layer k >= 2 appends ``@k``:

=========  ==========================================================================
cell       parameters of one layer (shape), d = input size of the layer, h = hidden size
=========  ==========================================================================
rnn        ``W_xh`` (d, h), ``W_hh`` (h, h), ``b_h`` (h,)
lstm       for gate g in i, f, c (candidate), o: ``W_xg`` (d, h), ``W_hg`` (h, h), ``b_g`` (h,)
gru        for gate g in r, z, n (candidate): ``W_xg``, ``W_hg``, ``b_g``; the ``torch`` variant
           also has ``b_hn`` (h,), the bias inside the reset product
readout    ``W_hy`` (h_top, out), ``b_y`` (out,)
=========  ==========================================================================
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

CELLS = ("rnn", "lstm", "gru")
ACTIVATION_NAMES = ("tanh", "relu", "sigmoid", "identity")
MODES = ("many-to-many", "many-to-one", "one-to-many", "one-to-one", "encoder-decoder")
LOSSES = ("squared", "mse", "cross_entropy")
GRU_VARIANTS = ("torch", "cho")

#: Gate letters per cell, in PyTorch's stacking order.
GATES = {"rnn": ("h",), "lstm": ("i", "f", "c", "o"), "gru": ("r", "z", "n")}

#: Documented size limits. Teaching happens far below them; they keep a typo from freezing a page.
LIMITS = {
    "max_hidden": 256,
    "max_input": 256,
    "max_output": 256,
    "max_steps": 1000,
    "max_layers": 8,
    # what one edit can carry to the page in time (README "Limits"): parameters, and numbers in the trace
    "max_params": 100_000,
    "max_trace": 150_000,
}


def layer_suffix(layer: int) -> str:
    """``""`` for layer 0 (shown as layer 1), ``"@k"`` for layer index k-1 >= 1."""
    return "" if layer == 0 else f"@{layer + 1}"


def split_name(name: str) -> tuple[str, int]:
    """``"W_xh@2"`` -> ``("W_xh", 1)``; ``"W_xh"`` and ``"W_xh@1"`` -> ``("W_xh", 0)``."""
    if "@" in name:
        base, _, k = name.partition("@")
        if not k.isdigit() or int(k) < 1:
            raise ValueError(f"parameter name {name!r}: the layer after '@' must be a number >= 1, e.g. 'W_xh@2'")
        return base, int(k) - 1
    return name, 0


@dataclass(frozen=True)
class Spec:
    """What the network is: cell, sizes, readout, sequence mode and loss.

    Modes: ``many-to-many`` (an output per input, aligned), ``many-to-one`` (only the last output
    is scored), ``one-to-many`` (input at step 1 only, an output at every step), ``one-to-one``
    (a single step) and ``encoder-decoder`` (the first T - decoder_steps steps read the input and
    emit nothing; the last ``decoder_steps`` steps take no input and emit the outputs).

    ``bias`` is ``True``/``False`` for every gate bias of every layer, or a collection of gate
    letters (e.g. ``{"f"}`` for an LSTM with only a forget-gate bias).
    """

    input_size: int = 1
    hidden_sizes: tuple[int, ...] = (2,)
    output_size: int | None = 1
    cell: str = "rnn"
    activation: str = "tanh"
    output_activation: str = "identity"
    bias: bool | frozenset = True
    output_bias: bool = True
    gru_variant: str = "torch"
    mode: str = "many-to-many"
    loss: str = "squared"
    #: encoder-decoder only: how many steps are emitted after the input ends (they take no input)
    decoder_steps: int = 1

    def __post_init__(self):
        hs = self.hidden_sizes
        if isinstance(hs, int) and not isinstance(hs, bool):
            hs = (hs,)
        try:
            hs = tuple(hs)
        except TypeError:
            raise TypeError(f"hidden_sizes must be a list of positive integers, got {self.hidden_sizes!r}") from None
        object.__setattr__(self, "hidden_sizes", hs)
        if not isinstance(self.bias, bool):
            if isinstance(self.bias, (str, bytes)) or not hasattr(self.bias, "__iter__"):
                raise TypeError(
                    f"bias must be True, False or a collection of gate letters such as {{'f'}}, got {self.bias!r}"
                )
            object.__setattr__(self, "bias", frozenset(self.bias))
        self.validate()
        # numpy integers pass validation; store plain ints so that to_dict() is JSON
        object.__setattr__(self, "input_size", int(self.input_size))
        object.__setattr__(self, "hidden_sizes", tuple(int(h) for h in self.hidden_sizes))
        if self.output_size is not None:
            object.__setattr__(self, "output_size", int(self.output_size))
        object.__setattr__(self, "decoder_steps", int(self.decoder_steps))

    # -- validation -----------------------------------------------------------------------
    def validate(self) -> None:
        _choice("cell", self.cell, CELLS)
        _choice("activation", self.activation, ACTIVATION_NAMES)
        _choice("output_activation", self.output_activation, ACTIVATION_NAMES)
        _choice("mode", self.mode, MODES)
        _choice("loss", self.loss, LOSSES)
        _choice("gru_variant", self.gru_variant, GRU_VARIANTS)
        _size("input_size", self.input_size, LIMITS["max_input"])
        if isinstance(self.decoder_steps, bool) or not isinstance(self.decoder_steps, numbers.Integral):
            raise TypeError(
                f"decoder_steps (the steps emitted after the input ends, encoder-decoder mode) must be a whole "
                f"number from 1 to {LIMITS['max_steps'] - 1}, got {self.decoder_steps!r}"
            )
        if not 1 <= int(self.decoder_steps) <= LIMITS["max_steps"] - 1:
            raise ValueError(
                f"decoder_steps = {self.decoder_steps} is out of range; expected 1 to {LIMITS['max_steps'] - 1} "
                "(at least one step is left to read the input)"
            )
        if not 1 <= len(self.hidden_sizes) <= LIMITS["max_layers"]:
            raise ValueError(f"hidden_sizes has {len(self.hidden_sizes)} layers; expected 1 to {LIMITS['max_layers']}")
        for i, h in enumerate(self.hidden_sizes):
            _size(f"hidden_sizes[{i}]", h, LIMITS["max_hidden"])
        if self.output_size is not None:
            _size("output_size", self.output_size, LIMITS["max_output"])
        if not isinstance(self.output_bias, bool):
            raise TypeError(f"output_bias must be True or False, got {self.output_bias!r}")
        if isinstance(self.bias, frozenset):
            bad = self.bias - set(self.bias_gates_all)
            if bad:
                raise ValueError(
                    f"bias names gates {sorted(bad)} that a {self.cell} cell does not have; "
                    f"expected some of {list(self.bias_gates_all)}"
                )
        if self.loss == "cross_entropy":
            if self.output_size is None:
                raise ValueError("loss 'cross_entropy' needs a readout: set output_size (the number of classes)")
            if self.output_activation != "identity":
                raise ValueError(
                    "loss 'cross_entropy' applies softmax to the readout itself; "
                    f"expected output_activation 'identity', got {self.output_activation!r}"
                )

    # -- derived --------------------------------------------------------------------------
    @property
    def num_layers(self) -> int:
        return len(self.hidden_sizes)

    @property
    def bias_gates_all(self) -> tuple[str, ...]:
        gates = GATES[self.cell]
        if self.cell == "gru" and self.gru_variant == "torch":
            gates = gates + ("hn",)
        return gates

    @property
    def bias_gates(self) -> tuple[str, ...]:
        """Gate letters that carry a bias (``"hn"`` stands for GRU's ``b_hn``)."""
        if self.bias is True:
            return self.bias_gates_all
        if self.bias is False:
            return ()
        return tuple(g for g in self.bias_gates_all if g in self.bias)

    def step_roles(self, T: int) -> tuple[list[bool], list[bool]]:
        """(reads input, is scored) for each of T steps in this mode. Raises ValueError when
        the mode cannot run T steps (one-to-one: exactly 1; encoder-decoder: more than
        decoder_steps)."""
        mode = self.mode
        reads, scored = [True] * T, [True] * T
        if mode == "one-to-one" and T != 1:
            raise ValueError(f"mode 'one-to-one' takes exactly one time step; got {T}")
        if mode == "one-to-many":
            reads[1:] = [False] * (T - 1)
        elif mode == "many-to-one":
            scored[:-1] = [False] * (T - 1)
        elif mode == "encoder-decoder":
            D = self.decoder_steps
            if T <= D:
                raise ValueError(
                    f"mode 'encoder-decoder' reads the input, then emits decoder_steps = {D} step(s) with no input; "
                    f"got {T} step(s) in all, expected at least {D + 1} (one or more to read, then {D} to emit)"
                )
            reads[T - D :] = [False] * D
            scored[: T - D] = [False] * (T - D)
        return reads, scored

    def layer_input_size(self, layer: int) -> int:
        return self.input_size if layer == 0 else self.hidden_sizes[layer - 1]

    def layer_param_shapes(self, layer: int) -> dict[str, tuple[int, ...]]:
        d, h = self.layer_input_size(layer), self.hidden_sizes[layer]
        sfx = layer_suffix(layer)
        shapes: dict[str, tuple[int, ...]] = {}
        for g in GATES[self.cell]:
            shapes[f"W_x{g}{sfx}"] = (d, h)
            shapes[f"W_h{g}{sfx}"] = (h, h)
            if g in self.bias_gates:
                shapes[f"b_{g}{sfx}"] = (h,)
        if "hn" in self.bias_gates:
            shapes[f"b_hn{sfx}"] = (h,)
        return shapes

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every parameter name and shape, in display order (layer by layer, readout last)."""
        shapes: dict[str, tuple[int, ...]] = {}
        for layer in range(self.num_layers):
            shapes.update(self.layer_param_shapes(layer))
        if self.output_size is not None:
            shapes["W_hy"] = (self.hidden_sizes[-1], self.output_size)
            if self.output_bias:
                shapes["b_y"] = (self.output_size,)
        return shapes

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden_sizes"] = list(self.hidden_sizes)
        if isinstance(self.bias, frozenset):
            d["bias"] = sorted(self.bias)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Spec:
        if not isinstance(d, dict):
            raise TypeError(f"spec must be a dict, got {type(d).__name__}")
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown spec field(s) {sorted(unknown)}; expected some of {sorted(known)}")
        d = dict(d)
        if isinstance(d.get("bias"), list):
            d["bias"] = frozenset(d["bias"])
        if "hidden_sizes" in d and isinstance(d["hidden_sizes"], list):
            d["hidden_sizes"] = tuple(d["hidden_sizes"])
        return cls(**d)

    def replace(self, **changes) -> Spec:
        return replace(self, **changes)


def _choice(what: str, value, options: Iterable[str]) -> None:
    if value not in options:
        raise ValueError(f"{what} {value!r} is not one of {list(options)}")


def _size(what: str, value, limit: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be a whole number from 1 to {limit}, got {value!r}")
    if not 1 <= int(value) <= limit:
        raise ValueError(f"{what} = {value} is out of range; expected 1 to {limit}")
