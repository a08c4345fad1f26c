"""The layout in a real browser (issue 8): every preset at 800, 1,024 and 1,440 px (and 1,366) in
JupyterLab, Notebook 7 and Voila, nothing of the widget overflowing its box; on a 1,366 x 768
screen the step controls, the diagram and the formula visible together; projector mode; the
Picture menu's downloads; VS Code's dark theme; the Voila dashboard's slider readouts.
Screenshots of every preset at every width land in test-artifacts/layout/."""

from __future__ import annotations

import json
import re
import shutil
import struct
import time
from xml.etree import ElementTree

import pytest
from jupyter_harness import REPO, Server, open_notebook, run_all, wait_until, write_notebook
from layout_probe import OVERFLOW_JS, STAGE_JS, outside

from rnn_widget import presets

pytestmark = pytest.mark.browser

NAMES = list(presets.PRESETS)
WIDTHS = (800, 1024, 1440)
LAYOUT = REPO / "test-artifacts" / "layout"


@pytest.fixture(scope="module")
def layout_dir():
    LAYOUT.mkdir(parents=True, exist_ok=True)
    return LAYOUT


@pytest.fixture(scope="module")
def all_presets(e2e_tmp):
    """A folder with a notebook that shows every preset, one widget per cell."""
    root = e2e_tmp / "layout-notebooks"
    root.mkdir(exist_ok=True)
    write_notebook(
        root / "all_presets.ipynb",
        "from rnn_widget import RNNWidget",
        *[f"RNNWidget.from_preset({n!r})" for n in NAMES],
    )
    write_notebook(
        root / "large.ipynb",
        "import numpy as np\nfrom rnn_widget import RNNWidget\nfrom rnn_widget.core import Network, Spec\n"
        "spec = Spec(input_size=2, hidden_sizes=(12,), output_size=2, cell='rnn', activation='tanh', bias=False)\n"
        "RNNWidget(Network(spec, seed=5), np.random.default_rng(1).normal(0, 1, (20, 2)).round(2), title='A larger network')",
    )
    shutil.copy(REPO / "notebooks" / "02_dashboard.ipynb", root / "02_dashboard.ipynb")
    return root


def _server(kind, root, e2e_tmp, artifacts, **kw):
    server = Server(
        kind,
        root,
        e2e_tmp / f"layout-{kind}-state-{kw.get('notebook', '')}",
        log_path=artifacts / f"layout-{kind}.log",
        **kw,
    )
    try:
        server.wait_ready()
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture(scope="module")
def layout_lab(chromium, all_presets, e2e_tmp, artifacts):
    server = _server("lab", all_presets, e2e_tmp, artifacts)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def lab_page(browser, layout_lab):
    page = browser.new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    open_notebook(page, layout_lab, "all_presets.ipynb")
    run_all(page, count=len(NAMES), timeout=180)
    wait_until(lambda: page.locator(".rnnw .rnnw-diagram").count() >= len(NAMES), timeout=60, what="every diagram")
    yield page
    page.close()


def _check_widths(page, front_end, layout_dir, widths=WIDTHS):
    """Every preset at every width: no overflow; a screenshot of the whole widget (a tall window)."""
    problems = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 2600})
        time.sleep(0.6)
        for i, name in enumerate(NAMES):
            root = page.locator(".rnnw").nth(i)
            root.scroll_into_view_if_needed()
            time.sleep(0.1)
            bad = root.evaluate(OVERFLOW_JS)
            if bad:
                problems[f"{front_end} {name} @ {width}"] = bad
            root.screenshot(path=str(layout_dir / f"{front_end}-{name}-{width}.png"))
    return problems


def test_lab_every_preset_fits_at_800_1024_1440(lab_page, layout_dir):
    problems = _check_widths(lab_page, "lab", layout_dir)
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_lab_stepping_needs_no_scrolling_at_1366x768(lab_page, layout_dir):
    """Scrolled to the widget, the step controls, the diagram and the formula are all on screen,
    for every preset, as shown and after stepping with Next."""
    page = lab_page
    page.set_viewport_size({"width": 1366, "height": 768})
    time.sleep(0.6)
    report, hidden = {}, {}
    for i, name in enumerate(NAMES):
        root = page.locator(".rnnw").nth(i)
        for stepped in (False, True):
            if stepped:
                root.locator('[data-action="next"]').click()
                root.locator('[data-action="next"]').click()
                wait_until(lambda r=root: "slide 2 of" in r.locator(".rnnw-counter").first.inner_text(), what="slide 2")
            s = root.evaluate(STAGE_JS)
            time.sleep(0.15)
            s = root.evaluate(STAGE_JS)
            off = [k for k in ("controls", "diagram", "formula") if s[k] is None or outside(s[k], s["view"])]
            if off:
                hidden[f"{name}{' stepped' if stepped else ''}"] = {k: s[k] for k in off} | {"view": s["view"]}
            page.screenshot(path=str(layout_dir / f"lab-{name}-1366x768{'-stepped' if stepped else ''}.png"))
        report[name] = round(s["widget"]["height"])
        root.locator('[data-action="all"]').click()
    (layout_dir / "heights-1366.json").write_text(json.dumps(report, indent=1))
    assert not hidden, json.dumps(hidden, indent=1)


