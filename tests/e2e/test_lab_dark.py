"""The widget in JupyterLab's dark theme: its colours follow the theme (dark background, light
text, readable contrast), checked from computed styles, and a screenshot to look at."""

import json
import shutil

import pytest
from jupyter_harness import REPO, Server, open_notebook, run_all, wait_until

pytestmark = pytest.mark.browser


def luminance(css: str) -> float:
    """Relative luminance of 'rgb(r, g, b)' / 'rgba(r, g, b, a)' (WCAG)."""
    nums = [float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]

    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in nums)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


STYLE_JS = """(root) => {
    // the first opaque background up the tree from the widget, and the colour of its text
    let el = root, bg = 'rgba(0, 0, 0, 0)';
    while (el && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
        bg = getComputedStyle(el).backgroundColor; el = el.parentElement;
    }
    const title = root.querySelector('.rnnw-formula, .rnnw-diagram text') || root;
    const value = root.querySelector('.rnnw-diagram text') || root;
    return {bg, fg: getComputedStyle(root).color, text: getComputedStyle(value).fill || getComputedStyle(value).color};
}"""


@pytest.fixture(scope="module")
def dark_lab(chromium, e2e_tmp, artifacts):
    root = e2e_tmp / "dark-notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    state = e2e_tmp / "dark-state"
    themes = state / "lab-settings" / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    server = Server("lab", root, state, log_path=artifacts / "lab-dark-server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_widget_follows_the_dark_theme(browser, dark_lab, shot):
    page = browser.new_page()
    try:
        open_notebook(page, dark_lab, "01_rnn_by_hand.ipynb")
        wait_until(
            lambda: page.evaluate("document.body.dataset.jpThemeLight") == "false",
            timeout=30,
            what="JupyterLab's dark theme",
        )
        run_all(page)
        root = page.locator(".rnnw").first
        root.scroll_into_view_if_needed()
        style = root.evaluate(STYLE_JS)
        assert luminance(style["bg"]) < 0.05, style  # a dark background
        assert luminance(style["fg"]) > 0.4, style  # light text
        assert contrast(style["fg"], style["bg"]) >= 7, style  # WCAG AAA for body text
        shot("lab-dark-widget", root)
    finally:
        page.close()
