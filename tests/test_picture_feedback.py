"""The static picture of a text-mode sampling run draws each chosen token fed back from y_t into
x_{t+1} (issue 10), labelled with the token that is the next step's one-hot input."""

import re

import numpy as np

from rnn_widget import RNNWidget
from rnn_widget.picture import fed_back_steps


def test_fed_back_steps_rule():
    run = {"start": 1, "tokens": ["h", "h", "e", "l", "e", "h", "e"]}
    assert fed_back_steps(run, 6) == [(0, "h"), (1, "e"), (2, "l"), (3, "e"), (4, "h")]
    assert fed_back_steps({"start": 2, "tokens": ["h", "e", "l", "o"]}, 3) == [(1, "l")]
    assert fed_back_steps({}, 5) == [] and fed_back_steps(None, 5) == []


def test_picture_draws_the_feedback_of_a_sampling_run():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    assert 'marker-end="url(#rnnw-feed)"' not in w.picture()  # no run yet
    w.sample("h", 4, seed=1)
    pic = w.picture()
    paths = re.findall(r'<path d="M [^"]+"[^>]*url\(#rnnw-feed\)', pic)
    assert len(paths) == 3  # 4 steps: steps 1-3 feed steps 2-4
    vocab = list(w.vocab)
    x = np.asarray(w.trace["x"])
    for t, token in fed_back_steps(w.sampled, w.trace["T"]):
        # the label is the token read at step t + 1 (its one-hot row), independent of the picture code
        assert token == vocab[int(np.argmax(x[t + 1]))]
        assert f">{token}</text>" in pic