def test_projector_mode_has_larger_type(lab_page, layout_dir):
    page = lab_page
    page.set_viewport_size({"width": 1366, "height": 768})
    root = page.locator(".rnnw").first
    size = lambda: root.evaluate("r => parseFloat(getComputedStyle(r.querySelector('.rnnw-caption')).fontSize)")  # noqa: E731
    diagram = lambda: root.locator(".rnnw-diagram-box svg.rnnw-diagram").bounding_box()["width"]  # noqa: E731
    before, diagram_before = size(), diagram()
    root.locator('[data-action="projector"]').click()
    wait_until(lambda: root.evaluate("r => r.classList.contains('is-projector')"), what="projector mode")
    assert size() >= before * 1.25
    assert diagram() >= diagram_before * 1.2, (diagram(), diagram_before)  # the diagram grows with the type
    root.evaluate(STAGE_JS)
    page.screenshot(path=str(layout_dir / "lab-tom_yeh-projector-1366x768.png"))
    assert root.evaluate(OVERFLOW_JS) == []
    root.locator('[data-action="projector"]').click()
    wait_until(lambda: not root.evaluate("r => r.classList.contains('is-projector')"), what="projector off")


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_picture_menu_downloads_svg_and_png(lab_page, layout_dir):
    page = lab_page
    page.set_viewport_size({"width": 1366, "height": 768})
    root = page.locator(".rnnw").first
    root.evaluate(STAGE_JS)
    svg_el = root.locator(".rnnw-diagram-box svg.rnnw-diagram")
    width, height = int(svg_el.get_attribute("width")), int(svg_el.get_attribute("height"))
    shown = svg_el.locator("text").evaluate_all("els => els.map(e => e.textContent)")
    saved = {}
    for theme in ("light", "dark"):
        for what, fmt in (("diagram", "svg"), ("diagram", "png"), ("formula", "svg"), ("formula", "png")):
            root.locator('[data-action="picture"]').click()
            root.locator('[data-control="picture-theme"]').select_option(theme)
            with page.expect_download(timeout=30_000) as info:
                root.locator(f'[data-action="picture-{what}-{fmt}"]').click()
            download = info.value
            assert download.suggested_filename == f"rnn-by-hand-tom-yeh-{what}-{theme}.{fmt}"
            path = layout_dir / f"picture-{download.suggested_filename}"
            download.save_as(str(path))
            saved[(what, fmt, theme)] = path
    # the diagram's SVG: standalone, the same numbers, styles inline, the theme's background
    ns = "{http://www.w3.org/2000/svg}"
    for theme, bg in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(13, 17, 23)")):
        tree = ElementTree.parse(saved[("diagram", "svg", theme)]).getroot()
        assert tree.tag == f"{ns}svg" and tree.get("width") == str(width)
        assert tree.find(f"{ns}rect").get("fill") == bg
        texts = ["".join(t.itertext()) for t in tree.iter(f"{ns}text")]
        assert [t for t in texts if t] == [t for t in shown if t]
        text = saved[("diagram", "svg", theme)].read_text()
        assert "class=" not in text and "var(" not in text and "style=" in text
        assert _png_size(saved[("diagram", "png", theme)]) == (2 * width, 2 * height)
        formula = saved[("formula", "svg", theme)].read_text()
        assert "<foreignObject" in formula and "h" in formula
        fw, fh = _png_size(saved[("formula", "png", theme)])
        assert fw > 200 and fh > 100


