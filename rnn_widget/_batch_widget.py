"""The widget's side of mini-batches (README "Mini-batches", docs/protocol.md): `set_batch`,
`batch_result`, and the followed sample (`batch_sample`). The traits are declared on RNNWidget;
the checks and the batch's trace are in _batch.py. A mixin of RNNWidget.

It derives from traitlets.HasTraits: its validator and observer are bound only in a HasTraits
class (an observer in a plain mixin is never bound; see text.py's `_on_vocab`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets as t

from ._state import REFUSALS, message
from .core import MAX_BATCH

if TYPE_CHECKING:
    from ._state import State


class BatchMixin(t.HasTraits):
    """Mini-batches for RNNWidget, which provides what is declared here."""

    if TYPE_CHECKING:
        _state: State
        _committing: bool
        training: dict[str, Any]
        trace: dict

        def _candidate(self, edits: dict) -> State: ...
        def _commit(self, state: State) -> None: ...
        def _shown(self, message: str) -> str: ...

    def batch_result(self):
        """The mini-batch's `core.BatchTrace` (every sample; `.X(t)`, `.H(t)`, `.O(t)` are seed
        003's n-row matrices, `.loss` the batch loss), or None without a batch."""
        return None if self._state.batch is None else self._state.batch.trace

    def set_batch(self, inputs, targets=None) -> None:
        """Make a mini-batch of `inputs` (n sequences of one length; the first becomes the widget's
        own `inputs`, the rest `batch_inputs`) and `targets` (one entry per sample, or None for
        none), checked and applied together; raises a TraitError, and nothing changes, otherwise.
        ``w.set_batch([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]], [[[11]], [[12]]])``."""
        if not isinstance(inputs, (list, tuple, np.ndarray)) or not 1 <= len(inputs) <= MAX_BATCH:
            raise t.TraitError(f"set_batch takes a list of 1 to {MAX_BATCH} sequences, got {str(inputs)[:60]}")
        if targets is not None and (not isinstance(targets, (list, tuple, np.ndarray)) or len(targets) != len(inputs)):
            raise t.TraitError(f"targets must hold one entry per sample ({len(inputs)}), got {str(targets)[:60]}")
        edits = {"inputs": inputs[0], "targets": None if targets is None else targets[0]}
        edits.update(batch_inputs=list(inputs[1:]), batch_targets=None if targets is None else list(targets[1:]))
        try:
            state = self._candidate(edits)
        except REFUSALS as e:
            raise t.TraitError(self._shown(message(e))) from None
        self._commit(state)

    @t.validate("batch_sample")
    def _validate_sample(self, proposal):
        n = self._state.n
        if not 0 <= proposal["value"] < n:
            raise t.TraitError(
                f"sample = {proposal['value']} is out of range; expected 0 to {n - 1} (the batch has {n} sample(s))"
            )
        return proposal["value"]

    @t.observe("batch_sample")
    def _on_sample(self, change):
        if not self._committing and self._state.batch is not None:
            if self.training.get("running"):
                # training is ahead of the published weights: publish them with the followed
                # sample's trace (a trace of newer weights beside older `params` is a lie)
                self._commit(self._state)
            else:
                self.trace = self._state.json_for(change["new"])
