"""The static picture in every output's mime bundle (rnn_widget/picture.py): the real numbers of
the seeds, only the steps the mode scores, an exercise's blanks as empty boxes (never their values)."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from test_exercise_leak import picture_numbers

from rnn_widget import RNNWidget
from rnn_widget.exercise import make
from rnn_widget.picture import number

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def _answers_file_in_tmp(tmp_path, monkeypatch):
    """An exercise saves its checked answers in the working directory: a fresh one per test."""
    monkeypatch.chdir(tmp_path)


def shown(v) -> str:
    return number(v).replace("\u2212", "-")


def drawn(svg: str) -> list[str]:
    return [t.replace("\u2212", "-") for t in re.findall(r">([^<>]*)</text>", svg)]


def test_the_bundle_keeps_the_live_view_and_adds_svg_and_html():
    w = RNNWidget.from_preset("tom_yeh")
    data, _metadata = w._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"] == w.model_id  # the live view is still there
    assert data["image/svg+xml"].startswith("<svg") and data["image/svg+xml"] == w.picture()
    (b64,) = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', data["text/html"])
    assert base64.b64decode(b64).decode() == w.picture()


def test_tom_yeh_picture_shows_the_slide_numbers():
    # seed 000: h1..h4 = [3, 6], [1, 17], [0, 28], [0, 40]; y = 3, 16, 28, 40
    texts = drawn(RNNWidget.from_preset("tom_yeh").picture())
    for label in ["t = 1", "t = 4", "H", "y", "x", "17", "40", "28", "16"]:
        assert label in texts, label
    # each state box lists its entries in order, as the slide's column vector
    assert texts[texts.index("17") - 1] == "1"


def test_tanh_numbers_are_rounded_like_the_page():
    # seed 004: h1 = tanh([0.5, 0.1]) = [0.4621, 0.0997], y1 = 0.3624
    texts = drawn(RNNWidget.from_preset("handwritten_tanh").picture())
    # (tanh(0.1) = 0.09967: four significant digits, as the page writes it)
    assert {"0.4621", "0.09967", "0.3624"} <= set(texts)
    assert number(float(np.tanh(0.5))) == "0.4621" and number(-8.3e-10) == "\u22128.3e\u221210" and number(-0.0) == "0"
    assert [number(v) for v in (40.0, 1e6, 0.00012345, 2.5, -0.0488)] == [
        "40",
        "1e6",
        "1.23e\u22124",
        "2.5",
        "\u22120.0488",
    ]


def test_stacked_layers_use_their_names():
    # seed 001: k1 = [0.4952, 0.4077], k2 = [0.8414, 0.4269]
    texts = drawn(RNNWidget.from_preset("stacked").picture())
    assert "k" in texts and {"0.4952", "0.4077", "0.8414", "0.4269"} <= set(texts)


def test_many_to_one_draws_only_the_scored_output():
    w = RNNWidget.from_preset("next_number")
    svg = w.picture()
    y = w.outputs()
    assert shown(y[-1, 0]) in drawn(svg)
    assert shown(y[0, 0]) not in drawn(svg)  # unscored steps have no output box


def test_user_text_is_escaped():
    w = RNNWidget.from_preset("tom_yeh", title="<script>alert(1)</script> & co")
    svg = w.picture()
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; co" in svg


def test_exercise_picture_has_empty_boxes_and_no_answer():
    ex = make("tom_yeh", ["h2", "y2", "h3"], seed=None)
    plain = picture_numbers(RNNWidget.from_preset("tom_yeh"))
    texts = picture_numbers(ex)
    for answer in ["17", "16", "28"]:  # h2 = [1, 17], y2 = 16, h3 = [0, 28] (seed 000)
        assert answer in plain and answer not in texts, answer
    assert "?" in texts
    ex.check("h2", [1, 17])  # answered: its value shows in the next picture
    assert "17" in picture_numbers(ex)


def test_every_preset_and_cell_draws():
    from rnn_widget.presets import PRESETS

    for name in PRESETS:
        w = RNNWidget.from_preset(name)
        svg = w.picture()
        assert svg.count("<rect") > w.result().T * 2, name
        assert shown(w.hidden_states()[-1, 0]) in drawn(svg), name


def test_a_classifier_shows_its_class_probabilities():
    w = RNNWidget.from_preset("lecture_classifier")
    y = np.asarray(w.trace["y"][-1])
    p = np.exp(y - y.max()) / np.exp(y - y.max()).sum()  # softmax by hand, not the trace's p
    texts = drawn(w.picture())
    assert "p" in texts and all(shown(v) in texts for v in p)


def test_steps_without_input_are_empty_boxes_without_an_arrow():
    from rnn_widget.core import Network, Spec

    spec = Spec(mode="encoder-decoder", decoder_steps=2, input_size=1, hidden_sizes=(2,))
    w = RNNWidget(Network(spec, seed=1), [[1], [2], [3], [0], [0]])
    svg = w.picture()
    texts = drawn(svg)
    assert texts.count("\u2013") == 2  # t = 4, 5 take no input
    # x -> h arrows only where there is an input: 3, plus 4 recurrent and 2 outputs
    assert svg.count("<line") == 3 + 5 + 2


def test_a_large_network_gives_a_bounded_picture():
    from rnn_widget.core import Network, Spec

    w = RNNWidget(
        Network(Spec(cell="lstm", input_size=64, hidden_sizes=(128,), output_size=4), seed=1), np.ones((90, 64))
    )
    data, _ = w._repr_mimebundle_()
    assert len(data["image/svg+xml"]) < 80_000 and len(data["text/html"]) < 120_000
    texts = drawn(data["image/svg+xml"])
    assert {"t = 1", "t = 12", "t = 88", "t = 90", "\u22ef", "\u22ee"} <= set(texts) and "t = 13" not in texts
    h = w.hidden_states()
    assert shown(h[-1, -1]) in texts and shown(h[-1, 0]) in texts  # the last step's first and last units
