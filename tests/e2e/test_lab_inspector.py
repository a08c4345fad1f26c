"""The TextInspector in a real JupyterLab: type into the page, read back what the page shows (the
hovered unit's readout and the text coloured by that unit, from their data attributes) and compare
it with PyTorch's own forward pass over the same text, also after the first character changed (every
step recomputed; only the quantity in view travels exactly, the others are fetched when shown). A
refused character changes nothing. Screenshots in test-artifacts/inspect/ (light and dark theme)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from jupyter_harness import REPO, Server, open_notebook, py_value, run_all, wait_until, write_notebook

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "inspect"
VOCAB = "\n !',.?abcdefghijklmnopqrstuvwxyz"

# The same construction runs in the kernel and in this test: seeded torch modules, weights scaled
# so the units swing (a random small model otherwise sits near 0 and shows little).
MODEL = """
import torch
torch.manual_seed({seed})
VOCAB = {vocab!r}
rnn = torch.nn.{cls}(len(VOCAB), {hidden})
linear = torch.nn.Linear({hidden}, len(VOCAB))
with torch.no_grad():
    for p in rnn.parameters():
        p.mul_(3.0)
"""
CASES = {  # name: (torch class, hidden, seed, start text, typed, quantity looked at, unit, new first character)
    "lstm": ("LSTM", 48, 0, "the cat sat", " on the mat, 'hello!'", "c", 7, "a"),
    "gru": ("GRU", 32, 1, "down the hole", "\nand out", "z", 5, "w"),
}


def kernel_cells(case):
    cls, hidden, seed, text, *_ = CASES[case]
    return (
        MODEL.format(seed=seed, vocab=VOCAB, cls=cls, hidden=hidden),
        "from rnn_widget.inspect import TextInspector\n"
        f"insp = TextInspector.from_torch(rnn, linear, VOCAB, text={text!r})\ninsp",
    )


def torch_values(case, text):
    """Every quantity over `text` from PyTorch alone: the modules stepped one character at a time
    (nn.LSTMCell/nn.GRUCell-style formulas written out from torch's documented gate order)."""
    import torch

    cls, hidden, seed, *_ = CASES[case]
    ns = {}
    exec(MODEL.format(seed=seed, vocab=VOCAB, cls=cls, hidden=hidden), ns)
    rnn = ns["rnn"].double()
    x = torch.nn.functional.one_hot(torch.tensor([VOCAB.index(c) for c in text]), len(VOCAB)).double()
    with torch.no_grad():
        full, _ = rnn(x[None], None) if rnn.batch_first else rnn(x[:, None])
        h_torch = full.reshape(len(text), hidden).numpy()
        W_ih, W_hh, b = rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0
        b_hh = rnn.bias_hh_l0
        h = torch.zeros(hidden, dtype=torch.double)
        c = torch.zeros(hidden, dtype=torch.double)
        out = {k: [] for k in ("h", "c", "i", "f", "g", "o", "r", "z", "n")}
        for t in range(len(text)):
            gi, gh = W_ih @ x[t] + b, W_hh @ h + b_hh
            if cls == "LSTM":
                i, f, g, o = (gi + gh).chunk(4)
                i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
                c = f * c + i * g
                h = o * c.tanh()
                vals = {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}
            else:
                ir, iz, in_ = gi.chunk(3)
                hr, hz, hn = gh.chunk(3)
                r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
                n = (in_ + r * hn).tanh()
                h = (1 - z) * n + z * h
                vals = {"r": r, "z": z, "n": n, "h": h}
            for k, v in vals.items():
                out[k].append(v.numpy().copy())
    result = {k: np.array(v) for k, v in out.items() if v}
    np.testing.assert_allclose(result["h"], h_torch, atol=1e-12)  # the hand-stepped loop is torch's
    return result


@pytest.fixture(scope="module")
def lab(chromium, e2e_tmp):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = e2e_tmp / "inspect-notebooks"
    root.mkdir()
    for case in CASES:
        write_notebook(root / f"inspect_{case}.ipynb", *kernel_cells(case))
    shutil.copytree(REPO / "notebooks" / "data", root / "data")
    server = Server("lab", root, e2e_tmp / "inspect-state", log_path=ARTIFACTS / "lab-server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


READ_JS = """(root) => {
    const r = root.querySelector('.rnnw-insp-readout');
    return {
        rev: Number(root.dataset.rev), T: Number(root.dataset.t), error: root.dataset.error || null,
        exact: root.dataset.exact || null, heatTitle: root.querySelector('.rnnw-insp-heat-title').textContent,
        status: root.querySelector('.rnnw-insp-status').textContent,
        text: root.querySelector('.rnnw-insp-text').value,
        readout: {...r.dataset}, readoutText: r.textContent,
        chars: [...root.querySelectorAll('.rnnw-insp-char')].map(s => [s.textContent, Number(s.dataset.value)]),
        top: [...root.querySelectorAll('.rnnw-insp-top-item')].map(li => Number(li.dataset.step)),
    };
}"""


DEBUG_JS = """() => {
    const c = document.querySelector('.rnnw-insp canvas.rnnw-insp-heat'); const b = c.getBoundingClientRect();
    return {box: [b.left, b.top, b.width, b.height], cw: c.dataset.cellW, rh: c.dataset.cellH,
            hover: document.elementFromPoint(b.left + 5, b.top + 5)?.className, moves: window.__moves};
}"""


COUNT_JS = """() => { window.__moves = []; document.querySelector('.rnnw-insp canvas.rnnw-insp-heat')
    .addEventListener('pointermove', (e) => window.__moves.push([e.clientX, e.clientY])); }"""


def py_unit(page):
    return py_value(page, "insp.unit")


def hover(page, root, unit, step):
    canvas = root.locator("canvas.rnnw-insp-heat")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cw = float(canvas.get_attribute("data-cell-w"))
    rh = float(canvas.get_attribute("data-cell-h"))
    page.evaluate(COUNT_JS)
    page.mouse.move(box["x"] + (step + 0.5) * cw, box["y"] + (unit + 0.5) * rh, steps=3)


def type_and_change_first(page, root, case):
    """Type the case's text at the end, then replace its first character (every step recomputed):
    the text the page and the kernel hold after both."""
    start, typed, first = CASES[case][3], CASES[case][4], CASES[case][7]
    root.locator("textarea.rnnw-insp-text").click()
    page.keyboard.press("End")
    page.keyboard.type(typed, delay=40)
    text = start + typed
    state = wait_until(
        lambda: (s := root.evaluate(READ_JS))["T"] == len(text) and not s["error"] and s,
        timeout=30,
        what=f"the typed text's values on the page ({root.evaluate(READ_JS)})",
    )
    assert state["text"] == text
    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type(first)
    text = first + text[1:]
    wait_until(
        lambda: (s := root.evaluate(READ_JS))["text"] == text and s["chars"][0][0] == first and s["exact"] == "true",
        timeout=30,
        what=f"the values after the first character changed ({root.evaluate(READ_JS)})",
    )
    return text


@pytest.mark.parametrize("case", list(CASES))
def test_typed_text_matches_torch(browser, lab, case):
    cls, hidden, seed, start, typed, quantity, unit, _ = CASES[case]
    page = browser.new_page()
    try:
        open_notebook(page, lab, f"inspect_{case}.ipynb")
        run_all(page, ".rnnw-insp")
        root = page.locator(".rnnw-insp").first
        wait_until(lambda: root.evaluate(READ_JS)["T"] == len(start), timeout=30, what="the first values")

        # type into the page, character by character, then change the first character: the
        # quantity in view (h) is exact at once; the others are fetched when shown (below)
        text = type_and_change_first(page, root, case)
        h_now = root.evaluate(READ_JS)
        assert h_now["readout"]["quantity"] == "h"
        followed = int(h_now["readout"]["unit"])
        np.testing.assert_allclose(
            [v for _, v in h_now["chars"]], torch_values(case, text)["h"][:, followed], atol=2e-6
        )

        # choose the quantity, hover a unit at the last step: the readout and the coloured text
        root.locator(f'.rnnw-insp-thumb[data-quantity="{quantity}"]').click()
        last = len(text) - 1
        hover(page, root, unit, last)
        want = torch_values(case, text)
        state = wait_until(
            lambda: (
                (s := root.evaluate(READ_JS))["readout"].get("unit") == str(unit)
                and s["readout"].get("quantity") == quantity
                and s["exact"] == "true"
                and s
            ),
            timeout=10,
            what=f"the hovered unit's readout ({root.evaluate(READ_JS)['readout']}, {page.evaluate(DEBUG_JS)})",
        )
        assert state["readout"]["step"] == str(last)
        assert float(state["readout"]["value"]) == pytest.approx(want[quantity][last, unit], abs=2e-6)
        shown = [c for c, _ in state["chars"]]
        assert "".join("\n" if c == "\u21b5" else c for c in shown) == text
        page_series = np.array([v for _, v in state["chars"]])
        np.testing.assert_allclose(page_series, want[quantity][:, unit], atol=2e-6)  # float32 on the page
        order = np.argsort(-want[quantity][:, unit], kind="stable")[: len(state["top"])]
        assert state["top"] == [int(i) for i in order]

        # every quantity, one unit each: the page's values are torch's
        for q in want:
            if q not in ("h", "c", "i", "f", "g", "o") if cls == "LSTM" else q not in ("h", "r", "z", "n"):
                continue
            root.locator(f'.rnnw-insp-thumb[data-quantity="{q}"]').click()
            u = (unit + 3) % hidden
            hover(page, root, u, 2)
            s = wait_until(
                lambda q=q, u=u: (
                    (s := root.evaluate(READ_JS))["readout"].get("quantity") == q
                    and s["readout"].get("unit") == str(u)
                    and s["exact"] == "true"
                    and s
                ),
                timeout=10,
                what=f"{q}[{u}]",
            )
            np.testing.assert_allclose([v for _, v in s["chars"]], want[q][:, u], atol=2e-6, err_msg=q)

        root.locator(f'.rnnw-insp-thumb[data-quantity="{quantity}"]').click()
        hover(page, root, unit, last)
        page.mouse.down()
        page.mouse.up()  # a click keeps the unit
        wait_until(lambda: py_unit(page) == unit, timeout=30, what="the kept unit in the kernel")
        hover(page, root, unit, last)
        # Lab's bars would cover part of a widget taller than the window in the screenshot
        page.add_style_tag(
            content="#jp-top-panel, #jp-menu-panel, .jp-NotebookPanel-toolbar, #jp-main-statusbar "
            "{ display: none !important; }"
        )
        root.evaluate("r => r.scrollIntoView({block: 'start'})")
        hover(page, root, unit, last)
        page.wait_for_timeout(300)
        root.screenshot(path=str(ARTIFACTS / f"inspector-{case}.png"))

        # an unknown character: refused in the page with a message, nothing else changes
        before = root.evaluate(READ_JS)
        root.locator("textarea.rnnw-insp-text").click()
        page.keyboard.press("End")
        page.keyboard.type("Z")
        after = wait_until(lambda: (s := root.evaluate(READ_JS))["error"] and s, timeout=10, what="the refusal")
        assert "'Z'" in after["status"] or '"Z"' in after["status"], after["status"]
        assert after["text"] == text + "Z"  # what was typed stays in the box
        assert after["rev"] == before["rev"] and after["T"] == before["T"]
        assert after["chars"] == before["chars"]
        root.screenshot(path=str(ARTIFACTS / f"inspector-{case}-refused.png"))
        page.keyboard.press("Backspace")
        wait_until(lambda: not root.evaluate(READ_JS)["error"], timeout=10, what="the refusal to clear")
    finally:
        page.close()


@pytest.fixture(scope="module")
def dark_lab(chromium, e2e_tmp):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = e2e_tmp / "inspect-dark-notebooks"
    root.mkdir()
    write_notebook(root / "inspect_lstm.ipynb", *kernel_cells("lstm"))
    state = e2e_tmp / "inspect-dark-state"
    themes = state / "lab-settings" / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    server = Server("lab", root, state, log_path=ARTIFACTS / "lab-dark-server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


BG_JS = """(root) => {
    let el = root, bg = 'rgba(0, 0, 0, 0)';
    while (el && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(el).backgroundColor; el = el.parentElement; }
    return {bg, fg: getComputedStyle(root).color};
}"""


# Hold back the page's messages that ask for exact values (the websocket's send, patched in this page
# only) until window.__releaseFetch() sends them.
HOLD_FETCH_JS = """() => {
    const send = WebSocket.prototype.send, held = [];
    const text = (d) => typeof d === 'string' ? d : new TextDecoder().decode(d instanceof ArrayBuffer ? new Uint8Array(d) : d);
    WebSocket.prototype.send = function (d) {
        try { if (text(d).includes('"fetch"')) { held.push([this, d]); return; } } catch (e) {}
        return send.call(this, d);
    };
    window.__releaseFetch = () => { WebSocket.prototype.send = send; for (const [ws, d] of held) send.call(ws, d); };
}"""


def test_dark_theme(browser, dark_lab):
    """JupyterLab's dark theme: a dark widget with light text, the same exact numbers, screenshots."""
    page = browser.new_page()
    try:
        open_notebook(page, dark_lab, "inspect_lstm.ipynb")
        wait_until(
            lambda: page.evaluate("document.body.dataset.jpThemeLight") == "false", timeout=30, what="the dark theme"
        )
        run_all(page, ".rnnw-insp")
        root = page.locator(".rnnw-insp").first
        wait_until(lambda: root.evaluate(READ_JS)["T"] == len(CASES["lstm"][3]), timeout=30, what="the first values")
        text = type_and_change_first(page, root, "lstm")
        want = torch_values("lstm", text)

        # the page's fetch held back on its way to the kernel: a quantity clicked now has only its
        # coarse preview on the page, said so, with no number of it shown, until the exact values arrive
        page.evaluate(HOLD_FETCH_JS)
        root.evaluate("r => r.scrollIntoView({block: 'start'})")
        root.locator('.rnnw-insp-thumb[data-quantity="g"]').click()
        loading = wait_until(
            lambda: (s := root.evaluate(READ_JS))["exact"] == "false" and s, timeout=5, what="the preview"
        )
        assert loading["readout"]["quantity"] == "g" and loading["readout"]["value"] == ""
        assert "Loading the exact values of g" in loading["readoutText"]
        assert "coarse preview" in loading["heatTitle"]
        root.screenshot(path=str(ARTIFACTS / "inspector-lstm-dark-loading.png"), animations="disabled")
        assert root.evaluate(READ_JS)["exact"] == "false"
        page.evaluate("window.__releaseFetch()")
        hover(page, root, 4, 3)
        s = wait_until(
            lambda: (s := root.evaluate(READ_JS))["exact"] == "true" and s["readout"]["unit"] == "4" and s,
            timeout=30,
            what="g's exact values after the kernel is free",
        )
        np.testing.assert_allclose([v for _, v in s["chars"]], want["g"][:, 4], atol=2e-6)

        root.locator('.rnnw-insp-thumb[data-quantity="f"]').click()
        hover(page, root, 11, 5)
        s = wait_until(
            lambda: (s := root.evaluate(READ_JS))["readout"].get("quantity") == "f" and s["exact"] == "true" and s,
            timeout=10,
            what="f, exact",
        )
        np.testing.assert_allclose([v for _, v in s["chars"]], want["f"][:, 11], atol=2e-6)
        style = root.evaluate(BG_JS)
        nums = lambda css: [int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]  # noqa: E731
        assert max(nums(style["bg"])) < 60 and min(nums(style["fg"])) > 160, style  # dark page, light text
        page.add_style_tag(
            content="#jp-top-panel, #jp-menu-panel, .jp-NotebookPanel-toolbar, #jp-main-statusbar "
            "{ display: none !important; }"
        )
        root.evaluate("r => r.scrollIntoView({block: 'start'})")
        hover(page, root, 11, 5)
        page.wait_for_timeout(300)
        root.screenshot(path=str(ARTIFACTS / "inspector-lstm-dark.png"))
    finally:
        page.close()
