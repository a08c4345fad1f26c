"""Driving a student's JupyterLab page in the hub test (test_hub.py): answer cells, the widget's
answer boxes, running cells, saving, and reading the diagram's values."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from jupyter_harness import READ_JS

LAST_COUNT_JS = """() => Math.max(0, ...[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(p => { const m = /\\[(\\d+)\\]/.exec(p.textContent); return m ? Number(m[1]) : 0; }))"""


def answer_cell(page, blank: str):
    return page.locator(".jp-Notebook .jp-CodeCell").filter(has_text=f'# ex.check("{blank}",')


def type_answer(page, blank: str, line: str):
    """Click at the end of the blank's answer cell and type the line, as a student would."""
    cell = answer_cell(page, blank)
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(line)
    page.keyboard.press("Escape")


SLOT_STATE_JS = """(root, slot) => {
    const ins = [...root.querySelectorAll(`input.rnnw-answer[data-blank="${slot}"]`)].filter(i => i.isConnected);
    if (ins.some(i => i.classList.contains('is-pending'))) return null;
    if (ins.some(i => i.classList.contains('is-wrong'))) return 'wrong';
    return ins.length ? null : 'right';
}"""


def answer_in_page(page, root, slot: str, value: float, timeout: float = 30.0) -> str:
    """Type `value` into the blank's empty box in the diagram, press Enter, and wait for Python's
    verdict: 'right' (the box gives way to the value) or 'wrong' (the box is marked wrong)."""
    boxes = root.locator(f'input.rnnw-answer[data-blank="{slot}"]')
    in_diagram = root.locator(f'input.rnnw-answer[data-blank="{slot}"][data-where^="diagram"]')
    box = in_diagram.first if in_diagram.count() else boxes.first
    box.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = root.evaluate(SLOT_STATE_JS, slot)
        if state:
            return state
        time.sleep(0.05)
    boxes_now = root.evaluate(
        """(root, slot) => [...root.querySelectorAll(`input.rnnw-answer[data-blank="${slot}"]`)]
            .map(i => `${i.dataset.where} ${i.className} value=${i.value} title=${i.title}`)""",
        slot,
    )
    panel = root.locator(".rnnw-homework").inner_text()
    raise TimeoutError(f"no verdict for {slot} = {value} in {timeout} s; its boxes: {boxes_now}; homework: {panel}")


def run_from(page, cell, timeout: float = 90.0):
    """Select `cell`, Run > Run Selected Cell and All Below, wait until the last cell has run."""
    before = page.evaluate(LAST_COUNT_JS)
    cell.locator(".jp-InputPrompt").click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run Selected Cell and All Below")).click()
    last = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").last
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r"\[(\d+)\]", last.inner_text())
        if m and int(m.group(1)) > before:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the cells below did not run in {timeout} s")


def run_here(page, cell, timeout: float = 60.0):
    """Select `cell` (command mode) and run it in place (Ctrl+Enter); wait for its new count."""
    prompt = cell.locator(".jp-InputPrompt")

    def count():
        m = re.search(r"\[(\d+)\]", prompt.inner_text())
        return int(m.group(1)) if m else 0

    before = page.evaluate(LAST_COUNT_JS)
    prompt.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Enter")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count() > before:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the cell did not run in {timeout} s")


def save(page, path: Path, must_contain: str, timeout: float = 30.0):
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            nb = json.loads(path.read_text())
        except ValueError:  # being written
            nb = None
        if nb and must_contain in json.dumps(nb) + "".join("".join(c["source"]) for c in nb["cells"]):
            return nb
        time.sleep(0.1)
    raise TimeoutError(f"{path} was not saved with {must_contain!r}")


def read_nodes(root) -> dict[str, list]:
    """The diagram's nodes: {'h:0:0': [3.0, 6.0], 'h:0:1': [None, None], ...}; None where the page
    has no value (an open blank, or what gives it away)."""
    out = {}
    for ref, text in root.evaluate(READ_JS).items():
        v = json.loads(text) if text else None
        out[ref] = [None if x is None else float(x) for x in v] if isinstance(v, list) else [None]
    return out


def shown_values(nodes: dict[str, list]) -> dict[str, list[float]]:
    return {ref: [x for x in v if x is not None] for ref, v in nodes.items()}


def cell_output(cell) -> str:
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())
