"""marimo: changes made in Python reach marimo's reactivity as changes made in the page do.

In marimo, ``w = mo.ui.anywidget(RNNWidget(...))`` re-runs the cells that read ``w`` when the
page sets a trait (``model.save_changes()``): marimo turns that comm message into a UI-element
update. It learns of nothing else. A change made in Python (``w.set``, ``w.set_entry``, a linked
slider, training in the background on the kernel's event loop) and an edit typed into a number
(a custom ``edit`` message, docs/protocol.md) reach the page but leave the cells that read ``w``
showing the old numbers. marimo has no public call for "this widget changed from Python" (its
documented bridge, ``mo.state`` with ``observe``, needs a state the user binds to a name), so this
module does what marimo does for a ``mo.state`` setter called from a ``mo.Thread``: it marks the
cells that read the element stale and asks the kernel to run stale cells.

Which cells: those that reference a name bound to the ``mo.ui.anywidget`` element wrapping this
widget, minus the cell that defines it (as for a page edit) and minus the cell whose code made the
change (as for a ``mo.state`` setter, so a cell calling ``w.train(50)`` does not train again and
again): a training started in a cell counts as that cell's change until it ends. Changes made
while the page's own trait update is applied (``set_state``) are left to marimo, which re-runs
the cells for those itself. Re-runs come at most every `GAP` seconds (a training publishes up to
20 times a second), the last change always included.

Training: in the editor and in ``marimo run`` the kernel's event loop keeps running between cells,
so ``w.train`` runs in the background there as in Jupyter. A notebook run as a script (``python
nb.py``, ``app.run()``) runs its cells on an event loop too, but the next cell expects the trained
weights, so `runs_as_script` makes training block there.

This module imports no marimo at import time. `follow` is called by ``RNNWidget.__init__`` only
when marimo is already imported, and touches marimo's runtime only inside a running marimo kernel;
a failure there leaves the widget working as before (a debug log line, no exception in the cell).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any

#: Seconds between two re-runs caused by changes from Python (training publishes every 0.05 s).
GAP = 0.25

log = logging.getLogger(__name__)


def runs_as_script() -> bool:
    """True in a marimo notebook run as a script (``python nb.py``, ``app.run()``): its cells run on an event loop, but a cell after ``w.train(...)`` expects the
    trained weights, so training blocks there (in the editor and in ``marimo run`` it runs in the
    background and the cells that read the widget follow it)."""
    try:
        import marimo

        return marimo.app_meta().mode == "script"
    except Exception:
        return False


def follow(widget) -> None:
    """Make `widget`'s Python-side changes re-run the marimo cells that read it (in a running
    marimo kernel; elsewhere nothing happens)."""
    try:
        import marimo

        if not marimo.running_in_notebook():
            return
    except Exception:  # an old or broken marimo: the widget works as it did
        log.debug("rnn_widget: marimo reactivity not available", exc_info=True)
        return
    _attach(widget)


def _attach(widget) -> _Follower:
    follower = _Follower(widget)
    widget.observe(follower.changed)
    widget._marimo_follower = follower  # lives as long as the widget
    page_set_state, ref = type(widget).set_state, weakref.ref(widget)  # no cycle through the widget

    def set_state(sync_data):
        """The page's own update (a comm message, then marimo's UI-element update): marimo re-runs
        the cells that read the widget itself, so what it changes is not announced again."""
        follower.page_updates += 1
        try:
            return page_set_state(ref(), sync_data)
        finally:
            follower.page_updates -= 1

    widget.set_state = set_state
    return follower


class _Follower:
    def __init__(self, widget) -> None:
        self._widget = weakref.ref(widget)
        self._synced = set(widget.trait_names(sync=lambda v: v))
        self._pending: set[str] | None = None  # origin cells of the changes not announced yet
        self._from_anywhere = False  # a pending change came from no cell: exclude none
        self._scheduled = False
        self._last = 0.0
        self._training_cell: str | None = None
        self.page_updates = 0  # > 0 while the page's own update is applied
        self.announced: list[set[str]] = []  # the cells each announcement re-ran (tests read it)

    # -- what changed, and from where -------------------------------------------------------
    def changed(self, change: dict[str, Any]) -> None:
        widget = self._widget()
        if widget is None or change["name"] not in self._synced:
            return
        if self.page_updates:
            return  # the page's own update: marimo re-runs the cells itself
        cell = _current_cell()
        running = (widget.training or {}).get("running")
        if change["name"] == "training" and running and not (change["old"] or {}).get("running"):
            self._training_cell = cell  # a training's changes belong to the cell that started it
        if cell is None:
            cell = self._training_cell
        if not running:
            self._training_cell = None
        self._note(cell)

    def _note(self, cell: str | None) -> None:
        if self._pending is None:
            self._pending = set()
        if cell is None:
            self._from_anywhere = True
        else:
            self._pending.add(cell)
        if self._scheduled:
            return
        self._scheduled = True
        wait = max(0.0, self._last + GAP - time.monotonic())
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        # call_soon even without a wait: one publication sets several traits; announce them once
        loop.call_later(wait, self.flush) if wait else loop.call_soon(self.flush)

    # -- telling marimo -----------------------------------------------------------------------
    def flush(self) -> None:
        self._scheduled = False
        origins = set() if self._from_anywhere else (self._pending or set())
        self._pending, self._from_anywhere = None, False
        self._last = time.monotonic()
        widget = self._widget()
        if widget is None:
            return
        try:
            cells = _rerun_readers(widget, origins)
        except Exception:  # marimo's runtime moved: the widget keeps working, the cells do not follow
            log.debug("rnn_widget: could not tell marimo about a change", exc_info=True)
            return
        if cells:
            self.announced.append(cells)


def _current_cell() -> str | None:
    """The id of the marimo cell running now, None outside a cell (a page message, a task)."""
    try:
        from marimo._runtime.context import get_context

        ec = get_context().execution_context
    except Exception:
        return None
    return None if ec is None else str(ec.cell_id)


def _rerun_readers(widget, origins: set[str]) -> set[str]:
    """Mark stale the cells that read the element wrapping `widget` (not the one defining it, nor
    `origins`) and have the kernel run them, as a ``mo.state`` setter in a ``mo.Thread`` does."""
    from marimo._ast.variables import is_local
    from marimo._runtime.context import get_context

    element_id = getattr(getattr(widget, "comm", None), "ui_element_id", None)
    if not element_id:
        return set()  # shown without mo.ui.anywidget: no name to re-run (as for a page edit)
    ctx = get_context()
    kernel = getattr(ctx, "_kernel", None)
    if kernel is None:
        return set()
    try:
        names = {n for n in ctx.ui_element_registry.bound_names(element_id) if not is_local(n)}
    except KeyError:  # the element is gone (its cell ran again)
        return set()
    graph = kernel.graph
    cells: set[str] = set()
    for name in names:
        cells |= graph.get_referring_cells(name, language="python") - graph.get_defining_cells(name)
    cells -= origins
    cells = {c for c in cells if c in graph.cells and not graph.is_disabled(c)}
    if not cells:
        return set()
    graph.set_stale(cells, prune_imports=True)
    if not kernel.lazy():
        kernel._execute_stale_cells_callback()
    return {str(c) for c in cells}
