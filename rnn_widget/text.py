"""Text in, text out: a vocabulary, tokens as one-hot inputs, softmax over the vocabulary at each
output, cross-entropy against the next token, and sampling with each chosen token fed back.

`Vocab` is pure (numpy only). `TextMixin` adds the text side to `RNNWidget`:
`RNNWidget.from_text("hello", vocab="helo", hidden=3)`, `w.set_text(...)`, `w.tokens()`,
`w.probabilities()`, `w.top_tokens()` and `w.sample(...)`. The synced traits `vocab` and `sampled`
are declared on the widget (docs/protocol.md, "Text").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets as t

from ._page import _READ_ONLY
from ._state import REFUSALS, message
from .core import LIMITS, Network, Spec
from .core.activations import softmax
from .core.validate import short

if TYPE_CHECKING:
    from ._state import State

#: The most tokens a vocabulary may hold: one input and one output per token.
MAX_VOCAB = min(LIMITS["max_input"], LIMITS["max_output"])
#: The longest token (a word) in characters; longer ones are refused.
MAX_TOKEN = 40


class Vocab:
    """An ordered vocabulary: token i is input/output unit i. Characters (a string, or a list of
    one-character tokens) or words (``words=True``: text is split on whitespace)."""

    __slots__ = ("tokens", "words", "_index")

    def __init__(self, tokens: str | Sequence[str], *, words: bool = False):
        if isinstance(tokens, str):
            tokens = tokens.split() if words else list(tokens)
        if not isinstance(tokens, (list, tuple)) or not all(isinstance(s, str) for s in tokens):
            raise TypeError(f"vocab must be a string or a list of strings (tokens), got {short(tokens)}")
        tokens = list(tokens)
        if not tokens:
            raise ValueError("the vocabulary is empty; expected at least one token, e.g. vocab='helo'")
        if len(tokens) > MAX_VOCAB:
            raise ValueError(
                f"the vocabulary has {len(tokens):,} tokens; at most {MAX_VOCAB} fit (one input and one "
                "output unit per token): use characters instead of words, or a shorter text"
            )
        for s in tokens:
            if s == "" or len(s) > MAX_TOKEN:
                raise ValueError(f"token {short(s)} must be 1 to {MAX_TOKEN} characters long")
            if words and any(c.isspace() for c in s):
                raise ValueError(f"word {short(s)} holds whitespace; words are split on whitespace")
        seen: dict[str, int] = {}
        for i, s in enumerate(tokens):
            if s in seen:
                raise ValueError(f"token {short(s)} appears twice in the vocabulary; each token must be listed once")
            seen[s] = i
        self.tokens: tuple[str, ...] = tuple(tokens)
        self.words = bool(words or any(len(s) > 1 for s in tokens))
        self._index = seen

    @classmethod
    def of(cls, *texts: str | Sequence[str], words: bool = False) -> Vocab:
        """The tokens of `texts` in the order they first appear ("hello" -> h, e, l, o)."""
        order: dict[str, None] = {}
        for text in texts:
            for s in split(text, words):
                order.setdefault(s, None)
        return cls(list(order), words=words)

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"Vocab({list(self.tokens)!r})"

    def split(self, text: str | Sequence[str], what: str = "text") -> list[str]:
        """The tokens of `text`, each checked against the vocabulary."""
        tokens = split(text, self.words)
        if not tokens:
            raise ValueError(f"{what} is empty; expected at least one token from the vocabulary {self.shown()}")
        unknown = [s for s in dict.fromkeys(tokens) if s not in self._index]
        if unknown:
            listed = ", ".join(repr(s) for s in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise ValueError(
                f"{what} has token(s) not in the vocabulary: {listed}; expected tokens from {self.shown()}"
            )
        return tokens

    def encode(self, text: str | Sequence[str], what: str = "text") -> list[int]:
        """The indices of the tokens of `text`."""
        return [self._index[s] for s in self.split(text, what)]

    def one_hot(self, text: str | Sequence[str], what: str = "text") -> np.ndarray:
        """(T, len(vocab)): row t is 1 at the index of token t, 0 elsewhere."""
        ids = self.encode(text, what)
        out = np.zeros((len(ids), len(self.tokens)))
        out[np.arange(len(ids)), ids] = 1.0
        return out

    def decode(self, rows) -> list[str]:
        """The token of each exactly one-hot row, "" for any other row."""
        out = []
        for row in np.asarray(rows, dtype=float).reshape(-1, len(self.tokens)):
            hot = np.flatnonzero(row)
            out.append(self.tokens[int(hot[0])] if len(hot) == 1 and row[hot[0]] == 1.0 else "")
        return out

    def join(self, tokens: Sequence[str]) -> str:
        return (" " if self.words else "").join(tokens)

    def shown(self) -> str:
        listed = " ".join(repr(s) for s in self.tokens[:12])
        return "[" + listed + (f" ... ({len(self.tokens)} tokens)" if len(self.tokens) > 12 else "") + "]"


def split(text: str | Sequence[str], words: bool) -> list[str]:
    """Characters of a string, its whitespace-separated words, or a list of tokens as given."""
    if isinstance(text, str):
        return text.split() if words else list(text)
    if isinstance(text, (list, tuple)) and all(isinstance(s, str) for s in text):
        return list(text)
    raise TypeError(f"text must be a string or a list of tokens, got {short(text)}")


def choose(p: np.ndarray, temperature: float | None, rng: np.random.Generator | None) -> int:
    """The next token from logits-turned-probabilities: greedy (the most likely; the first of a
    tie) without a temperature, else drawn from softmax(log p / temperature)."""
    if temperature is None:
        return int(np.argmax(p))
    assert rng is not None
    with np.errstate(divide="ignore"):
        q = softmax(np.log(p) / temperature)
    return int(rng.choice(len(q), p=q))


def check_temperature(temperature) -> float | None:
    if temperature is None or (not isinstance(temperature, bool) and temperature == 0):
        return None
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not 0 < temperature <= 100:
        raise ValueError(f"temperature must be None or 0 (greedy) or a number in (0, 100], got {short(temperature)}")
    return float(temperature)


class TextMixin:
    """The text side of RNNWidget (a mixin; the traits `vocab` and `sampled` live on the widget)."""

    read_only_traits: tuple[str, ...] = (*_READ_ONLY, "vocab", "sampled")
    #: Word tokens (joined with spaces) rather than characters.
    _words: bool = False
    _sample_commit: bool = False

    if TYPE_CHECKING:
        _net: Network
        _state: State
        _committing: bool
        vocab: list
        sampled: dict
        training: dict
        labels: list
        inputs: list
        targets: Any

        def _candidate(self, edits: dict) -> State: ...
        def _commit(self, state: State) -> None: ...
        def hold_sync(self) -> Any: ...
        def set_trait(self, name: str, value: Any) -> None: ...

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_text(
        cls,
        text: str | Sequence[str],
        vocab: str | Sequence[str] | None = None,
        *,
        target: str | Sequence[str] | None = None,
        hidden: int = 3,
        cell: str = "rnn",
        activation: str = "tanh",
        words: bool = False,
        seed: int = 0,
        **kwargs,
    ):
        """A character (or word, ``words=True``) model of `text`: one-hot inputs, a softmax over the
        vocabulary at each output and cross-entropy against the target token.

        ``RNNWidget.from_text("hello", vocab="helo", hidden=3)`` reads "hell" and is scored on
        "ello" (each next token); ``from_text("hell", vocab="helo", target="ello")`` says so
        itself. The vocabulary defaults to the tokens of the text in order of appearance. Weights
        are drawn from ``seed`` (uniform in ±1/sqrt(hidden), as PyTorch does)."""
        try:
            v = Vocab(vocab, words=words) if vocab is not None else Vocab.of(text, target or "", words=words)
            inputs, targets = _pair(v, text, target)
            net = Network(
                Spec(
                    input_size=len(v),
                    hidden_sizes=(hidden,),
                    output_size=len(v),
                    cell=cell,
                    activation=activation,
                    loss="cross_entropy",
                ),
                seed=seed,
            )
        except REFUSALS as e:
            raise t.TraitError(message(e)) from None
        # the mean cross-entropy of a short text learns in tens of steps at this rate (the lesson)
        kwargs.setdefault("train_options", {"lr": 0.2, "momentum": 0.0, "steps": 50, "clip_norm": None})
        kwargs.setdefault("title", f"{'Word' if v.words else 'Character'} RNN: {_quote(v, v.split(text))}")
        make: Any = cls  # RNNWidget, which takes (network, inputs, targets=...)
        w = make(net, v.one_hot(inputs), targets=None if targets is None else v.one_hot(targets), **kwargs)
        w._words = v.words
        w.set_trait("vocab", list(v.tokens))
        w._text_labels()
        return w

    def set_text(self, text: str | Sequence[str], target: str | Sequence[str] | None = None) -> None:
        """Read another text with the same vocabulary (targets: the next tokens, or `target`).
        Unknown tokens or an empty text raise a TraitError and nothing changes."""
        v = self._vocab("set_text")
        try:
            inputs, targets = _pair(v, text, target)
            state = self._candidate(
                {"inputs": v.one_hot(inputs), "targets": None if targets is None else v.one_hot(targets)}
            )
        except REFUSALS as e:
            raise t.TraitError(message(e)) from None
        self._commit(state)

    # -- reading ----------------------------------------------------------------------------
    def tokens(self) -> list[str]:
        """The input token of each step ("" where an input is not a one-hot row)."""
        return self._vocab("tokens").decode(self._state.inputs)

    def target_tokens(self) -> list[str]:
        """The target token of each step ("" where there is none)."""
        v = self._vocab("target_tokens")
        targets = self._state.trace.targets
        return [""] * self._state.trace.T if targets is None else v.decode(targets)

    def probabilities(self) -> np.ndarray:
        """(T, len(vocab)): softmax of the output at each step."""
        self._vocab("probabilities")
        return softmax(self._state.trace.y_pre)

    def top_tokens(self, k: int = 3) -> list[list[tuple[str, float]]]:
        """The k most likely tokens at each step with their probabilities (the page shows these)."""
        v = self._vocab("top_tokens")
        out = []
        for row in self.probabilities():
            order = np.argsort(-row, kind="stable")[:k]
            out.append([(v.tokens[i], float(row[i])) for i in order])
        return out

    # -- sampling ---------------------------------------------------------------------------
    def sample(
        self,
        start: str | Sequence[str],
        length: int,
        *,
        temperature: float | None = None,
        seed: int | None = None,
        show: bool = True,
    ) -> str:
        """Generate `length` tokens after `start` (one token or a prefix), each chosen token fed
        back as the next input. Greedy (the most likely token) without a temperature; with one,
        drawn from softmax(y / temperature) with numpy's generator seeded by `seed` (the same
        seed gives the same text). Returns the text, `start` included.

        With ``show=True`` the widget then holds the run: the inputs are the tokens fed in, the
        targets the tokens chosen (so the loss is the run's surprise), and the page draws each
        chosen token as the next step's input. Refusals raise a TraitError; nothing changes."""
        v = self._vocab("sample")
        try:
            mode = self._net.spec.mode
            if mode != "many-to-many":
                # each step's output chooses the next step's input: that needs an output at every
                # step and an input at every step
                raise ValueError(
                    f"sampling feeds each step's chosen token back as the next input, so it needs mode "
                    f"'many-to-many' (an output and an input at every step); this widget is {mode!r}"
                )
            prefix = v.split(start, "start")
            if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length < LIMITS["max_steps"]:
                raise ValueError(
                    f"length must be a whole number from 1 to {LIMITS['max_steps'] - 1}, got {short(length)}"
                )
            tau = check_temperature(temperature)
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
                raise ValueError(f"seed must be None or a whole number >= 0, got {short(seed)}")
            if tau is not None and seed is None:
                raise ValueError(
                    "sampling with a temperature needs a seed (a whole number), so that it can be repeated"
                )
            rng = np.random.default_rng(seed) if tau is not None else None
            ids = v.encode(prefix)
            net, layers = self._net, self._state.trace.layers
            lstm = net.spec.cell == "lstm"
            h = [lt.h0 for lt in layers]
            c = [lt.c0 for lt in layers] if lstm else None
            feed = list(ids)  # the prefix first, then one chosen token at a time, carrying the state
            for _ in range(length):
                X = np.zeros((len(feed), len(v)))
                X[np.arange(len(feed)), feed] = 1.0
                trace = net.forward(X, h, c)
                y = trace.y_pre
                if y is None or not np.isfinite(y[-1]).all():
                    raise ValueError("the output overflows with these weights; expected finite numbers")
                h = [lt.h[-1] for lt in trace.layers]
                c = [lt.values["c"][-1] for lt in trace.layers] if lstm else None
                ids.append(choose(softmax(y[-1]), tau, rng))
                feed = ids[-1:]
            chosen = [v.tokens[i] for i in ids]
            text = v.join(chosen)
            if not show:
                return text
            if self.training.get("running"):
                raise ValueError(
                    "training is running on the widget's text; showing a sample would replace that text "
                    "(use show=False, or stop() first)"
                )
            state = self._candidate({"inputs": v.one_hot(chosen[:-1]), "targets": v.one_hot(chosen[1:])})
        except REFUSALS as e:
            raise t.TraitError(message(e)) from None
        record = {"start": len(prefix), "tokens": chosen, "temperature": tau, "seed": seed if tau is not None else None}
        self._sample_commit = True
        try:
            with self.hold_sync():
                self._commit(state)
                self.set_trait("sampled", record)
        finally:
            self._sample_commit = False
        return text

    @t.validate("vocab")
    def _validate_vocab(self, proposal):
        value = proposal["value"]
        if not value:
            return []
        try:
            v = Vocab(list(value), words=self._words)
        except REFUSALS as e:
            raise t.TraitError(message(e)) from None
        spec = self._net.spec
        if not (spec.input_size == spec.output_size == len(v)):
            raise t.TraitError(
                f"vocab has {len(v)} tokens but the network has {spec.input_size} inputs and "
                f"{spec.output_size} outputs; expected one input and one output per token "
                "(RNNWidget.from_text makes a network that fits)"
            )
        return list(v.tokens)

    def _on_vocab(self, change):
        """Another vocabulary from Python (the same size, e.g. the tokens in another order): the
        labels are the inputs decoded with it, and a sample run told in the old tokens is gone.
        (Observed on the widget: a traitlets observer in this plain mixin is not bound.)"""
        if not self._committing and change["new"]:
            self._text_labels()

    # -- the page's Sample button ------------------------------------------------------------
    def _on_page_msg(self, widget, content, buffers):
        """``{"type": "sample", "start": token, "length": n, "temperature": t or null, "seed": s or null}``
        from the page: sample and show the run; a refusal sets `error` (field "sample"), nothing
        else changes. Every other message goes on to the page's protocol."""
        if isinstance(content, dict) and content.get("type") == "sample":
            self._on_sample_msg(content)
            return
        super()._on_page_msg(widget, content, buffers)  # type: ignore[misc]

    def _on_sample_msg(self, content: dict) -> None:
        try:
            start = content.get("start")
            if not isinstance(start, str):
                raise t.TraitError(f"start must be a token from the vocabulary, got {short(start)}")
            self.sample(start, content.get("length"), temperature=content.get("temperature"), seed=content.get("seed"))  # type: ignore[arg-type]
        except t.TraitError as e:
            with self.hold_sync():
                self.set_trait("error", message(e))
                self.set_trait("error_field", "sample")

    # -- upkeep -----------------------------------------------------------------------------
    def _vocab(self, what: str) -> Vocab:
        if not self.vocab:
            raise t.TraitError(f"{what}() needs a vocabulary: make the widget with RNNWidget.from_text(...)")
        return Vocab(self.vocab, words=self._words)

    def _text_labels(self) -> None:
        """After a commit: the token labels follow the inputs; a vocabulary that no longer fits the
        sizes (the page changed input or output size) is dropped, and so is a sample the new
        state no longer shows (only the sample's own commit keeps it)."""
        if not self.vocab:
            return
        spec = self._net.spec
        if spec.input_size != len(self.vocab) or spec.output_size != len(self.vocab):
            self.set_trait("vocab", [])
            self.set_trait("sampled", {})
            return
        self.labels = Vocab(self.vocab, words=self._words).decode(self._state.inputs)
        if self.sampled and not self._sample_commit:
            self.set_trait("sampled", {})


def _pair(v: Vocab, text, target) -> tuple[list[str], list[str] | None]:
    """Input tokens and target tokens: the text and the given target (same length), or the text
    but its last token and the next token of each step."""
    tokens = v.split(text, "text")
    if len(tokens) > LIMITS["max_steps"]:
        raise ValueError(f"text has {len(tokens):,} tokens; at most {LIMITS['max_steps']:,} steps fit")
    if target is not None:
        targets = v.split(target, "target")
        if len(targets) != len(tokens):
            raise ValueError(
                f"target has {len(targets)} token(s) and text {len(tokens)}; expected one target token per "
                "input token (or no target: each next token)"
            )
        return tokens, targets
    if len(tokens) == 1:
        return tokens, None
    return tokens[:-1], tokens[1:]


def _quote(v: Vocab, tokens: list[str]) -> str:
    text = v.join(tokens)
    return repr(text if len(text) <= 40 else text[:39] + "\u2026")