def test_large_network_canvas_diagram_exports_png(browser, layout_lab, layout_dir):
    """The compact (canvas) diagram of a larger network: the Picture menu saves a PNG at 2x."""
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1366, "height": 768})
        open_notebook(page, layout_lab, "large.ipynb")
        run_all(page, timeout=120)
        root = page.locator(".rnnw").first
        page.wait_for_selector(".rnnw .rnnw-cdiagram canvas", timeout=60_000)
        root.evaluate(STAGE_JS)
        page.screenshot(path=str(layout_dir / "lab-large-network-1366x768.png"))
        bad = root.evaluate(OVERFLOW_JS)
        assert bad == [], bad
        box = root.locator(".rnnw-cdiagram").bounding_box()
        root.locator('[data-action="picture"]').click()
        with page.expect_download(timeout=30_000) as info:
            root.locator('[data-action="picture-diagram-svg"]').click()  # a canvas: saved as PNG
        download = info.value
        assert download.suggested_filename.startswith("a-larger-network-diagram-")
        assert download.suggested_filename.endswith(".png")
        path = layout_dir / f"picture-{download.suggested_filename}"
        download.save_as(str(path))
        w, h = _png_size(path)
        assert w >= 2 * box["width"] - 2 and h >= 2 * box["height"] - 2, (w, h, box)
    finally:
        page.close()


VSCODE_PAGE = """<!doctype html><html><head><style>{css}</style><style>
body {{ margin: 0; --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #cccccc; }}
</style></head><body class="{cls}"><div class="rnnw"><div class="rnnw-formula">x</div></div></body></html>"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_vscode_dark_theme_is_followed(browser, scheme):
    """body.vscode-dark gives VS Code's own colours; vscode-light stays light on a dark system."""
    css = (REPO / "rnn_widget" / "static" / "widget.css").read_text()
    page = browser.new_page()
    try:
        page.emulate_media(color_scheme=scheme)
        page.set_content(VSCODE_PAGE.format(css=css, cls="vscode-dark"))
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.querySelector('.rnnw')); return [s.backgroundColor, s.color]; }"
        )
        assert style == ["rgb(31, 31, 31)", "rgb(204, 204, 204)"], style
        page.set_content(
            VSCODE_PAGE.format(css=css, cls="vscode-light").replace("#1f1f1f", "#ffffff").replace("#cccccc", "#3b3b3b")
        )
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.querySelector('.rnnw')); return [s.backgroundColor, s.color]; }"
        )
        assert style == ["rgb(255, 255, 255)", "rgb(59, 59, 59)"], style
    finally:
        page.close()


def test_notebook7_every_preset_fits(browser, chromium, all_presets, e2e_tmp, artifacts, layout_dir):
    server = _server("notebook", all_presets, e2e_tmp, artifacts)
    page = browser.new_page()
    try:
        open_notebook(page, server, "all_presets.ipynb")
        run_all(page, count=len(NAMES), timeout=180)
        problems = _check_widths(page, "notebook7", layout_dir)
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    finally:
        page.close()
        server.stop()


def test_voila_every_preset_fits(browser, chromium, all_presets, e2e_tmp, artifacts, layout_dir):
    server = _server("voila", all_presets, e2e_tmp, artifacts, notebook="all_presets.ipynb")
    page = browser.new_page()
    try:
        page.goto(server.url + "/")
        wait_until(
            lambda: page.locator(".rnnw .rnnw-diagram").count() >= len(NAMES), timeout=120, what="every widget in Voila"
        )
        problems = _check_widths(page, "voila", layout_dir)
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    finally:
        page.close()
        server.stop()


