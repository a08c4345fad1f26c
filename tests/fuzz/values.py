"""The fuzz test's values: model constants, good and hostile numbers, random and broken matrices and specs."""

from __future__ import annotations

import json
import math

import numpy as np

from rnn_widget.core import LIMITS

MODEL = ("spec", "params", "inputs", "h0", "c0", "targets", "bptt")
SNAP = MODEL + ("trace", "batch_inputs", "batch_targets", "batch_trace", "vocab", "sampled")
PRESETS = (
    "tom_yeh",
    "lecture_tanh",
    "stacked",
    "next_number",
    "handwritten_tanh",
    "lstm_by_hand",
    "forget_open",
    "forget_closed",
    "vanishing",
    "exploding",
)
NUMBER_LIMIT = 1e6
#: The longest refusal message that still counts as short (issue 11: quote a short prefix only).
MESSAGE_MAX = 600


class Missing:
    def __repr__(self):
        return "<missing>"


#: Values that are not numbers in any rule (page or Python).
HOSTILE_NUMBERS = [
    float("nan"),
    float("inf"),
    -float("inf"),
    float("1e999"),
    "3",
    " 3 ",
    "\uff11\uff12",
    "1_000",
    True,
    False,
    None,
    10**400,
    -(10**400),
    1.5e6,
    -2e7,
    "abc",
    "",
    {"a": 1},
    "NaN",
]


def hostile_number(rng):
    return rng.choice(HOSTILE_NUMBERS)


def good_number(rng):
    r = rng.random()
    if r < 0.8:
        return round(rng.uniform(-3, 3), rng.choice([0, 1, 2, 6]))
    if r < 0.9:
        return rng.choice([0, 1, -1, 2, 0.0, -0.0, 0.5])
    return rng.choice([1e6, -1e6, 1e-300, 123456.789, 1e5])


def json_number_ok(v):
    """The protocol's rule for an edit's value: a JSON number, finite, |v| <= 1e6."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v) and abs(v) <= NUMBER_LIMIT
    except OverflowError:
        return False


def rand_matrix(rng, shape, lo=-2, hi=2):
    return np.round(np.array([rng.uniform(lo, hi) for _ in range(int(np.prod(shape)))]).reshape(shape), 3)


def poison(rng, value):
    """A copy of nested list `value` with one entry replaced by a hostile scalar."""
    value = json.loads(json.dumps(value))
    if not isinstance(value, list) or not value:
        return hostile_number(rng)
    target = value
    while isinstance(target[0], list):
        i = rng.randrange(len(target))
        if not target[i]:
            return hostile_number(rng)
        target = target[i]
    target[rng.randrange(len(target))] = hostile_number(rng)
    return value


def wrong_shape(rng, value):
    arr = np.asarray(value, float)
    choice = rng.randrange(5)
    if choice == 0:
        return np.zeros(tuple(s + 1 for s in arr.shape) or (2,)).tolist()
    if choice == 1:
        return [[[0.0]]]
    if choice == 2:
        return np.zeros((300, 300)).tolist()  # a huge list
    if choice == 3:
        return {"rows": value}
    return "1, 2, 3"


# -- values the page's and Python's edits both draw (page_actions, python_actions) ---------------
def random_steps(rng, T):
    """A number of steps for new inputs: today's T half the time, else 1..10."""
    return T if rng.random() < 0.5 else rng.randint(1, 10)


def bump_entry(rng, value):
    """A copy of nested list `value` with one random entry set to a good number."""
    arr = np.array(value)
    arr[tuple(rng.randrange(s) for s in arr.shape)] = good_number(rng)
    return arr.tolist()


def random_targets(rng, T, width, loss):
    """T target rows of `width`: one-hot rows under cross-entropy, random numbers otherwise."""
    if loss == "cross_entropy":
        return np.eye(width)[[rng.randrange(width) for _ in range(T)]]
    return rand_matrix(rng, (T, width))


