"""Where numbers are, for the hub test's leak search (test_hub.py): the numbers a page shows or a
saved notebook carries, the ones a student may legitimately see, and the teacher's view of a
student's variant."""

from __future__ import annotations

import base64
import json
import re

from hub_grading import BLANKS
from jupyter_harness import MINUS

# a number standing alone: not the 2 of "x2", nor digits inside a model id or an address
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")

# where the widget shows numbers: the diagram's values, the formulas' numbers, the number fields
PAGE_TEXT_JS = """(root) => [
    ...[...root.querySelectorAll('[data-value]')].map(e => e.getAttribute('data-value')),
    ...[...root.querySelectorAll('.rnnw-num, .rnnw-formula, .rnnw-diagram text')].map(e => e.textContent),
    ...[...root.querySelectorAll('input')].map(e => e.value)].join(' ')"""


def numbers(text: str) -> set[float]:
    return {float(m) for m in NUMBER.findall(text.replace(MINUS, "-"))}


def page_numbers(page) -> set[float]:
    """Every number the widget shows: diagram values, formulas, number fields."""
    return set().union(*(numbers(r.evaluate(PAGE_TEXT_JS)) for r in page.locator(".rnnw").all()))


def file_numbers(nb: dict) -> set[float]:
    """Every number in what a saved notebook carries besides the code: outputs and widget state."""
    models = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    # of the saved widget state, what Python computed (the bundle's source in _esm is full of
    # numbers; limits, layout and the given weights and inputs are no one's answers)
    texts = [
        json.dumps([m.get("state", {}).get(k) for k in ("trace", "homework", "loss_curve", "error", "training")])
        for m in models.get("state", {}).values()
    ]
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = {k: v for k, v in (out.get("data") or {}).items() if "widget-view" not in k}
            # the static picture (rnn_widget/picture.py): what it draws as text, not its geometry
            svgs = [_joined(data.pop("image/svg+xml", ""))]
            html = _joined(data.pop("text/html", ""))
            svgs += [base64.b64decode(b).decode() for b in DATA_URI.findall(html)]
            texts += [t for svg in svgs for t in SVG_TEXT.findall(svg)]
            texts.append(DATA_URI.sub("", html))  # the html around it (the alt text)
            texts.append(json.dumps([data, out.get("text"), out.get("traceback")]))
    return numbers(" ".join(texts))


DATA_URI = re.compile(r"base64,([A-Za-z0-9+/=]+)")
SVG_TEXT = re.compile(r">([^<>]*)</t(?:ext|span)>")


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def saved_exercise(nb: dict) -> dict:
    """The exercise's widget state saved in the notebook (Lab's saveState is on in the homes)."""
    models = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    found = [m["state"] for m in models.get("state", {}).values() if "homework" in m.get("state", {})]
    assert len(found) == 1, f"expected the exercise's state saved in the notebook, found {len(found)}"
    return found[0]


def open_slots_are_null(state: dict) -> list[str]:
    """Every slot not right has no value in the saved trace; returns the slots checked."""
    checked = []
    for slot in state["homework"]["blanks"]:
        if slot["status"] in ("right", "revealed"):
            continue
        node = state["trace"]
        for key in slot["path"]:
            node = node[key]
        for i in slot["index"]:
            node = node[i]
        assert node is None, f"{slot['name']} is {slot['status']} but the saved trace holds {node}"
        assert slot["value"] is None
        checked.append(slot["name"])
    return checked


def must_not_show(forbidden: dict[str, float], shown_legitimately: set[float]) -> dict[str, float]:
    """The forbidden values that can be searched for: those not equal to a number the student may
    see anyway (a weight, an input, a value already shown, a step of a shown formula)."""
    return {k: v for k, v in forbidden.items() if v not in shown_legitimately}


def legit_numbers(view: dict, shown: dict[str, list[float]]) -> set[float]:
    """Numbers the page may show: weights, inputs, H0, the values shown in the diagram, and the
    terms of the formula of every step whose state is shown (A h_{t-1}, B x_t, their sum)."""
    import numpy as np

    A, B, C = (np.array(view[n]) for n in ("A", "B", "C"))
    out = {0.0}
    for name in ("A", "B", "C", "X"):
        out |= {float(v) for row in view[name] for v in row}
    for values in shown.values():
        out |= {float(v) for v in values}
    h = [np.zeros(A.shape[0])] + [np.array(v) for v in view["h"]]
    for t, x in enumerate(view["X"]):
        # the input term B x_t of every step follows from what is given (the trace carries it)
        out |= {float(v) for v in np.atleast_1d(B @ np.array(x))}
        if len(shown.get(f"h:0:{t}", [])) == A.shape[0]:
            terms = [A @ h[t], B @ np.array(x), A @ h[t] + B @ np.array(x), C @ h[t + 1]]
            out |= {float(v) for term in terms for v in np.atleast_1d(term)}
    return out


def teacher_view(student: str) -> dict:
    from rnn_widget.exercise import Exercise

    ex = Exercise.from_preset("tom_yeh", blanks=BLANKS, seed=student, answers_file=None)
    try:
        view = {n: ex.get(n, "column").tolist() for n in ("A", "B", "C")}
        view["X"] = [list(r) for r in ex.inputs]
        ex.reveal_answers()
        view["h"], view["y"] = ex.hidden_states().tolist(), ex.outputs().tolist()
        return view
    finally:
        ex.close()
