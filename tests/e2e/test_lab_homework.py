"""Homework in a real JupyterLab + Chromium (issue 7): `RNNWidget.exercise("tom_yeh", blanks=["h2",
"y2", "h3"])` shows an empty answer box where each blank's number would be; the student types a
wrong answer, then the right ones, in the page; the hint and the score are read from the page and
`ex.score()` from Python. Screenshots in the light and the dark theme (test-artifacts/e2e/)."""

import json
import re
import shutil

import pytest
from jupyter_harness import REPO, Server, open_notebook, run_all, wait_until, write_notebook

pytestmark = pytest.mark.browser

EXERCISE = """from rnn_widget import RNNWidget
ex = RNNWidget.exercise("tom_yeh", blanks=["h2", "y2", "h3"], seed=None)
ex"""

# Tom Yeh's slide: h2 = [1, 17], y2 = 16, h3 = [0, 28]
RIGHT = {"h2[1]": "1", "h2[2]": "17", "y2": "16", "h3[1]": "0", "h3[2]": "28"}


def py_value(page, expr):
    """jupyter_harness.py_value, after taking the focus out of the widget (an answer box that keeps
    the focus would receive the keys that add the cell)."""
    from jupyter_harness import py_value as value

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return value(page, expr)


def slot(root, name, where="diagram"):
    return root.locator(f'input.rnnw-answer[data-blank="{name}"][data-where^="{where}"]').first


def answer(page, root, name, text, where="diagram"):
    box = slot(root, name, where)
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def progress(root):
    return root.locator(".rnnw-hw-progress").inner_text()


def page_text(root):
    return root.evaluate("r => r.textContent")


def open_exercise(browser, server, name):
    write_notebook(server.root / f"{name}.ipynb", EXERCISE)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 2400})
    open_notebook(page, server, f"{name}.ipynb")
    run_all(page)
    root = page.locator(".rnnw").first
    wait_until(lambda: slot(root, "h2[1]").count() == 1, timeout=30, what="the answer slots")
    return page, root


def test_homework_in_the_page(browser, lab_server, shot):
    page, root = open_exercise(browser, lab_server, "hw_lab")
    try:
        # 1. every open blank is an empty box in the diagram (and the formula of step 2)
        for name in RIGHT:
            box = slot(root, name)
            assert box.count() == 1, name
            assert box.input_value() == "", name
        root.locator('.rnnw-diagram text.rnnw-step[data-step="1"]').click()  # the "t = 2" heading
        wait_until(lambda: slot(root, "y2", "formula").count() == 1, what="y2's slot in the formula of step 2")
        for where in ("diagram", "formula"):  # drawn, not only present
            box = slot(root, "h2[1]", where).bounding_box()
            assert box and box["width"] > 20 and box["height"] > 12, (where, box)
        assert not re.search(r"NaN|null|undefined", page_text(root))
        assert progress(root) == "0 of 3 right \u00b7 score 0/3"
        # the model's numbers are fixed: the parameter cells are read-only
        cells = root.locator(".rnnw-editors input")
        assert cells.count() > 0 and all(cells.nth(i).evaluate("n => n.readOnly") for i in range(cells.count()))
        shot("lab-homework-open", root)

        # 2. garbage: the usual message, nothing sent, no attempt used
        answer(page, root, "h2[1]", "abc")
        msg = root.locator('.rnnw-hw-msg[data-blank="h2[1]"]')
        wait_until(lambda: "is not a number" in msg.inner_text(), what="the refusal of 'abc'")
        assert py_value(page, "ex.homework['blanks'][0]['attempts_left']") == 3

        # 3. a wrong answer: the hint, as text, is the one Python computed
        answer(page, root, "h2[1]", "5")
        hint = root.locator('.rnnw-hw-hint[data-blank="h2[1]"]')
        wait_until(
            lambda: hint.count() == 1 and "h2[1]" in hint.inner_text(), timeout=15, what="the hint for h2[1] = 5"
        )
        expected_hint = py_value(page, "ex.homework['blanks'][0]['hint']")
        assert hint.inner_text() == expected_hint
        assert "wrong" in root.locator('.rnnw-hw-row[data-blank-group="h2"] .rnnw-hw-status').inner_text()
        assert "is-wrong" in slot(root, "h2[1]").get_attribute("class")
        print("hint in the page:", hint.inner_text())
        shot("lab-homework-wrong", root)

        # 4. the right answers, each typed in the page; y2 in the formula panel
        for name, text in RIGHT.items():
            answer(page, root, name, text, "formula" if name == "y2" else "diagram")
            wait_until(lambda n=name: slot(root, n).count() == 0, timeout=15, what=f"{name}'s slot to close")
        wait_until(lambda: progress(root) == "3 of 3 right \u00b7 score 3/3", timeout=15, what="the score line")
        score, max_score, results = py_value(page, "(ex.score(), ex.max_score, ex.results)")
        assert (score, max_score) == (3, 3)
        assert set(results.values()) == {"right"}
        # right values are shown, marked
        shown = root.locator(".rnnw-diagram text.is-right").all_text_contents()
        assert sorted(shown) == sorted(RIGHT.values()), shown
        assert not re.search(r"NaN|null|undefined", page_text(root))
        shot("lab-homework-done", root)
    finally:
        page.close()


