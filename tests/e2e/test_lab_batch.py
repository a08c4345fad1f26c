"""Mini-batches in a real JupyterLab + Chromium: pick a sample in the page, read its hidden states
back from the diagram and the batch's H_t rows from the Mini-batch panel, and compare them with
PyTorch's own forward pass of the whole batch (nn.RNN on (T, n, d)); edit a sample's input in the
page and compare again. Then the lesson notebook 09 in Lab, every output looked at
(screenshots in test-artifacts/batch/)."""

import numpy as np
import pytest
from jupyter_harness import REPO, hidden_and_outputs, open_notebook, py_value, run_all, run_cell, wait_until

pytestmark = pytest.mark.browser

SEQS = [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], [0, 5, 10, 15, 20]]
BATCH_ARTIFACTS = REPO / "test-artifacts" / "batch"

READ_ROWS = """(root) => [...root.querySelectorAll('.rnnw-batch-tr[data-sample]')].map(row => ({
    h: [...row.querySelectorAll('[data-what="h0"] .rnnw-batch-val')].map(s => Number(s.dataset.value)),
    y: [...row.querySelectorAll('[data-what="y"] .rnnw-batch-val')].map(s => Number(s.dataset.value)),
}))"""


def torch_forward(page, name, seqs):
    """PyTorch's forward pass of the widget's network (its weights read from the kernel) over the
    batch: hidden states (T, n, h) and outputs (T, n, 1)."""
    import torch

    from rnn_widget.core import Network, Spec, to_torch

    params = py_value(page, f"{{k: v.tolist() for k, v in {name}.network.params.items()}}")
    spec = Spec.from_dict(py_value(page, f"{name}.spec"))
    module, linear = to_torch(Network(spec, params))
    X = torch.tensor(np.array(seqs, dtype=float).transpose(1, 0)[:, :, None])
    with torch.no_grad():
        out, _ = module(X)
        return out.numpy(), linear(out).numpy()


def test_pick_a_sample_and_read_its_hidden_states_against_pytorch(lab_notebook, shot):
    page = lab_notebook
    before = page.locator(".rnnw").count()
    run_cell(
        page,
        "from rnn_widget import RNNWidget\n"
        'bw = RNNWidget.from_preset("next_number", focus_step=4)\n'
        f"bw.set_batch({SEQS!r}, [[[11]], [[12]], [[25]]])\nbw",
    )
    wait_until(lambda: page.locator(".rnnw").count() > before, what="the batch widget")
    root = page.locator(".rnnw").nth(before)
    root.locator(".rnnw-batch").scroll_into_view_if_needed()
    wait_until(lambda: root.locator(".rnnw-batch-tr[data-sample]").count() == 3, what="three sample rows")
    H, O = torch_forward(page, "bw", SEQS)

    # the panel: H_5 and O_5 with one row per sample
    rows = root.evaluate(READ_ROWS)
    for k in range(3):
        np.testing.assert_allclose(rows[k]["h"], H[4, k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(rows[k]["y"], O[4, k], rtol=1e-9, atol=1e-12)

    # pick sample 3: Python follows it, and the diagram shows its hidden states
    root.locator('button.rnnw-batch-pick[data-sample="2"]').click()
    wait_until(lambda: py_value(page, "bw.batch_sample") == 2, timeout=30, what="sample = 2 in Python")
    wait_until(lambda: hidden_and_outputs(root)[0][0] != [], timeout=30, what="the diagram")

    def diagram_is_sample(k):
        h, y = hidden_and_outputs(root)
        return np.allclose(h, H[:, k], rtol=1e-9, atol=1e-12) and np.allclose(y, O[:, k], rtol=1e-9, atol=1e-12)

    wait_until(lambda: diagram_is_sample(2), timeout=30, what="the diagram to show sample 3 as PyTorch computes it")
    assert root.locator('button.rnnw-batch-pick[data-sample="2"]').get_attribute("aria-pressed") == "true"
    # sample 3's own target in the diagram (25), not sample 1's
    wait_until(lambda: "25" in root.locator("g.rnnw-target").first.get_attribute("aria-label"), what="target 25")
    page.set_viewport_size({"width": 1400, "height": 2400})  # the whole widget in one picture
    shot("lab-batch-sample3", root)

    # edit sample 2's input at step 5 in the page (an entry edit), then compare again
    cell = root.locator('input.rnnw-batch-cell[data-sample="1"]')
    cell.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("11")
    page.keyboard.press("Enter")
    wait_until(lambda: py_value(page, "bw.batch_inputs[0][4]") == [11.0], timeout=30, what="the edit in Python")
    seqs = [SEQS[0], [2, 4, 6, 8, 11], SEQS[2]]
    H2, O2 = torch_forward(page, "bw", seqs)
    wait_until(
        lambda: np.allclose(root.evaluate(READ_ROWS)[1]["h"], H2[4, 1], rtol=1e-9, atol=1e-12),
        timeout=30,
        what="sample 2's H_5 recomputed",
    )
    assert diagram_is_sample(2)  # the followed sample did not change
    # a refused value in the page: nothing sent, a message, the previous number stays
    cell.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("abc")
    page.keyboard.press("Enter")
    assert root.locator(".rnnw-batch .rnnw-msg").inner_text().strip() != ""
    assert py_value(page, "bw.batch_inputs[0][4]") == [11.0]
    page.keyboard.press("Escape")
    shot("lab-batch-edited", root)
    page.set_viewport_size({"width": 1400, "height": 1000})  # as launch_browser made it


def test_the_minibatch_lesson_in_lab(browser, lab_server):
    """Notebook 09 run in Lab: every output on screen (screenshots), and the widget following the
    held-out sample shows PyTorch's hidden states for it."""
    BATCH_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 2600})  # a whole widget in one picture
    try:
        open_notebook(page, lab_server, "09_minibatches.ipynb")
        run_all(page, count=2, timeout=120)
        outputs = page.locator(".jp-Notebook .jp-CodeCell .jp-OutputArea")
        texts = []
        for i in range(outputs.count()):  # Lab draws only the cells in view: scroll to each output
            out = outputs.nth(i)
            out.scroll_into_view_if_needed()
            texts.append(out.inner_text())
            box = out.bounding_box()
            if box and box["height"] > 0:
                out.screenshot(path=str(BATCH_ARTIFACTS / f"lesson-output-{i + 1}.png"))
        text = "\n".join(texts)
        assert "the widget's H_1 is the same: True" in text
        assert "is the mean of the samples' gradients: True" in text
        assert page.locator(".jp-OutputArea-output img").count() >= 1  # the loss curves
        assert "Error" not in text and "Traceback" not in text
        trained = page.locator(".rnnw").nth(1)
        assert trained.locator(".rnnw-batch-tr[data-sample]").count() == 4
        assert trained.locator('button.rnnw-batch-pick[data-sample="3"]').get_attribute("aria-pressed") == "true"
        h, _ = hidden_and_outputs(trained)
        H, _ = torch_forward(page, "several", [[v / 10 for v in s] for s in [*SEQS, [3, 6, 9, 12, 15]]])
        np.testing.assert_allclose(h, H[:, 3], rtol=1e-9, atol=1e-12)
    finally:
        page.close()
