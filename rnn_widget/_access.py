"""Reading and assigning from Python: the network, its trace and gradients, the hidden states and
outputs, one parameter by its stored or shown name (get/set/set_entry), entry edits, linked
sliders, and messages that name parameters as the page shows them. A mixin of RNNWidget."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets as t

from ._state import REFUSALS, message
from .core import Network
from .core.convention import column_form
from .core.validate import as_array

if TYPE_CHECKING:
    from ._state import State


class AccessMixin:
    """The reading and assigning API of RNNWidget, which provides what is declared here."""

    if TYPE_CHECKING:
        _net: Network
        _state: State
        convention: str
        display_names: dict[str, str]

        def _apply_edits(self, edits: Any) -> State: ...
        def _commit(self, state: State) -> None: ...

    # -- reading from Python (assigning: set, set_entry, edit, slider below) ---------------
    @property
    def network(self) -> Network:
        """A copy of the current network."""
        return self._net.copy()

    @property
    def _result(self):
        return self._state.trace

    def result(self):
        """The current forward `Trace` (numpy arrays)."""
        return self._state.trace

    def gradients(self):
        """The current BPTT `Gradients` (with the `bptt` options), or None without targets."""
        return self._state.grads

    def hidden_states(self, layer: int = -1) -> np.ndarray:
        """h_1..h_T of a layer as a (T, hidden) array."""
        return self._result.layers[layer].h.copy()

    def outputs(self) -> np.ndarray:
        """y_1..y_T (T, output size), or the top hidden states without a readout."""
        return self._result.outputs.copy()

    def canonical(self, name: str) -> str:
        """The stored name of a parameter given by its stored or displayed name ("A" -> "W_hh")."""
        try:
            return self._net.canonical(name)  # a parameter's own name wins over a display name
        except KeyError:
            shown = {v: k for k, v in self.display_names.items()}
            if name not in shown:
                raise
            return self._net.canonical(shown[name])

    def get(self, name: str, convention: str | None = None) -> np.ndarray:
        """A parameter as numpy, in `convention` (default: the widget's)."""
        value = self._net[self.canonical(name)]
        return column_form(value) if (convention or self.convention) == "column" else value

    def set(self, name: str, value, convention: str | None = None) -> None:
        """Assign a parameter given in `convention` (default: the widget's); raises on bad input."""
        key = self._key(name)
        shape = self._net.param_shapes[key]
        try:
            if (convention or self.convention) == "column" and len(shape) == 2:
                arr = as_array(key, value, shape[::-1]).T  # checked in the form it was given
            else:
                arr = as_array(key, value, shape)
        except REFUSALS as e:
            raise t.TraitError(self._shown(message(e))) from None
        self.edit([{"field": "params", "name": key, "index": None, "whole": arr}])

    def set_entry(self, name: str, index, value, convention: str | None = None) -> None:
        """Assign one entry of a parameter, e.g. ``w.set_entry("A", (0, 1), 2.0)`` (`index` in
        `convention`, default the widget's). Only that entry changes, on top of the current weights,
        even while training runs; raises a TraitError on bad input, and nothing changes then."""
        key = self._key(name)
        idx = [index] if np.isscalar(index) or not isinstance(index, (list, tuple)) else list(index)
        if (convention or self.convention) == "column" and len(idx) == 2:
            idx = idx[::-1]
        self.edit([{"field": "params", "name": key, "index": idx, "value": value}])

    def _key(self, name) -> str:
        """canonical() for an assignment: an unknown name is a TraitError like any refusal."""
        try:
            return self.canonical(name)
        except REFUSALS as e:
            raise t.TraitError(message(e)) from None

    def edit(self, edits: list) -> None:
        """Apply entry edits together (docs/protocol.md, "Edits carry what changed"), on top of the
        current state; raises a TraitError naming what is wrong, and nothing changes then."""
        try:
            state = self._apply_edits(edits)
        except REFUSALS as e:
            raise t.TraitError(self._shown(message(e))) from None
        self._commit(state)

    def slider(
        self,
        name: str,
        index=(0, 0),
        *,
        min: float = -5.0,
        max: float = 5.0,
        step: float = 0.1,
        convention: str | None = None,
        **kwargs,
    ):
        """An ipywidgets FloatSlider linked both ways to one weight, e.g. ``w.slider("A", (0, 1))``.

        `index` is in `convention` (default: the widget's); a bias takes a single index.
        """
        from ._sliders import linked_slider

        return linked_slider(self, name, index, lo=min, hi=max, step=step, convention=convention, **kwargs)

    def _shown(self, message: str) -> str:
        """Name parameters in a message the way the page shows them: "A (W_hh) must be ..."."""
        shapes = self._net.param_shapes
        for key, shown in self.display_names.items():
            if key != shown and key in shapes:
                named = f"{shown} ({key})"  # a function, not a template: "\\phi" stays as typed
                message = re.sub(rf"(?<![\w@]){re.escape(key)}(?![\w@])", _constant(named), message)
        return message


def _constant(text: str):
    """A re.sub replacement that inserts `text` as it is (a template would read "\\p" in it)."""
    return lambda _match: text