def hostile_inputs(rng, inputs, d):
    """The hostile whole inputs both sides try (d: the input size); each adds its own."""
    return [
        [],
        [[float("nan")] * d],
        [["x"] * d],
        [[1.0] * (d + 1)],
        [[0.0] * d] * (LIMITS["max_steps"] + 1),
        poison(rng, inputs),
    ]


def hostile_states(rng, sizes):
    """The hostile h0/c0 both sides try (sizes: the hidden sizes); each adds its own."""
    return [
        poison(rng, [rand_matrix(rng, (n,)).tolist() for n in sizes]),
        [[0.0] * (n + 1) for n in sizes],
    ]


def random_spec(rng, big=False):
    cell = rng.choice(["rnn", "lstm", "gru"])
    layers = rng.choice([1, 1, 1, 2, 2, 3])
    hmax = 24 if big else 4
    spec = {
        "cell": cell,
        "activation": rng.choice(["tanh", "relu", "sigmoid", "identity"]),
        "input_size": rng.randint(1, 6 if big else 3),
        "hidden_sizes": [rng.randint(1, hmax) for _ in range(layers)],
        "output_size": rng.choice([None, 1, 1, 2, 3]),
        "mode": rng.choice(
            ["many-to-many", "many-to-many", "many-to-one", "one-to-many", "one-to-one", "encoder-decoder"]
        ),
        "decoder_steps": rng.choice([1, 1, 2, 3]),
        "loss": rng.choice(["squared", "squared", "mse", "cross_entropy"]),
        "bias": rng.choice([True, True, False]),
        "output_bias": rng.choice([True, False]),
        "gru_variant": rng.choice(["torch", "cho"]),
        "output_activation": "identity",
    }
    if spec["loss"] == "cross_entropy" and spec["output_size"] is None:
        spec["output_size"] = 2
    if spec["loss"] != "cross_entropy" and rng.random() < 0.2:
        spec["output_activation"] = rng.choice(["tanh", "sigmoid", "relu"])
    # only some fields, as a page sends a whole spec but Python may give a part
    return spec


def hostile_spec(rng, spec):
    bad = rng.choice(
        [
            {"cell": "cnn"},
            {"cell": None},
            {"hidden_sizes": [0]},
            {"hidden_sizes": [LIMITS["max_hidden"] + 1]},
            {"hidden_sizes": []},
            {"hidden_sizes": [2] * (LIMITS["max_layers"] + 1)},
            {"hidden_sizes": [True]},
            {"hidden_sizes": ["2"]},
            {"hidden_sizes": [2.5]},
            {"hidden_sizes": [10**400]},
            {"hidden_sizes": "2"},
            {"input_size": 0},
            {"input_size": LIMITS["max_input"] + 1},
            {"input_size": " 3 "},
            {"input_size": True},
            {"input_size": -1},
            {"output_size": 0},
            {"output_size": LIMITS["max_output"] + 1},
            {"output_size": "1"},
            {"mode": "sideways"},
            {"loss": "nope"},
            {"activation": "softmax"},
            {"unknown": 1},
            {"mode": "encoder-decoder", "decoder_steps": 0},
            {"mode": "encoder-decoder", "decoder_steps": True},
            {"mode": "encoder-decoder", "decoder_steps": "2"},
            {"mode": "encoder-decoder", "decoder_steps": 2.5},
            {"mode": "encoder-decoder", "decoder_steps": 10**400},
            {"mode": "encoder-decoder", "decoder_steps": LIMITS["max_steps"]},
            {"bias": "yes"},
            {"output_bias": 1},
            {"gru_variant": "keras"},
            {"loss": "cross_entropy", "output_size": None},
            {"loss": "cross_entropy", "output_activation": "tanh", "output_size": 2},
            {"hidden_sizes": [256, 256, 256, 256, 256, 256, 256, 256], "cell": "lstm"},
        ]
    )
    out = dict(spec)
    out.update(bad)
    return out


# -- the fuzzer --------------------------------------------------------------------------------
