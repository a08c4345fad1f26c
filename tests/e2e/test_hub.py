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
import shutil
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import _unavailable
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
from hub_leaks import (
    file_numbers,
    legit_numbers,
    must_not_show,
    numbers,
    open_slots_are_null,
    page_numbers,
    saved_exercise,
    teacher_view,
)
from hub_page import (
    answer_cell,
    answer_in_page,
    cell_output,
    read_nodes,
    run_from,
    run_here,
    save,
    shown_values,
    type_answer,
)
from jupyter_harness import CHROMIUM_ARGS, open_notebook, py_value, run_all

pytestmark = pytest.mark.browser

HOMEWORK = "rnn_by_hand.ipynb"
# Where the students answer: "page" (the blanks' boxes in the widget, Enter) or "cells" (ex.check
# lines run in the answer cells). HUB_ANSWER_IN overrides.
ANSWER_IN = os.environ.get("HUB_ANSWER_IN", "page")
GRADER = {"ada": "otter", "bob": "nbgrader"}
STUDENTS = tuple(GRADER)


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
