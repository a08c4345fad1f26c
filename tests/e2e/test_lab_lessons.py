"""Seed 001's two lessons (notebooks 04 and 05) opened in JupyterLab, run, and every widget
screenshotted to test-artifacts/lessons/ (looked at by a person; the asserts check what the
pictures must show: the no-input steps, the missing encoder outputs, the class probabilities)."""

from __future__ import annotations

import pytest
from conftest import ConsoleLog
from jupyter_harness import REPO, open_notebook, read_diagram, run_all, wait_until

pytestmark = pytest.mark.browser
LESSONS = REPO / "test-artifacts" / "lessons"

STATE_JS = """(root) => ({
    title: root.querySelector('.rnnw-title')?.textContent ?? '',
    noinput: [...root.querySelectorAll('.rnnw-diagram .rnnw-node-x')].map(n => n.classList.contains('is-noinput')),
    absent: [...root.querySelectorAll('.rnnw-diagram .rnnw-node-y')].map(n => getComputedStyle(n).display === 'none'),
    notes: [...root.querySelectorAll('.rnnw-diagram .rnnw-noinput')].filter(n => n.getAttribute('display') !== 'none').length,
    labels: [...root.querySelectorAll('.rnnw-diagram .rnnw-label')].filter(n => n.getAttribute('display') !== 'none').map(n => n.firstChild.textContent),
    disabled: [...root.querySelectorAll(".rnnw-cell[data-name='inputs']")].filter(c => c.disabled).length,
    probs: [...root.querySelectorAll('.rnnw-prob-value')].map(n => n.textContent),
    probsShown: !(root.querySelector('.rnnw-probs')?.hidden ?? true),
})"""


def _open(browser, lab_server, name, count):
    LESSONS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 2400})  # a whole widget on screen for its picture
    log = ConsoleLog(page, LESSONS / f"{name}-console.log")
    open_notebook(page, lab_server, f"{name}.ipynb", timeout=90)
    run_all(page, count=count, timeout=120)
    return page, log


def _shoot(page, name):
    cells = page.locator(".jp-Notebook .jp-MarkdownCell")  # the prose, to read as a student would
    for i in range(cells.count()):
        cells.nth(i).scroll_into_view_if_needed()
        cells.nth(i).screenshot(path=str(LESSONS / f"{name}-text{i + 1}.png"))
    roots = page.locator(".jp-Notebook .rnnw")
    states = []
    for i in range(roots.count()):
        root = roots.nth(i)
        root.scroll_into_view_if_needed()
        root.screenshot(path=str(LESSONS / f"{name}-widget{i + 1}.png"))
        states.append(root.evaluate(STATE_JS))
    return states


def test_problem_types_notebook(browser, lab_server):
    page, log = _open(browser, lab_server, "04_problem_types", 5)
    try:
        page.screenshot(path=str(LESSONS / "04_problem_types-top.png"))
        one, caption, review, tags, translate = _shoot(page, "04_problem_types")
        assert one["noinput"] == [False] and one["absent"] == [False]
        # one to many: steps 2..4 take no input, shown as such (no old numbers as labels)
        assert caption["noinput"] == [False, True, True, True] and caption["notes"] == 3
        assert caption["disabled"] == 6 and caption["labels"] == []
        assert review["labels"] == ["the", "film", "was", "great"] and review["notes"] == 0
        assert tags["absent"] == [False] * 4
        # encoder-decoder: encoder steps read and emit nothing, decoder steps emit and read nothing
        assert translate["noinput"] == [False, False, False, True, True, True]
        assert translate["absent"] == [True, True, True, False, False, False]
        assert translate["labels"] == ["I", "am", "here"] and translate["notes"] == 3
        # the formula of a decoder step: click t = 5 in the encoder-decoder widget
        root = page.locator(".jp-Notebook .rnnw").nth(4)
        root.locator(".rnnw-step[data-step='4']").click()
        formula = root.locator(".rnnw-formula").first
        wait_until(lambda: "no input at this step" in formula.inner_text(), timeout=20, what="the no-input note")
        after = "".join(formula.inner_text().split("no input at this step")[1].split())
        assert "tanh(h4Whh)" in after and "Wxh" not in after  # the input term is left out
        root.screenshot(path=str(LESSONS / "04_problem_types-decoder-step.png"))
    finally:
        log.save()
        page.close()


def test_classification_notebook(browser, lab_server):
    page, log = _open(browser, lab_server, "05_classification_and_stacking", 2)
    try:
        classifier, stacked = _shoot(page, "05_classification_and_stacking")
        assert classifier["probsShown"] and classifier["probs"] == ["0.6786", "0.0955", "0.2259"]
        assert not stacked["probsShown"]
        k = read_diagram(page.locator(".jp-Notebook .rnnw").nth(1))
        assert k["h:1:0"] == pytest.approx([0.4952, 0.4077], abs=6e-4)
        assert k["h:1:1"] == pytest.approx([0.8414, 0.4269], abs=6e-4)
        # the column view of the classifier shows the same probabilities
        root = page.locator(".jp-Notebook .rnnw").first
        root.locator("select[data-control='convention']").select_option("column")
        wait_until(lambda: root.evaluate(STATE_JS)["probs"] == ["0.6786", "0.0955", "0.2259"], timeout=20)
        root.screenshot(path=str(LESSONS / "05_classification_and_stacking-column.png"))
    finally:
        log.save()
        page.close()
