"""Saving and sharing (rnn_widget/export): the state as JSON and back, one widget as a standalone
page (`save_html`), and `jupyter nbconvert --to rnn_widget_html` (the exporter) on a notebook
executed with its widget state, all without a kernel or a network."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import traitlets as t

try:
    import tomllib
except ImportError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib  # type: ignore[no-redef]

from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec
from rnn_widget.exercise import make
from rnn_widget.export.nbconvert import RNNWidgetHTMLExporter
from rnn_widget.export.page import STATE_MIME
from rnn_widget.presets import PRESETS

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an exercise writes its answers file in the working directory


# ---- JSON ----------------------------------------------------------------------------------


def _same(a: RNNWidget, b: RNNWidget):
    assert a.to_json() == b.to_json()
    assert a.trace == b.trace
    for name in a.params:
        np.testing.assert_array_equal(a.get(name, "row"), b.get(name, "row"))
    for trait in ("convention", "display_names", "labels", "title", "bptt", "train_options", "spec"):
        assert getattr(a, trait) == getattr(b, trait), trait


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips(name):
    w = RNNWidget.from_preset(name)
    back = RNNWidget.from_json(w.to_json())
    _same(w, back)
    assert type(back).__name__ == "RNNWidget"  # not an exercise


CELLS = [
    Spec(cell="rnn", activation="relu", input_size=2, hidden_sizes=(3, 2), output_size=2),
    Spec(cell="lstm", input_size=2, hidden_sizes=(3,), output_size=1, bias=frozenset({"f"})),
    Spec(cell="gru", gru_variant="torch", input_size=1, hidden_sizes=(2, 2), output_size=1),
    Spec(cell="gru", gru_variant="cho", input_size=3, hidden_sizes=(2,), output_size=None),
    Spec(cell="rnn", mode="many-to-one", loss="cross_entropy", input_size=2, hidden_sizes=(2,), output_size=3),
]


@pytest.mark.parametrize("spec", CELLS, ids=lambda s: f"{s.cell}-{s.gru_variant}-{s.mode}")
def test_every_cell_round_trips_with_targets_and_options(spec):
    rng = np.random.default_rng(7)
    net = Network(spec, seed=3)
    x = rng.normal(size=(4, spec.input_size)).round(3)
    w = RNNWidget(net, x, title="a <b>title</b>", labels=["a", "b", "c", "d"], convention="column")
    if spec.output_size:
        w.targets = (
            np.eye(spec.output_size)[[0] * 4]
            if spec.loss == "cross_entropy"
            else rng.normal(size=(4, spec.output_size))
        ).tolist()
    w.bptt = {"clip_norm": 1.5, "truncate": 2}
    w.set_entry(w.param_order[0], (0, 0), 0.25, "row")
    back = RNNWidget.from_json(w.to_json(indent=2))
    _same(w, back)
    assert json.loads(w.to_json())["format"] == "rnn-widget"


def test_a_mini_batch_round_trips():
    w = RNNWidget.from_preset("next_number")
    w.batch_inputs = [[[2], [4], [6], [8], [10]], [[0], [1], [2], [3], [4]]]
    w.batch_sample = 2
    data = json.loads(w.to_json())
    assert data["batch_inputs"][1] == [[0], [1], [2], [3], [4]] and data["batch_sample"] == 2
    back = RNNWidget.from_json(w.to_json())
    _same(w, back)
    assert back.batch_trace == w.batch_trace and back.batch_sample == 2
    assert "batch_inputs" not in json.loads(RNNWidget.from_preset("tom_yeh").to_json())  # no batch, no keys


def test_text_mode_round_trips_with_its_vocabulary():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    back = RNNWidget.from_json(w.to_json())
    _same(w, back)
    assert back.vocab == ["h", "e", "l", "o"] and back.tokens() == w.tokens() == ["h", "e", "l", "l"]
    data = json.loads(w.to_json())
    data["vocab"] = ["h", "e"]
    with pytest.raises(t.TraitError, match="vocab has 2 tokens but the network reads 4"):
        RNNWidget.from_json(json.dumps(data))


def test_weights_form_round_trips():
    w = RNNWidget.from_preset("lstm_by_hand", weights_form="concatenated")
    assert RNNWidget.from_json(w.to_json()).weights_form == "concatenated"


def test_lstm_initial_cell_state_round_trips():
    w = RNNWidget.from_preset("lstm_by_hand")
    w.c0 = [[0.5]]
    back = RNNWidget.from_json(w.to_json())
    assert back.c0 == [[0.5]] and back.trace == w.trace


def test_an_exercise_saves_its_network_not_its_answers():
    ex = make("tom_yeh", ["h2", "y2"], seed=None)
    data = json.loads(ex.to_json())
    assert "trace" not in data and "homework" not in data
    assert RNNWidget.from_json(ex.to_json()).hidden_states()[1].tolist() == [1, 17]  # seed 000, h2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", r"not valid JSON \(Expecting property name enclosed in double quotes at line 1, column 2\)"),
        ("[1, 2]", r"expected a JSON object from RNNWidget.to_json\(\), got \[1, 2\]"),
        ('{"spec": {}}', r'expected "format": "rnn-widget", got None'),
        ('{"format": "rnn-widget", "version": 9}', r'expected "version": 1, got 9'),
        ('{"format": "rnn-widget", "version": 1, "spec": {}, "weights": 1}', r"unknown keys \['weights'\]"),
        ('{"format": "rnn-widget", "version": 1, "spec": {}}', r"missing \['params', 'inputs'\]"),
        (b"\xff", r"not valid JSON|from_json"),
    ],
)
def test_bad_json_is_refused_with_a_message(text, expected):
    with pytest.raises(t.TraitError, match=expected):
        RNNWidget.from_json(text)


def test_bad_values_are_refused_like_any_assignment():
    data = json.loads(RNNWidget.from_preset("tom_yeh").to_json())
    data["params"]["W_hh"] = [[1, "x"], [1, 1]]
    with pytest.raises(t.TraitError, match="W_hh"):
        RNNWidget.from_json(json.dumps(data))
    with pytest.raises(t.TraitError, match="a str"):
        RNNWidget.from_json(42)  # type: ignore[arg-type]


# ---- standalone page -------------------------------------------------------------------------


def _external_urls(html: str) -> list[str]:
    """src/href attributes that would load something (links inside the text are fine)."""
    return re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html) + re.findall(r'import\(\s*"(https?://[^"]+)', html)


def _saved_states(html: str) -> list[dict]:
    pattern = rf'<script[^>]*type="{re.escape(STATE_MIME)}"[^>]*>(.*?)</script>'
    return [json.loads(s) for s in re.findall(pattern, html, re.S)]


def test_save_html_writes_one_page_with_bundle_and_state(tmp_path):
    w = RNNWidget.from_preset("tom_yeh")
    path = w.save_html(tmp_path / "tom.html")
    html = path.read_text()
    assert _external_urls(html) == []
    (saved,) = _saved_states(html)
    assert saved["state"]["trace"]["y"] == [[3], [16], [28], [40]]  # seed 000
    assert "_esm" not in saved["state"]
    assert (
        html.count('<div class="rnnw-standalone" data-rnnw-model=') == 1 and "rnnw-picture" in html
    )  # the picture until the script runs
    assert "<title>RNN by hand (Tom Yeh)</title>" in html


def test_save_html_keeps_packed_arrays_as_buffers(tmp_path):
    w = RNNWidget(Network(Spec(cell="lstm", input_size=4, hidden_sizes=(16,), output_size=2), seed=1), np.ones((20, 4)))
    (saved,) = _saved_states(w.save_html(tmp_path / "big.html").read_text())
    assert saved["buffers"] and all(b["encoding"] == "base64" for b in saved["buffers"])


def test_save_html_of_an_exercise_has_no_answer(tmp_path):
    ex = make("tom_yeh", ["h2", "y2", "h3"], seed=None)
    html = ex.save_html(tmp_path / "ex.html").read_text()
    (saved,) = _saved_states(html)
    assert saved["state"]["trace"]["layers"][0]["values"]["h"][1] == [None, None]
    assert "17" not in json.dumps(saved["state"]["trace"])  # h2 = [1, 17] (seed 000)


# ---- nbconvert ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A notebook with the widget and a plain slider, executed with its widget state saved."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Saved"),
        nbformat.v4.new_code_cell("from rnn_widget import RNNWidget\nw = RNNWidget.from_preset('tom_yeh')\nw"),
        nbformat.v4.new_code_cell("w.set('A', [[1, -1], [1, 2]])\nw"),  # the state saved is the last one
        nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, store_widget_state=True, kernel_name="python3", timeout=120).execute()
    path = tmp_path_factory.mktemp("nb") / "saved.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_exporter_inlines_the_widget_and_loads_nothing(executed):
    html, _resources = RNNWidgetHTMLExporter().from_filename(str(executed))
    assert _external_urls(html) == []
    assert "require.js" not in html and "mathjax" not in html.lower() and "embed-amd" not in html
    assert "cdnjs" not in html and "unpkg" not in html and "jsdelivr" not in html
    states = _saved_states(html)
    assert len(states) == 2  # both outputs of the one widget model
    # the saved state is the last one. By hand, ReLU, B = [1, 2], C = [-1, 1], A = [[1, -1], [1, 2]]:
    # h1 = [3, 6]; h2 = relu([3 - 6 + 4, 3 + 12 + 8]) = [1, 23]; y2 = -1 + 23 = 22 (the slide's is 16)
    assert states[0]["state"]["trace"]["y"][1] == [22]
    assert html.count("<script>") >= 1 and "data-rnnw-model" in html
    assert "IntSlider(value=3)" in html  # another widget shows its text fallback


def test_the_exporter_is_registered_by_entry_point():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["nbconvert.exporters"] == {
        "rnn_widget_html": "rnn_widget.export.nbconvert:RNNWidgetHTMLExporter"
    }


def test_plain_html_export_shows_the_picture(executed):
    """`nbconvert --to html` of a notebook without widget state (GitHub, nbviewer do the same):
    the picture, not an empty output."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("widgets")
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert html.count('class="rnnw-picture"') == 2
