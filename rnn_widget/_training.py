"""Training in place: SGD steps on the widget's own sequence, with the view following.

From the page (custom messages ``train``/``step``/``stop``/``reset``) and from Python
(`RNNWidget.train`). In a running kernel, training proceeds in chunks of a few milliseconds on
the kernel's event loop, so the page stays responsive and a Stop arrives while it runs; the
trace and loss curve are published at most ~20 times a second.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets as t

from . import _marimo
from ._batch import clipped
from ._state import one_blas_thread
from .core import SGD
from .core.validate import backward_options, sgd_options

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ._state import State
    from .core import Network

#: Seconds between two publications of the trace while training.
PUBLISH_EVERY = 0.05
#: Seconds before the first publication of a training: a short training (most by-hand ones) then
#: runs without making the browser redraw on the same cores, and shows once, at its end.
PUBLISH_FIRST = 0.25
#: Seconds of computation per chunk before the kernel gets the event loop back.
CHUNK = 0.008
MAX_STEPS = 100_000


def thin_curve(history, points: int = 1000) -> dict:
    """At most ~`points` (step, loss) pairs for drawing: all of them when there are few, else the
    lowest and the highest loss of each of points/2 stretches (spikes survive the thinning)."""
    n = len(history)
    if n <= points:
        return {"step": list(range(1, n + 1)), "loss": [float(v) for v in history]}
    arr = np.asarray(history, dtype=float)
    edges = np.linspace(0, n, points // 2 + 1).astype(int)
    steps = []
    for a, b in zip(edges[:-1], edges[1:]):
        chunk = arr[a:b]
        lo, hi = a + int(np.argmin(chunk)), a + int(np.argmax(chunk))
        steps.extend(sorted({lo, hi}))
    if steps[-1] != n - 1:
        steps.append(n - 1)
    return {"step": [i + 1 for i in steps], "loss": [float(arr[i]) for i in steps]}


def check_train_options(options) -> dict:
    if not isinstance(options, dict):
        raise TypeError(f"train_options must be a dict, got {options!r}")
    unknown = set(options) - {"lr", "momentum", "steps", "clip_norm"}
    if unknown:
        raise ValueError(
            f"train_options has unknown option(s) {sorted(unknown)}; expected lr, momentum, steps, clip_norm"
        )
    lr, mom = sgd_options(options.get("lr", 0.01), options.get("momentum", 0.0))
    if lr > 100:
        raise ValueError(f"learning rate {lr!r} is too large for the page's training; expected at most 100")
    steps = options.get("steps", 50)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps {steps!r} must be a whole number from 1 to {MAX_STEPS}")
    clip, _ = backward_options(options.get("clip_norm"), None)
    return {"lr": lr, "momentum": mom, "steps": int(steps), "clip_norm": clip}


class TrainingMixin:
    """Adds train/stop/reset to RNNWidget, which provides what is declared here."""

    if TYPE_CHECKING:
        _net: Network
        _state: State
        _history: list[float]
        training: dict[str, Any]
        train_options: dict[str, Any]
        loss_history: list[float]
        error: str
        error_field: str

        @property
        def _result(self) -> Any: ...
        def hold_sync(self) -> AbstractContextManager[None]: ...
        def edit(self, edits: list) -> None: ...
        def _commit(self, state: State) -> None: ...
        def _advance(self, net: Network) -> None: ...

    def _init_training(self):
        self._initial_params = None
        self._optimizer = None
        self._stop_requested = False
        self._task = None
        self._generation = 0  # a new training or a reset ends any older background run
        self._publish_gap = PUBLISH_EVERY
        self._last_publish = 0.0

    def _forget_training(self):
        """The network changed shape: the weights to reset to and the momentum no longer fit it."""
        self._initial_params = None
        self._optimizer = None

    # -- public ---------------------------------------------------------------------------
    def train(
        self,
        steps: int | None = None,
        *,
        lr: float | None = None,
        momentum: float | None = None,
        clip_norm: float | None = None,
        block: bool | None = None,
    ):
        """Run SGD steps on the widget's sequence and targets, the view following.

        Options default to `train_options`. In a notebook (a running event loop) training runs
        in the background and can be stopped from the page or with `stop()`; ``block=True``
        (the default outside a notebook, and in a marimo notebook run as a script) runs it to the
        end and returns the loss history.
        """
        if self._result.loss is None:
            raise ValueError("training needs targets: set w.targets (one row per scored step) first")
        if self.training.get("running"):
            raise RuntimeError("training is already running: call stop() first")
        opts = dict(self.train_options)
        for k, v in (("steps", steps), ("lr", lr), ("momentum", momentum), ("clip_norm", clip_norm)):
            if v is not None:
                opts[k] = v
        opts = check_train_options(opts)
        if self._initial_params is None:
            self._initial_params = self._net.params
        if self._optimizer is None or (self._optimizer.lr, self._optimizer.momentum) != (opts["lr"], opts["momentum"]):
            self._optimizer = SGD(opts["lr"], opts["momentum"])
        self._stop_requested = False
        self._generation += 1
        self._last_publish = time.perf_counter()
        self._publish_gap = PUBLISH_FIRST
        self._done = 0
        self.training = {
            "running": True,
            "step": 0,
            "total": opts["steps"],
            "lr": opts["lr"],
            "momentum": opts["momentum"],
            "message": "",
        }
        loop = _running_loop()
        if block is None:  # a marimo script's cells run on a loop too, but the next cell wants the result
            block = loop is None or ("marimo" in sys.modules and _marimo.runs_as_script())
        if block:
            self._run_chunks(opts, deadline=None)
            return list(self.loss_history)
        self._task = loop.create_task(self._train_async(opts, self._generation))
        return None

    def stop(self) -> None:
        """Stop a running training after its current step."""
        self._stop_requested = True

    def reset_training(self) -> None:
        """Put back the weights from before the first training step and clear the loss history.

        Ends a running training first. After a change of the network's shape there is nothing to
        go back to (the weights from before would not fit): then only the history is cleared."""
        self.stop()
        self._generation += 1
        initial, self._initial_params = self._initial_params, None
        self._optimizer = None
        if self.training.get("running"):
            self._commit(self._state)  # the steps since the last publication reach the page too
            self._finish("stopped")
        if initial is not None:
            # applied like any edit, and always published (assigning equal params would fire nothing)
            self.edit([{"field": "params", "name": k, "index": None, "whole": v} for k, v in initial.items()])
        self.loss_history = []
        self.training = {
            "running": False,
            "step": 0,
            "total": 0,
            "lr": self.train_options.get("lr", 0.01),
            "momentum": self.train_options.get("momentum", 0.0),
            "message": "",
        }

    # -- the loop -------------------------------------------------------------------------
    async def _train_async(self, opts, generation):
        try:
            while self.training.get("running") and generation == self._generation:
                self._run_chunks(opts, deadline=time.perf_counter() + CHUNK)
                await asyncio.sleep(0.001)  # let the kernel handle page messages (edits, stop)
        except Exception as e:  # the page must hear about it; nothing else will
            self._finish(f"training stopped: {e}")

    def _run_chunks(self, opts, deadline):
        with one_blas_thread():
            self._run_steps(opts, deadline)

    def _run_steps(self, opts, deadline):
        """Run steps until done, stopped, or past `deadline` (None: to the end).

        Each step starts from the current state, so an edit from the page or from Python that
        arrived between two chunks is trained on, never undone."""
        done = self._done
        history = self._history if done else list(self.loss_history)
        self._history = history
        while done < opts["steps"] and not self._stop_requested:
            state = self._state
            net = state.net
            trace, grads = state.trace, state.grads
            if grads is None:
                self._publish(history, done)
                self._finish("training stopped: the targets were removed")
                return
            if opts["clip_norm"] is not None and grads.norm > opts["clip_norm"]:
                if state.batch is not None:  # a mini-batch: its gradient is clipped as a whole
                    grads = clipped(state, opts["clip_norm"])
                else:
                    grads = net.backward(trace, clip_norm=opts["clip_norm"], truncate=state.bptt.get("truncate"))
            if self._optimizer is None:  # the network changed shape while training ran
                self._optimizer = SGD(opts["lr"], opts["momentum"])
            try:
                undo = self._optimizer.step(net, grads)  # in place, all or nothing: the current network learns
                try:
                    self._advance(net)
                except ValueError:
                    undo()  # the last good weights (and momentum), which `state` has
                    raise
            except (FloatingPointError, ValueError) as e:
                self._publish(history, done)
                self._finish(f"training stopped at step {done + 1}: {e}")
                return
            history.append(trace.loss)
            done += 1
            now = time.perf_counter()
            if now - self._last_publish >= self._publish_gap:
                self._publish(history, done)
            if deadline is not None and now >= deadline:
                break
        finished = done >= opts["steps"] or self._stop_requested
        if finished or time.perf_counter() - self._last_publish >= self._publish_gap:
            self._publish(history, done)
        self._done = done  # the next chunk goes on from here
        if finished:
            self._finish("stopped" if self._stop_requested and done < opts["steps"] else "")

    def _publish(self, history, done):
        """Send the current state to the page. The next one waits at least PUBLISH_EVERY, and at
        least four times as long as this one took, so publishing never takes more than a fifth of
        the time, however big the network."""
        start = time.perf_counter()
        with self.hold_sync():
            self._commit(self._state)
            self.loss_history = list(history)
            self.training = dict(self.training, step=done)
        end = time.perf_counter()
        self._last_publish = end
        self._publish_gap = max(PUBLISH_EVERY, 4 * (end - start))

    def _finish(self, message):
        self._stop_requested = False
        self.training = dict(self.training, running=False, message=message)

    # -- requests from the page -----------------------------------------------------------
    def _on_training_msg(self, content):
        kind = content.get("type")
        try:
            if kind == "train":
                self.train(content.get("steps"))
            elif kind == "step":
                self.train(1)
            elif kind == "stop":
                self.stop()
            elif kind == "reset":
                self.reset_training()
        except (ValueError, TypeError, RuntimeError, t.TraitError) as e:
            self.error, self.error_field = str(e), "training"


def _running_loop():
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop if loop.is_running() else None
