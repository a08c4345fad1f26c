"""The fuzz test's checks after every edit and of the invariants (a Fuzzer mixin)."""

from __future__ import annotations

import logging

import numpy as np
import traitlets

from .mirror import close, python_view
from .oracle import (
    Expect,
    describe_snap,
    internal,
    matches,
    recompute_trace,
)
from .values import (
    MESSAGE_MAX,
    SNAP,
)


class Checks:
    # -- the checks ---------------------------------------------------------------------------
    def snapshot(self):
        """The model traits and the trace (the values themselves: traits are replaced, not changed
        in place; a change in place would show as a difference from the page)."""
        w = self.w
        return {k: getattr(w, k) for k in SNAP}

    def check_edit(self, exp: Expect, raised, before, before_error, mark, n_log):
        w, mirror = self.w, self.mirror
        what = f"{exp.what} {str(exp.message)[:300]}"
        # 1. exceptions
        new_logs = self.capture.records[n_log:]
        for rec in new_logs:
            if rec.levelno >= logging.WARNING:
                exc = rec.exc_info[1] if rec.exc_info else None
                self.violate(
                    "page message raised", what, f"{type(exc).__name__ if exc else ''}: {exc or rec.getMessage()}"
                )
        if raised is not None:
            if exp.source == "page":
                self.violate("page message raised", what, repr(raised))
            elif not isinstance(raised, traitlets.TraitError):
                self.violate("python raised non-TraitError", what, f"{type(raised).__name__}: {str(raised)[:300]}")
            elif len(str(raised)) > MESSAGE_MAX:
                self.violate("long message", what, f"TraitError of {len(str(raised))} characters")
        after = self.snapshot()
        changed = [k for k in SNAP if after[k] is not before[k] and after[k] != before[k]]
        model_changed = bool(changed)
        # 2. outcome
        if exp.verdict == "control":
            accepted = None
        elif exp.source == "python" and exp.what.startswith("slider") and raised is None:
            accepted = not (w.error and not changed)  # a refused slider move snaps back and sets error
        elif exp.source == "python":
            accepted = raised is None
        elif exp.ack is not None:
            acks = [c for c in mirror.customs[self.customs_mark :] if isinstance(c, dict) and c.get("type") == "ack"]
            mine = [a for a in acks if a.get("id") == exp.ack]
            if len(mine) != 1 or len(acks) != 1:
                self.violate("ack", what, f"{len(mine)} acks with id {exp.ack}, {len(acks)} acks in all: {acks[:3]}")
                accepted = not w.error
            else:
                ack = mine[0]
                accepted = ack.get("ok") is True
                if not accepted and not ack.get("error"):
                    self.violate("ack", what, f"a refusal ack without error: {ack}")
                later = [e for e in mirror.since(mark) if e[0] == "update"]
                if later and mirror.since(mark)[-1][0] == "update":
                    self.violate("ack before updates", what, f"messages after the ack: {mirror.since(mark)[-3:]}")
        elif exp.ping is not None:
            pongs = [c for c in mirror.customs[self.customs_mark :] if isinstance(c, dict) and c.get("type") == "pong"]
            if len(pongs) != 1 or pongs[0].get("id") != exp.ping:
                self.violate("pong", what, f"pongs: {pongs}")
            if changed:
                self.violate("ping changed the model", what, changed)
            accepted = True
        else:
            accepted = not w.error
        if accepted is not None:
            if accepted:
                self.tally.accepted += 1
            else:
                self.tally.refused += 1
        if exp.verdict in ("accept", "refuse") and accepted is not None and accepted != (exp.verdict == "accept"):
            overflowed = "overflow" in (w.error or str(raised or "")) or "too large" in (w.error or str(raised or ""))
            limited = "at most" in (w.error or str(raised or ""))
            if not (exp.verdict == "accept" and not accepted and exp.overflow_ok and (overflowed or limited)):
                self.violate(
                    "wrong verdict",
                    what,
                    f"expected {exp.verdict}, got {'accepted' if accepted else 'refused'}"
                    f"; error={w.error!r} raised={raised!r}",
                )
        # 3. refused: nothing changed, the page is told
        if accepted is False:
            if changed:
                self.violate(
                    "half-applied refusal", what, f"changed {changed}: " + describe_snap(before, after, changed)
                )
            if exp.source == "page":
                if not w.error:
                    self.violate("refusal without error", what, "error is empty")
                elif len(w.error) > MESSAGE_MAX:
                    self.violate("long message", what, f"error of {len(w.error)} characters")
                if "\t" in w.error:
                    self.violate("mangled message", what, repr(w.error[:200]))
                field = exp.error_field
                if field and w.error_field != field:
                    self.violate(
                        "error_field", what, f"error_field={w.error_field!r}; expected {field!r} ({w.error[:100]!r})"
                    )
        # 4. accepted: the right effect, error cleared
        if accepted:
            if exp.source == "page" and exp.ping is None and w.error:
                self.violate("error kept after an accepted edit", what, f"error={w.error!r}")
            if exp.source == "python" and model_changed and exp.model and w.error:
                self.violate("error kept after an accepted edit", what, f"error={w.error!r}")
            # an edit that changes nothing publishes nothing: while training runs the traits then
            # still show the last publication, behind the model
            lagging = not changed and w.training.get("running")
            if exp.expected and not lagging:
                problems = [matches(w, e) for e in exp.expected]
                if all(problems):
                    self.violate("wrong effect", what, problems[0])
            if exp.effect is not None:
                p = exp.effect(w)
                if p:
                    self.violate("wrong effect", what, p)
            if exp.model and exp.verdict != "control" and not lagging and not self.consistent_internal():
                self.violate("traits behind the model", what, self.internal_difference())
        if exp.always is not None:
            p = exp.always(w)
            if p:
                self.violate("wrong effect", what, p)
        self.check_invariants(what)

    def consistent_internal(self):
        return not self.internal_difference()

    def internal_difference(self):
        w = self.w
        cur = internal(w)
        d = matches(w, {"params": cur["params"], "inputs": cur["inputs"]})
        if not d and w.spec != cur["spec"].to_dict():
            d = f"spec {w.spec} vs model {cur['spec'].to_dict()}"
        return d

    def check_invariants(self, what):
        w, mirror = self.w, self.mirror
        # the trace is the trace of the traits (not recomputed when the very same values were checked
        # last time: a refused edit leaves them alone)
        current = tuple(getattr(w, k) for k in SNAP) + (w.batch_sample,)
        if self.verified is None or any(a is not b for a, b in zip(current, self.verified)):
            try:
                fresh, fresh_batch = recompute_trace(w)
            except Exception as e:
                self.violate("traits invalid", what, f"{type(e).__name__}: {e}")
            else:
                d = "" if w.trace == fresh else close(w.trace, fresh)  # bit for bit, nearly always
                if d:
                    self.violate("stale trace", what, d)
                d = "" if w.batch_trace == fresh_batch else close(w.batch_trace, fresh_batch)
                if d:
                    self.violate("stale batch_trace", what, d)
            self.verified = current
        if not np.array_equal(np.asarray(w.hidden_states()), np.asarray(w._state.trace.layers[-1].h)):
            self.violate("hidden_states", what, "hidden_states() differs from the current state")
        self.check_text_invariants(what)
        self.check_batch_invariants(what)
        # the page equals Python
        if mirror.problems:
            self.violate("page could not receive", what, mirror.problems[:3])
            mirror.problems.clear()
        diffs = mirror.differences(w)
        if diffs:
            self.violate("page differs", what, diffs[:4])
            mirror.state.update(python_view(w, [k for k, _ in diffs]))  # resync, to find the next one
        # the network and the checked state are one
        if w._state.net is not w._net and w._state.net.param_shapes != w._net.param_shapes:
            self.violate("state split", what, f"_net {w._net.param_shapes} vs _state.net {w._state.net.param_shapes}")
        # not training: the traits hold the model
        if not w.training.get("running") and not self.consistent_internal():
            self.violate("traits behind the model", what + " (idle)", self.internal_difference())
