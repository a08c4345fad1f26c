"""The lessons (notebooks 01, 03, 06, 07) teach what they say, and the concatenated weights trait.

Expected numbers come from the seeds (seeds/README.md) or from an independent computation in the
test, never from the widget's own output.
"""

from __future__ import annotations

import html
import pathlib
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import traitlets as t
from nbclient import NotebookClient

from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec

NB = pathlib.Path(__file__).parent.parent / "notebooks"
_RUN: dict[str, nbformat.NotebookNode] = {}


def executed(name: str, tmp_path_factory) -> nbformat.NotebookNode:
    """The notebook run top to bottom in a fresh kernel (once per test session)."""
    if name not in _RUN:
        nb = nbformat.read(NB / name, as_version=4)
        where = tmp_path_factory.mktemp(name.split("_")[0])
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(where)}}).execute()
        _RUN[name] = nb
    return _RUN[name]


def text_of(cell) -> str:
    return "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


# -- notebook 03: the figures show as pictures ----------------------------------------------------
def test_notebook_03_never_switches_to_a_backend_without_pictures():
    nb = nbformat.read(NB / "03_gradients_and_training.ipynb", as_version=4)
    assert not any("matplotlib.use(" in c.source for c in code_cells(nb))


def test_notebook_03_figure_cells_show_one_png_each(tmp_path_factory):
    nb = executed("03_gradients_and_training.ipynb", tmp_path_factory)
    figure_cells = [c for c in code_cells(nb) if "plots." in c.source]
    assert len(figure_cells) == 3
    for cell in figure_cells:
        pngs = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(pngs) == 1, (cell.source, [o.get("data", {}).keys() for o in cell.outputs])
        assert "<Figure size" not in "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert not any(
            "<Figure size" in o.get("data", {}).get("text/plain", "") and "image/png" not in o.get("data", {})
            for o in cell.outputs
        )


def test_notebook_03_html_export_has_the_figures(tmp_path):
    """`jupyter nbconvert --to html --execute`, as a teacher would export it."""
    src = tmp_path / "03.ipynb"
    src.write_bytes((NB / "03_gradients_and_training.ipynb").read_bytes())
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "html",
            "--execute",
            str(src),
            "--output-dir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=600,
        cwd=tmp_path,
    )
    page = (tmp_path / "03.html").read_text()
    images = re.findall(r'<img[^>]+src="data:image/png;base64,', page)
    assert len(images) >= 3, len(images)
    assert "<Figure size" not in html.unescape(re.sub(r"<[^>]+>", "", page))


# -- notebook 01: "Your turn" arrives unanswered ---------------------------------------------------
def test_notebook_01_your_turn_is_not_answered():
    nb = nbformat.read(NB / "01_rnn_by_hand.ipynb", as_version=4)
    turn = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "Your turn" in c.source)
    answer_md = next(
        i for i, c in enumerate(nb.cells) if i > turn and c.cell_type == "markdown" and "<details>" in c.source
    )
    # the exercise: seed 000's network with x2 = 1, so h2 = ReLU(A h1 + B x2), h1 = [3, 6]
    h2 = np.maximum(np.array([[1, -1], [1, 1]]) @ [3, 6] + np.array([1, 2]) * 1, 0)
    assert h2.tolist() == [0, 11]
    between = nb.cells[turn:answer_md]
    for cell in between:
        assert not re.search(r"\[\s*0\s*,\s*11\s*\]", cell.source), cell.source
    student = next(c for c in between if c.cell_type == "code" and "my_h2 =" in c.source)
    assert re.search(r"my_h2\s*=\s*None", student.source)
    # the worked answer comes after the exercise, folded away in <details>, then its check
    assert "h2 = [0, 11]" in nb.cells[answer_md].source
    after = nb.cells[answer_md + 1]
    assert after.cell_type == "code" and "check_h2([0, 11])" in after.source


