"""`RNNWidget`: the anywidget that shows and edits a `Network`, its inputs and its trace.

Data flows one way round: an edit (from the page, a linked slider or Python) changes a synced
trait -> the validator checks it through `core` and computes the whole trace of the candidate
state -> only then is anything applied and the `trace` trait sent. A refused edit raises a
TraitError from Python; from the page it sets `error`/`error_field` and restores the page's
value, and nothing else changes.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from . import _batch
from ._access import AccessMixin
from ._batch_widget import BatchMixin
from ._draft import Draft
from ._page import _EDITABLE, PageMixin
from ._state import (
    REFUSALS,
    State,
    message,
    model_traits,
    pack_arrays,
    pack_params,
    param_order,
    run,
    slide_count,
)
from ._training import TrainingMixin, check_train_options, thin_curve
from .core import LIMITS, Network, Spec
from .text import TextMixin

_STATIC = pathlib.Path(__file__).parent / "static"
#: The mini-batch's model traits (samples 2..n), checked and applied like the _EDITABLE ones, after them.
_BATCH = ("batch_inputs", "batch_targets")


class RNNWidget(TextMixin, PageMixin, TrainingMixin, AccessMixin, BatchMixin, anywidget.AnyWidget):
    """Edit an RNN/LSTM/GRU by hand and watch every hidden state, output and formula update.

    >>> w = RNNWidget.from_preset("tom_yeh")      # doctest: +SKIP
    >>> w.set("A", [[1, -1], [1, 1]])             # column form, as on the slide
    >>> w.hidden_states()                         # numpy (T, hidden)
    """

    read_only_traits = (*TextMixin.read_only_traits, "batch_trace")
    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    spec = t.Dict(help="The architecture: cell, activation, sizes, readout, mode, loss (see docs/protocol.md).").tag(
        sync=True
    )
    params = t.Dict(help="Every parameter by name, row convention, as nested lists.").tag(
        sync=True, to_json=pack_params
    )
    param_order = t.List(t.Unicode(), help="Parameter names in display order (read-only).").tag(sync=True)
    inputs: t.List[Any] = t.List(help="The input sequence, one row of input_size numbers per time step.").tag(
        sync=True, to_json=pack_arrays
    )
    h0: t.List[Any] = t.List(help="The initial hidden state of each layer.").tag(sync=True)
    c0: t.List[Any] = t.List(help="LSTM: the initial cell state of each layer (empty for other cells).").tag(sync=True)
    targets = t.Any(None, allow_none=True, help="Targets (T, output size) or one row per scored step, or None.").tag(
        sync=True, to_json=pack_arrays
    )
    convention = t.Enum(
        ("row", "column"), "row", help="Show h_t = phi(x W_xh + h W_hh) ('row') or phi(A h + B x) ('column')."
    ).tag(sync=True)
    display_names = t.Dict(t.Unicode(), help="Shown names per canonical name, e.g. {'W_hh': 'A'}.").tag(sync=True)
    names_convention = t.Enum(
        ("row", "column"),
        "row",
        help="The convention the display names describe (A = W_hh^T is a column-form name); in the other one the page marks them transposed.",
    ).tag(sync=True)
    weights_form = t.Enum(
        ("separate", "concatenated"),
        "separate",
        help="'concatenated' shows each gate's weights as one matrix W_g = [W_hg | W_xg] (seed 004's W [h, x]).",
    ).tag(sync=True)
    labels = t.List(t.Unicode(), help="One token label per time step (shown as text).").tag(sync=True)
    vocab = t.List(
        t.Unicode(), help="Text mode: the token of each input and output unit, in order ([] for numbers; read-only)."
    ).tag(sync=True)
    sampled = t.Dict(
        help="Text mode: the sampling run the widget shows ({} when none): start, tokens, temperature, seed (read-only)."
    ).tag(sync=True)
    title = t.Unicode("", help="A heading shown above the widget (shown as text).").tag(sync=True)
    reveal = t.Int(-1, help="Step-through slide shown: -1 shows everything, n shows slides 0..n.").tag(sync=True)
    focus_step = t.Int(0, help="The 0-based time step the formula panel explains.").tag(sync=True)
    error = t.Unicode("", help="The message of the last refused edit from the page ('' when none).").tag(sync=True)
    error_field = t.Unicode(
        "", help="What the refused edit was about: a parameter name, 'inputs', 'h0', 'targets' or 'spec'."
    ).tag(sync=True)
    limits = t.Dict(help="Size limits the page enforces (read-only).").tag(sync=True)
    trace = t.Dict(help="The forward trace (and gradients with targets) of the current state (read-only).").tag(
        sync=True, to_json=pack_arrays
    )
    show_grads = t.Bool(False, help="The gradient view is open in the page.").tag(sync=True)
    projector = t.Bool(
        False, help="Projector mode: larger type, and the diagram fills the width (also a toolbar toggle)."
    ).tag(sync=True)
    bptt = t.Dict(
        {"clip_norm": None, "truncate": None}, help="Backward options: clip_norm (global norm) and truncate (steps)."
    ).tag(sync=True)
    bptt_step = t.Int(-1, help="Backward step-through: -1 shows all of BPTT, n shows it after n + 1 steps back.").tag(
        sync=True
    )
    train_options = t.Dict(
        {"lr": 0.01, "momentum": 0.0, "steps": 50, "clip_norm": None}, help="What the page's Train button uses."
    ).tag(sync=True)
    training = t.Dict(
        {"running": False, "step": 0, "total": 0, "lr": 0.01, "momentum": 0.0, "message": ""},
        help="Training progress (read-only).",
    ).tag(sync=True)
    loss_history: t.List[float] = t.List(
        help="The loss before each SGD step since the last reset (read-only; kept in Python)."
    )
    # -- mini-batches (README "Mini-batches", docs/protocol.md) --------------------------------
    batch_inputs: t.List[Any] = t.List(
        help="Samples 2..n of a mini-batch (the widget's inputs are sample 1): one (T, input size) sequence each."
    ).tag(sync=True, to_json=pack_arrays)
    batch_targets = t.Any(
        None, allow_none=True, help="The targets of samples 2..n, one entry per sample like targets, or None."
    ).tag(sync=True, to_json=pack_arrays)
    batch_sample = t.Int(
        0, help="The sample (0-based; 0 is the widget's own inputs) the diagram and formulas follow."
    ).tag(sync=True)
    batch_trace = t.Dict(help="Every sample's X, H, O rows and the batch loss ({} without a batch; read-only).").tag(
        sync=True, to_json=pack_arrays
    )
    loss_curve: t.Dict[str, list] = t.Dict(
        {"step": [], "loss": []},
        help="loss_history thinned to at most ~1000 points for the page's chart: the lowest and highest loss of each stretch of steps (read-only).",
    ).tag(sync=True)

    def __init__(self, network: Network | None = None, inputs=None, *, h0=None, c0=None, targets=None, **kwargs):
        net = network if network is not None else Network(Spec())
        if not isinstance(net, Network):
            raise TypeError(f"network must be an rnn_widget Network, got {type(net).__name__}")
        # Every model trait given here is applied at once, spec first, so any consistent set works.
        given: dict[str, Any] = {k: kwargs.pop(k) for k in ("spec", "params", "bptt", *_BATCH) if k in kwargs}
        given.update(
            {k: v for k, v in (("inputs", inputs), ("h0", h0), ("c0", c0), ("targets", targets)) if v is not None}
        )
        draft = Draft(net.copy(), np.zeros((3, net.spec.input_size)))
        try:
            for name in (*_EDITABLE, *_BATCH):
                if name in given:
                    draft.set(name, given[name])
            state = draft.check()
        except REFUSALS as e:
            raise t.TraitError(message(e)) from None
        self._net = state.net
        self._state = state
        # (trait name, the state it was checked against, the state it makes, the value it returned):
        # set by the validator, used by the observer of that very change only
        self._pending: tuple[str, State, State, Any] | None = None
        self._committing = False
        self._param_lists: dict = {}  # name -> (array, list): model_traits reuses unchanged lists
        self._packed_params: dict = {}  # name -> (list, packed): pack_params reuses unchanged ones
        super().__init__(**kwargs)
        self.limits = dict(LIMITS)
        self._init_training()
        self.on_msg(self._on_page_msg)
        self._commit(state)
        if "marimo" in sys.modules:  # in a marimo notebook: Python-side changes re-run cells too
            from ._marimo import follow

            follow(self)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_preset(cls, preset, **kwargs) -> RNNWidget:
        """Open a preset (a `Preset` or its name, e.g. ``"tom_yeh"``)."""
        from . import presets

        p = presets.load(preset) if isinstance(preset, str) else preset
        options = {
            "display_names": dict(p.display_names),
            "convention": p.convention,
            "names_convention": p.convention,
            "title": p.title,
            "weights_form": p.weights_form,
        }
        if p.labels:
            options["labels"] = list(p.labels)
        options.update(kwargs)
        return cls(p.network, p.inputs, h0=p.h0, c0=p.c0, targets=p.targets, **options)

    @classmethod
    def exercise(cls, preset, blanks, **options):
        """Homework: `blanks` (e.g. ``["h2", "y2", "h3"]``) are left open in the page, checked in
        Python with hints, and scored (`rnn_widget.exercise.Exercise`; options in its docstring).

        `preset` is a preset or its name, or a `Network` (then give ``inputs=``, ``targets=``)."""
        from .exercise import Exercise

        if isinstance(preset, Network):
            return Exercise(preset, blanks=blanks, **options)
        return Exercise.from_preset(preset, blanks=blanks, **options)

    # reading and assigning from Python (network, result, get, set, edit, slider): _access.py;
    # mini-batches (set_batch, batch_result, batch_sample): _batch_widget.py

    # -- validation: every editable trait goes through _check before it is applied --------
    def _candidate(self, edits: dict) -> State:
        """The state after whole-trait `edits` (trait name -> value, applied in the order of _EDITABLE)."""
        draft = Draft.of(self._state)
        for name in (*_EDITABLE, *_BATCH):
            if name in edits:
                draft.set(name, edits[name])
        return draft.check()

    def _apply_edits(self, edits) -> State:
        """The state after entry edits, applied together on top of the current state."""
        if not isinstance(edits, list) or not edits:
            raise ValueError(f"edits must be a non-empty list of edits, got {str(edits)[:60]}")
        draft = Draft.of(self._state)
        for e in edits:
            if isinstance(e, dict) and "whole" in e:  # set(): a whole parameter, already checked
                draft._net().set_params({e["name"]: e["whole"]})
            else:
                draft.edit(e)
        return draft.check()

    @t.validate(*_EDITABLE, *_BATCH)
    def _validate_editable(self, proposal):
        name, value = proposal["trait"].name, proposal["value"]
        if self._committing:
            return value
        try:
            state = self._candidate({name: value})
        except REFUSALS as e:
            raise t.TraitError(self._shown(message(e))) from None
        value = model_traits(state, [name])[name]
        self._pending = (name, self._state, state, value)
        return value

    @t.validate("reveal")
    def _validate_reveal(self, proposal):
        n = slide_count(self._result)
        if not -1 <= proposal["value"] < n:
            raise t.TraitError(f"reveal = {proposal['value']} is out of range; expected -1 (show all) or 0 to {n - 1}")
        return proposal["value"]

    @t.observe("loss_history")
    def _on_loss_history(self, change):
        self.loss_curve = thin_curve(change["new"])

    @t.observe("vocab")
    def _vocab_changed(self, change):
        self._on_vocab(change)  # text.py: the labels follow

    @t.observe("convention")
    def _on_convention(self, change):
        self.param_order = param_order(self._net.param_shapes, change["new"])

    @t.validate("bptt_step")
    def _validate_bptt_step(self, proposal):
        T = self._result.T
        if not -1 <= proposal["value"] < T:
            raise t.TraitError(f"bptt_step = {proposal['value']} is out of range; expected -1 (all) or 0 to {T - 1}")
        return proposal["value"]

    @t.validate("train_options")
    def _validate_train_options(self, proposal):
        try:
            return check_train_options(proposal["value"])
        except (TypeError, ValueError) as e:
            raise t.TraitError(str(e)) from None

    @t.validate("focus_step")
    def _validate_focus(self, proposal):
        T = self._result.T
        if not 0 <= proposal["value"] < T:
            raise t.TraitError(f"focus_step = {proposal['value']} is out of range; expected 0 to {T - 1}")
        return proposal["value"]

    @t.observe(*_EDITABLE, *_BATCH)
    def _on_editable(self, change):
        if self._committing:
            return
        pending, self._pending = self._pending, None
        if (
            pending is not None
            and pending[0] == change["name"]
            and pending[1] is self._state
            and pending[3] is change["new"]
        ):
            state = pending[2]
        else:
            # no validator ran for this change (traitlets skips it for None on an allow_none trait:
            # w.targets = None), or one ran for an assignment that changed nothing and fired no
            # change (w.spec = w.spec): check this value now, against the current state
            state = self._candidate({change["name"]: change["new"]})
        self._commit(state)

    def _advance(self, net: Network) -> None:
        """Recompute the state for a new network without publishing (training's inner loop).

        The inputs, states and targets were checked when they were set; only the new numbers can
        go wrong. A trace holding an infinity or NaN anywhere is refused here, before it could be
        published: every value of a layer follows from its pre-activations and states, so their
        sums (one reduction each) show any overflow."""
        st = self._state
        if st.batch is not None:
            self._state, self._net = _batch.advance(st, net), net
            return
        layers = st.trace.layers
        trace, grads = run(
            net,
            st.inputs,
            [lt.h0 for lt in layers],
            [lt.c0 for lt in layers] if net.spec.cell == "lstm" else None,
            st.trace.targets,
            st.bptt,
        )
        total = trace.loss + grads.norm + sum(v.sum() for lt in trace.layers for v in lt.values.values())
        if trace.y_pre is not None:
            total += trace.y_pre.sum()
        if not np.isfinite(total):
            raise ValueError(
                "the loss, the gradients or a state overflow to infinity or NaN with these weights; "
                "expected numbers small enough to compute (lower the learning rate or clip)"
            )
        self._state = State(net, st.inputs, trace, grads, st.bptt)
        self._net = net

    def _commit(self, state: State):
        """Make `state` current and publish every trait the page reads, in one message.
        `state.json` was computed when the state was checked (or is computed here first, for a
        training step), so nothing below can fail half-way."""
        net, trace = state.net, state.trace
        sample = min(self.batch_sample, state.n - 1)
        # a batch follows one sample (an exercise, which redacts its trace, never has a batch)
        trace_json = self._page_trace(state) if state.batch is None else state.json_for(sample)
        batch_json = state.batch_json
        if net.param_shapes != self._state.net.param_shapes:
            self._forget_training()  # old weights and momentum no longer fit this network
            self._param_lists.clear()
            self._packed_params.clear()
            # a display name that is now another parameter's own name would show two of that name
            # (next_number calls b_y "b_o", and an LSTM has its own b_o): it goes
            names = self.display_names
            kept = {k: v for k, v in names.items() if v == k or v not in net.param_shapes}
            if kept != names:
                self.display_names = kept
        self._net, self._state = net, state
        self._committing = True
        try:
            with self.hold_sync():
                self.set_trait("param_order", param_order(net.param_shapes, self.convention))
                for name, value in model_traits(state, lists=self._param_lists).items():
                    self.set_trait(name, value)
                if self.labels and len(self.labels) != trace.T:
                    self.labels = (list(self.labels) + [""] * trace.T)[: trace.T]
                self._text_labels()  # text mode: labels follow the one-hot inputs (text.py)
                self.focus_step = min(self.focus_step, trace.T - 1)
                self.reveal = min(self.reveal, slide_count(trace) - 1)
                self.bptt_step = min(self.bptt_step, trace.T - 1)
                self.error = ""
                self.error_field = ""
                self.batch_sample = sample
                self.batch_trace = batch_json
                self.trace = trace_json
        finally:
            self._committing = False

    # -- saving and sharing (rnn_widget/export, rnn_widget/picture.py) -----------------------
    def _repr_mimebundle_(self, **kwargs):
        """The live view, plus a static picture of the diagram (SVG, and an <img> of it as HTML)
        for wherever the view cannot be drawn: GitHub, nbviewer, an HTML export, an untrusted
        notebook. Jupyter front ends prefer the live view."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if not bundle:
            return bundle
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        from . import picture

        svg = self.picture()
        data = {
            **data,
            "image/svg+xml": svg,
            "text/html": picture.html(svg, picture.alt_text(self.trace, self.display_names)),
        }
        return data, metadata

    def picture(self) -> str:
        """The unrolled diagram with its numbers as an SVG document (str), for slides and reports;
        an exercise's open blanks are empty boxes. ``Path("rnn.svg").write_text(w.picture())``."""
        from . import picture

        return picture.svg(self.trace, self.display_names, self.title, list(self.labels), self.sampled)

    def to_json(self, indent: int | None = None) -> str:
        """The model and how it is shown (spec, params, inputs, h0, c0, targets, bptt, convention,
        names, labels, title, train options) as JSON text; `RNNWidget.from_json` opens it again."""
        import json

        from .export import to_dict

        return json.dumps(to_dict(self), indent=indent)

    @classmethod
    def from_json(cls, text: str) -> RNNWidget:
        """A widget from the text of `to_json` (or its parsed dict); a TraitError says what is wrong."""
        from .export import from_dict, parse

        return from_dict(cls, parse(text))

    def save_html(self, path, title: str | None = None):
        """Write this widget as one standalone HTML file that needs no kernel and no network: the
        page is read-only and keeps the step-through, hover linking and the formula form."""
        from .export import save_html

        return save_html(self, path, title)

    def _page_trace(self, state: State) -> dict:
        """The `trace` trait for `state`: everything, here; an exercise leaves its blanks out."""
        return state.json
