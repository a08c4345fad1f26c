"""Issue 8/10 polish in a real JupyterLab + Chromium: the Emitted steps control of encoder-decoder
mode (changed in the page, the diagram shows that many outputs, Python's spec agrees).

Each test opens its own small notebook written into the server's folder.
"""

import pytest
from jupyter_harness import open_notebook, run_all, wait_until, write_notebook

pytestmark = pytest.mark.browser

SETUP = """import numpy as np
from rnn_widget import RNNWidget
from rnn_widget.core import Network, Spec"""


def py_value(page, expr):
    """jupyter_harness.py_value with the focus taken out of the widget first."""
    from jupyter_harness import py_value as value

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return value(page, expr)


@pytest.fixture
def fresh_page(browser, lab_server, artifacts):
    """fresh_page(name, *cells): a new notebook with these code cells, open, all cells run."""
    pages = []

    def open_new(name: str, *cells: str, widgets: int = 1):
        write_notebook(lab_server.root / f"{name}.ipynb", SETUP, *cells)
        page = browser.new_page()
        page.set_viewport_size({"width": 1440, "height": 1400})
        pages.append((name, page))
        open_notebook(page, lab_server, f"{name}.ipynb")
        run_all(page, ".rnnw", count=widgets)
        return page

    yield open_new
    for name, page in pages:
        try:
            page.screenshot(path=str(artifacts / f"{name}-end.png"))
        finally:
            page.close()


ENCDEC = """net = Network(Spec(cell="rnn", input_size=1, hidden_sizes=(2,), output_size=1), seed=1)
w = RNNWidget(net, np.arange(5.0)[:, None])
w"""


def emitted(root) -> int:
    """Output boxes drawn as emitted (not marked absent) in the unrolled diagram."""
    return root.locator(".rnnw-diagram .rnnw-node-y:not(.is-absent)").count()


def test_emitted_steps_control_in_the_page(fresh_page, shot):
    page = fresh_page("polish_encdec", ENCDEC)
    root = page.locator(".rnnw").first
    control = root.locator("select[data-control='decoder-steps']")
    assert not control.is_visible()  # many-to-many: no such control
    root.locator("select[data-control='mode']").select_option("encoder-decoder")
    wait_until(lambda: py_value(page, "w.spec['mode']") == "encoder-decoder", timeout=30, what="mode from the page")
    wait_until(lambda: control.is_visible() and control.input_value() == "1", timeout=30, what="the control, at 1")
    assert control.locator("option").all_text_contents() == ["1", "2", "3", "4"]  # T = 5: 1 to T - 1
    wait_until(lambda: emitted(root) == 1, timeout=30, what="one output box")

    control.select_option("3")
    wait_until(lambda: py_value(page, "w.spec['decoder_steps']") == 3, timeout=30, what="decoder_steps = 3 in Python")
    wait_until(lambda: emitted(root) == 3, timeout=30, what="three output boxes")
    assert py_value(page, "w.trace['scored']") == [False, False, True, True, True]
    assert py_value(page, "w.trace['input_mask']") == [True, True, False, False, False]
    noinput = root.locator(".rnnw-diagram .rnnw-node-x.is-noinput")
    assert noinput.count() == 3
    shot("polish-encdec-3-steps", root)

    # back to many-to-many: the control goes, every step emits again
    root.locator("select[data-control='mode']").select_option("many-to-many")
    wait_until(lambda: emitted(root) == 5 and not control.is_visible(), timeout=30, what="many-to-many again")
