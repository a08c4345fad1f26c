"""Text in, text out (issue 10) in a real JupyterLab + Chromium: the "hello" lesson
(notebooks/08_hello_char_rnn.ipynb) runs; the page shows each step's token, the top-token
probabilities (read back and compared with a softmax computed in the kernel from the outputs,
not with the widget's own probabilities), the one-hot formula, and the sampling run's feedback
arrows. Screenshots of the widget and of every output cell land in test-artifacts/text/."""

from __future__ import annotations

import json

import pytest
from conftest import ConsoleLog
from jupyter_harness import REPO, Server, open_notebook, py_value, run_all, run_cell, wait_until, write_notebook
from test_lab_dark import luminance

pytestmark = pytest.mark.browser

LESSON = "08_hello_char_rnn.ipynb"

READ_STRIP = """(root) => [...root.querySelectorAll('.rnnw-tokens g.rnnw-tok-bar')].map(g => ({
    step: Number(g.getAttribute('data-step')),
    token: g.getAttribute('data-token'),
    p: Number(g.getAttribute('data-p')),
    shown: g.querySelector('.rnnw-tok-p').textContent,
}))"""

READ_LABELS = """(root) => [...root.querySelectorAll('.rnnw-diagram-box text.rnnw-label')]
    .sort((a, b) => a.getAttribute('data-step') - b.getAttribute('data-step')).map(t => t.firstChild.textContent)"""


@pytest.fixture(scope="module")
def text_dir():
    path = REPO / "test-artifacts" / "text"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def lesson(browser, lab_server, text_dir):
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 3200})  # whole outputs in view for the screenshots
    log = ConsoleLog(page, text_dir / "lab-console.log")
    open_notebook(page, lab_server, LESSON)
    run_all(page, count=2, timeout=180)
    yield page
    log.save()
    page.close()


