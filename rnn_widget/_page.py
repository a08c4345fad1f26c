"""What the page sends: trait writes (checked together, read-only traits refused) and custom
messages (entry edits with their ack, pings); docs/protocol.md. A mixin of RNNWidget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import traitlets as t

# Private to ipywidgets, and no public way exists: a widget that applies the page's state itself
# (set_state below) must confirm it with an echo_update, or ipywidgets 8's front end ignores the
# kernel's next values of those traits. tests/test_ipywidgets_private.py fails loudly if an
# ipywidgets upgrade moves them.
from ipywidgets.widgets.widget import JUPYTER_WIDGETS_ECHO, _remove_buffers

from ._state import REFUSALS, changed_param, message

if TYPE_CHECKING:
    from ._state import State
    from .core import Network

#: Traits that change the model, in the order a combined edit applies them.
_EDITABLE = ("spec", "params", "inputs", "h0", "c0", "targets", "bptt")
#: A mini-batch's entry-edit fields (rnn_widget/_batch.py): named in `error_field` like the others.
_BATCH_FIELDS = ("batch_inputs", "batch_targets")
#: Traits only Python writes: a write from the page is refused and the page put back.
_READ_ONLY = ("trace", "limits", "training", "param_order", "loss_curve", "error", "error_field", "names_convention")


class PageMixin:
    """Adds the page's side of the protocol to RNNWidget, which provides what is declared here."""

    #: Traits only Python writes (a subclass adds its own, e.g. an exercise's `homework`).
    read_only_traits: tuple[str, ...] = _READ_ONLY

    if TYPE_CHECKING:
        _net: Network
        _pending: Any
        error: str
        error_field: str
        params: dict
        keys: list[str]

        def _candidate(self, edits: dict) -> State: ...
        def _apply_edits(self, edits: Any) -> State: ...
        def _commit(self, state: State) -> None: ...
        def _shown(self, message: str) -> str: ...
        def _on_training_msg(self, content: dict) -> None: ...
        def _send(self, msg: dict, buffers: Any = None) -> None: ...
        def send(self, content: dict, buffers: Any = None) -> None: ...
        def send_state(self, key: Any = None) -> None: ...
        def set_trait(self, name: str, value: Any) -> None: ...
        def hold_sync(self) -> Any: ...

    # -- edits from the page --------------------------------------------------------------
    def set_state(self, sync_data):
        """State from the page. Edits to the model traits are checked together and applied at once
        (a spec change and its new params arrive in one message); a refused edit puts the page
        back and says why. Read-only traits are refused."""
        self._echo(sync_data)
        read_only = [k for k in sync_data if k in self.read_only_traits]
        edits = {k: sync_data[k] for k in _EDITABLE if k in sync_data}
        rest = {k: v for k, v in sync_data.items() if k not in edits and k not in read_only and k in self.keys}
        if read_only:
            self._refuse(
                {k: None for k in read_only},
                f"{', '.join(read_only)} {'is' if len(read_only) == 1 else 'are'} computed in Python "
                "and cannot be set from the page",
            )
        if edits:
            try:
                state = self._candidate(edits)
            except REFUSALS as e:
                self._refuse(edits, self._shown(message(e)))
            else:
                self._commit(state)
                # the page shows Python's value, also where Python normalised what it sent
                self.send_state(list(edits))
        if rest:
            try:
                with self.hold_sync():
                    for name, value in rest.items():
                        self.set_trait(name, value)
                    if self.error and not read_only and not edits:
                        self.error, self.error_field = "", ""
            except t.TraitError as e:
                self._refuse(rest, str(e))

    def _on_page_msg(self, _widget, content, _buffers):
        """Custom messages from the page: entry edits and pings (the rest is training's)."""
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "edit":
            self._on_edit_msg(content)
        elif kind == "ping":
            self.send({"type": "pong", "id": content.get("id")})
        else:
            self._on_training_msg(content)

    def _on_edit_msg(self, content):
        edits = content.get("edits")
        ack = {"type": "ack", "id": content.get("id"), "ok": True}
        try:
            state = self._apply_edits(edits)
        except REFUSALS as e:
            text = self._shown(message(e))
            first = edits[0] if isinstance(edits, list) and edits and isinstance(edits[0], dict) else {}
            field = first.get("name") if first.get("field") == "params" else first.get("field")
            with self.hold_sync():
                self.error = text
                self.error_field = str(field) if field in (*self._net.param_shapes, *_EDITABLE, *_BATCH_FIELDS) else ""
            ack.update(ok=False, error=text)
        else:
            self._commit(state)
        self.send(ack)  # after the traits: the page then holds the edit's effect

    def _echo(self, edits):
        """ipywidgets 8 confirms every state the page sends with an echo_update message."""
        if JUPYTER_WIDGETS_ECHO and edits:
            state, paths, buffers = _remove_buffers(edits)
            self._send({"method": "echo_update", "state": state, "buffer_paths": paths}, buffers=buffers)

    def _refuse(self, data, text):
        self._pending = None
        field = next((k for k in _EDITABLE if k in data), next(iter(data), ""))
        if field == "params":
            field = changed_param(self.params, data.get("params")) or "params"
        with self.hold_sync():
            self.send_state([k for k in data if k in self.keys])  # the page shows Python's values again
            self.error = text
            self.error_field = field
