"""The fuzz test's edits of the view traits `weights_form` and `projector`, and `to_json` ->
`from_json` round trips (a Fuzzer mixin). Encoder-decoder specs come from values.random_spec (every
spec edit and new widget)."""

from __future__ import annotations

from rnn_widget import RNNWidget

from .mirror import close, describe_difference
from .oracle import Expect


class ViewActions:
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
