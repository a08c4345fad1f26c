"""The fuzz test's mini-batch edits (a Fuzzer mixin): entry edits of samples 2..n and `samples`
from the page, whole `batch_inputs`/`batch_targets`, `set_batch` and `batch_sample` from Python and
the page, and the batch's invariants."""

from __future__ import annotations

import numpy as np

from rnn_widget.core import MAX_BATCH

from .oracle import Expect, internal, try_check
from .text_actions import one_hot
from .values import good_number, hostile_number, json_number_ok, rand_matrix, random_targets


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


class BatchActions:
    # -- widgets ---------------------------------------------------------------------------------
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
                tg.append(random_targets(rng, len(w.targets), q, w.spec["loss"]).tolist())
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
                new_t = [random_targets(rng, T, q, cur["spec"].loss) for _ in extra]
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
                    tg = [random_targets(rng, T2, q, cur["spec"].loss) for _ in range(n)]
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

    # -- invariants of the batch (called from check_invariants) ----------------------------------
    def check_batch_invariants(self, what):
        w = self.w
        n = 1 + len(w.batch_inputs)
        if not 0 <= w.batch_sample < n:
            self.violate("batch_sample out of range", what, f"{w.batch_sample} of {n}")
        if bool(w.batch_inputs) != bool(w.batch_trace):
            self.violate(
                "batch_trace", what, f"{len(w.batch_inputs)} extra samples, batch_trace keys {list(w.batch_trace)}"
            )
