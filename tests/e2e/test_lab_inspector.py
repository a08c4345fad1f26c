"""The TextInspector in a real JupyterLab: type into the page, read back what the page shows (the
hovered unit's readout and the text coloured by that unit, from their data attributes) and compare
it with PyTorch's own forward pass over the same text. A refused character changes nothing.
Screenshots in test-artifacts/inspect/ (light theme)."""

from __future__ import annotations

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
CASES = {  # name: (torch class, hidden, seed, start text, typed, quantity looked at, unit)
    "lstm": ("LSTM", 48, 0, "the cat sat", " on the mat, 'hello!'", "c", 7),
    "gru": ("GRU", 32, 1, "down the hole", "\nand out", "z", 5),
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


@pytest.mark.parametrize("case", list(CASES))
def test_typed_text_matches_torch(browser, lab, case):
    cls, hidden, seed, start, typed, quantity, unit = CASES[case]
    page = browser.new_page()
    try:
        open_notebook(page, lab, f"inspect_{case}.ipynb")
        run_all(page, ".rnnw-insp")
        root = page.locator(".rnnw-insp").first
        wait_until(lambda: root.evaluate(READ_JS)["T"] == len(start), timeout=30, what="the first values")

        # type into the page, character by character
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

        # choose the quantity, hover a unit at the last step: the readout and the coloured text
        root.locator(f'.rnnw-insp-thumb[data-quantity="{quantity}"]').click()
        last = len(text) - 1
        hover(page, root, unit, last)
        want = torch_values(case, text)
        state = wait_until(
            lambda: (
                (s := root.evaluate(READ_JS))["readout"].get("unit") == str(unit)
                and s["readout"].get("quantity") == quantity
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
