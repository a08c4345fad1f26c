"""The fuzzer: makes widgets, picks and performs edits, and runs the checks after each."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time

import numpy as np
import traitlets

from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec

from .batch_actions import BatchActions
from .checks import Checks
from .mirror import PageMirror
from .oracle import (
    Capture,
    Tally,
    Violation,
    internal,
    matches,
)
from .page_actions import PageActions
from .python_actions import PythonActions
from .text_actions import TextActions
from .values import (
    PRESETS,
    SNAP,
    Missing,
    rand_matrix,
    random_spec,
    random_targets,
)
from .view_actions import ViewActions

_seed_env = os.environ.get("FUZZ_SEED", "11")
SEED = random.randrange(10**9) if _seed_env == "random" else int(_seed_env)
N_EDITS = int(os.environ.get("FUZZ_EDITS", "10000"))
#: FUZZ_TRACE=a:b prints edits a..b-1 as they are made (to look at a replayed failure).
TRACE = tuple(int(x) for x in os.environ.get("FUZZ_TRACE", "0:0").split(":"))
#: Edits per widget before a fresh one is made.
PER_WIDGET = 400


class Fuzzer(BatchActions, TextActions, ViewActions, PageActions, PythonActions, Checks):
    def __init__(self, seed, n_edits, edit_messages=True):
        self.seed = seed
        self.n = n_edits
        self.rng = random.Random(seed)
        self.edit_messages = edit_messages
        self.violations: list[Violation] = []
        self.tally = Tally()
        self.index = 0
        self.w = None
        self.msg_id = 0
        self.recent = []
        self.train_start_params = None

    # -- bookkeeping ---------------------------------------------------------------------
    def violate(self, kind, what, detail):
        sp = self.w.spec if self.w is not None else {}
        where = (
            f" [{sp.get('cell')} {sp.get('input_size')}->{sp.get('hidden_sizes')}->{sp.get('output_size')} "
            f"{sp.get('mode')} {sp.get('loss')}, T={len(self.w.inputs) if self.w is not None else '?'}]"
        )
        self.violations.append(Violation(self.seed, self.index, kind, what + where, str(detail)[:600]))

    def new_widget(self):
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            w = RNNWidget.from_preset(rng.choice(PRESETS))
        elif r < 0.45:
            w = self.new_text_widget(rng.random() * 0.5)
        else:
            big = r > 0.97
            spec = None
            for _ in range(50):
                spec = random_spec(rng, big=big)
                if spec["mode"] == "one-to-one":
                    T = 1
                elif spec["mode"] == "encoder-decoder":  # T must exceed decoder_steps
                    T = rng.randint(spec["decoder_steps"] + 1, 40 if big else 8)
                else:
                    T = rng.randint(1, 40 if big else 8)
                try:
                    net = Network(Spec.from_dict(spec))
                    break
                except (ValueError, TypeError):
                    continue
            net = Network(net.spec, {k: rand_matrix(rng, s, -1, 1) for k, s in net.param_shapes.items()})
            X = rand_matrix(rng, (T, net.spec.input_size))
            targets = None
            if net.spec.output_size is not None and rng.random() < 0.7:
                targets = random_targets(rng, T, net.spec.output_size, net.spec.loss)
            try:
                w = RNNWidget(net, X, targets=targets)
            except traitlets.TraitError:
                w = RNNWidget(net, X)
        if rng.random() < 0.25:
            self.add_batch(w)
        if rng.random() < 0.2:
            w.weights_form = "concatenated"
        if rng.random() < 0.1:
            w.projector = True
        if rng.random() < 0.15:
            w.display_names = rng.choice(
                [
                    {"W_hh": "\\phi", "W_xh": "\\theta"},
                    {"W_hh": "A", "W_xh": "B", "W_hy": "C"},
                    {"W_hh": "$\\alpha$"},
                    {"h": "k"},
                ]
            )
        cap = Capture()
        logger = logging.getLogger(f"rnn_widget.fuzz.{id(w)}")
        logger.propagate = False
        logger.handlers = [cap]
        logger.setLevel(logging.DEBUG)
        w.log = logger
        w._msg_callbacks.log = logger
        mirror = PageMirror(w)
        w._send = mirror.receive
        self.w, self.mirror, self.capture = w, mirror, cap
        self.sliders = {}
        self.labels_given = False  # labels written as a view trait since the last commit
        self.train_start_params = None
        self.verified = None
        self.tally.widgets += 1

    # -- page messages ---------------------------------------------------------------------
    def page_update(self, state):
        self.mirror.page_sets(state)
        self.w._handle_msg(
            {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []}
        )

    def page_custom(self, content):
        self.w._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})

    def next_id(self):
        self.msg_id += 1
        return f"fuzzview:{self.msg_id}"

    # -- the edits ----------------------------------------------------------------------------
    def choose(self):
        rng = self.rng
        kinds = {
            "page_edit": 22 if self.edit_messages else 0,
            "page_ping": 2 if self.edit_messages else 0,
            "page_params": 6,
            "page_inputs": 4,
            "page_states": 3,
            "page_targets": 3,
            "page_spec": 5,
            "page_view": 6,
            "page_readonly": 2,
            "page_training": 5,
            "page_junk": 2,
            "page_mixed": 2,
            "py_params": 4,
            "py_set": 5,
            "py_entry": 3,
            "py_inputs": 4,
            "py_states": 2,
            "py_targets": 3,
            "py_spec": 4,
            "py_view": 3,
            "py_names": 1,
            "py_training": 5,
            "slider": 7,
            "py_same": 3,
            # the newer paths (mini-batches, text mode, view traits, to_json/from_json)
            "page_batch": 7,
            "page_batch_traits": 2,
            "py_batch": 5,
            "text": 6 if self.w.vocab else 1,
            "view_new": 2,
            "roundtrip": 1,
        }
        names = list(kinds)
        return rng.choices(names, weights=[kinds[k] for k in names])[0]

    def perform(self, kind):
        """Do one edit; returns (Expect, exception raised to Python or None)."""
        return getattr(self, "do_" + kind)()

    def note_training(self, kind):
        """Remember the weights before the first step since the last reset (what reset restores);
        `started()` confirms it once the request has run."""
        w = self.w
        if kind in ("train", "step") and not w.training.get("running") and w._state.grads is not None:
            self.maybe_start = (
                {k: v.copy() for k, v in internal(w)["params"].items()},
                len(w.loss_history),
                w.training,
            )
        if kind == "reset":
            self.reset_expect = self.train_start_params
            self.train_start_params = None

    def started(self):
        w = self.w
        if self.maybe_start is not None:
            params, n, training = self.maybe_start
            # train() got past its checks (it then remembers the weights, even if step 1 fails)
            if w.training.get("running") or len(w.loss_history) > n or w.training is not training:
                self.tally.trainings += 1
                if self.train_start_params is None:
                    self.train_start_params = params
            self.maybe_start = None
        if self.train_start_params is not None:
            shapes = {k: np.shape(v) for k, v in w._net.params.items()}
            if shapes != {k: v.shape for k, v in self.train_start_params.items()}:
                self.train_start_params = None  # a new network: nothing to reset to

    def w_attr(self, k):
        return getattr(self.w, k)

    def check_batch_kept(self, kind, exp, before):
        """An edit of sample 1's weights or entries leaves samples 2..n alone."""
        if kind not in ("page_edit", "py_entry", "py_set", "py_params", "slider"):
            return
        msg = exp.message
        edits = msg.get("edits") if isinstance(msg, dict) and kind == "page_edit" else msg
        if kind in ("page_edit", "py_entry"):
            if not isinstance(edits, list) or any(isinstance(e, dict) and ("steps" in e or "on" in e) for e in edits):
                return
        w = self.w
        for k in ("batch_inputs", "batch_targets"):
            if getattr(w, k) != before[k]:
                self.violate("edit changed another sample", f"{exp.what} {str(msg)[:200]}", f"{k} changed")

    # -- the run ------------------------------------------------------------------------------
    async def run(self):
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(
            lambda _loop, ctx: self.violate(
                "asyncio", "background task", f"{ctx.get('message')}: {ctx.get('exception')!r}"
            )
        )
        self.new_widget()
        t0 = time.perf_counter()
        for i in range(self.n):
            self.index = i
            if i and i % PER_WIDGET == 0:
                await self.finish_widget()
                self.new_widget()
            w = self.w
            kind = self.choose()
            self.recent.append(kind)
            before = self.snapshot()
            before_error = w.error
            mark, n_log = self.mirror.mark(), len(self.capture.records)
            self.customs_mark = len(self.mirror.customs)
            training = bool(w.training.get("running"))
            self.reset_expect = Missing()
            self.maybe_start = None
            try:
                exp, raised = self.perform(kind)
            except Exception as e:  # an error in the harness's own preparation is a test bug
                raise AssertionError(f"fuzz harness failed at edit {i} ({kind}), FUZZ_SEED={self.seed}") from e
            self.tally.edits += 1
            self.tally.by_kind[kind] = self.tally.by_kind.get(kind, 0) + 1
            if training:
                self.tally.edits_while_training += 1
            if TRACE[0] <= i < TRACE[1]:
                print(
                    f"edit {i} {kind}: {exp.what} {str(exp.message)[:200]} raised={raised!r} "
                    f"running={w.training.get('running')} error={w.error[:80]!r}"
                )
            if kind == "page_view" and "labels" in str(exp.what):
                self.labels_given = True  # labels as written (a view trait) until the next commit
            self.check_edit(exp, raised, before, before_error, mark, n_log)
            self.check_batch_kept(kind, exp, before)
            if any(self.w_attr(k) is not before[k] and self.w_attr(k) != before[k] for k in SNAP):
                self.labels_given = False  # a commit: text mode's labels follow the inputs again
            self.started()
            # (a reset to weights that overflow with today's inputs is refused, with a message)
            if (
                not isinstance(self.reset_expect, Missing)
                and self.reset_expect is not None
                and not w.error
                and not w.training.get("running")
                and set(self.reset_expect) == set(w.params)
                and all(np.shape(w.params[k]) == v.shape for k, v in self.reset_expect.items())
            ):
                d = matches(w, {"params": self.reset_expect})
                if d:
                    self.violate("reset did not restore", exp.what, d)
            await asyncio.sleep(0)
            if w.training.get("running") or training:
                # a chunk of training may have run: the page must still follow
                self.check_invariants("after a training chunk")
        await self.finish_widget()
        return time.perf_counter() - t0

    async def finish_widget(self):
        """Let a running training end, then check the final state."""
        w = self.w
        if w.training.get("running"):
            w.stop()
            for _ in range(500):
                if not w.training.get("running"):
                    break
                await asyncio.sleep(0.002)
            if w.training.get("running"):
                self.violate("stop", "w.stop()", "training still running 1 s after stop()")
        await asyncio.sleep(0.003)
        self.check_invariants("end of widget")
        self.tally.packed += self.mirror.packed
        self.tally.lenient_echoes += self.mirror.lenient_echoes
        task = getattr(w, "_task", None)
        if task is not None and task.done() and not task.cancelled() and task.exception() is not None:
            self.violate("background task raised", "training", repr(task.exception()))
