"""Blank names: one way to name any value of the trace, in either convention and with display names.

Grammar (steps and entries are 1-based, as a person reads them; see docs/protocol.md, "Exercises"):

    loss                         the loss
    h2  h2@2  k2  H2  h2[1]      a hidden state: step 2, layer 1 unless ``@layer`` or a layer's
                                 display name (seed 001's second layer "k"); ``[i]`` one entry
    y2  y2[1]  O2                an output (after the output activation)
    a2                           RNN pre-activation (x W_xh + h W_hh + b_h, before phi)
    i2 f2 o2 c~2 c2              LSTM gates, candidate, cell state
    r2 z2 n2                     GRU gates and candidate
    a_i2 a_f2 a_c2 a_o2          LSTM pre-activations; a_r2 a_z2 a_n2 for a GRU
    dh2  dc2  dy2                dL/dh_2, dL/dc_2 (LSTM), dL/dy_2
    dW_hh  dW_hh[1,2]  dA[1,2]   dL/dW: a parameter by its stored name (entries in row form, as
                                 stored) or by its display name (entries as that name is written:
                                 A = W_hh^T, so dA[1,2] is dW_hh[2,1])

A name without ``[...]`` names the whole vector or matrix: it becomes one slot per entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..core.spec import split_name

#: State kinds: blank letter -> the key in the trace's layer values, per cell.
_STATE_KEYS = {
    "rnn": {"h": "h", "a": "a"},
    "lstm": {
        "h": "h",
        "i": "i",
        "f": "f",
        "o": "o",
        "c~": "c_tilde",
        "c": "c",
        "a_i": "z_i",
        "a_f": "z_f",
        "a_c": "z_c",
        "a_o": "z_o",
    },
    "gru": {"h": "h", "r": "r", "z": "z", "n": "n", "a_r": "z_r", "a_z": "z_z", "a_n": "z_n"},
}
_STATE = re.compile(r"^(?P<kind>[A-Za-z][A-Za-z_~]*?)(?P<step>\d+)(?:@(?P<layer>\d+))?(?:\[(?P<entry>[^\]]*)\])?$")
_PARAM = re.compile(r"^d(?P<param>[^\[\]]+?)(?:\[(?P<entry>[^\]]*)\])?$")


@dataclass(frozen=True)
class Location:
    """Where a value lives. ``path`` leads into the `trace` trait's JSON (docs/protocol.md) and
    ``index`` into the array there (0-based, row form); ``kind`` is the blank letter ("h", "c~",
    "y", "loss", "dh", "dW", ...), ``layer`` and ``step`` 0-based (None where they do not apply)."""

    kind: str
    path: tuple
    index: tuple
    layer: int | None = None
    step: int | None = None
    param: str | None = None

    @property
    def key(self) -> tuple:
        return (self.path, self.index)

    @property
    def unit(self) -> int | None:
        """The entry within the step's vector (hidden unit or output), for per-step values."""
        return self.index[1] if self.step is not None and len(self.index) == 2 else None

    @property
    def backward(self) -> bool:
        return self.path[0] == "grads"


@dataclass(frozen=True)
class Named:
    """A parsed name: the slot names and locations it covers (one per entry)."""

    name: str
    slots: tuple  # ((slot name, Location), ...)


