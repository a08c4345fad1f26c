"""The fuzz test's edits of the newer paths (a Fuzzer mixin): mini-batches (entry edits of samples
2..n, `samples`, whole `batch_inputs`/`batch_targets`, `set_batch`, `batch_sample`), text mode
(`w.sample`, the page's sample message, `set_text`, `vocab`/`sampled` from the page and Python),
the view traits `weights_form` and `projector`, and `to_json` -> `from_json` round trips.
Encoder-decoder specs come from values.random_spec (every spec edit and new widget)."""

from __future__ import annotations

import numpy as np

from rnn_widget import RNNWidget, _batch, _state
from rnn_widget.core import MAX_BATCH

from .mirror import close, describe_difference
from .oracle import Expect, internal
from .values import SNAP, good_number, hostile_number, json_number_ok, rand_matrix

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


def batch_state(w):
    """Samples 2..n as Python holds them (lists of arrays; targets None or a list)."""
    b = w._state.batch
    if b is None:
        return [], None
    return [np.array(x, float) for x in b.inputs], None if b.targets is None else [
        np.array(y, float) for y in b.targets
    ]


def blank(T, width, loss):
    out = np.zeros((T, width))
    if loss == "cross_entropy":
        out[:, 0] = 1.0
    return out


def try_check(cur, X, Y, extra, extra_targets):
    """The candidate state checked the way the widget checks it; None when it is refused."""
    from rnn_widget.core import Network

    spec = cur["spec"]
    try:
        net = Network(spec, cur["params"])
        st = _state.check(net, X, cur["h0"], cur["c0"], Y, cur["bptt"])
        if extra:
            st = _batch.with_batch(st, list(extra), extra_targets)
    except _state.REFUSALS:
        return None
    return st


