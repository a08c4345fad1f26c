"""Seed 004's concatenated gate matrices and the lessons, in a real JupyterLab + Chromium.

Typing into a cell of W_f = [W_hf | W_xf] edits one stored weight; the page's recomputed forget
gate equals Python's and sigma(W_f [h0, x1] + b_f) worked out here. Every notebook this work
touched (01, 03, 06, 07) is opened and run in Lab, and each cell with output is photographed in
test-artifacts/lessons/ (look at them).
"""

from __future__ import annotations

import math

import pytest
from jupyter_harness import REPO, open_notebook, parse_vector, py_value, run_all, type_into_cell, wait_until

pytestmark = pytest.mark.browser

SHOTS = REPO / "test-artifacts" / "lessons"
LSTM_TITLE = "An LSTM small enough to do by hand"


def shoot_outputs(page, name: str) -> list:
    """A PNG of every cell that has output (scrolled into view first): SHOTS/<name>-NN.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 1440, "height": 2600})  # a whole widget fits: no clipped shots
    cells = page.locator(".jp-Notebook .jp-Cell")
    paths = []
    for i in range(cells.count()):
        cell = cells.nth(i)
        cell.scroll_into_view_if_needed()
        page.wait_for_timeout(150)
        if cell.locator(".jp-OutputArea-output").count() == 0:
            continue
        path = SHOTS / f"{name}-{i:02d}.png"
        cell.screenshot(path=str(path))
        paths.append(path)
    if size:
        page.set_viewport_size(size)
    return paths


def outputs_text(page) -> str:
    return "\n".join(page.locator(".jp-Notebook .jp-OutputArea-output").all_text_contents())


def gate(root, name: str, step: int) -> list[float]:
    """A gate's values at a 0-based step, as the diagram labels them ('f1 (forget gate) = [0.817]')."""
    label = root.locator(f'.rnnw-gates[data-step="{step}"] [data-gate="{name}"]').first.get_attribute("aria-label")
    return parse_vector(label or "")


@pytest.fixture(scope="module")
def notes(browser, lab_server):
    page = browser.new_page()
    page.set_viewport_size({"width": 1440, "height": 2000})
    open_notebook(page, lab_server, "06_handwritten_notes.ipynb")
    run_all(page, count=7, timeout=180)
    yield page
    page.close()


def test_typing_into_a_concatenated_cell_recomputes_the_gate(notes):
    page = notes
    root = page.locator(".rnnw", has=page.locator(".rnnw-title", has_text=LSTM_TITLE)).first
    root.scroll_into_view_if_needed()
    block = root.locator('.rnnw-gateblock[data-block="W_f"]')
    block.scroll_into_view_if_needed()
    assert "[W_hfᵀ | W_xfᵀ]" in (block.locator(".rnnw-mtitle").text_content() or "")
    cells = block.locator("input.rnnw-cell")
    assert cells.count() == 2  # one unit: W_f = [W_hf | W_xf] is 1 x 2
    assert [cells.nth(i).get_attribute("data-name") for i in range(2)] == ["W_hf", "W_xf"]
    # the preset: f1 = sigma(0 * h0 + 0.5 * x1 + b_f) with h0 = 0, x1 = 1, b_f = 1
    wait_until(lambda: abs(gate(root, "f", 0)[0] - 1 / (1 + math.exp(-1.5))) < 1e-3, what="f1 = sigma(1.5)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / "gate-matrices-before.png"))

    type_into_cell(page, root, "W_f row 1 column 2 (W_xfᵀ row 1 column 1)", "3")
    expected = 1 / (1 + math.exp(-(3.0 * 1.0 + 1.0)))  # sigma(W_f [h0, x1] + b_f) = sigma(0 + 3 + 1)
    wait_until(
        lambda: abs(gate(root, "f", 0)[0] - expected) < 1e-3, timeout=20, what=f"f1 = {expected:.4f} on the page"
    )
    # Python has the one weight that was typed, nothing else moved, and the same gate
    assert py_value(page, 'lstm.get("W_xf").tolist()') == [[3.0]]
    assert py_value(page, 'lstm.get("W_hf").tolist()') == [[0.0]]
    f_py = py_value(page, 'lstm.result().layers[0].values["f"].ravel().tolist()')
    assert abs(f_py[0] - expected) < 1e-12
    for t in range(3):
        wait_until(lambda t=t: abs(gate(root, "f", t)[0] - f_py[t]) < 1e-3, what=f"f{t + 1} as Python has it")
    root.screenshot(path=str(SHOTS / "gate-matrices-after-typing.png"))

    # the separate form is one menu away and shows the same weight in its own matrix
    root.locator('select[aria-label="How the weights are shown"]').select_option("separate")
    wait_until(lambda: py_value(page, "lstm.weights_form") == "separate", what="weights_form from the page")
    sep = root.locator('.rnnw-matrix[data-ref="p:W_xf"] input.rnnw-cell')
    wait_until(lambda: sep.count() == 1 and float(sep.first.input_value()) == 3.0, what="W_xf = 3 in the separate form")
    root.screenshot(path=str(SHOTS / "gate-matrices-separate.png"))
    root.locator('select[aria-label="How the weights are shown"]').select_option("concatenated")
    page.wait_for_timeout(300)


def test_notebook_06_outputs(notes):
    text = outputs_text(notes)
    assert "h1 = [0.4621 0.0997]" in text and "y1 = [0.3624]" in text
    assert "False" not in text
    # the sentence reader labels its steps with the words
    reader = notes.locator(".rnnw", has=notes.locator(".rnnw-title", has_text="word by word")).first
    body = reader.text_content() or ""
    for word in ("cat", "sat", "mat"):
        assert word in body
    assert shoot_outputs(notes, "06")


@pytest.mark.parametrize(
    ("name", "widgets", "expect"),
    [
        ("01_rnn_by_hand.ipynb", 1, "not answered yet"),
        ("03_gradients_and_training.ipynb", 3, "loss"),
        ("07_bring_your_own_pytorch.ipynb", 1, "the widget computes what torch computes"),
    ],
)
def test_lessons_open_in_lab(browser, lab_server, name, widgets, expect):
    page = browser.new_page()
    page.set_viewport_size({"width": 1440, "height": 1000})
    try:
        open_notebook(page, lab_server, name)
        run_all(page, count=widgets, timeout=240)
        text = outputs_text(page)
        assert expect in text
        assert "Error" not in text and "Traceback" not in text
        if name.startswith("03"):
            imgs = page.locator('.jp-OutputArea-output img[src^="data:image/png"]')
            assert imgs.count() == 3
            assert "<Figure size" not in text
        if name.startswith("01"):
            assert "correct!" in text  # the folded answer's check, after the exercise
        assert shoot_outputs(page, name[:2])
    finally:
        page.close()
