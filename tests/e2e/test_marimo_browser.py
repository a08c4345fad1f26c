"""notebooks/marimo_rnn.py in a real `marimo edit` server and Chromium: the widget renders and takes
edits, and the cell that reads it follows every change, from the page (a typed number, the
widget's Train button) and from Python (training in the background, assigning the inputs).

Every loss the page shows is checked against PyTorch: a forward pass and SGD written out in torch
on the preset's weights, independent of rnn_widget.core. Screenshots: test-artifacts/marimo/.
"""

from __future__ import annotations

import os
import shutil

import pytest
import torch
from conftest import ConsoleLog
from jupyter_harness import BIN, REPO, Server, cell_input, free_port, type_into_cell, wait_until

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "marimo"
NOTEBOOK = "marimo_rnn.py"
TARGET = 11.0


class MarimoServer(Server):
    """`marimo edit NOTEBOOK` on 127.0.0.1 without a token, its config and state in `state_dir`
    (the harness's Server: same readiness check, logs and process-group stop)."""

    def __init__(self, mode, notebook, state_dir, log_path):
        import subprocess

        self.kind, self.root, self.port = f"marimo {mode}", notebook.parent, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env[var] = str(state_dir / var.lower())
        self.cmd = [
            str(BIN / "marimo"),
            mode,
            str(notebook),
            "--headless",
            "--no-token",
            "--host=127.0.0.1",
            f"--port={self.port}",
            "--no-sandbox",
            *(["--skip-update-check"] if mode == "edit" else []),
        ]
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            self.cmd, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )


def run_stale(page, attempts: int = 8):
    """Click marimo's "run all stale cells" until the widget shows (a click before the kernel is
    up does nothing)."""
    button = page.locator("[data-testid=chrome-controls-bottom-right] [data-testid=run-button]")
    for _ in range(attempts):
        button.click(timeout=60_000)
        try:
            page.wait_for_selector(".rnnw", timeout=10_000)
            return
        except Exception:
            continue
    raise AssertionError(f"marimo did not run the notebook after {attempts} clicks on Run all")


@pytest.fixture(scope="module", params=["edit", "run"])
def marimo_page(request, browser, e2e_tmp):
    """The notebook open in `marimo edit` (the editor) or `marimo run` (the app, code hidden)."""
    mode = request.param
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = e2e_tmp / f"marimo-{mode}"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / NOTEBOOK, root / NOTEBOOK)  # marimo edit saves into its file
    server = MarimoServer(mode, root / NOTEBOOK, e2e_tmp / f"marimo-{mode}-state", ARTIFACTS / f"{mode}-server.log")
    page = None
    log = None
    try:
        server.wait_ready(timeout=90, path="/health")
        page = browser.new_page()
        log = ConsoleLog(page, ARTIFACTS / f"{mode}-console.log")
        page.goto(server.url + "/", timeout=60_000)
        if mode == "edit":  # marimo edit opens a notebook without running it: Run all, as a user does
            run_stale(page)
        page.wait_for_selector(".rnnw .rnnw-diagram", timeout=90_000)
        page.wait_for_selector(".rnn-loss", timeout=60_000)
        yield mode, page
    finally:
        if log is not None:
            log.save()
        if page is not None:
            page.close()
        server.stop()


# ---- PyTorch, independent of rnn_widget.core --------------------------------------------------


def initial_params() -> dict:
    from rnn_widget import presets

    return {k: v.copy() for k, v in presets.load("next_number").network.params.items()}


def torch_train(params: dict, xs, steps: int = 0, lr: float = 0.01) -> tuple[dict, float]:
    """`steps` plain SGD steps on ½(O_T − 11)² of the tanh RNN h_t = tanh(x_t W_xh + h_{t-1} W_hh
    + b_h), O_T = h_T W_hy + b_y; returns the weights and the loss at them."""
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    x = torch.tensor(xs, dtype=torch.float64).reshape(-1, 1)

    def loss():
        h = torch.zeros(1, p["W_hh"].shape[0], dtype=torch.float64)
        for t in range(x.shape[0]):
            h = torch.tanh(x[t : t + 1] @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])
        out = h @ p["W_hy"] + p["b_y"]
        return 0.5 * ((out - TARGET) ** 2).sum()

    for _ in range(steps):
        value = loss()
        grads = torch.autograd.grad(value, list(p.values()))
        with torch.no_grad():
            for v, g in zip(p.values(), grads):
                v -= lr * g
    final = float(loss().detach())
    return {k: v.detach().numpy().copy() for k, v in p.items()}, final


# ---- reading the page -------------------------------------------------------------------------


def readout(page):
    """The table of the cell under the widget."""
    return page.locator("table", has=page.locator(".rnn-loss")).first


def shown_loss(page) -> float:
    return float(page.locator(".rnn-loss").first.get_attribute("data-value"))


def shown_steps(page) -> int:
    return int(page.locator(".rnn-steps").first.inner_text())


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(b))


def wait_loss(page, expected: float, what: str, timeout: float = 60):
    return wait_until(lambda: close(shown_loss(page), expected) and shown_loss(page), timeout=timeout, what=what)