class ModeActions:
    # -- widgets ---------------------------------------------------------------------------------
    def new_mode_widget(self, r):
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

    def add_batch(self, w):
        rng = self.rng
        T, d = len(w.inputs), w.spec["input_size"]
        m = rng.randint(1, 3)
        if w.vocab:
            seqs = [w.inputs] + [one_hot(w.vocab, [rng.choice(w.vocab) for _ in range(T)]).tolist() for _ in range(m)]
        else:
            seqs = [w.inputs] + [rand_matrix(rng, (T, d)).tolist() for _ in range(m)]
        tg = None
        if w.targets is not None:
            q = len(w.targets[0])
            tg = [w.targets]
            for _ in range(m):
                if w.spec["loss"] == "cross_entropy":
                    tg.append(np.eye(q)[[rng.randrange(q) for _ in range(len(w.targets))]].tolist())
                else:
                    tg.append(rand_matrix(rng, (len(w.targets), q)).tolist())
        try:
            w.set_batch(seqs, tg)
        except Exception:  # too big a trace, an overflow: the widget stays as it was
            pass

    # -- mini-batch entry edits from the page ------------------------------------------------------
    def batch_entry(self, hostile=False):
        rng, w = self.rng, self.w
        extra, extra_t = batch_state(w)
        T, d = len(w._state.inputs), w._net.spec.input_size
        field = "batch_targets" if rng.random() < 0.3 else "batch_inputs"
        seqs = extra if field == "batch_inputs" else (extra_t or [])
        if rng.random() < 0.15:
            return {
                "field": "batch_inputs",
                "samples": rng.choice([0, 1, 2, 3, len(extra) + 1, max(0, len(extra) - 1)]),
            }
        k = rng.randrange(len(seqs)) if seqs else 0
        shape = seqs[k].shape if seqs else (T, d)
        e = {"field": field, "index": [k, rng.randrange(shape[0]), rng.randrange(shape[1])], "value": good_number(rng)}
        if hostile:
            r = rng.randrange(6)
            if r == 0:
                e["value"] = hostile_number(rng)
            elif r == 1:
                e["index"] = rng.choice(
                    [
                        [len(seqs), 0, 0],
                        [-1, 0, 0],
                        [0, shape[0], 0],
                        [0, 0, shape[1]],
                        [0, 0],
                        [0, 0, 0, 0],
                        None,
                        [True, 0, 0],
                        ["0", 0, 0],
                    ]
                )
            elif r == 2:
                e = {
                    "field": "batch_inputs",
                    "samples": rng.choice([-1, MAX_BATCH, MAX_BATCH + 5, True, "2", 2.5, None, 10**400]),
                }
            elif r == 3:
                e["field"] = rng.choice(["batch_trace", "batch_sample", "batch"])
            elif r == 4:
                e.pop("value")
            else:
                e = {"field": "batch_targets", "samples": 2}  # samples only for batch_inputs
        return e

    def oracle_batch(self, edits):
        """("refuse", why) or (verdict, [expected]) for a message of batch edits."""
        w = self.w
        cur = internal(w)
        X, Y = cur["inputs"], cur["targets"]
        extra, extra_t = batch_state(w)
        T, d = X.shape
        for e in edits:
            f = e.get("field")
            if f not in ("batch_inputs", "batch_targets"):
                return "refuse", f"field {f!r}"
            if "samples" in e:
                m = e["samples"]
                if f != "batch_inputs" or isinstance(m, bool) or not isinstance(m, int) or not 0 <= m < MAX_BATCH:
                    return "refuse", f"samples {m!r}"
                extra = extra[:m] + [np.zeros((T, d)) for _ in range(m - len(extra))]
                if extra_t is not None:
                    extra_t = extra_t[:m]
                continue
            v = e.get("value")
            if not json_number_ok(v):
                return "refuse", f"value {v!r}"
            seqs = extra if f == "batch_inputs" else extra_t
            if seqs is None:
                return "refuse", "no batch targets"
            idx = e.get("index")
            if (
                not isinstance(idx, list)
                or len(idx) != 3
                or any(isinstance(i, bool) or not isinstance(i, int) for i in idx)
            ):
                return "refuse", f"index {idx!r}"
            k, t, i = idx
            if not 0 <= k < len(seqs) or not 0 <= t < seqs[k].shape[0] or not 0 <= i < seqs[k].shape[1]:
                return "refuse", f"index {idx!r} outside"
            seqs = [s.copy() for s in seqs]
            seqs[k][t, i] = float(v)
            if f == "batch_inputs":
                extra = seqs
            else:
                extra_t = seqs
        # targets follow sample 1's: none without, blanks for new samples
        spec = cur["spec"]
        if Y is None:
            extra_t = None
        else:
            width = Y.shape[1]
            extra_t = [
                (extra_t[k] if extra_t is not None and k < len(extra_t) else blank(T, width, spec.loss))
                for k in range(len(extra))
            ]
        if not extra:
            extra_t = None
        st = try_check(cur, X, Y, extra, extra_t)
        if st is None:
            return "refuse", "check refused"
        exp = {
            "params": cur["params"],
            "inputs": X,
            "h0": cur["h0"],
            "targets": Y,
            "batch_inputs": extra,
            "batch_targets": extra_t if extra else None,
        }
        return "accept", [exp]

    def do_page_batch(self):
        rng = self.rng
        r = rng.random()
        if r < 0.7:
            edits = [self.batch_entry() for _ in range(rng.choice([1, 1, 2, 3]))]
        else:
            edits = [self.batch_entry() for _ in range(rng.randint(0, 2))]
            edits.insert(rng.randint(0, len(edits)), self.batch_entry(hostile=True))
        verdict, detail = self.oracle_batch(edits)
        mid = self.next_id()
        content = {"type": "edit", "id": mid, "edits": edits}
        field = None
        if verdict == "refuse" and len(edits) == 1 and edits[0].get("field") in ("batch_inputs", "batch_targets"):
            field = edits[0]["field"]
        exp = Expect(
            "page",
            "batch edit message",
            verdict,
            True,
            detail if verdict != "refuse" else None,
            ack=mid,
            message=content,
            overflow_ok=True,
            error_field=field,
        )
        self.page_custom(content)
        return exp, None

    # -- mini-batches from Python ---------------------------------------------------------------
    def do_py_batch(self):
        rng, w = self.rng, self.w
        cur = internal(w)
        X, Y = cur["inputs"], cur["targets"]
        T, d = X.shape
        extra, extra_t = batch_state(w)
        r = rng.random()
        if r < 0.3:  # whole batch_inputs, valid: targets follow
            m = rng.randint(0, 3)
            new = [rand_matrix(rng, (T, d)) for _ in range(m)]
            if Y is None or not new:
                new_t = None
            else:
                new_t = [
                    extra_t[k] if extra_t is not None and k < len(extra_t) else blank(T, Y.shape[1], cur["spec"].loss)
                    for k in range(m)
                ]
            st = try_check(cur, X, Y, new, new_t)
            exp = (
                None
                if st is None
                else [{"params": cur["params"], "inputs": X, "targets": Y, "batch_inputs": new, "batch_targets": new_t}]
            )
            return self.python(
                "w.batch_inputs = valid",
                lambda: setattr(w, "batch_inputs", [x.tolist() for x in new]),
                exp is not None,
                exp,
                overflow_ok=True,
                message=m,
            )
        if r < 0.45:  # whole batch_inputs, hostile
            bad = rng.choice(
                [
                    [np.zeros((T + 1, d)).tolist()],
                    [np.zeros((T, d + 1)).tolist()],
                    [[[float("nan")] * d] * T],
                    [[["x"] * d] * T],
                    [np.zeros((T, d)).tolist()] * MAX_BATCH,
                    "abc",
                    [[[True] * d] * T],
                    [None],
                ]
            )
            return self.python(
                "w.batch_inputs = hostile", lambda: setattr(w, "batch_inputs", bad), False, message=str(bad)[:100]
            )
        if r < 0.6:  # whole batch_targets
            if Y is not None and extra and rng.random() < 0.6:
                q = Y.shape[1]
                if cur["spec"].loss == "cross_entropy":
                    new_t = [np.eye(q)[[rng.randrange(q) for _ in range(T)]] for _ in extra]
                else:
                    new_t = [rand_matrix(rng, (T, q)) for _ in extra]
                st = try_check(cur, X, Y, extra, new_t)
                exp = (
                    None
                    if st is None
                    else [{"params": cur["params"], "inputs": X, "batch_inputs": extra, "batch_targets": new_t}]
                )
                return self.python(
                    "w.batch_targets = valid",
                    lambda: setattr(w, "batch_targets", [y.tolist() for y in new_t]),
                    exp is not None,
                    exp,
                    overflow_ok=True,
                )
            q = Y.shape[1] if Y is not None else 1
            bad = rng.choice(
                [
                    [np.zeros((T, q)).tolist()] * (len(extra) + 1),
                    [[[float("inf")] * q] * T] * max(1, len(extra)),
                    "targets",
                    [[[0.0] * (q + 1)] * T] * max(1, len(extra)),
                ]
            )
            return self.python(
                "w.batch_targets = hostile", lambda: setattr(w, "batch_targets", bad), False, message=str(bad)[:100]
            )
        if r < 0.8:  # set_batch
            n = rng.randint(1, 3)
            if rng.random() < 0.8:
                T2 = T if rng.random() < 0.6 else rng.randint(max(1, T - 1), T + 2)
                seqs = [rand_matrix(rng, (T2, d)) for _ in range(n)]
                tg = None
                if Y is not None and rng.random() < 0.7:
                    q = Y.shape[1]
                    if cur["spec"].loss == "cross_entropy":
                        tg = [np.eye(q)[[rng.randrange(q) for _ in range(T2)]] for _ in range(n)]
                    else:
                        tg = [rand_matrix(rng, (T2, q)) for _ in range(n)]
                st = try_check(cur, seqs[0], None if tg is None else tg[0], seqs[1:], None if tg is None else tg[1:])
                exp = None
                if st is not None:
                    exp = [
                        {
                            "params": cur["params"],
                            "inputs": seqs[0],
                            "targets": None if tg is None else tg[0],
                            "batch_inputs": seqs[1:],
                            "batch_targets": None if tg is None or n == 1 else tg[1:],
                        }
                    ]
                return self.python(
                    "w.set_batch(valid)",
                    lambda: w.set_batch([s.tolist() for s in seqs], None if tg is None else [y.tolist() for y in tg]),
                    exp is not None,
                    exp,
                    overflow_ok=True,
                    message={"n": n, "T": T2, "targets": tg is not None},
                )
            bad = rng.choice(
                [
                    ([], None),
                    ([X.tolist()] * (MAX_BATCH + 1), None),
                    ([X.tolist(), np.zeros((T + 1, d)).tolist()], None),
                    ([X.tolist(), X.tolist()], [X.tolist()]),
                    ("abc", None),
                    ([X.tolist(), [[float("nan")] * d] * T], None),
                ]
            )
            return self.python("w.set_batch(hostile)", lambda: w.set_batch(*bad), False, message=str(bad)[:100])
        # batch_sample (a view trait: the trace follows the sample)
        n = 1 + len(extra)
        if rng.random() < 0.7:
            k = rng.randrange(n)
            return self.python(f"w.batch_sample = {k}", lambda: setattr(w, "batch_sample", k), True, model=False)
        k = rng.choice([n, -1, n + 3])
        return self.python(f"w.batch_sample = {k} (bad)", lambda: setattr(w, "batch_sample", k), False, model=False)

    def do_page_batch_traits(self):
        """batch_sample, batch_inputs and the read-only batch_trace as page trait updates."""
        rng, w = self.rng, self.w
        n = 1 + len(w.batch_inputs)
        r = rng.random()
        if r < 0.5:
            k = rng.randrange(n)
            state = {"batch_sample": k}
            exp = Expect("page", f"update batch_sample={k}", "accept", False, message=state)
        elif r < 0.7:
            state = {"batch_sample": rng.choice([n, -1, "0", None, 1.5])}
            exp = Expect("page", "update batch_sample (bad)", "refuse", False, message=state)
        elif r < 0.85:
            state = {"batch_trace": rng.choice([{}, {"n": 9}, None])}
            exp = Expect("page", "read-only batch_trace", "refuse", False, message=state)
        else:
            T, d = len(w._state.inputs), w._net.spec.input_size
            bad = rng.random() < 0.4
            value = [np.zeros((T + 1, d)).tolist()] if bad else [rand_matrix(rng, (T, d)).tolist()]
            state = {"batch_inputs": value}
            exp = Expect(
                "page", "update batch_inputs", "refuse" if bad else "either", True, message=state, overflow_ok=True
            )
        self.page_update(state)
        return exp, None

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

    # -- view traits ------------------------------------------------------------------------------
    def do_view_new(self):
        rng, w = self.rng, self.w
        valid = rng.random() < 0.7
        if valid:
            name, value = rng.choice(
                [("weights_form", rng.choice(["separate", "concatenated"])), ("projector", rng.random() < 0.5)]
            )
        else:
            name, value = rng.choice(
                [
                    ("weights_form", rng.choice(["stacked", "", None, 1])),
                    ("projector", rng.choice(["yes", None, 2, "true"])),
                ]
            )
        if rng.random() < 0.5:
            state = {name: value}
            self.page_update(state)
            exp = Expect("page", f"view {name}", "accept" if valid else "refuse", False, message=state)
            return exp, None
        return self.python(
            f"w.{name} = {value!r}", lambda: setattr(w, name, value), valid, model=False, message={name: value}
        )

    # -- to_json -> from_json -------------------------------------------------------------------
    ROUND = (
        "spec",
        "params",
        "inputs",
        "h0",
        "c0",
        "targets",
        "bptt",
        "batch_inputs",
        "batch_targets",
        "batch_sample",
        "convention",
        "display_names",
        "labels",
        "title",
        "train_options",
        "weights_form",
        "vocab",
        "trace",
        "batch_trace",
    )

    def do_roundtrip(self):
        w = self.w
        exp = Expect("python", "to_json -> from_json", "control", False)
        if w.training.get("running"):
            return exp, None  # the traits lag the model; the JSON holds the published ones
        try:
            text = w.to_json()
            w2 = RNNWidget.from_json(text)
        except Exception as e:
            self.violate("round trip raised", "to_json -> from_json", f"{type(e).__name__}: {e}")
            return exp, None
        # the traces within 1e-9 (a matrix product of a transposed view may round its last bit
        # differently from one of the same numbers read back from JSON), everything else exactly
        diffs = [
            k
            for k in self.ROUND
            if getattr(w2, k) != getattr(w, k)
            and (k not in ("trace", "batch_trace") or close(getattr(w2, k), getattr(w, k)))
        ]
        if diffs:
            k = diffs[0]
            self.violate(
                "round trip differs",
                "to_json -> from_json",
                f"{diffs}: {k}: " + describe_difference(getattr(w2, k), getattr(w, k)).replace("page", "reopened"),
            )
        return exp, None

    # -- invariants of the newer paths (called from check_invariants) ------------------------------
    def check_mode_invariants(self, what):
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
        n = 1 + len(w.batch_inputs)
        if not 0 <= w.batch_sample < n:
            self.violate("batch_sample out of range", what, f"{w.batch_sample} of {n}")
        if bool(w.batch_inputs) != bool(w.batch_trace):
            self.violate(
                "batch_trace", what, f"{len(w.batch_inputs)} extra samples, batch_trace keys {list(w.batch_trace)}"
            )
