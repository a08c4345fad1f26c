"""Issue 4 in a real JupyterLab + Chromium: switch a widget to LSTM in the page and read the gate
values against Python; open the gradient view and compare dL/dh_t; train from the page and see
the loss curve fall."""

import re

import pytest
from jupyter_harness import py_value, run_cell, wait_until

pytestmark = pytest.mark.browser

MINUS = "\u2212"

READ_GATES = """(root) => {
    const out = {};
    root.querySelectorAll('g.rnnw-gates[data-ref]').forEach(block => {
        const t = Number(block.getAttribute('data-step'));
        block.querySelectorAll('g.rnnw-gate[data-gate]').forEach(g => {
            (out[g.getAttribute('data-gate')] ||= {})[t] = g.getAttribute('aria-label');
        });
    });
    return out;
}"""

READ_DH = """(root) => {
    const out = {};
    root.querySelectorAll('[data-ref^="dh:0:"]').forEach(g => {
        if (g.getAttribute('aria-label')) out[g.getAttribute('data-ref')] = g.getAttribute('aria-label');
    });
    return out;
}"""


def numbers(label: str) -> list[float]:
    text = label.split("=", 1)[1].replace(MINUS, "-").strip().strip("[]")
    return [float(v) for v in text.split(",") if v.strip()]


def close(a, b, tol=6e-3):
    return len(a) == len(b) and all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


def new_widget(page, code: str):
    """Run `code` (ending in a widget expression) in a new cell; return the new widget's root."""
    before = page.locator(".rnnw").count()
    run_cell(page, code)
    wait_until(lambda: page.locator(".rnnw").count() > before, what="the new widget")
    root = page.locator(".rnnw").nth(before)
    root.scroll_into_view_if_needed()
    return root


GATE_VALUES = {"lstm": {"i": "i", "f": "f", "c": "c_tilde", "o": "o"}, "gru": {"r": "r", "z": "z", "n": "n"}}


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_switch_cell_in_the_page_and_read_the_gates(lab_notebook, shot, cell):
    page = lab_notebook
    name = f"sw_{cell}"
    root = new_widget(page, f'from rnn_widget import RNNWidget\n{name} = RNNWidget.from_preset("tom_yeh")\n{name}')
    root.locator('select[data-control="cell"]').select_option(cell)
    wait_until(lambda: root.locator("g.rnnw-gates").count() > 0, what=f"gate blocks after switching to {cell}")
    assert py_value(page, f'{name}.spec["cell"]') == cell
    keys = GATE_VALUES[cell]
    expected = py_value(page, f"{{k: {name}.result().layers[0].values[k].tolist() for k in {list(keys.values())!r}}}")
    page_gates = root.evaluate(READ_GATES)
    for key, value in keys.items():
        for t, row in enumerate(expected[value]):
            assert close(numbers(page_gates[key][str(t)]), row), (key, t, page_gates[key][str(t)], row)
    gate = "f" if cell == "lstm" else "z"
    for row in expected[gate]:
        assert all(0 <= v <= 1 for v in row)
    shot(f"lab-{cell}-gates", root)


def test_gradient_view_shows_python_gradients(lab_notebook, shot):
    page = lab_notebook
    root = new_widget(page, 'gw = RNNWidget.from_preset("next_number")\ngw')
    root.locator('button[data-action="grads"]').click()
    wait_until(lambda: py_value(page, "gw.show_grads") is True, what="show_grads set from the page")
    wait_until(lambda: len(root.evaluate(READ_DH)) >= 5, what="dL/dh nodes in the diagram")
    expected = py_value(page, "gw.gradients().dh[0].tolist()")
    labels = root.evaluate(READ_DH)
    for t, row in enumerate(expected):
        assert close(numbers(labels[f"dh:0:{t}"]), row, tol=2e-3), (t, labels[f"dh:0:{t}"], row)
    norm = py_value(page, "gw.gradients().norm")
    assert root.locator(".rnnw-gnorm").count() == 1
    shown = float(root.locator(".rnnw-gnorm").inner_text().split("=")[-1].replace(MINUS, "-").split()[0])
    assert shown == pytest.approx(norm, rel=5e-3)
    shot("lab-gradients", root)


def test_training_from_the_page_lowers_the_loss(lab_notebook, shot):
    page = lab_notebook
    root = new_widget(page, 'tw = RNNWidget.from_preset("next_number")\ntw')
    first_loss = py_value(page, "tw.result().loss")
    steps = root.locator('input[data-control="steps"]')
    steps.fill("150")
    steps.press("Enter")
    wait_until(lambda: py_value(page, 'tw.train_options["steps"]') == 150, what="steps = 150 from the page")
    root.locator('button[data-action="train"]').click()
    wait_until(
        lambda: py_value(page, "len(tw.loss_history)") == 150 and not py_value(page, 'tw.training["running"]'),
        timeout=60,
        what="150 training steps",
    )
    history = py_value(page, "tw.loss_history")
    assert history[-1] < first_loss / 100
    # the loss curve is drawn and the page's loss readout follows Python's final loss
    curve = root.locator(".rnnw-losscurve path.rnnw-series-loss")
    wait_until(lambda: curve.count() > 0, what="a loss curve")
    # the curve falls: in SVG coordinates a lower loss is further down (a larger y)
    d = curve.first.get_attribute("d")
    points = [(float(x), float(y)) for x, y in re.findall(r"[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)", d)]
    assert len(points) >= 2 and points[-1][1] > points[0][1] and points[-1][0] > points[0][0], d
    final = py_value(page, "tw.result().loss")
    assert final < history[0]
    shot("lab-training", root)