def marimo_button(page, label: str):
    """One of the notebook's own run buttons (not the widget's, which are inside .rnnw)."""
    return page.locator("button:not(.rnnw-btn)", has_text=label).first


def test_marimo_cells_follow_the_page_and_python(marimo_page):
    mode, page = marimo_page

    def shot(name, target):
        target.screenshot(path=str(ARTIFACTS / f"{mode}-{name}.png"))

    root = page.locator(".rnnw").first
    params = initial_params()
    xs = [1.0, 3.0, 5.0, 7.0, 9.0]

    # 1. the dependent cell shows the preset's loss
    _, loss0 = torch_train(params, xs)
    wait_loss(page, loss0, "the preset's loss in the cell under the widget")
    assert shown_steps(page) == 0
    shot("1-widget", root)

    # 2. a number typed in the widget (an edit message, not a trait the page sets): the cell follows
    type_into_cell(page, root, "W_xh row 1 column 1", "0.5")
    params["W_xh"][0, 0] = 0.5
    _, loss1 = torch_train(params, xs)
    wait_loss(page, loss1, "the loss after W_xh[1,1] := 0.5 typed in the page")

    # 3. a refused edit says why in the page and changes nothing in Python
    msg = root.locator('.rnnw-matrix[data-ref="p:W_hh"] .rnnw-msg')
    type_into_cell(page, root, "W_hh row 1 column 1", "abc")
    text = wait_until(lambda: msg.inner_text().strip(), what="a message under W_hh")
    assert "abc" in text, text
    assert cell_input(root, "W_hh row 1 column 1").get_attribute("aria-invalid") == "true"
    shot("2-refused", root.locator('.rnnw-matrix[data-ref="p:W_hh"]'))
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    assert close(shown_loss(page), loss1)

    # 4. a marimo slider whose on_change sets one weight from Python (w.set_entry)
    slider = page.get_by_role("slider").first
    before = float(slider.get_attribute("aria-valuenow"))
    assert close(before, round(params["W_hh"][0, 0], 2), 1e-12)
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    value = wait_until(
        lambda: (v := float(slider.get_attribute("aria-valuenow"))) != before and v, what="the slider to move"
    )
    page.wait_for_timeout(300)  # the last key press
    value = float(slider.get_attribute("aria-valuenow"))
    assert close(value, before + 0.03, 1e-9), (before, value)
    params["W_hh"][0, 0] = value
    _, loss1 = torch_train(params, xs)
    wait_loss(page, loss1, f"the loss after the slider set W_hh[1,1] := {value}")
    slider.scroll_into_view_if_needed()
    shot("3-slider", page)

    # 5. training from Python (the notebook's Train button runs w.train(50) in the background)
    untrained = {k: v.copy() for k, v in params.items()}
    marimo_button(page, "Train").click()
    params, loss2 = torch_train(params, xs, steps=50)
    wait_until(lambda: shown_steps(page) == 50, timeout=90, what="50 SGD steps in the cell under the widget")
    wait_loss(page, loss2, "the loss after 50 SGD steps started from Python")
    assert loss2 < loss1
    shot("4-cell-after-training", readout(page))
    shot("4-widget-training", root.locator(".rnnw-training"))

    # 6. an assignment from Python (w.inputs = ...) in a cell: the cell under the widget follows
    seq = page.get_by_role("textbox", name="sequence")
    seq.fill("2, 4, 6, 8, 10")
    seq.press("Enter")
    marimo_button(page, "Use this sequence").click()
    xs = [2.0, 4.0, 6.0, 8.0, 10.0]
    _, loss3 = torch_train(params, xs)
    wait_loss(page, loss3, "the loss after w.inputs = 2, 4, 6, 8, 10 from Python")

    # 7. training started by the widget's own Train button (a message to the kernel)
    root.locator("button[data-action=train]").click()
    params, loss4 = torch_train(params, xs, steps=50)
    wait_until(lambda: shown_steps(page) == 100, timeout=90, what="100 SGD steps after the widget's Train")
    wait_loss(page, loss4, "the loss after the widget's own Train")
    shot("6-notebook", page)

    # 8. a sequence Python refuses: the notebook says why, the widget and the cell keep their numbers
    seq.fill("2, 4, x")
    seq.press("Enter")
    marimo_button(page, "Use this sequence").click()
    callout = page.get_by_text("could not convert string to float").first  # not in the code: in the output
    text = wait_until(lambda: callout.inner_text(), what="the refusal under the buttons")
    assert "Not used" in text and "x" in text, text
    page.wait_for_timeout(500)
    assert close(shown_loss(page), loss4) and shown_steps(page) == 100

    # 9. Reset from Python (w.reset_training()): the weights from before the first step, no history
    marimo_button(page, "Reset the weights").click()
    _, loss5 = torch_train(untrained, xs)
    wait_until(lambda: shown_steps(page) == 0, timeout=60, what="no SGD steps after Reset")
    wait_loss(page, loss5, "the loss at the weights from before training, after Reset")
