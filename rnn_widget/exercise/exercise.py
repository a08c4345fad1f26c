"""`Exercise`: an `RNNWidget` with blanks to fill in, checked in Python, with hints and a score.

>>> ex = Exercise.from_preset("tom_yeh", blanks=["h2", "y2", "h3"])   # doctest: +SKIP
>>> ex.check("h2[1]", 1)      # {'slot': 'h2[1]', 'status': 'right', ...}
>>> ex.score(), ex.max_score  # 0.5, 3: each blank is worth one point, shared by its entries
>>> ex.reveal_answers()       # the teacher's call: the key, and the page shows everything

While a blank is open its value, and whatever gives it away in one step, never reaches the page
or the saved notebook (`_page_trace`, see redact.py), and the Python reading API refuses.
The numbers of an exercise are fixed: edits and training are refused.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import traitlets as t

from ..core import Network, Spec
from ..core.validate import short
from ..widget import RNNWidget
from . import answers_file, hints
from .answers_file import ANSWERS_FILE
from .names import Location, Names
from .recompute import forward_with
from .redact import hidden_everything, redact
from .slots import (
    DEFAULT_ATTEMPTS,
    AnswerError,
    AnswersHidden,
    Slot,
    _number,
    _read,
    _recomputed,
    _tolerance,
)
from .variants import user_seed, variant

#: ``seed=AUTO`` (the default) takes the variant's seed from ``JUPYTERHUB_USER`` (none outside a hub).
AUTO = "auto"
LOCKED = "this is an exercise: its numbers are fixed (make a new exercise to change them)"


class Exercise(RNNWidget):
    """An `RNNWidget` whose `blanks` the student fills in (docs/protocol.md, "Exercises").

    Options: `tolerance` (a number: absolute; or ``{"abs": a, "rel": r}``; default right within
    0.01 or 1%), `attempts` per slot (None: unlimited; default 3), `hide_downstream` (values that
    follow from an open blank in one step stay hidden, default True), `follow_through` (a later
    blank is also right when it follows from the student's own earlier answers, default True),
    `seed` (the variant: any text or number; default ``JUPYTERHUB_USER``, none outside a hub;
    None keeps the given numbers), `answers_file` (every checked answer, from the page or from
    `check`, is saved there under the exercise's identity and replayed when an exercise with the
    same identity is made again, e.g. by a grader's re-run; default ``"rnn_widget_answers.json"``
    in the working directory, None: nothing is saved or loaded).
    """

    #: the score lives in Python: a write of `homework` from the page is refused and put back
    read_only_traits = (*RNNWidget.read_only_traits, "homework")
    homework = t.Dict(
        help="The blanks (name, where in the trace, status, attempts left, hint), the score and the settings (read-only)."
    ).tag(sync=True)

    def __init__(
        self,
        network: Network | None = None,
        inputs=None,
        *,
        blanks: Sequence[str] | str,
        tolerance=None,
        attempts: int | None = DEFAULT_ATTEMPTS,
        hide_downstream: bool = True,
        follow_through: bool = True,
        seed: Any = AUTO,
        answers_file: str | os.PathLike | None = ANSWERS_FILE,
        name: str = "network",
        h0=None,
        c0=None,
        targets=None,
        **kwargs,
    ):
        self._slots: dict[str, Slot] | None = None
        self._revealed = False
        self._locked = False
        self._tol = _tolerance(tolerance)
        if attempts is not None and (isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1):
            raise ValueError(f"attempts must be a whole number >= 1 or None (unlimited), got {short(attempts)}")
        self._attempts = attempts
        self._hide_downstream = bool(hide_downstream)
        self._follow_through = bool(follow_through)
        self.seed = user_seed() if seed == AUTO else seed
        self._name = name
        net = network if network is not None else Network(Spec())
        if self.seed is not None:
            X = inputs if inputs is not None else np.zeros((3, net.spec.input_size))
            net = variant(name, net, X, self.seed, h0, c0)
        super().__init__(net, inputs, h0=h0, c0=c0, targets=targets, **kwargs)
        try:
            self._slots = self._parse(blanks)
        except ValueError:
            self.close()
            raise
        self._locked = True
        self._answers_path = None if answers_file is None else Path(answers_file).absolute()
        self._log: list[list] = []
        self._replay()
        self._publish_exercise()

    @classmethod
    def from_preset(cls, preset, **kwargs) -> Exercise:
        """An exercise on a preset (a `Preset` or its name): ``Exercise.from_preset("tom_yeh",
        blanks=["h2", "y2", "h3"])``; the variant's seed is drawn with the preset's name.
        ``targets=`` (for gradient and loss blanks), ``inputs=``, ``h0=``, ``c0=`` replace the preset's."""
        from .. import presets

        p = presets.load(preset) if isinstance(preset, str) else preset
        # targets (for gradient blanks), inputs or initial states given here replace the preset's
        given = {k: kwargs.pop(k) for k in ("inputs", "h0", "c0", "targets") if k in kwargs}
        if given:
            p = dataclasses.replace(p, **given)
        kwargs.setdefault("name", p.name)
        ex = super().from_preset(p, **kwargs)
        assert isinstance(ex, Exercise)
        return ex

    # -- blanks ---------------------------------------------------------------------------
    def _parse(self, blanks) -> dict[str, Slot]:
        if isinstance(blanks, str):
            blanks = [blanks]
        if not isinstance(blanks, (list, tuple)) or not blanks:
            raise ValueError(f"blanks must be a non-empty list of names such as ['h2', 'y2'], got {short(blanks)}")
        state = self._state
        names = self._names()
        slots: dict[str, Slot] = {}
        seen: dict[tuple, str] = {}
        for blank in blanks:
            named = names.parse(blank)
            for slot_name, loc in named.slots:
                if loc.key in seen:
                    raise ValueError(f"blank {blank!r} repeats {seen[loc.key]!r}; name each value once")
                seen[loc.key] = slot_name
                truth = _read(state.json, loc)
                slots[slot_name] = Slot(slot_name, named.name, loc, truth, 1.0 / len(named.slots), self._attempts)
        return slots

    def _names(self) -> Names:
        st = self._state
        return Names(self._net.spec, st.trace.T, self.display_names, self.names_convention, st.grads is not None)

    def _open(self) -> list[Location]:
        return [s.loc for s in (self._slots or {}).values() if not s.closed]

    def _page_trace(self, state) -> dict:
        if self._slots is None:
            return hidden_everything(state.json)
        if self._revealed:
            return state.json
        return redact(state.json, self._open(), self._hide_downstream)

    def _publish_exercise(self) -> None:
        with self.hold_sync():
            self.homework = self._exercise_json()
            self.trace = self._page_trace(self._state)

    def _exercise_json(self) -> dict:
        slots = self._slots or {}
        return {
            "blanks": [s.to_json() for s in slots.values()],
            "score": self.score(),
            "max_score": self.max_score,
            "revealed": self._revealed,
            "settings": {
                "tolerance": dict(self._tol),
                "attempts": self._attempts,
                "hide_downstream": self._hide_downstream,
                "follow_through": self._follow_through,
                "variant": self.seed is not None,
            },
        }

    # -- grading --------------------------------------------------------------------------
    @property
    def max_score(self) -> int:
        """One point per blank (shared by its entries)."""
        return len({s.blank for s in (self._slots or {}).values()})

    def score(self) -> float:
        """Points earned: each blank is worth 1, shared equally by its entries; revealed is 0."""
        return round(sum(s.weight for s in (self._slots or {}).values() if s.status == "right"), 9)

    @property
    def answers(self) -> dict:
        """The student's last answer per slot (None where none was given)."""
        return {name: s.answer for name, s in (self._slots or {}).items()}

    @property
    def results(self) -> dict:
        """The status per slot: "open", "right", "wrong" or "revealed"."""
        return {name: s.status for name, s in (self._slots or {}).items()}

    @property
    def blanks(self) -> list[str]:
        """The slot names, in order."""
        return list(self._slots or {})

    def close_to(self, answer: float, value: float) -> bool:
        return abs(answer - value) <= max(self._tol["abs"], self._tol["rel"] * abs(value))

    def check(self, name: str, value) -> dict:
        """Check an answer: one number for a slot (``"h2[1]"``), or a list of numbers for a blank
        with several entries (``"h2"``). Returns the outcome (for a list, one per entry):
        ``{"slot", "status", "right", "hint", "attempts_left"}``. Raises `AnswerError` (a
        ValueError) for a bad name or a value that is not a number: that costs no attempt."""
        results = self._answer(name, value)
        self._record(name, value)
        self._publish_exercise()
        return results[0] if len(results) == 1 else {"slot": name, "entries": results}

    def _lookup(self, name) -> list[Slot]:
        slots = self._slots or {}
        if isinstance(name, str) and name in slots:
            return [slots[name]]
        try:
            named = self._names().parse(name)
        except ValueError as e:
            raise AnswerError(str(e)) from None
        by_key = {s.loc.key: s for s in slots.values()}
        found = [by_key[loc.key] for _, loc in named.slots if loc.key in by_key]
        if not found:
            raise AnswerError(f"{short(name)} is not a blank of this exercise; the blanks are {', '.join(slots)}")
        return found

    def _answer(self, name, value) -> list[dict]:
        if self._revealed:
            raise AnswerError("the answers have been revealed; nothing more is checked")
        slots = self._lookup(name)
        if len(slots) == 1:
            values = [_number(slots[0].name, value)]
        else:
            if not isinstance(value, (list, tuple, np.ndarray)) or len(value) != len(slots):
                raise AnswerError(
                    f"{short(name)} has {len(slots)} entries; give a list of {len(slots)} numbers, "
                    f"or one number for an entry such as {slots[0].name}"
                )
            values = [_number(s.name, v) for s, v in zip(slots, value)]
        for s in slots:
            if s.status != "right" and s.attempts_left == 0:
                raise AnswerError(f"{s.name}: no attempts left")
        # a blank answered right stays right: checking it again (the answer cell run after the
        # answer was typed in the page, or Run All) costs nothing and changes nothing
        return [self._closed(s) if s.status == "right" else self._judge(s, v) for s, v in zip(slots, values)]

    @staticmethod
    def _closed(slot: Slot) -> dict:
        return {"slot": slot.name, "status": "right", "right": True, "hint": "", "attempts_left": slot.attempts_left}

    def _judge(self, slot: Slot, answer: float) -> dict:
        expected = [slot.truth]
        ctx = None
        if self._follow_through and not slot.loc.backward:
            ctx = forward_with(self._net, self._state.trace, self._subs(exclude=slot))
            expected.append(_recomputed(ctx, slot.loc))
        right = any(self.close_to(answer, v) for v in expected)
        slot.answer = answer
        slot.message = ""
        if slot.attempts_left is not None:
            slot.attempts_left -= 1
        if right:
            slot.status, slot.hint = "right", ""
        else:
            slot.status = "wrong"
            slot.hint = self._hint(slot, answer, ctx, expected)
        return {
            "slot": slot.name,
            "status": slot.status,
            "right": right,
            "hint": slot.hint,
            "attempts_left": slot.attempts_left,
        }

    def _subs(self, exclude: Slot) -> dict:
        """The student's answers as substitutions for `forward_with` (forward values only)."""
        subs: dict = {}
        for s in (self._slots or {}).values():
            loc = s.loc
            if s is exclude or s.answer is None or s.status == "revealed":
                continue
            if loc.path[0] == "layers":
                subs.setdefault((loc.layer, loc.step, loc.path[3]), {})[loc.unit] = s.answer
            elif loc.path[0] == "y":
                subs.setdefault((None, loc.step, "y"), {})[loc.unit] = s.answer
        return subs

    def _hint(self, slot: Slot, answer: float, ctx, expected: list) -> str:
        """The mistake the answer matches, tried on the student's own earlier values (with
        follow-through) and on the true ones."""
        st = self._state
        sym = hints.Symbols(self._net.spec, dict(self.display_names), self.convention, self.names_convention)
        contexts = [forward_with(self._net, st.trace)]
        if ctx is not None:
            contexts.insert(0, ctx)
        cands: list = []
        recompute = ""
        for c, truth in zip(contexts, expected[::-1] if ctx is not None else expected):
            hc = hints.HintContext(self._net, st.trace, st.grads, c, sym, self.close_to)
            more, text = hints.candidates(hc, slot.loc, truth)
            cands += more
            recompute = recompute or text
        cands = [c for c in cands if not any(self.close_to(c[0], v) for v in expected)]
        return hints.hint(slot.name, answer, expected[0], cands, recompute, self.close_to)

    def reveal_answers(self) -> dict:
        """The teacher's call: every open slot becomes "revealed" (no point), the page shows
        everything, the reading API works again. Returns the answer key {slot: value}."""
        for s in (self._slots or {}).values():
            if s.status != "right":
                s.status = "revealed"
        self._revealed = True
        self._publish_exercise()
        return {name: s.truth for name, s in (self._slots or {}).items()}

    # -- the answers file: page answers survive a grader's re-run -------------------------------
    @property
    def answers_file(self) -> str | None:
        """The file where checked answers are saved (an absolute path), or None."""
        return None if self._answers_path is None else str(self._answers_path)

    @answers_file.setter
    def answers_file(self, path: str | os.PathLike | None) -> None:
        """Save from now on to `path` (None: stop saving, e.g. in a teacher's solution cell)."""
        self._answers_path = None if path is None else Path(path).absolute()

    @property
    def identity(self) -> str:
        """The key of this exercise in the answers file: its name (the preset's), seed, blanks and a
        fingerprint of its numbers (weights, inputs, initial states, targets; never a trace value)."""
        blanks = ",".join(dict.fromkeys(s.blank for s in (self._slots or {}).values()))
        numbers = (self._state.inputs, self.h0, self.c0, self.targets)
        return answers_file.identity(self._name, self.seed, blanks, self._net, numbers)

    def _record(self, name, value) -> None:
        """Remember a judged answer (as given: a number, or a list for a blank) and save the file."""
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, (list, tuple)):
            value = [float(v) for v in value]
        else:
            value = float(value)
        self._log.append([name, value])
        self.save_answers()

    def save_answers(self) -> str | None:
        """Write this exercise's answers (only the student's numbers, in the order they were checked)
        to `answers_file`, keeping the other exercises' entries; returns the path (None when disabled).
        Called on every check; call it yourself to make sure the file exists (e.g. before an export)."""
        if self._answers_path is None:
            return None
        entry = {"name": self._name, "seed": repr(self.seed), "answers": self._log}
        return answers_file.save_entry(self._answers_path, self.identity, entry)

    def _replay(self) -> None:
        """Judge the answers saved under this exercise's identity again, in order (same statuses,
        attempts left and score as when they were given); anything malformed is skipped with a warning."""
        if self._answers_path is None:
            return
        entry = answers_file.load(self._answers_path).get(self.identity)
        if entry is None:
            return
        answers = entry.get("answers") if isinstance(entry, dict) else None
        if not isinstance(answers, list):
            warnings.warn(f"{self._answers_path}: the answers of {self.identity} are not a list; ignored", stacklevel=3)
            return
        skipped = 0
        for item in answers:
            try:
                if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                    raise AnswerError("not a [blank, value] pair")
                self._answer(item[0], item[1])
            except AnswerError:
                skipped += 1
                continue
            self._log.append(item)
        if skipped:
            warnings.warn(
                f"{self._answers_path}: {skipped} saved answer(s) of {self.identity} could not be checked; skipped",
                stacklevel=3,
            )

    # -- the page -------------------------------------------------------------------------
    def _on_page_msg(self, widget, content, buffers):
        if isinstance(content, dict) and content.get("type") == "answer":
            self._on_answer_msg(content)
        else:
            super()._on_page_msg(widget, content, buffers)

    def _on_answer_msg(self, content: dict) -> None:
        ack: dict = {"type": "ack", "id": content.get("id"), "ok": True, "blank": content.get("blank")}
        try:
            (result,) = self._answer(content.get("blank"), content.get("value"))
        except AnswerError as e:
            text = str(e)
            blank = content.get("blank")
            slot = (self._slots or {}).get(blank) if isinstance(blank, str) else None
            if slot is not None:
                slot.message = text
            ack.update(ok=False, error=text)
        else:
            self._record(content.get("blank"), content.get("value"))
            ack.update(status=result["status"], hint=result["hint"], attempts_left=result["attempts_left"])
        self._publish_exercise()
        self.send(ack)  # after the traits, as the edit ack

    # -- fixed numbers ----------------------------------------------------------------------
    def _candidate(self, edits: dict):
        if self._locked:
            raise ValueError(LOCKED)
        return super()._candidate(edits)

    def _apply_edits(self, edits):
        if self._locked:
            raise ValueError(LOCKED)
        return super()._apply_edits(edits)

    def train(self, *args, **kwargs):
        raise RuntimeError("an exercise does not train: its numbers are fixed")

    # -- reading from Python: refused until reveal_answers() --------------------------------
    def _refuse_reading(self, what: str) -> None:
        if not self._revealed:
            raise AnswersHidden(
                f"{what} is hidden in an exercise: work the blanks out by hand and check them with "
                "check(name, value); the teacher's reveal_answers() shows everything"
            )

    def result(self):
        self._refuse_reading("result()")
        return super().result()

    def gradients(self):
        self._refuse_reading("gradients()")
        return super().gradients()

    def hidden_states(self, layer: int = -1) -> np.ndarray:
        self._refuse_reading("hidden_states()")
        return super().hidden_states(layer)

    def outputs(self) -> np.ndarray:
        self._refuse_reading("outputs()")
        return super().outputs()