class Names:
    """Parses blank names for one network and its display names (see the module docstring)."""

    def __init__(self, spec, T: int, display_names: dict, names_convention: str, has_grads: bool):
        self.spec, self.T, self.has_grads = spec, T, has_grads
        self.display = dict(display_names or {})
        self.names_convention = names_convention
        self.shapes = spec.param_shapes()
        self.keys = _STATE_KEYS[spec.cell]
        # display name of a state -> (kind, layer or None); per layer ("h@2": "k") fixes the layer
        self.state_alias: dict[str, tuple[str, int | None]] = {}
        for canon, shown in self.display.items():
            base, layer = split_name(canon) if "@" in canon else (canon, None)
            if base in ("h", "y") and shown:
                self.state_alias[shown] = (base, layer)
        self.param_alias = {shown: canon for canon, shown in self.display.items() if canon in self.shapes}

    # -- parsing --------------------------------------------------------------------------
    def parse(self, name) -> Named:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a blank name must be text such as 'h2', 'y2' or 'dA[1,2]', got {_short(name)}")
        text = name.strip().replace(" ", "")
        if len(text) > 40:
            raise ValueError(f"unknown blank {_short(name)}: names are short, such as 'h2', 'y2' or 'dA[1,2]'")
        if text == "loss":
            if not self.has_grads:
                raise ValueError("the blank 'loss' needs targets: this network has no loss")
            return Named("loss", (("loss", Location("loss", ("loss",), ())),))
        m = _PARAM.match(text)
        if m and self._param_name(m["param"]) is not None:
            return self._param(text, m)
        m = _STATE.match(text)
        if m:
            return self._state(text, m)
        raise ValueError(self._unknown(name))

    def _unknown(self, name) -> str:
        kinds = ", ".join(k + "2" for k in self.keys)
        return (
            f"unknown blank {_short(name)}; expected a value of the trace such as {kinds}, y2, loss, "
            f"dh2 or an entry of a gradient such as d{self._shown_param(next(iter(self.shapes)))}[1,1] "
            "(docs/protocol.md, 'Exercises')"
        )

    def _param_name(self, text: str) -> str | None:
        if text in self.param_alias:
            return self.param_alias[text]
        try:
            base, layer = split_name(text)
        except ValueError:
            return None
        key = base if layer == 0 else f"{base}@{layer + 1}"
        return key if key in self.shapes else None

    def _param(self, text: str, m) -> Named:
        if not self.has_grads:
            raise ValueError(f"the blank {text!r} is a gradient, which needs targets: this network has no loss")
        shown = m["param"]
        key = self._param_name(shown)
        assert key is not None
        shape = self.shapes[key]
        # a display name of a matrix is written in names_convention; a stored name in row form
        flip = shown in self.param_alias and self.names_convention == "column" and len(shape) == 2
        named_shape = shape[::-1] if flip else shape

        def loc(entry: tuple) -> Location:
            idx = entry[::-1] if flip else entry
            return Location("dW", ("grads", "params", key), tuple(idx), param=key)

        if m["entry"] is not None:
            entry = self._entry(text, m["entry"], named_shape)
            return Named(text, ((text, loc(entry)),))
        slots = tuple((f"d{shown}[{','.join(str(i + 1) for i in e)}]", loc(e)) for e in np.ndindex(*named_shape))
        return Named(text, slots if len(slots) > 1 else ((text, slots[0][1]),))

    def _state(self, text: str, m) -> Named:
        kind, step, layer_text = m["kind"], int(m["step"]), m["layer"]
        grad = ""
        layer: int | None = None
        if kind in self.state_alias or kind in ("h", "y") or kind in self.keys:
            pass
        elif kind.startswith("d") and (kind[1:] in ("h", "c", "y") or kind[1:] in self.state_alias):
            grad, kind = "d", kind[1:]
        else:
            raise ValueError(self._unknown(text))
        if kind in self.state_alias and kind not in self.keys and kind != "y":
            kind, layer = self.state_alias[kind]
        if layer_text is not None:
            given = int(layer_text) - 1
            if layer is not None and given != layer:
                raise ValueError(f"blank {text!r}: its name already says layer {layer + 1}; leave out '@{given + 1}'")
            layer = given
        layer = 0 if layer is None else layer
        L = self.spec.num_layers
        if not 0 <= layer < L:
            raise ValueError(f"blank {text!r}: layer {layer + 1} does not exist; this network has {L} layer(s)")
        if not 1 <= step <= self.T:
            raise ValueError(f"blank {text!r}: step {step} does not exist; the steps are 1 to {self.T}")
        t = step - 1
        if kind == "y":
            if self.spec.output_size is None:
                raise ValueError(f"blank {text!r}: this network has no readout (no y); name the top hidden state")
            if layer_text is not None:
                raise ValueError(f"blank {text!r}: y has no layer; leave out '@{layer_text}'")
            if not self.spec.step_roles(self.T)[1][t] and self.spec.mode == "encoder-decoder":
                first = self.T - self.spec.decoder_steps + 1
                raise ValueError(
                    f"blank {text!r}: step {step} is an encoder step, which emits no output; "
                    f"the outputs are y{first} to y{self.T}"
                )
            layer = L - 1
            size = self.spec.output_size
            path: tuple = ("grads", "dy") if grad else ("y",)
        else:
            if grad and kind == "c" and self.spec.cell != "lstm":
                raise ValueError(f"blank {text!r}: dc is the LSTM cell state's gradient; this is a {self.spec.cell}")
            if kind not in self.keys:
                raise ValueError(self._unknown(text))
            size = self.spec.hidden_sizes[layer]
            if grad:
                path = ("grads", "dh" if kind == "h" else "dc", layer)
            else:
                path = ("layers", layer, "values", self.keys[kind])
        if grad and not self.has_grads:
            raise ValueError(f"the blank {text!r} is a gradient, which needs targets: this network has no loss")
        loc_kind = grad + kind
        base = text.split("[")[0]
        if m["entry"] is not None:
            (j,) = self._entry(text, m["entry"], (size,))
            return Named(text, ((text, Location(loc_kind, path, (t, j), layer, t)),))
        if size == 1:
            return Named(text, ((text, Location(loc_kind, path, (t, 0), layer, t)),))
        return Named(text, tuple((f"{base}[{j + 1}]", Location(loc_kind, path, (t, j), layer, t)) for j in range(size)))

    def _entry(self, text: str, entry: str, shape: tuple) -> tuple:
        parts = entry.split(",")
        if len(parts) != len(shape) or not all(p.isdigit() for p in parts):
            want = ", ".join("i j".split()[: len(shape)]) if len(shape) <= 2 else "..."
            raise ValueError(f"blank {text!r}: the entry must be [{want}], {len(shape)} whole number(s) from 1")
        idx = tuple(int(p) - 1 for p in parts)
        if any(not 0 <= i < n for i, n in zip(idx, shape)):
            raise ValueError(
                f"blank {text!r}: entry [{entry}] is outside the shape {tuple(shape)} (entries count from 1)"
            )
        return idx

    # -- symbols for hints ----------------------------------------------------------------
    def _shown_param(self, key: str) -> str:
        return self.display.get(key, key)


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