def test_notebook_01_check_says_unanswered_then_correct(tmp_path_factory):
    nb = executed("01_rnn_by_hand.ipynb", tmp_path_factory)
    cells = code_cells(nb)
    check = next(c for c in cells if "def check_h2" in c.source)
    assert "not answered yet" in text_of(check)
    assert "11" not in text_of(check)
    first_correct = next(i for i, c in enumerate(cells) if "correct!" in text_of(c))
    assert "check_h2([0, 11])" in cells[first_correct].source  # only the worked answer's check


# -- notebook 06: seed 004 -------------------------------------------------------------------------
def test_notebook_06_retells_seed_004(tmp_path_factory):
    nb = executed("06_handwritten_notes.ipynb", tmp_path_factory)
    out = "\n".join(text_of(c) for c in code_cells(nb))
    assert "h1 = [0.4621 0.0997]" in out and "y1 = [0.3624]" in out  # seeds/README.md, seed 004
    assert out.count("the widget agrees: True") == 2
    assert out.count("agree for every k: True") == 2
    # f1 = sigma(0.5 * 1 + 1) for lstm_by_hand, worked from the concatenated W_f
    assert f"f1 = [{1 / (1 + np.exp(-1.5)):.4f}]" in out
    assert "False" not in out
    sources = "\n".join(c.source for c in code_cells(nb))
    for preset in ("handwritten_tanh", "vanishing", "exploding", "forget_open", "forget_closed"):
        assert f'"{preset}"' in sources
    assert "labels=sentence" in sources
    png = [o for c in code_cells(nb) for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(png) == 1


def test_notebook_06_sentence_is_one_hot_words_with_the_words_as_labels(tmp_path_factory):
    nb = executed("06_handwritten_notes.ipynb", tmp_path_factory)
    cell = next(c for c in code_cells(nb) if "labels=sentence" in c.source)
    view = next(o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
    assert view  # the reader widget is shown
    assert "the cat sat on the mat" in cell.source


# -- notebook 07: bring your own PyTorch -----------------------------------------------------------
def test_notebook_07_says_it_needs_torch_and_checks_against_torch(tmp_path_factory):
    pytest.importorskip("torch")  # torch is in the test extra: installed wherever the tests run
    raw = nbformat.read(NB / "07_bring_your_own_pytorch.ipynb", as_version=4)
    assert "needs PyTorch" in raw.cells[0].source
    nb = executed("07_bring_your_own_pytorch.ipynb", tmp_path_factory)
    out = "\n".join(text_of(c) for c in code_cells(nb))
    assert "the widget computes what torch computes" in out
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", out)]
    assert losses[-1] < 0.01 < losses[0]  # it trained
    assert "from_torch(lstm, head" in "\n".join(c.source for c in code_cells(nb))


# -- the weights_form trait -------------------------------------------------------------------------
def test_seed_004_lstm_presets_open_concatenated_others_separate():
    for name in ("lstm_by_hand", "forget_open", "forget_closed"):
        assert RNNWidget.from_preset(name).weights_form == "concatenated"
    for name in ("tom_yeh", "handwritten_tanh", "next_number"):
        assert RNNWidget.from_preset(name).weights_form == "separate"
    assert RNNWidget().weights_form == "separate"
    assert RNNWidget.from_preset("lstm_by_hand", weights_form="separate").weights_form == "separate"


def test_weights_form_refuses_other_values_and_keeps_the_old_one():
    w = RNNWidget(Network(Spec(cell="lstm", input_size=1, hidden_sizes=(2,), output_size=1), seed=1), [[1.0]])
    w.weights_form = "concatenated"
    with pytest.raises(t.TraitError, match="weights_form"):
        w.weights_form = "stacked"
    assert w.weights_form == "concatenated"
    # a layout only: the numbers do not change
    before = w.hidden_states().copy()
    w.weights_form = "separate"
    assert np.array_equal(w.hidden_states(), before)