def test_voila_dashboard_slider_readouts_are_whole(browser, chromium, all_presets, e2e_tmp, artifacts, layout_dir):
    """notebooks/02_dashboard.ipynb: every readout shows its whole number (-1.00, not '-1.')."""
    server = _server("voila", all_presets, e2e_tmp, artifacts, notebook="02_dashboard.ipynb")
    page = browser.new_page()
    try:
        for width in (1024, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(server.url + "/")
            page.wait_for_selector(".rnnw .rnnw-diagram", timeout=120_000)
            readouts = page.locator(".widget-readout")
            wait_until(lambda r=readouts: r.count() >= 6, timeout=30, what="six slider readouts")
            found = readouts.evaluate_all(
                "els => els.map(e => ({text: e.textContent.trim(), sw: e.scrollWidth, cw: e.clientWidth}))"
            )
            for r in found:
                assert re.fullmatch(r"[-\u2212]?\d\.\d\d", r["text"]), found
                assert r["sw"] <= r["cw"] + 1, found
            assert "\u22121.00" in [r["text"] for r in found], found
            page.screenshot(path=str(layout_dir / f"voila-dashboard-{width}.png"), full_page=True)
            root = page.locator(".rnnw").first
            assert root.evaluate(OVERFLOW_JS) == []
    finally:
        page.close()
        server.stop()


# ---- views that are not presets: text mode, a word model, a mini-batch, the classifier, an LSTM in
# weights_form "concatenated", encoder-decoder. Screenshots in test-artifacts/polish/ (1,024 and
# 1,440, two of them in the dark theme too).
VIEWS = {
    "text-sampled": 'w = RNNWidget.from_text("hello", vocab="helo", hidden=3)\nw.sample("h", 4)\nw',
    "text-words": 'RNNWidget.from_text("recurrent networks remember information across timesteps '
    'remember networks", words=True, hidden=4, seed=2)',
    "mini-batch": 'b = RNNWidget.from_preset("next_number")\n'
    "b.set_batch([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], [0, 5, 10, 15, 20]], [[[11]], [[12]], [[25]]])\nb",
    "classifier": 'RNNWidget.from_preset("lecture_classifier")',
    "lstm-concatenated": 'l = RNNWidget.from_preset("lstm_by_hand")\nl.weights_form = "concatenated"\nl',
    "encoder-decoder": "net = Network(Spec(cell='gru', input_size=1, hidden_sizes=(2,), output_size=1, "
    "mode='encoder-decoder', decoder_steps=2), seed=4)\nRNNWidget(net, np.array([[0.5], [-1.0], [2.0], [0.0], [0.0]]))",
}
VIEW_SHOTS = REPO / "test-artifacts" / "polish"


@pytest.fixture(scope="module")
def views_page(browser, layout_lab, all_presets):
    write_notebook(
        all_presets / "views.ipynb",
        "import numpy as np\nfrom rnn_widget import RNNWidget\nfrom rnn_widget.core import Network, Spec",
        *VIEWS.values(),
    )
    page = browser.new_page()
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_notebook(page, layout_lab, "views.ipynb")
    run_all(page, count=len(VIEWS), timeout=180)
    wait_until(lambda: page.locator(".rnnw .rnnw-diagram").count() >= len(VIEWS), timeout=60, what="every diagram")
    yield page
    page.close()


def _shoot_views(page, widths, suffix=""):
    problems = {}
    VIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    for width in widths:
        # tall enough for the tallest view (a word model at 1,024 px is ~3,600 px): no clipped shots
        page.set_viewport_size({"width": width, "height": 4400})
        time.sleep(0.6)
        for i, name in enumerate(VIEWS):
            root = page.locator(".rnnw").nth(i)
            root.scroll_into_view_if_needed()
            time.sleep(0.1)
            bad = root.evaluate(OVERFLOW_JS)
            if bad:
                problems[f"{name} @ {width}{suffix}"] = bad
            if width in (1024, 1440):
                root.screenshot(path=str(VIEW_SHOTS / f"lab-{name}-{width}{suffix}.png"))
    return problems


def test_lab_other_views_fit_at_800_1024_1440(views_page):
    page = views_page
    # the sampling run's feedback arrows are in the diagram
    assert page.locator(".rnnw").nth(0).locator(".rnnw-diagram .rnnw-feed").count() == 3
    problems = _shoot_views(page, WIDTHS)
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_lab_other_views_dark_theme(views_page):
    """JupyterLab's dark theme (its own command): the text view and the LSTM, looked at in the PNGs."""
    page = views_page
    page.set_viewport_size({"width": 1440, "height": 1000})
    _lab_theme(page, "JupyterLab Dark")
    try:
        wait_until(
            lambda: page.evaluate("() => document.body.dataset.jpThemeLight") == "false",
            timeout=30,
            what="the dark theme",
        )
        time.sleep(1.0)
        root = page.locator(".rnnw").first
        bg = root.evaluate("r => getComputedStyle(r).backgroundColor")
        assert bg not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), bg
        VIEW_SHOTS.mkdir(parents=True, exist_ok=True)
        for i, name in enumerate(VIEWS):
            if name not in ("text-sampled", "lstm-concatenated"):
                continue
            page.set_viewport_size({"width": 1440, "height": 2600})
            r = page.locator(".rnnw").nth(i)
            r.scroll_into_view_if_needed()
            time.sleep(0.2)
            assert r.evaluate(OVERFLOW_JS) == []
            r.screenshot(path=str(VIEW_SHOTS / f"lab-{name}-1440-dark.png"))
    finally:
        page.set_viewport_size({"width": 1440, "height": 1000})
        _lab_theme(page, "JupyterLab Light")


def _lab_theme(page, theme: str):
    """Settings > Theme > <theme>, through JupyterLab's menu bar."""
    page.get_by_role("menuitem", name="Settings", exact=True).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Theme$")).first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{theme}$")).first.click()
