"""Homework on a real JupyterHub (issue 7), in a real Chromium.

JupyterHub with a shared-password authenticator and SimpleLocalProcessSpawner, configurable-http-
proxy from node_modules, all on 127.0.0.1 under one temporary folder (tests/e2e/hub_harness.py).
Two students sign in through the hub's login page, each in their own browser context. In each
one's own single-user JupyterLab the homework (notebooks/homework/) copied into their home is run:
ada has the otter-grader version and answers every blank right, bob the nbgrader version and
leaves the input term out of h2[1], which must show the matching hint. The score read from Python
in each kernel is what the answers deserve, and otter run / nbgrader autograde of the notebooks
they saved give the same. Neither page nor saved file holds the other student's key, or the
student's own values that are still open.

The students answer only in the page: each number typed into its blank's box in the widget and
Enter; the answer cells stay empty. Every checked answer is saved in rnn_widget_answers.json
beside the notebook (the kernel's working directory), which the graders' re-run checks again:
ada hands in the zip the otter template's export cell makes (the notebook and that file), bob's
folder (the notebook and that file) is what nbgrader collects. The answers file holds the
student's own answers and nothing of the key. HUB_ANSWER_IN=cells answers in the answer cells
(`ex.check("h2", [...])`) instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hub_harness import (
    ANSWERS_FILE,
    BLANKS,
    Hub,
    UserServer,
    all_right,
    answer_lines,
    find_proxy,
    homework_key,
    input_term_left_out,
    login,
    nbgrader_generate,
    nbgrader_grade,
    otter_assign,
    otter_grade,
    python_score,
    slot_answers,
    wait_server_ready,
)
from jupyter_harness import CHROMIUM_ARGS, MINUS, READ_JS, open_notebook, py_value, run_all

pytestmark = pytest.mark.browser

HOMEWORK = "rnn_by_hand.ipynb"
# Where the students answer: "page" (the blanks' boxes in the widget, Enter) or "cells" (ex.check
# lines run in the answer cells). HUB_ANSWER_IN overrides.
ANSWER_IN = os.environ.get("HUB_ANSWER_IN", "page")
GRADER = {"ada": "otter", "bob": "nbgrader"}
STUDENTS = tuple(GRADER)


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the hub test cannot run: {reason}", pytrace=False)
    message = f"HUB TEST SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="module")
def proxy() -> str:
    path = find_proxy()
    if path is None:
        _unavailable(
            "configurable-http-proxy not found in node_modules/.bin (npm install), $CONFIGURABLE_HTTP_PROXY or PATH"
        )
    try:
        import rnn_widget.exercise  # noqa: F401
    except ImportError:
        _unavailable("the exercise engine (rnn_widget.exercise) is not here")
    return path


def _not_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def timings():
    return {}


@pytest.fixture(scope="module")
def graders(tmp_path_factory):
    """otter assign and nbgrader generate_assignment, in the background while the hub starts."""
    root = tmp_path_factory.mktemp("graders")
    pool = ThreadPoolExecutor(2)
    futures = {
        "otter": pool.submit(otter_assign, root / "otter"),
        "nbgrader": pool.submit(nbgrader_generate, root / "nbgrader"),
    }
    yield futures, root
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def hub(chromium, proxy, graders, tmp_path_factory, artifacts, timings):
    root = tmp_path_factory.mktemp("hub")
    t0 = time.monotonic()
    hub = Hub(root, list(STUDENTS), proxy=proxy, log_path=artifacts / "hub-server.log")
    try:
        hub.wait_ready()
        timings["hub start"] = time.monotonic() - t0
        yield hub
    finally:
        hub.stop()
        # every process the hub started (proxy, servers, kernels) is gone
        assert not [p for p in hub._seen if _not_zombie(p)], hub._seen


@pytest.fixture(scope="module")
def pw_browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Student:
    """One student's own browser context (the hub's cookie is per browser: one context each)."""

    def __init__(self, browser, hub: Hub, user: str, artifacts: Path):
        self.user, self.hub = user, hub
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"[{m.type}] {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"[pageerror] {e}"))
        self.artifacts = artifacts

    def shot(self, name: str, target=None) -> Path:
        path = self.artifacts / f"hub-{self.user}-{name}.png"
        (target or self.page).screenshot(path=str(path))
        return path

    def close(self):
        (self.artifacts / f"hub-{self.user}-console.log").write_text("\n".join(self.console) + "\n")
        self.context.close()


# ---- the page ---------------------------------------------------------------------------------

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


# ---- where numbers are --------------------------------------------------------------------------

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
            texts.append(json.dumps([data, out.get("text"), out.get("traceback")]))
    return numbers(" ".join(texts))


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


# ---- the test -----------------------------------------------------------------------------------


def test_two_students_do_their_homework_on_a_real_hub(pw_browser, hub, graders, artifacts, timings):
    answers = {"ada": all_right("ada")}
    answers["bob"], bob_wrong = input_term_left_out("bob")
    keys = {u: homework_key(u) for u in STUDENTS}
    views = {u: teacher_view(u) for u in STUDENTS}
    saved, live, submissions = {}, {}, {}
    students = {}
    try:
        for user in STUDENTS:
            s = students[user] = Student(pw_browser, hub, user, artifacts)
            page, other = s.page, next(u for u in STUDENTS if u != user)
            t0 = time.monotonic()
            login(page, hub, user, shot=s.shot)
            server = wait_server_ready(hub, user)
            assert server["url"] == f"/user/{user}/"
            timings[f"{user}: login + spawn"] = time.monotonic() - t0
            # the teacher hands out the homework: the student version of the template, in their home
            t0 = time.monotonic()
            made = graders[0][GRADER[user]].result()
            shutil.copy(made[0] if GRADER[user] == "otter" else made[1], hub.home(user) / HOMEWORK)
            timings[f"{user}: waiting for otter assign / nbgrader generate"] = time.monotonic() - t0

            # 1. the homework as handed out, run top to bottom: the widget, every blank open
            t0 = time.monotonic()
            open_notebook(page, UserServer(hub, user), HOMEWORK)
            run_all(page, count=1, timeout=90)
            timings[f"{user}: open + Run All"] = time.monotonic() - t0
            root = page.locator(".rnnw").first
            nodes = read_nodes(root)
            view = views[user]
            # the given numbers and the values before the blanks are the student's own variant
            assert nodes["x:0"] == view["X"][0] and nodes["h:0:0"] == view["h"][0], (nodes, view)
            assert nodes["y:0"] == view["y"][0]
            # the blanks' nodes (h2, y2, h3) carry no value in the page
            for ref in ("h:0:1", "y:1", "h:0:2"):
                assert nodes[ref] == [None] * len(nodes[ref]), f"{ref} is shown while its blank is open: {nodes[ref]}"
            s.shot("homework-open", root)
            legit = legit_numbers(view, shown_values(nodes))
            forbidden = {f"{user} {k}": v for k, v in keys[user].items()}
            forbidden |= {f"{other} {k}": v for k, v in keys[other].items()}
            searchable = must_not_show(forbidden, legit)
            found = {k: v for k, v in searchable.items() if v in page_numbers(page)}
            assert not found, f"{user}'s page shows {found} before any answer"
            nb = save(page, hub.home(user) / HOMEWORK, '"execution_count": 1')
            assert open_slots_are_null(saved_exercise(nb)) == [k for k in keys[user]]
            found = {k: v for k, v in searchable.items() if v in file_numbers(nb)}
            assert not found, f"{user}'s saved notebook holds {found}"
            print(f"{user}: before answering, searched page and file for {searchable} (the rest equal a shown number)")

            t0 = time.monotonic()
            lines = answer_lines(answers[user])
            if ANSWER_IN == "page":
                # 2. the student types each number into its blank in the page and presses Enter
                assert root.locator("input.rnnw-answer").count() > 0, (
                    "no answer slots in the page (rebuild the bundle?)"
                )
                for slot, value in slot_answers(answers[user]):
                    outcome = answer_in_page(page, root, slot, value)
                    assert outcome == ("wrong" if (user, slot) == ("bob", "h2[1]") else "right"), (user, slot, outcome)
                progress = root.locator(".rnnw-hw-progress").inner_text()
                hints = root.locator(".rnnw-hw-hint").all_inner_texts()
                if user == "bob":
                    # the wrong h2[1] gets the hint that names the mistake, in the page
                    assert progress == "2 of 3 right \u00b7 score 2.5/3", progress
                    assert len(hints) == 1 and hints[0].startswith(f"h2[1]: {bob_wrong:g} "), hints
                    assert "input term" in hints[0] and "B x2" in hints[0], hints
                    s.shot("hint", root.locator(".rnnw-homework"))
                else:
                    assert progress == "3 of 3 right \u00b7 score 3/3", progress
                    assert hints == []
                s.shot("widget-answered", root)
                # that is all: the answer cells stay empty, the answers are in the answers file
            else:
                # 2'. the student writes the answers in the answer cells and runs them
                for blank, line in lines.items():
                    type_answer(page, blank, line)
                run_from(page, answer_cell(page, BLANKS[0]))
                out_h2 = cell_output(answer_cell(page, "h2"))
                if user == "bob":
                    # the wrong h2[1] gets the hint that names the mistake
                    assert f"h2[1]: {bob_wrong:g} " in out_h2 and "B x2" in out_h2 and "input term" in out_h2, out_h2
                    s.shot("hint", answer_cell(page, "h2"))
                else:
                    assert "wrong" not in out_h2 and "right" in out_h2, out_h2
                s.shot("widget-answered", root)
            timings[f"{user}: answer ({ANSWER_IN})"] = time.monotonic() - t0
            s.shot("homework-answered")

            # 3. the score, from Python in the student's kernel: the template's grading cell, run again
            expected = python_score(user, answers[user])
            assert expected[:2] == ({"ada": 3.0, "bob": 2.5}[user], 3)
            score_cell = page.locator(".jp-Notebook .jp-CodeCell").filter(has_text='print(f"score:')
            run_here(page, score_cell)
            assert cell_output(score_cell).startswith(f"score: {expected[0]:g} / 3"), cell_output(score_cell)
            live[user] = py_value(
                page, "(ex.score(), ex.max_score, ex.results, __import__('os').environ['JUPYTERHUB_USER'])"
            )
            assert live[user][:3] == expected and live[user][3] == user, (live[user], expected)

            # 4. after answering: the page shows the answered values, still none of the other's
            # key, nor an entry that is still wrong (bob's h2[1])
            nodes = read_nodes(root)
            print(f"{user}: the diagram after answering: {nodes}")
            legit = legit_numbers(view, shown_values(nodes))
            # the file also holds the student's own answers, hints about them, points and attempts
            legit_file = legit | numbers(json.dumps(answers[user]) + " 0.5 1 2 2.5 3")
            forbidden = {f"{other} {k}": v for k, v in keys[other].items()}
            forbidden |= {f"{user} {k}": v for k, v in keys[user].items() if live[user][2][k] != "right"}
            searchable = must_not_show(forbidden, legit)
            found = {k: v for k, v in searchable.items() if v in page_numbers(page)}
            assert not found, f"{user}'s page shows {found} after answering"
            nb = save(page, hub.home(user) / HOMEWORK, f"score: {expected[0]:g} / 3")
            if ANSWER_IN == "page":
                assert not any(line in "".join(c["source"]) for c in nb["cells"] for line in lines.values()), (
                    "the student wrote no answer cell"
                )
            state = saved_exercise(nb)
            assert state["homework"]["score"] == live[user][0]
            assert open_slots_are_null(state) == [k for k, v in live[user][2].items() if v != "right"]
            found = {k: v for k, v in must_not_show(forbidden, legit_file).items() if v in file_numbers(nb)}
            assert not found, f"{user}'s saved notebook holds {found}"
            saved[user] = hub.home(user) / HOMEWORK

            # 5. the answers file beside the notebook: the student's own answers, in the order
            # given, and nothing else of the key (of either student)
            answers_file = hub.home(user) / ANSWERS_FILE
            data = json.loads(answers_file.read_text())
            assert set(data) == {"format", "version", "exercises"}, data
            (entry,) = data["exercises"].values()
            given = [v for _, v in slot_answers(answers[user])]
            if ANSWER_IN == "page":
                assert [v for _, v in entry["answers"]] == given, (entry, given)
            in_file = numbers(json.dumps([a[1] for a in entry["answers"]]))  # every number given
            key_values = {f"{u} {k}": v for u in STUDENTS for k, v in keys[u].items()}
            found = {k: v for k, v in key_values.items() if v in in_file and v not in set(given)}
            assert not found, f"{user}'s answers file holds {found} beyond the student's own answers"
            assert in_file <= set(given), (in_file, given)
            # and besides the answers: the format, the exercise's identity, the slots' names
            entry_rest = {k: v for k, v in entry.items() if k != "answers"}
            names = [a[0] for a in entry["answers"]]
            assert set(names) <= {*answers[user], *(s for s, _ in slot_answers(answers[user]))}, names
            assert entry_rest == {"name": "tom_yeh", "seed": repr(user)}, entry_rest
            if GRADER[user] == "otter":
                # ada hands in the zip of the template's last cell: the notebook and the answers file
                export_cell = page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="grader.export(")
                zips_before = set(hub.home(user).glob("rnn_by_hand_*.zip"))
                run_here(page, export_cell)
                deadline = time.monotonic() + 30
                while not set(hub.home(user).glob("rnn_by_hand_*.zip")) - zips_before and time.monotonic() < deadline:
                    time.sleep(0.1)
                (zip_path,) = set(hub.home(user).glob("rnn_by_hand_*.zip")) - zips_before
                assert ANSWERS_FILE in zipfile.ZipFile(zip_path).namelist()
                submissions[user] = (zip_path, [])
            else:
                submissions[user] = (saved[user], [answers_file])
            print(
                f"{user}: after answering, searched the page for {searchable}, "
                f"the file for {must_not_show(forbidden, legit_file)}"
            )
            s.shot("homework-graded")

        # 6. the graders on what the students handed in, as the teacher runs them
        futures, root = graders
        t0 = time.monotonic()
        _, autograder = futures["otter"].result()
        course, _ = futures["nbgrader"].result()
        with ThreadPoolExecutor(2) as pool:
            runs = {
                "ada": pool.submit(otter_grade, autograder, submissions["ada"][0], "ada", root),
                "bob": pool.submit(nbgrader_grade, course, submissions["bob"][0], "bob", submissions["bob"][1]),
            }
            graded = {user: run.result() for user, run in runs.items()}
        timings["otter run + nbgrader autograde"] = time.monotonic() - t0
        for user in STUDENTS:
            assert graded[user] == live[user][:2], (user, graded[user], live[user])
    finally:
        for s in students.values():
            s.close()
        (artifacts / "hub-timings.json").write_text(json.dumps(timings, indent=1))
        print("timings:", json.dumps({k: round(v, 1) for k, v in timings.items()}))
