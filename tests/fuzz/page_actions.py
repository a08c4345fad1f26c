"""The fuzz test's edits from the page: messages as the front end sends them (a Fuzzer mixin)."""

from __future__ import annotations

import numpy as np

from rnn_widget.core import LIMITS, Network, Spec

from .oracle import (
    Expect,
    expected_from,
    internal,
    oracle_edits,
    retime,
    single_field,
    slides,
    spec_effect,
)
from .values import (
    bump_entry,
    good_number,
    hostile_inputs,
    hostile_number,
    hostile_spec,
    hostile_states,
    poison,
    rand_matrix,
    random_spec,
    random_steps,
    random_targets,
    wrong_shape,
)


class PageActions:
    # page: entry edits ------------------------------------------------------------------------
    def random_entry(self, field=None, hostile=False):
        rng, w = self.rng, self.w
        cur = internal(w)
        field = field or rng.choice(["params"] * 5 + ["inputs"] * 2 + ["targets", "h0", "c0"])
        e = {"field": field}
        if field == "params":
            name = rng.choice(list(cur["params"]))
            e["name"] = name
            shape = cur["params"][name].shape
        elif field == "inputs":
            shape = cur["inputs"].shape
        elif field == "targets":
            shape = cur["targets"].shape if cur["targets"] is not None else (len(cur["inputs"]), 1)
        else:
            layer = rng.randrange(len(cur["h0"]))
            shape = (len(cur["h0"]), cur["h0"][layer].shape[0])
        idx = [rng.randrange(s) for s in shape]
        if field in ("h0", "c0"):
            idx = [layer, rng.randrange(shape[1])]
        e["index"] = idx
        e["value"] = good_number(rng)
        if hostile:
            r = rng.randrange(10)
            if r < 4:
                e["value"] = hostile_number(rng)
            elif r == 4:
                e["index"] = rng.choice(
                    [
                        [-1] * len(idx),
                        [s + 3 for s in shape],
                        idx + [0],
                        idx[:-1],
                        [True] * len(idx),
                        ["0"] * len(idx),
                        None,
                        5,
                        [10**400] * len(idx),
                    ]
                )
            elif r == 5:
                e["name"] = rng.choice(["W_nope", "W_hh@9", "W_hh@0", "A", "", None, 3, "W_hh@x"])
                e["field"] = "params"
            elif r == 6:
                e["field"] = rng.choice(["trace", "spec", "nope", None, "c0", "limits", "training"])
            elif r == 7:
                e = rng.choice(
                    [
                        {
                            "field": "inputs",
                            "steps": rng.choice([0, -1, LIMITS["max_steps"] + 1, 2.5, True, "3", None, 10**400]),
                        },
                        {"field": "targets", "on": rng.choice(["yes", 1, None, "true"])},
                        {"field": "params", "steps": 3},
                        {"field": "inputs", "on": True},
                    ]
                )
            elif r == 8:
                e.pop("value")
            else:
                e = rng.choice([None, "edit", 3, [], ["params"]])
        return e

    def do_page_edit(self):
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            edits = [self.random_entry() for _ in range(rng.choice([1, 1, 1, 2, 3, 5]))]
        elif r < 0.8:
            edits = [self.random_entry() for _ in range(rng.randint(0, 3))]
            edits.insert(rng.randint(0, len(edits)), self.random_entry(hostile=True))
        elif r < 0.88:
            T = len(self.w._state.inputs)
            n = rng.choice([1, 2, T - 1, T + 1, T + 3, rng.randint(1, 12)])
            n = max(1, n)
            if rng.random() < 0.03:
                n = rng.choice([200] * 5 + [LIMITS["max_steps"]])  # long sequences: overflow, slow SVDs
            edits = [{"field": "inputs", "steps": n}]
            if rng.random() < 0.3:
                edits.append(
                    self.random_entry("inputs")
                    if n >= T
                    else {"field": "inputs", "index": [n - 1, 0], "value": good_number(rng)}
                )
        elif r < 0.94:
            edits = [{"field": "targets", "on": rng.random() < 0.6}]
        elif r < 0.97:
            edits = [self.random_entry("params") for _ in range(rng.choice([50, 500, 3000]))]  # one big message
        else:
            edits = rng.choice([[], None, "edits", {"field": "params"}, [None]])
        mid = self.next_id()
        content = {"type": "edit", "id": mid, "edits": edits}
        verdict, detail = oracle_edits(self.w, edits)
        if rng.random() < 0.03:  # junk around a valid message
            content = rng.choice([{"type": "edit", "id": mid}, {"type": "edit", "id": mid, "edits": edits, "extra": 1}])
            if "edits" not in content:
                verdict, detail = "refuse", "no edits"
        exp = Expect(
            "page",
            "edit message",
            verdict,
            True,
            detail if verdict != "refuse" else None,
            ack=mid,
            message=content,
            error_field=single_field(content, set(self.w._net.params)),
            overflow_ok=bool(self.w.batch_inputs),  # n samples x steps may pass the trace limit
        )
        self.page_custom(content)
        return exp, None

    def do_page_ping(self):
        mid = self.next_id()
        self.page_custom({"type": "ping", "id": mid})
        return Expect("page", "ping", "accept", False, ping=mid, message={"type": "ping"}), None

    # page: whole traits -----------------------------------------------------------------------
    def do_page_params(self):
        rng, w = self.rng, self.w
        cur = internal(w)
        P = {k: v.tolist() for k, v in cur["params"].items()}
        name = rng.choice(list(P))
        r = rng.random()
        if r < 0.5:
            P[name] = bump_entry(rng, P[name])
            return self.page_model({"params": P}, valid=True)
        if r < 0.75:
            P[name] = poison(rng, P[name])
        elif r < 0.85:
            P[name] = wrong_shape(rng, P[name])
        elif r < 0.9:
            del P[name]
        elif r < 0.95:
            P["W_unknown"] = [[1.0]]
        else:
            P = rng.choice(["params", None, [1, 2], 3])
        return self.page_model({"params": P}, valid=False)

    def do_page_inputs(self):
        rng, w = self.rng, self.w
        d = w._net.spec.input_size
        if rng.random() < 0.55:
            T = random_steps(rng, len(w._state.inputs))
            return self.page_model({"inputs": rand_matrix(rng, (T, d)).tolist()}, valid=True)
        bad = rng.choice(
            hostile_inputs(rng, w.inputs, d)
            + [
                "1 2 3",
                None,
                [[True] * d],
                [[" 3 "] * d],
                [[10**400] * d],
            ]
        )
        return self.page_model({"inputs": bad}, valid=False)

    def do_page_states(self):
        rng, w = self.rng, self.w
        f = rng.choice(["h0", "c0"]) if w._net.spec.cell == "lstm" else "h0"
        sizes = w._net.spec.hidden_sizes
        if f == "h0" and w._net.spec.cell != "lstm" and rng.random() < 0.15:
            # a cell state for a cell without one: Python keeps [] and the page must hear so
            out = self.page_model({"c0": [[1.0] * n for n in sizes]}, valid=False)
            out[0].verdict = "either"
            out[0].expected = [{"c0": []}]
            return out
        if rng.random() < 0.5:
            return self.page_model({f: [rand_matrix(rng, (n,)).tolist() for n in sizes]}, valid=True)
        bad = rng.choice(
            hostile_states(rng, sizes)
            + [
                "0",
                [[None]],
                [[0.0] * n for n in sizes] * 2,
            ]
        )
        return self.page_model({f: bad}, valid=False)

    def do_page_targets(self):
        rng, w = self.rng, self.w
        spec = w._net.spec
        T = len(w._state.inputs)
        if spec.output_size is not None and rng.random() < 0.5:
            if rng.random() < 0.2:
                return self.page_model({"targets": None}, valid=True)
            Y = random_targets(rng, T, spec.output_size, spec.loss)
            return self.page_model({"targets": Y.tolist()}, valid=True)
        out = spec.output_size or spec.hidden_sizes[-1]  # without a readout the targets score h
        good = rand_matrix(rng, (T, out)).tolist()
        bad = rng.choice([poison(rng, good), "targets", [[1.0] * (out + 1)] * T, {"a": 1}])
        return self.page_model({"targets": bad}, valid=False)

    def do_page_spec(self):
        rng, w = self.rng, self.w
        r = rng.random()
        if r < 0.6:
            spec = dict(w.spec)
            spec.update({k: v for k, v in random_spec(rng, big=rng.random() < 0.03).items() if rng.random() < 0.5})
            if rng.random() < 0.01:  # near the size limits: one big layer, a few steps
                spec.update(
                    cell="rnn",
                    input_size=rng.choice([1, 64]),
                    hidden_sizes=[rng.choice([128, 200, 256])],
                    output_size=rng.choice([1, 64]),
                )
            try:
                Spec.from_dict(spec)
            except (ValueError, TypeError):
                return self.page_model({"spec": spec}, valid=False)
            state = {"spec": spec}
            if r < 0.1:
                net = Network(Spec.from_dict(spec))
                state["params"] = {k: rand_matrix(rng, s, -1, 1).tolist() for k, s in net.param_shapes.items()}
            out = self.page_model(state, valid=True, overflow_ok=True)
            out[
                0
            ].verdict = "either"  # a valid spec may still not fit the inputs or targets (one-to-one, cross-entropy)
            out[0].effect = spec_effect(spec, state.get("params"))
            return out
        return self.page_model({"spec": hostile_spec(rng, w.spec)}, valid=False)

    def page_model(self, state, valid, overflow_ok=False):
        exp = Expect(
            "page",
            "update " + ",".join(state),
            "accept" if valid else "refuse",
            True,
            message=state,
            overflow_ok=overflow_ok or valid,
        )
        if valid:
            exp.expected = self.whole_expectation(state)
            if exp.expected is None:
                exp.verdict = "either" if overflow_ok else "refuse"
        self.page_update(state)
        return exp, None

    def whole_expectation(self, state):
        """Expected traits after whole-trait values (None: the oracle refuses them)."""
        cur = internal(self.w)
        spec = cur["spec"]
        if "spec" in state:
            return [{}]  # too much logic to mirror; the invariants still apply
        P = cur["params"]
        if "params" in state:
            P = {k: np.asarray(v, float) for k, v in state["params"].items()}
        X = np.asarray(state["inputs"], float) if "inputs" in state else cur["inputs"]
        Y = cur["targets"]
        loose = False
        if "inputs" in state and Y is not None and len(X) != len(cur["inputs"]):
            Y = retime(Y, len(X), spec)
            loose = True
        if "targets" in state:
            Y = None if state["targets"] is None else np.asarray(state["targets"], float)
        H0 = [np.asarray(h, float) for h in state["h0"]] if "h0" in state else cur["h0"]
        C0 = [np.asarray(c, float) for c in state["c0"]] if "c0" in state else cur["c0"]
        try:
            exp = expected_from(spec, P, X, H0, C0, Y, state.get("bptt", cur["bptt"]))
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            return None
        if loose:
            exp["targets_rows"] = None if exp["targets"] is None else len(exp["targets"])
            del exp["targets"]
        return [exp]

    def do_page_view(self):
        rng, w = self.rng, self.w
        T = w.trace["T"]
        n = slides(w)
        good = [
            {"convention": rng.choice(["row", "column"])},
            {"reveal": rng.randint(-1, n - 1)},
            {"focus_step": rng.randrange(T)},
            {"show_grads": rng.random() < 0.5},
            {"bptt_step": rng.randint(-1, T - 1)},
            {
                "train_options": {
                    "lr": rng.choice([0.001, 0.01, 0.1]),
                    "momentum": rng.choice([0.0, 0.5, 0.9]),
                    "steps": rng.randint(1, 300),
                    "clip_norm": rng.choice([None, 1.0, 5.0]),
                }
            },
            {"title": rng.choice(["", "<b>x</b>", "\u00e9\u00e8", "t" * 50])},
            {"labels": [rng.choice(["a", "<img src=x>", ""]) for _ in range(T)]},
        ]
        bad = [
            {"convention": "diagonal"},
            {"reveal": rng.choice([n, n + 5, -2, 10**6, "1", None, 1.5])},
            {"focus_step": rng.choice([T, -1, 10**400, "0", None])},
            {"show_grads": rng.choice(["yes", None, 2])},
            {"bptt_step": rng.choice([T, -2, "x"])},
            {
                "train_options": rng.choice(
                    [
                        {"lr": -1},
                        {"lr": "0.1"},
                        {"steps": 0},
                        {"momentum": 1},
                        {"bogus": 1},
                        {"clip_norm": 10**400},
                        {"lr": float("nan")},
                        {"lr": 1e9},
                        "fast",
                        None,
                        {"steps": True},
                        {"steps": 10**400},
                    ]
                )
            },
            {"labels": [1, 2]},
            {"title": 3},
        ]
        if rng.random() < 0.15:
            bptt = rng.choice(
                [
                    {"clip_norm": None, "truncate": None},
                    {"clip_norm": 1.0, "truncate": None},
                    {"clip_norm": None, "truncate": rng.randint(1, 4)},
                ]
            )
            return self.page_model({"bptt": bptt}, valid=True)
        if rng.random() < 0.1:
            bptt = rng.choice(
                [
                    {"clip_norm": None, "truncate": 0},
                    {"clip_norm": -1, "truncate": None},
                    {"clip_norm": float("inf"), "truncate": None},
                    {"clip_norm": 10**400, "truncate": None},
                    {"clip_norm": "1", "truncate": None},
                    {"x": 1},
                    "abc",
                    {"clip_norm": True, "truncate": None},
                    {"clip_norm": None, "truncate": 2.5},
                ]
            )
            return self.page_model({"bptt": bptt}, valid=False)
        valid = rng.random() < 0.6
        state = rng.choice(good if valid else bad)
        if not valid and "train_options" in state and isinstance(state["train_options"], dict):
            state = {"train_options": dict(w.train_options, **state["train_options"])}
        exp = Expect("page", "view " + ",".join(state), "accept" if valid else "refuse", False, message=state)
        self.page_update(state)
        return exp, None

    def do_page_mixed(self):
        """One update message with several traits (a model trait and a view or read-only one)."""
        rng, w = self.rng, self.w
        cur = internal(w)
        P = {k: v.tolist() for k, v in cur["params"].items()}
        name = rng.choice(list(P))
        arr = np.array(P[name])
        arr[tuple(rng.randrange(s) for s in arr.shape)] = good_number(rng) if rng.random() < 0.8 else float("nan")
        P[name] = arr.tolist()
        state = {"params": P}
        state.update(
            rng.choice(
                [
                    {"reveal": -1},
                    {"focus_step": 0},
                    {"reveal": 10**6},
                    {"trace": {}},
                    {"training": {"running": True}},
                    {"convention": "column"},
                    {"show_grads": "x"},
                    {"spec": dict(w.spec)},
                    {"inputs": w.inputs, "h0": w.h0},
                ]
            )
        )
        self.page_update(state)
        # each trait is accepted or refused on its own: only the invariants (trace, page, model) hold
        return Expect("page", "mixed " + ",".join(state), "control", True, message=state), None

    def do_page_readonly(self):
        rng, _w = self.rng, self.w
        state = rng.choice(
            [
                {"trace": {}},
                {"training": {"running": True}},
                {"limits": {"max_hidden": 10**6}},
                {"param_order": []},
                {"loss_curve": {"step": [1], "loss": [0]}},
                {"error": "hi"},
                {"error_field": "params"},
                {"trace": None},
            ]
        )
        self.page_update(state)
        return Expect("page", "read-only " + ",".join(state), "refuse", False, message=state), None

    def do_page_training(self):
        rng, _w = self.rng, self.w
        content = rng.choice(
            [
                {"type": "train", "steps": rng.randint(1, 300)},
                {"type": "step"},
                {"type": "stop"},
                {"type": "reset"},
                {"type": "train", "steps": rng.choice([0, -5, "3", None, 10**400])},
            ]
        )
        self.note_training(content.get("type"))
        self.page_custom(content)
        return Expect("page", "training " + str(content.get("type")), "control", True, message=content), None

    def do_page_junk(self):
        rng = self.rng
        content = rng.choice(
            [
                "edit",
                None,
                3,
                [],
                {"type": None},
                {"type": "nope"},
                {"type": "ping"},
                {"type": "edit", "id": None, "edits": [{"field": "params"}]},
                {"type": "edit", "id": {"x": 1}, "edits": None},
            ]
        )
        self.page_custom(content)
        verdict = "control"
        return Expect("page", "junk", verdict, True, message=content), None
