"""The fuzz test's edits from Python: trait assignments, set(), sliders, training (a Fuzzer mixin)."""

from __future__ import annotations

import json

import numpy as np
import traitlets

from rnn_widget.core import Spec

from .oracle import (
    Expect,
    internal,
    oracle_edits,
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


class PythonActions:
    # Python ------------------------------------------------------------------------------------
    def python(self, what, fn, valid, expected=None, model=True, overflow_ok=False, message=None):
        exp = Expect(
            "python", what, "accept" if valid else "refuse", model, expected, overflow_ok=overflow_ok, message=message
        )
        if valid and expected is None and model:
            exp.verdict = "either"
        try:
            fn()
        except Exception as e:  # judged by the caller
            return exp, e
        return exp, None

    def do_py_params(self):
        rng, w = self.rng, self.w
        cur = internal(w)
        P = {k: v.tolist() for k, v in cur["params"].items()}
        name = rng.choice(list(P))
        if rng.random() < 0.5:
            P[name] = bump_entry(rng, P[name])
            exp = self.whole_expectation({"params": P})
            return self.python(
                "w.params = valid", lambda: setattr(w, "params", P), exp is not None, exp, message={"params": name}
            )
        r = rng.random()
        if r < 0.6:
            P[name] = poison(rng, P[name])
        elif r < 0.8:
            P[name] = wrong_shape(rng, P[name])
        elif r < 0.9:
            P["W_unknown"] = [[1.0]]
        else:
            P = rng.choice(["params", None, [1], 3])
        return self.python("w.params = hostile", lambda: setattr(w, "params", P), False, message=str(P)[:200])

    def do_py_set(self):
        rng, w = self.rng, self.w
        cur = internal(w)
        name = rng.choice(list(cur["params"]))
        conv = rng.choice(["row", "column"])
        shape = cur["params"][name].shape
        if rng.random() < 0.55:
            value = rand_matrix(rng, shape)
            P = dict(cur["params"])
            P[name] = value
            given = value.T if conv == "column" and value.ndim == 2 else value
            exp = self.whole_expectation({"params": P})
            return self.python(
                f"w.set({name!r}, valid)",
                lambda: w.set(name, given.tolist(), convention=conv),
                exp is not None,
                exp,
                message={"name": name, "value": given.tolist()},
            )
        bad = rng.choice(
            [
                poison(rng, rand_matrix(rng, shape).tolist()),
                wrong_shape(rng, cur["params"][name].tolist()),
                hostile_number(rng),
            ]
        )
        if rng.random() < 0.15:
            name = rng.choice(["W_nope", "W_hh@9", "", "A@2"])
        return self.python(
            f"w.set({name!r}, hostile)",
            lambda: w.set(name, bad, convention=conv),
            False,
            message={"name": name, "value": str(bad)[:100]},
        )

    def do_py_entry(self):
        rng, w = self.rng, self.w
        if not hasattr(w, "edit"):
            return self.do_py_set()
        hostile = rng.random() < 0.4
        edits = [self.random_entry(hostile=hostile and i == 0) for i in range(rng.choice([1, 1, 2]))]
        verdict, detail = oracle_edits(w, edits)
        exp = Expect("python", "w.edit(...)", verdict, True, detail if verdict != "refuse" else None, message=edits)
        try:
            w.edit(edits)
        except Exception as e:
            return exp, e
        return exp, None

    def do_py_inputs(self):
        rng, w = self.rng, self.w
        d = w._net.spec.input_size
        if rng.random() < 0.55:
            T = random_steps(rng, len(w._state.inputs))
            X = rand_matrix(rng, (T, d))
            exp = self.whole_expectation({"inputs": X.tolist()})
            return self.python(
                "w.inputs = valid", lambda: setattr(w, "inputs", X.tolist()), exp is not None, exp, message=X.tolist()
            )
        bad = rng.choice(
            hostile_inputs(rng, w.inputs, d)
            + [
                [[True] * d],
                [[" 3 "] * d],
                [["\uff11\uff12"] * d],
                [["1_000"] * d],
                [[10**400] * d],
                [[2e6] * d],
            ]
        )
        return self.python("w.inputs = hostile", lambda: setattr(w, "inputs", bad), False, message=str(bad)[:200])

    def do_py_states(self):
        rng, w = self.rng, self.w
        f = rng.choice(["h0", "c0"]) if w._net.spec.cell == "lstm" else "h0"
        sizes = w._net.spec.hidden_sizes
        if rng.random() < 0.5:
            S = [rand_matrix(rng, (n,)).tolist() for n in sizes]
            exp = self.whole_expectation({f: S})
            return self.python(f"w.{f} = valid", lambda: setattr(w, f, S), exp is not None, exp, message=S)
        bad = rng.choice(
            hostile_states(rng, sizes)
            + [
                [[None]],
                "0",
            ]
        )
        return self.python(f"w.{f} = hostile", lambda: setattr(w, f, bad), False, message=bad)

    def do_py_targets(self):
        rng, w = self.rng, self.w
        spec = w._net.spec
        T = len(w._state.inputs)
        r = rng.random()
        if r < 0.3:
            return self._targets_none()
        if spec.output_size is not None and r < 0.7:
            Y = random_targets(rng, T, spec.output_size, spec.loss)
            exp = self.whole_expectation({"targets": Y.tolist()})
            return self.python(
                "w.targets = valid", lambda: setattr(w, "targets", Y.tolist()), exp is not None, exp, message=Y.tolist()
            )
        out = spec.output_size or spec.hidden_sizes[-1]  # without a readout the targets score h
        bad = rng.choice(
            [poison(rng, rand_matrix(rng, (T, out)).tolist()), "targets", [[1.0] * (out + 1)] * T, [[True] * out] * T]
        )
        return self.python("w.targets = hostile", lambda: setattr(w, "targets", bad), False, message=str(bad)[:200])

    def _targets_none(self):
        w = self.w
        exp = self.whole_expectation({"targets": None})
        if self.rng.random() < 0.3:  # right after a no-op assignment of the same trait
            same = json.loads(json.dumps(w.targets))

            def fn():
                w.targets = same
                w.targets = None

            out = self.python("w.targets = w.targets; w.targets = None", fn, exp is not None, exp)
        else:
            out = self.python("w.targets = None", lambda: setattr(w, "targets", None), exp is not None, exp)
        out[0].effect = lambda w: "" if w.trace.get("loss") is None else "w.targets = None left a loss in the trace"
        return out

    def do_py_spec(self):
        rng, w = self.rng, self.w
        if rng.random() < 0.6:
            spec = dict(w.spec)
            spec.update({k: v for k, v in random_spec(rng, big=rng.random() < 0.03).items() if rng.random() < 0.5})
            try:
                Spec.from_dict(spec)
                ok = True
            except (ValueError, TypeError):
                ok = False
            out = self.python(
                "w.spec = " + ("valid" if ok else "invalid"),
                lambda: setattr(w, "spec", spec),
                ok,
                [{}] if ok else None,
                overflow_ok=True,
                message=spec,
            )
            if ok:  # a valid spec may still not fit the current inputs or targets (one-to-one, cross-entropy)
                out[0].verdict = "either"
                out[0].effect = spec_effect(spec)
            return out
        spec = hostile_spec(rng, w.spec)
        return self.python("w.spec = hostile", lambda: setattr(w, "spec", spec), False, message=spec)

    def do_py_same(self):
        """Assign a model trait the value it holds (traitlets then fires no change)."""
        rng, w = self.rng, self.w
        name = rng.choice(["spec", "params", "inputs", "h0", "c0", "targets", "bptt"])
        value = json.loads(json.dumps(getattr(w, name)))
        if name in ("params", "inputs", "h0", "c0", "targets"):
            exp = self.whole_expectation({name: value})
        else:
            exp = [{}]
        out = self.python(f"w.{name} = w.{name}", lambda: setattr(w, name, value), True, exp, message=name)
        out[0].verdict = "either"
        return out

    def do_py_view(self):
        rng, w = self.rng, self.w
        T = w.trace["T"]
        n = slides(w)
        if rng.random() < 0.5:
            name, value = rng.choice(
                [
                    ("reveal", rng.randint(-1, n - 1)),
                    ("focus_step", rng.randrange(T)),
                    ("bptt_step", rng.randint(-1, T - 1)),
                    ("convention", rng.choice(["row", "column"])),
                    ("show_grads", rng.random() < 0.5),
                ]
            )
            return self.python(
                f"w.{name} = valid", lambda: setattr(w, name, value), True, model=False, message={name: value}
            )
        if rng.random() < 0.3:
            value = rng.choice(
                [
                    {"clip_norm": 10**400, "truncate": None},
                    {"clip_norm": None, "truncate": 0},
                    {"clip_norm": float("nan"), "truncate": None},
                    {"clip_norm": "1", "truncate": None},
                ]
            )
            return self.python("w.bptt = hostile", lambda: setattr(w, "bptt", value), False, message=value)
        name, value = rng.choice(
            [
                ("reveal", n + 3),
                ("reveal", -2),
                ("focus_step", T),
                ("bptt_step", T + 1),
                ("convention", "diag"),
                ("train_options", {"lr": -1}),
                ("train_options", {"lr": 0.1, "momentum": 0, "steps": 10**400, "clip_norm": None}),
                ("train_options", {"lr": 0.1, "momentum": 0, "steps": 5, "clip_norm": 10**400}),
            ]
        )
        return self.python(
            f"w.{name} = hostile", lambda: setattr(w, name, value), False, model=False, message={name: value}
        )

    def do_py_names(self):
        rng, w = self.rng, self.w
        if rng.random() < 0.8:
            names = rng.choice(
                [
                    {"W_hh": "\\phi"},
                    {"W_hh": "\\theta", "W_xh": "\\1"},
                    {"W_hh": "A", "W_xh": "B", "W_hy": "C"},
                    {},
                    {"W_hy": "\\g<0>"},
                    {"h": "k", "x": "u"},
                ]
            )
            return self.python(
                "w.display_names = valid", lambda: setattr(w, "display_names", names), True, model=False, message=names
            )
        names = rng.choice([{"W_hh": 3}, "A", {"W_hh": None}])
        return self.python(
            "w.display_names = hostile", lambda: setattr(w, "display_names", names), False, model=False, message=names
        )

    def do_py_training(self):
        rng, w = self.rng, self.w
        r = rng.random()
        if r < 0.1:
            steps = rng.randint(1, 30)  # blocking, inside the running event loop
            lr = rng.choice([0.01, 0.5, 20.0])
            self.note_training("train")
            fn, what = (lambda: w.train(steps, lr=lr, block=True)), "w.train"
        elif r < 0.55:
            steps = rng.randint(1, 300)
            lr = rng.choice([0.001, 0.01, 0.05, 0.5, 20.0])
            self.note_training("train")
            fn, what = (lambda: w.train(steps, lr=lr, momentum=rng.choice([0.0, 0.9]), block=False)), "w.train"
        elif r < 0.75:
            fn, what = w.stop, "w.stop()"
        else:
            self.note_training("reset")
            fn, what = w.reset_training, "w.reset_training()"
        exp = Expect("python", what, "control", True, message=what)
        try:
            fn()
        except (ValueError, RuntimeError, traitlets.TraitError) as e:  # documented refusals of train()
            if what != "w.train" and not isinstance(e, traitlets.TraitError):
                return exp, e
            if isinstance(e, traitlets.TraitError) and what == "w.reset_training()":
                self.violate("reset raises", what, f"reset_training() raised {e}")
        except Exception as e:
            return exp, e
        return exp, None

    def do_slider(self):
        rng, w = self.rng, self.w
        cur = internal(w)
        name = rng.choice(list(cur["params"]))
        shape = cur["params"][name].shape
        key = name
        if key not in self.sliders or self.sliders[key][1] != shape or rng.random() < 0.1:
            idx = tuple(rng.randrange(s) for s in shape)
            try:
                s = w.slider(name, idx if len(idx) > 1 else idx[0], convention="row", min=-3, max=3)
            except Exception as e:
                self.violate("slider creation", f"w.slider({name!r}, {idx})", repr(e))
                return Expect("python", "slider", "control", False), None
            self.sliders[key] = (s, shape, idx)
        s, shape, idx = self.sliders[key]
        value = good_number(rng) if rng.random() < 0.9 else rng.choice([50.0, -1e5, 1e6])
        P = dict(cur["params"])
        arr = P[name].copy()
        clamped = min(max(value, s.min), s.max)
        arr[idx] = clamped
        P[name] = arr
        exp = self.whole_expectation({"params": P})
        out = Expect(
            "python",
            f"slider {name}{list(idx)} = {value}",
            "accept" if exp is not None else "refuse",
            True,
            exp,
            message={"name": name, "index": idx, "value": value},
        )
        if s.value == clamped:  # no change, no event: nothing happens
            out.verdict, out.expected, out.model = "either", None, False

        def slider_shows_weight(w):
            # the slider follows the published weight (training publishes every few steps)
            if s.disabled or name not in w.params or np.shape(w.params[name]) != shape:
                return ""
            shown = float(np.asarray(w.params[name])[idx])
            model = float(w._net.params[name][idx]) if name in w._net.params else shown
            if s.value == shown or (w.training.get("running") and s.value == model):
                return ""  # (a refused move during training snaps back to the model's weight)
            return f"slider shows {s.value}, the weight is {shown}"

        out.always = slider_shows_weight
        try:
            s.value = value
        except Exception as e:
            return out, e
        return out, None
