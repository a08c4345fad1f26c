"""The widget's state as JSON and back (`RNNWidget.to_json` / `RNNWidget.from_json`).

The JSON holds what makes the model and how it is shown, never the trace (it is recomputed), and a
mini-batch's other samples when there are some:
`{"format": "rnn-widget", "version": 1, "spec": ..., "params": ..., "inputs": ..., ...}` with the
traits of docs/protocol.md (params in the row convention, as the `params` trait holds them).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import traitlets as t

if TYPE_CHECKING:
    from ..widget import RNNWidget

FORMAT, VERSION = "rnn-widget", 1
#: model traits (checked together by the constructor), then how the page shows them
MODEL = ("spec", "params", "inputs", "h0", "c0", "targets", "bptt", "batch_inputs", "batch_targets")
VIEW = (
    "convention",
    "names_convention",
    "display_names",
    "labels",
    "title",
    "train_options",
    "weights_form",
    "batch_sample",
)
#: written only with a mini-batch (samples 2..n)
BATCH = ("batch_inputs", "batch_targets", "batch_sample")
#: written only in text mode (RNNWidget.from_text): the token of each input and output unit
TEXT = ("vocab",)
REQUIRED = ("spec", "params", "inputs")


def to_dict(w: RNNWidget) -> dict[str, Any]:
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for name in MODEL + VIEW:
        if name in BATCH and not w.batch_inputs:
            continue
        out[name] = getattr(w, name)
    if w.vocab:
        out["vocab"] = list(w.vocab)
    return json.loads(json.dumps(out))  # plain lists and floats, a copy


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse(text: str | bytes | dict) -> dict[str, Any]:
    """The checked dict of a to_json text; a TraitError says what is wrong with anything else."""
    if isinstance(text, dict):
        data = text
    else:
        if not isinstance(text, (str, bytes, bytearray)):
            raise t.TraitError(f"from_json expects the text of RNNWidget.to_json() (a str), got {type(text).__name__}")
        try:
            data = json.loads(text)
        except UnicodeDecodeError:
            raise t.TraitError(
                "from_json: not valid JSON (not UTF-8 text); expected the text of RNNWidget.to_json()"
            ) from None
        except json.JSONDecodeError as e:
            raise t.TraitError(
                f"from_json: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}); "
                "expected the text of RNNWidget.to_json()"
            ) from None
    if not isinstance(data, dict):
        raise t.TraitError(f"from_json: expected a JSON object from RNNWidget.to_json(), got {_short(data)}")
    if data.get("format") != FORMAT:
        raise t.TraitError(f'from_json: expected "format": "{FORMAT}", got {_short(data.get("format"))}')
    if data.get("version") != VERSION:
        raise t.TraitError(f'from_json: expected "version": {VERSION}, got {_short(data.get("version"))}')
    unknown = sorted(set(data) - {"format", "version", *MODEL, *VIEW, *TEXT})
    if unknown:
        raise t.TraitError(f"from_json: unknown keys {unknown}; expected some of {list(MODEL + VIEW + TEXT)}")
    vocab = data.get("vocab", [])
    if not isinstance(vocab, list) or not all(isinstance(v, str) for v in vocab):
        raise t.TraitError(f"from_json: vocab must be a list of tokens (strings), got {_short(vocab)}")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise t.TraitError(f"from_json: missing {missing}; to_json always writes {list(REQUIRED)}")
    return data


def from_dict(cls: type[RNNWidget], data: dict[str, Any]) -> RNNWidget:
    model = {k: data[k] for k in MODEL if k in data}
    view = {k: data[k] for k in VIEW if k in data}
    inputs = model.pop("inputs")
    w = cls(None, inputs, **model, **view)
    if data.get("vocab"):
        sizes = (w.spec["input_size"], w.spec.get("output_size"))
        if any(n not in (None, len(data["vocab"])) for n in sizes):
            raise t.TraitError(
                f"from_json: vocab has {len(data['vocab'])} tokens but the network reads {sizes[0]} and emits {sizes[1]}"
            )
        w.set_trait("vocab", list(data["vocab"]))
        w._text_labels()  # the labels follow the one-hot inputs, as after from_text
    return w
