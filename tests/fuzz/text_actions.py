"""The fuzz test's text-mode edits (a Fuzzer mixin): text widgets (`from_text`), `w.sample`, the
page's sample message, `set_text`, `vocab`/`sampled` from the page and Python, and text mode's
invariants."""

from __future__ import annotations

import numpy as np

from rnn_widget import RNNWidget

from .oracle import Expect, internal, try_check
from .values import SNAP

#: Texts for text widgets (characters; a few words for word mode).
TEXTS = ("hello", "hello world", "abcab", "aab", "to be or not to be", "xyz")
WORD_TEXTS = ("the cat sat on the mat", "a b a c", "to be or not to be")


def decode(vocab, rows):
    """Independent of text.py: the token of each exactly one-hot row, "" for any other row."""
    out = []
    for row in np.asarray(rows, float).reshape(-1, len(vocab)):
        hot = [i for i, v in enumerate(row) if v != 0]
        out.append(vocab[hot[0]] if len(hot) == 1 and row[hot[0]] == 1.0 else "")
    return out


def one_hot(vocab, tokens):
    out = np.zeros((len(tokens), len(vocab)))
    for t, s in enumerate(tokens):
        out[t, vocab.index(s)] = 1.0
    return out


class TextActions:
    # -- widgets ---------------------------------------------------------------------------------
    def new_text_widget(self, r):
        """A text widget (r < 0.5) or None; the caller adds a batch to some widgets."""
        rng = self.rng
        if r >= 0.5:
            return None
        words = rng.random() < 0.2
        text = rng.choice(WORD_TEXTS if words else TEXTS)
        try:
            return RNNWidget.from_text(
                text,
                hidden=rng.randint(1, 4),
                cell=rng.choice(["rnn", "lstm", "gru"]),
                words=words,
                seed=rng.randrange(100),
            )
        except Exception as e:  # a documented constructor: it must work
            raise AssertionError(f"from_text({text!r}) failed: {e}") from e

    # -- text mode --------------------------------------------------------------------------------
    def do_text(self):
        rng, w = self.rng, self.w
        vocab = list(w.vocab)
        r = rng.random()
        if not vocab:
            if r < 0.5:
                return self.python("w.sample() without vocab", lambda: w.sample("a", 3), False)
            return self.page_sample({"type": "sample", "start": "a", "length": 3}, valid=False)
        words = w._words
        if r < 0.35 or (r < 0.6 and True):
            valid = rng.random() < 0.75
            start = [rng.choice(vocab) for _ in range(rng.choice([1, 1, 2]))]
            start_arg = (
                start[0] if len(start) == 1 else ((" " if words else "").join(start) if rng.random() < 0.5 else start)
            )
            length = rng.randint(1, 8)
            tau = rng.choice([None, None, 0, 0.5, 1.0, 2.0])
            seed = rng.randrange(1000) if tau else rng.choice([None, 3])
            if not valid:
                bad = rng.randrange(6)
                if bad == 0:
                    start_arg = rng.choice(["", "\u2603", "\u2603\u2603", 3, None])
                elif bad == 1:
                    length = rng.choice([0, -1, True, "3", 1000, 2.5])
                elif bad == 2:
                    tau = rng.choice([-1, float("nan"), True, 1000, "1", float("inf")])
                    seed = 1
                elif bad == 3:
                    tau, seed = 0.5, None
                elif bad == 4:
                    tau, seed = 0.5, rng.choice([-1, True, "x", 2.5])
                else:
                    length = 1000  # beyond max_steps - 1
            if w.spec["mode"] != "many-to-many" and valid:
                # feeding each chosen token back is a many-to-many run: in another mode (a spec edit
                # after from_text) a shown run may not fit (encoder-decoder needs T > decoder_steps)
                valid = "either"
            if r < 0.35:
                show = rng.random() < 0.85
                return self.py_sample(start_arg, length, tau, seed, show, valid)
            if isinstance(start_arg, list):  # the page sends text (a token or a prefix)
                start_arg = (" " if words else "").join(start_arg)
            msg = {"type": "sample", "start": start_arg, "length": length, "temperature": tau, "seed": seed}
            return self.page_sample(msg, valid)
        if r < 0.8:  # set_text
            valid = rng.random() < 0.75
            T = rng.randint(1, 8)
            toks = [rng.choice(vocab) for _ in range(T)]
            target = None
            if rng.random() < 0.3:
                target = [rng.choice(vocab) for _ in range(T)]
            if not valid:
                choice = rng.randrange(3)
                if choice == 0:
                    toks = toks + ["\u2603"]
                elif choice == 1:
                    toks = []
                else:
                    target = [vocab[0]] * (T + 1)
            ins, outs = (
                (toks, target) if target is not None else ((toks[:-1], toks[1:]) if len(toks) > 1 else (toks, None))
            )
            exp = None
            if valid:
                cur = internal(w)
                Y = None if outs is None else one_hot(vocab, outs)
                st = try_check(cur, one_hot(vocab, ins), Y, [], None) if ins else None
                if st is not None:
                    exp = [{"params": cur["params"], "inputs": one_hot(vocab, ins), "targets": Y}]
                    if w._state.batch is not None:
                        exp = None  # samples 2..n follow the new steps: only the invariants
                        valid = "either"
            out = self.python(
                "w.set_text(" + ("valid" if valid else "invalid") + ")",
                lambda: w.set_text(toks, target),
                bool(valid),
                exp,
                overflow_ok=True,
                message={"text": toks, "target": target},
            )
            if valid == "either":
                out[0].verdict = "either"
            return out
        if r < 0.9:  # vocab / sampled from the page: read-only
            state = rng.choice([{"vocab": list(reversed(vocab))}, {"vocab": []}, {"sampled": {"tokens": ["x"]}}])
            self.page_update(state)
            return Expect("page", "read-only " + ",".join(state), "refuse", False, message=state), None
        # vocab from Python: another order of the same tokens fits; another size does not
        if rng.random() < 0.6:
            new = list(vocab)
            rng.shuffle(new)
            return self.python("w.vocab = shuffled", lambda: setattr(w, "vocab", new), True, model=False, message=new)
        bad = rng.choice([vocab + ["\u2603"], [vocab[0]] * len(vocab), [""] * len(vocab)])
        return self.python("w.vocab = bad", lambda: setattr(w, "vocab", bad), False, model=False, message=bad)

    def py_sample(self, start, length, tau, seed, show, valid):
        w = self.w
        before = self.snapshot()
        training = bool(w.training.get("running"))
        result = {}

        def fn():
            result["text"] = w.sample(start, length, temperature=tau, seed=seed, show=show)

        loose = valid == "either"
        valid = bool(valid)
        will_change = valid and show and not training
        exp, raised = self.python(
            f"w.sample({start!r}, {length!r}, temperature={tau!r}, seed={seed!r}, show={show})",
            fn,
            valid and not (show and training),
            [{}] if will_change else None,
            model=will_change,
            overflow_ok=True,
        )
        if valid and not will_change:
            exp.verdict = "either" if show else "accept"

            def unchanged(w, before=before):
                changed = [k for k in SNAP if getattr(w, k) is not before[k] and getattr(w, k) != before[k]]
                return f"w.sample(show=False) or a refusal changed {changed}" if changed else ""

            exp.effect = unchanged
        if will_change:
            exp.effect = lambda w: self.sample_shown(w, result.get("text"))
        if loose:
            exp.verdict = "either"
        return exp, raised

    def page_sample(self, msg, valid):
        w = self.w
        training = bool(w.training.get("running"))
        loose = valid == "either"
        valid = bool(valid)
        exp = Expect(
            "page",
            "sample message",
            "accept" if valid and not training and not loose else ("either" if valid else "refuse"),
            True,
            [{}] if valid else None,
            message=msg,
            overflow_ok=True,
            error_field="sample",
        )
        if valid:
            exp.effect = lambda w: self.sample_shown(w, None)
        self.page_custom(msg)
        return exp, None

    def sample_shown(self, w, text):
        """After an accepted sample with show: the widget holds the run."""
        s = w.sampled
        if not s or not isinstance(s.get("tokens"), list):
            return f"sampled = {s!r} after a shown sample"
        toks = s["tokens"]
        if text is not None and text != (" " if w._words else "").join(toks):
            return f"sample returned {text!r}, sampled holds {toks}"
        if decode(w.vocab, w.inputs) != toks[:-1]:
            return f"inputs decode to {decode(w.vocab, w.inputs)}, the run fed {toks[:-1]}"
        if w.targets is None or decode(w.vocab, w.targets) != toks[1:]:
            return f"targets {None if w.targets is None else decode(w.vocab, w.targets)} vs chosen {toks[1:]}"
        return ""

    # -- invariants of text mode (called from check_invariants) ----------------------------------
    def check_text_invariants(self, what):
        w = self.w
        if w.vocab:
            spec = w.spec
            if not (spec["input_size"] == spec.get("output_size") == len(w.vocab)):
                self.violate("vocab does not fit", what, f"vocab of {len(w.vocab)} tokens, spec {spec}")
            elif w.labels != decode(w.vocab, w.inputs) and not self.labels_given:
                self.violate(
                    "labels not the decoded inputs", what, f"labels {w.labels} vs decoded {decode(w.vocab, w.inputs)}"
                )
        elif w.sampled:
            self.violate("sampled without vocab", what, str(w.sampled)[:200])
        if w.sampled and w.vocab and not w.training.get("running"):
            p = self.sample_shown(w, None)
            if p:
                self.violate("sampled is not what the widget shows", what, p)
