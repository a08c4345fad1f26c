"""A character model as the inspector sees it: a vocabulary, a `Network` (the project's exact numpy
model, from PyTorch modules through `core.from_torch`) and every hidden unit and gate of one layer
over a text, recomputed from the first changed character only.

An RNN is causal: changing character k changes steps k, k+1, ... and nothing before k. `CharRun`
keeps every layer's states at every step, so appending a character costs one step of forward pass.
The numbers are exactly those of a full `Network.forward` from the first step (the same per-step
operations, started from the stored states).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core import LIMITS, Network

#: what the inspector shows per cell: (name shown, key in the core's per-layer values, label)
QUANTITIES = {
    "rnn": (("h", "h", "hidden state"),),
    "lstm": (
        ("h", "h", "hidden state"),
        ("c", "c", "cell state"),
        ("i", "i", "input gate"),
        ("f", "f", "forget gate"),
        ("g", "c_tilde", "candidate"),
        ("o", "o", "output gate"),
    ),
    "gru": (
        ("h", "h", "hidden state"),
        ("r", "r", "reset gate"),
        ("z", "z", "update gate"),
        ("n", "n", "candidate"),
    ),
}

#: the longest text the inspector takes (the project's sequence limit)
MAX_CHARS = LIMITS["max_steps"]


def check_vocab(vocab) -> tuple[str, ...]:
    """A vocabulary: a string or a sequence of single characters, no repeats, at least two."""
    if isinstance(vocab, str):
        chars = tuple(vocab)
    elif isinstance(vocab, Sequence) and all(isinstance(c, str) for c in vocab):
        chars = tuple(vocab)
    else:
        raise TypeError(f"vocab must be a string or a list of single characters, got {type(vocab).__name__}")
    bad = [c for c in chars if len(c) != 1]
    if bad:
        raise ValueError(f"vocab entries must be single characters; got {bad[:5]!r}")
    dups = sorted(c for c, n in Counter(chars).items() if n > 1)
    if dups:
        raise ValueError(f"vocab repeats the characters {dups!r}; each character must appear once")
    if not 2 <= len(chars) <= LIMITS["max_input"]:
        raise ValueError(f"vocab has {len(chars)} characters; expected 2 to {LIMITS['max_input']}")
    return chars


@dataclass
class CharRun:
    """A text and every layer's values over it (each (T, hidden)); ``logits`` the readout's."""

    text: str
    layers: list  # per layer: dict key -> (T, hidden) float64
    logits: np.ndarray | None  # (T, vocab) or None without a readout


class CharModel:
    """A vocabulary and a `Network` whose input is the one-hot character; `layer` is shown."""

    def __init__(self, net: Network, vocab, *, layer: int = -1):
        spec = net.spec
        self.vocab = check_vocab(vocab)
        if spec.input_size != len(self.vocab):
            raise ValueError(
                f"the model takes {spec.input_size} inputs but the vocabulary has {len(self.vocab)} characters; "
                "expected one input per character (one-hot)"
            )
        if spec.output_size is not None and spec.output_size != len(self.vocab):
            raise ValueError(
                f"the readout has {spec.output_size} outputs but the vocabulary has {len(self.vocab)} characters; "
                "expected one logit per character"
            )
        if not -spec.num_layers <= layer < spec.num_layers:
            raise ValueError(f"layer {layer} does not exist; the model has {spec.num_layers} layer(s)")
        self.net = net
        self.layer = layer % spec.num_layers
        self.index = {c: i for i, c in enumerate(self.vocab)}
        self.quantities = QUANTITIES[spec.cell]

    @classmethod
    def from_torch(cls, module, linear, vocab, *, layer: int = -1) -> CharModel:
        """From a torch ``nn.LSTM``/``nn.GRU``/``nn.RNN`` (batch_first or not: the weights are the
        same), its ``nn.Linear`` readout (or None) and the vocabulary (index i = character i)."""
        from ..core import from_torch

        hidden = getattr(module, "hidden_size", None)
        if isinstance(hidden, int) and hidden > LIMITS["max_hidden"]:
            raise ValueError(f"the model has hidden size {hidden}; the inspector takes up to {LIMITS['max_hidden']}")
        return cls(from_torch(module, linear), vocab, layer=layer)

    @property
    def hidden(self) -> int:
        return self.net.spec.hidden_sizes[self.layer]

    def check_text(self, text) -> str:
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        if len(text) > MAX_CHARS:
            raise ValueError(f"text has {len(text)} characters; the inspector takes up to {MAX_CHARS}")
        unknown = sorted({c for c in text if c not in self.index})
        if unknown:
            first = min(text.index(c) for c in unknown)
            shown = ", ".join(repr(c) for c in unknown[:8]) + (" ..." if len(unknown) > 8 else "")
            raise ValueError(
                f"text has characters the vocabulary does not: {shown} (first at position {first}); "
                f"expected only these {len(self.vocab)}: {''.join(self.vocab)!r}"
            )
        return text

    def one_hot(self, text: str) -> np.ndarray:
        X = np.zeros((len(text), len(self.vocab)))
        X[np.arange(len(text)), [self.index[c] for c in text]] = 1.0
        return X

    def run(self, text: str, previous: CharRun | None = None) -> tuple[CharRun, int]:
        """``(run, start)``: the values over `text`; steps before `start` are `previous`'s."""
        text = self.check_text(text)
        spec = self.net.spec
        start = 0
        if previous is not None:
            n = min(len(text), len(previous.text))
            while start < n and text[start] == previous.text[start]:
                start += 1
        T = len(text)
        head_layers: list[dict[str, np.ndarray]]
        if previous is None or start == 0:
            head_layers = [{} for _ in range(spec.num_layers)]
            head_logits = None
            h0 = c0 = None
        else:
            head_layers = [{k: v[:start] for k, v in lv.items()} for lv in previous.layers]
            head_logits = None if previous.logits is None else previous.logits[:start]
            h0 = [lv["h"][start - 1] for lv in previous.layers]
            c0 = [lv["c"][start - 1] for lv in previous.layers] if spec.cell == "lstm" else None
        if T == 0:
            return CharRun(text, [{} for _ in range(spec.num_layers)], None), 0
        if start == T:  # characters deleted at the end: the rest is unchanged
            return CharRun(text, head_layers, head_logits), start
        trace = self.net.forward(self.one_hot(text[start:]), h0=h0, c0=c0)
        keys = {k for _, k, _ in self.quantities}
        new_layers = []
        for head, lt in zip(head_layers, trace.layers):
            merged = {}
            for k in keys | {"h", "c"}:
                if k not in lt.values:
                    continue
                tail = lt.values[k]
                merged[k] = np.concatenate([head[k], tail]) if start else np.ascontiguousarray(tail)
            new_layers.append(merged)
        logits = None
        if trace.y_pre is not None:
            logits = trace.y_pre if not start else np.concatenate([head_logits, trace.y_pre])
        return CharRun(text, new_layers, logits), start

    def values(self, run: CharRun, name: str) -> np.ndarray:
        """The (T, hidden) values of quantity `name` (e.g. "h", "c", "f") of the shown layer."""
        for shown, key, _ in self.quantities:
            if shown == name:
                if not run.text:
                    return np.zeros((0, self.hidden))
                return run.layers[self.layer][key]
        raise KeyError(f"no quantity {name!r}; expected one of {[q for q, _, _ in self.quantities]}")
