"""`Draft`: a state being edited, whole traits and the page's entry edits applied on top of a
checked `State`, then checked all at once (no widget imports here)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _batch
from ._state import State, blank_targets, check, fit, fit_targets, pad_layers, retime_targets
from .core import LIMITS, Network, Spec
from .core.validate import NUMBER_LIMIT, _is_number, as_sequence, short


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