def test_the_lesson_ends_with_hello_and_every_output_is_there(lesson, text_dir):
    page = lesson
    outputs = page.locator(".jp-Notebook .jp-CodeCell .jp-OutputArea")
    texts = []
    for i in range(outputs.count()):
        area = outputs.nth(i)
        if not area.inner_text().strip() and area.locator(".rnnw, img").count() == 0:
            continue
        area.scroll_into_view_if_needed()
        area.screenshot(path=str(text_dir / f"lesson-output-{i + 1:02d}.png"))
        texts.append(area.inner_text())
    prose = page.locator(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown")
    for i in range(prose.count()):
        prose.nth(i).scroll_into_view_if_needed()
        prose.nth(i).screenshot(path=str(text_dir / f"lesson-prose-{i + 1:02d}.png"))
    assert (
        prose.count() >= 8
        and page.locator(".jp-RenderedMarkdown mjx-container, .jp-RenderedMarkdown .MathJax").count() > 0
    )
    assert any("the network says 'hello'" in t for t in texts), texts[-3:]
    assert any("x1 = one-hot('h')" in t for t in texts)
    assert page.locator(".jp-Notebook .jp-OutputArea img").count() >= 1  # the loss curve figure
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0


def test_the_page_shows_tokens_and_the_softmax_of_the_outputs(lesson, text_dir):
    page = lesson
    root = page.locator(".rnnw").nth(1)
    root.scroll_into_view_if_needed()
    assert root.evaluate(READ_LABELS) == ["h", "e", "l", "l"]
    # Python's softmax of the outputs, computed in the kernel from y_pre (not w.probabilities())
    p = py_value(page, "(lambda y: (np.exp(y) / np.exp(y).sum(1, keepdims=True)).tolist())(w.result().y_pre)")
    vocab = py_value(page, "w.vocab")
    bars = root.evaluate(READ_STRIP)
    assert len(bars) == 4 * 3
    for t, row in enumerate(p):
        mine = [b for b in bars if b["step"] == t]
        expected = sorted(range(len(vocab)), key=lambda i: (-row[i], i))[:3]
        assert [b["token"] for b in mine] == [vocab[i] for i in expected]
        for b, i in zip(mine, expected):
            assert b["p"] == pytest.approx(row[i], rel=1e-12)
            assert abs(float(b["shown"]) - row[i]) <= 0.005 + 1e-12, (b, row[i])
    # the sampling run: "ello" chosen, each fed back as the next input (three arrows)
    chosen = root.evaluate(
        "(r) => [...r.querySelectorAll('.rnnw-tok-next.rnnw-tok-chosen')].map(g => g.getAttribute('data-token'))"
    )
    assert chosen == ["e", "l", "l", "o"]
    assert root.locator(".rnnw-tok-feed").count() == 3
    assert "greedy" in root.locator(".rnnw-tok-caption").inner_text()
    root.locator(".rnnw-tokens").screenshot(path=str(text_dir / "lab-token-strip.png"))
    root.screenshot(path=str(text_dir / "lab-hello-widget.png"))


def test_the_formula_writes_x_t_as_a_one_hot_row_and_a_click_moves_it(lesson, text_dir):
    page = lesson
    root = page.locator(".rnnw").nth(1)
    formula = root.locator(".rnnw-formula").first
    wait_until(lambda: "one-hot(\u201ch\u201d)" in formula.inner_text(), what="the one-hot of 'h' in the formula")
    assert "row 1 of" in formula.inner_text()
    root.locator('.rnnw-tokens [data-tok-step="1"]').click()
    wait_until(lambda: py_value(page, "w.focus_step") == 1, timeout=20, what="focus_step from a click in the strip")
    wait_until(lambda: "one-hot(\u201ce\u201d)" in formula.inner_text(), what="the one-hot of 'e'")
    assert "row 2 of" in formula.inner_text()
    formula.screenshot(path=str(text_dir / "lab-one-hot-formula.png"))


def test_a_refused_text_changes_nothing_on_the_page(lesson):
    page = lesson
    root = page.locator(".rnnw").nth(1)
    before = root.evaluate(READ_STRIP)
    out = run_cell(page, 'try:\n    w.set_text("help")\nexcept Exception as e:\n    print(type(e).__name__, e)')
    assert "TraitError" in out and "'p'" in out and "not in the vocabulary" in out
    assert root.evaluate(READ_STRIP) == before
    assert root.evaluate(READ_LABELS) == ["h", "e", "l", "l"]


def test_sampling_from_the_page(lesson, text_dir):
    page = lesson
    root = page.locator(".rnnw").nth(1)
    strip = root.locator(".rnnw-tokens")
    strip.locator('[data-control="sample-start"]').select_option("e")
    for key, value in (("sample-length", "6"), ("sample-temperature", "1.2"), ("sample-seed", "5")):
        strip.locator(f'[data-control="{key}"]').fill(value)
    strip.locator('[data-action="sample"]').click()
    wait_until(
        lambda: "seed 5" in strip.locator(".rnnw-tok-caption").inner_text(), timeout=20, what="the page's sample"
    )
    expected = py_value(page, 'w.sample("e", 6, temperature=1.2, seed=5, show=False)')
    assert py_value(page, "''.join(w.sampled['tokens'])") == expected
    chosen = strip.evaluate("(s) => [...s.querySelectorAll('.rnnw-tok-next')].map(g => g.getAttribute('data-token'))")
    assert "".join(chosen) == expected[1:]
    strip.locator('[data-control="sample-seed"]').fill("x")
    strip.locator('[data-action="sample"]').click()
    assert "seed" in strip.locator(".rnnw-tok-msg").inner_text()
    strip.screenshot(path=str(text_dir / "lab-page-sample.png"))


@pytest.fixture(scope="module")
def dark_lab(chromium, e2e_tmp, text_dir):
    root = e2e_tmp / "text-dark-notebooks"
    root.mkdir(parents=True, exist_ok=True)
    write_notebook(
        root / "words.ipynb",
        "from rnn_widget import RNNWidget\n"
        'wd = RNNWidget.from_text("the cat sat on the mat and the dog sat on the log", words=True, hidden=6, seed=1)\n'
        "wd.train(150, block=True)\n"
        'text = wd.sample("the", 9, temperature=0.7, seed=4)\n'
        "print(text)\n"
        "wd",
    )
    state = e2e_tmp / "text-dark-state"
    themes = state / "lab-settings" / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    server = Server("lab", root, state, log_path=text_dir / "lab-dark-server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_a_word_model_sampled_with_a_temperature_in_the_dark_theme(browser, dark_lab, text_dir):
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 3200})
    try:
        open_notebook(page, dark_lab, "words.ipynb")
        wait_until(lambda: page.evaluate("document.body.dataset.jpThemeLight") == "false", timeout=30, what="dark")
        run_all(page, timeout=120)
        root = page.locator(".rnnw").first
        strip = root.locator(".rnnw-tokens")
        strip.scroll_into_view_if_needed()
        tokens = py_value(page, "wd.sampled['tokens']")
        assert len(tokens) == 10 and tokens[0] == "the"
        chosen = strip.evaluate(
            "(s) => [...s.querySelectorAll('.rnnw-tok-next')].map(g => g.getAttribute('data-token'))"
        )
        assert chosen == tokens[1:]
        assert strip.locator(".rnnw-tok-feed").count() == 8
        assert "temperature 0.7, seed 4" in strip.locator(".rnnw-tok-caption").inner_text()
        colours = strip.evaluate(
            """(s) => ({fill: getComputedStyle(s.querySelector('.rnnw-tok-next text')).fill,
                        box: getComputedStyle(s.querySelector('.rnnw-tok-next rect')).fill})"""
        )
        assert luminance(colours["fill"]) > 0.4 and luminance(colours["box"]) < 0.05, colours
        root.screenshot(path=str(text_dir / "lab-dark-words-widget.png"))
        strip.screenshot(path=str(text_dir / "lab-dark-words-strip.png"))
    finally:
        page.close()