@pytest.fixture(scope="module")
def dark_lab(chromium, e2e_tmp, artifacts):
    root = e2e_tmp / "hw-dark-notebooks"
    root.mkdir(parents=True, exist_ok=True)
    state = e2e_tmp / "hw-dark-state"
    themes = state / "lab-settings" / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    shutil.copy(REPO / "notebooks" / "01_rnn_by_hand.ipynb", root)
    server = Server("lab", root, state, log_path=artifacts / "lab-hw-dark-server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_homework_in_the_dark_theme(browser, dark_lab, shot):
    page, root = open_exercise(browser, dark_lab, "hw_dark")
    try:
        wait_until(lambda: page.evaluate("document.body.dataset.jpThemeLight") == "false", what="the dark theme")
        answer(page, root, "h2[1]", "5")
        wait_until(lambda: root.locator(".rnnw-hw-hint").count() == 1, timeout=15, what="the hint")
        answer(page, root, "h2[2]", "17")
        wait_until(lambda: "score 0.5/3" in progress(root), timeout=15, what="half a point")
        # the box and the hint read on a dark background
        colors = root.evaluate("""r => {
            const s = getComputedStyle(r.querySelector('input.rnnw-answer'));
            const hint = getComputedStyle(r.querySelector('.rnnw-hw-hint'));
            return {slotBg: s.backgroundColor, slotFg: s.color, hint: hint.color};
        }""")
        print("dark colours:", colors)
        shot("lab-homework-dark", root)

        # a busy kernel is not a lost one: the banner says so, and the check lands after. (ipykernel 7
        # answered comm messages here while a cell slept, so the kernel is kept busy in the handler.)
        busy = "(lambda f: lambda c: (__import__('time').sleep(13), f(c)))(ex._on_answer_msg)"
        py_value(page, f"setattr(ex, '_on_answer_msg', {busy}) or 1")
        answer(page, root, "y2", "16", "formula")
        banner = root.locator(".rnnw-link")
        wait_until(lambda: banner.get_attribute("data-status") == "silent", timeout=15, what="the 'no answer' banner")
        text = banner.inner_text()
        print("banner while the kernel is busy:", text)
        assert text.startswith("No answer from the kernel for 10 s: it may be busy"), text
        assert "Not connected" not in text
        shot("lab-homework-busy", banner)
        wait_until(
            lambda: banner.is_hidden() and "score 1.5/3" in progress(root),
            timeout=20,
            what="the check once it is answered",
        )
    finally:
        page.close()
