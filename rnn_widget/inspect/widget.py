"""`TextInspector`: type text, see every hidden unit and gate of a trained character model over it.

Data flow: the page sends the text it has (a custom message ``{"kind": "text"}``) -> `CharModel.run`
recomputes from the first changed character -> only the changed steps travel back
(``{"kind": "values", "start": k, ...}``): exact float32 values of the quantity in view (of every
quantity when only a few steps changed), the predictions, and a coarse uint8 preview of every
quantity for the thumbnails (units averaged in groups, colours quantised; see `thumbnails`). The page
asks for the exact values of another quantity when it shows it (``{"kind": "fetch"}``). A new view
asks for everything it shows (``"hello"``).
A refused text (unknown characters, too long) changes nothing: Python raises a TraitError, the page
gets ``{"kind": "error"}`` and keeps the text typed and the last good views.
"""

from __future__ import annotations

import pathlib
import time

import anywidget
import numpy as np
import traitlets as t

from .._state import one_blas_thread
from .model import MAX_CHARS, CharModel, CharRun
from .preview import colour_range, thumbnails

_STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"


def _message(e: Exception) -> str:
    return str(e.args[0]) if e.args else str(e)


class TextInspector(anywidget.AnyWidget):
    """Every hidden unit and gate of one layer of a character model, over a text you type.

    Build it with `TextInspector.from_torch(lstm, linear, vocab, text=...)` or from a `CharModel`.
    ``text`` is the text shown; ``quantity`` the map drawn large (``"h"``, ``"c"``, ``"f"``, ...);
    ``unit`` the unit followed along the text (its values, the steps where it fires most).
    """

    _esm = _STATIC / "inspector.js"
    _css = _STATIC / "inspector.css"

    text = t.Unicode("").tag(sync=True)
    quantity = t.Unicode("h").tag(sync=True)
    unit = t.Int(0).tag(sync=True)
    # what the page needs to know about the model (read-only: set here only)
    vocab = t.List(t.Unicode()).tag(sync=True)
    cell = t.Unicode("lstm").tag(sync=True)
    hidden = t.Int(1).tag(sync=True)
    layer = t.Int(0).tag(sync=True)
    num_layers = t.Int(1).tag(sync=True)
    quantities = t.List(t.List(t.Unicode())).tag(sync=True)
    max_chars = t.Int(MAX_CHARS).tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    #: the last refusal of a text typed in the page ("" when the last one was taken)
    error = t.Unicode("").tag(sync=True)

    def __init__(self, model: CharModel, text: str = "", *, title: str = "", **kwargs):
        if not isinstance(model, CharModel):
            raise TypeError(f"model must be a CharModel (or use TextInspector.from_torch), got {type(model).__name__}")
        run, _ = model.run(text)  # refuses a bad text before anything exists
        self._model = model
        self._run: CharRun = run
        self._seq = 0
        self._thumb_ranges: list | None = None  # the thumbnails' colour ranges last sent
        self._t0 = time.perf_counter()
        spec = model.net.spec
        super().__init__(
            text=text,
            vocab=list(model.vocab),
            cell=spec.cell,
            hidden=model.hidden,
            layer=model.layer,
            num_layers=spec.num_layers,
            quantities=[[q, label] for q, _, label in model.quantities],
            title=title or f"Inside a character {spec.cell.upper()}",
            **kwargs,
        )
        self.on_msg(self._on_page_message)

    @classmethod
    def from_torch(cls, module, linear, vocab, text: str = "", *, layer: int = -1, **kwargs) -> TextInspector:
        """From a trained torch ``nn.LSTM``/``nn.GRU``/``nn.RNN``, its ``nn.Linear`` readout (or
        None) and the vocabulary: a string or list whose i-th character is input/output i."""
        return cls(CharModel.from_torch(module, linear, vocab, layer=layer), text, **kwargs)

    # -- validation: a refused value raises and changes nothing ---------------------------------
    @t.validate("text")
    def _check_text(self, proposal):
        try:
            return self._model.check_text(proposal["value"])
        except (TypeError, ValueError) as e:
            raise t.TraitError(_message(e)) from None

    @t.validate("quantity")
    def _check_quantity(self, proposal):
        names = [q for q, _, _ in self._model.quantities]
        if proposal["value"] not in names:
            raise t.TraitError(f"quantity {proposal['value']!r} is not one of {names} (a {self.cell} cell)")
        return proposal["value"]

    @t.validate("unit")
    def _check_unit(self, proposal):
        u = proposal["value"]
        if not 0 <= u < self._model.hidden:
            raise t.TraitError(f"unit {u} is out of range; expected 0 to {self._model.hidden - 1}")
        return u

    @t.observe("text")
    def _text_changed(self, change):
        if change["new"] != self._run.text:
            self._advance(change["new"], origin="python")

    # -- reading the values from Python ---------------------------------------------------------
    @property
    def model(self) -> CharModel:
        return self._model

    def values(self, quantity: str = "h") -> np.ndarray:
        """(len(text), hidden) float64: the quantity of the shown layer at every character."""
        return self._model.values(self._run, quantity).copy()

    def top_steps(self, unit: int | None = None, quantity: str | None = None, k: int = 10) -> list[tuple[int, float]]:
        """The k steps where `unit` of `quantity` is largest, ``[(step, value), ...]``, largest first."""
        v = self.values(quantity or self.quantity)[:, self.unit if unit is None else unit]
        order = np.argsort(-v, kind="stable")[:k]
        return [(int(i), float(v[i])) for i in order]

    def predictions(self) -> list[tuple[str, float]]:
        """Per character, the readout's most likely next character and its probability."""
        logits = self._run.logits
        if logits is None:
            return []
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        best = p.argmax(axis=1)
        return [(self._model.vocab[b], float(p[i, b])) for i, b in enumerate(best)]

    # -- the page ---------------------------------------------------------------------------------
    #: up to this many changed steps, every quantity's exact values travel (a typed character);
    #: beyond, only the quantity in view (the others are fetched when the page shows them)
    ALL_QUANTITIES_UP_TO = 4

    def _advance(self, text: str, origin: str, seq: int | None = None, view: str | None = None):
        self._t0 = time.perf_counter()
        with one_blas_thread():  # as the main widget: BLAS threads cost more than they give here
            run, start = self._model.run(text, self._run)
        self._run = run
        self._send_values(start, origin, seq, view)

    def _send_values(
        self,
        start: int,
        origin: str,
        seq: int | None = None,
        view: str | None = None,
        names: list[str] | None = None,
        thumbs: bool = True,
    ):
        run, model = self._run, self._model
        T = len(run.text)
        if names is None:
            every = [q for q, _, _ in model.quantities]
            names = every if T - start <= self.ALL_QUANTITIES_UP_TO else [self.quantity]
        block = np.empty((len(names), T - start, model.hidden), dtype=np.float32)
        for i, q in enumerate(names):
            block[i] = model.values(run, q)[start:]
        preds = np.empty((T - start, 2), dtype=np.float32)
        if run.logits is not None and T > start:
            lg = run.logits[start:]
            p = np.exp(lg - lg.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            best = p.argmax(axis=1)
            preds[:, 0] = best
            preds[:, 1] = p[np.arange(T - start), best]
        else:
            preds[:] = -1
        content = {
            "kind": "values",
            "start": start,
            "T": T,
            "text": run.text,
            "origin": origin,
            "seq": seq,
            "view": view,
            "quantities": names,
            "changed": T if origin == "fetch" else start,  # the first step whose text changed
        }
        buffers = [block.tobytes(), preds.tobytes()]
        if thumbs:
            # the previews' colour ranges follow the values (a cell state's 99th percentile): when
            # one moves, every column is redrawn, else only the changed steps travel
            ranges = [colour_range(q, model.values(run, q)) for q, _, _ in model.quantities]
            t0 = start if ranges == self._thumb_ranges else 0
            self._thumb_ranges = ranges
            codes = thumbnails([model.values(run, q)[t0:] for q, _, _ in model.quantities], ranges)
            content["thumbs"] = {"start": t0, "rows": int(codes.shape[2]), "ranges": ranges}
            buffers.append(codes.tobytes())
        # the kernel's own time for a text (recompute + preparing the message; benchmarks/)
        content["kernel_ms"] = round(1e3 * (time.perf_counter() - self._t0), 2) if origin != "fetch" else None
        self.send(content, buffers=buffers)

    def _on_page_message(self, _widget, content, _buffers):
        if not isinstance(content, dict):
            return
        kind = content.get("kind")
        if kind == "hello":
            self._thumb_ranges = None
            self._send_values(0, "python")
        elif kind == "fetch":  # the page shows a quantity it holds only up to step `from`
            names = [q for q, _, _ in self._model.quantities]
            q, frm = content.get("quantity"), content.get("from", 0)
            if q not in names or not isinstance(frm, int) or isinstance(frm, bool):
                return
            T = len(self._run.text)
            self._send_values(max(0, min(frm, T)), "fetch", content.get("seq"), content.get("view"), [q], thumbs=False)
        elif kind == "text":
            seq, view = content.get("seq"), content.get("view")
            try:
                text = self._model.check_text(content.get("text"))
            except (TypeError, ValueError) as e:
                self.error = _message(e)
                self.send({"kind": "error", "message": self.error, "seq": seq, "view": view})
                return
            self._advance(text, origin="page", seq=seq, view=view)  # before the trait: its observer sees no change
            self.text = text
            self.error = ""
