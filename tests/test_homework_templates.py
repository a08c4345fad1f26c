"""The homework templates in notebooks/homework/ (issue 7) through the real graders.

otter-grader: `otter assign` on the teacher's notebook, then `otter run` (no container) on student
submissions. nbgrader: `nbgrader generate_assignment`, then `nbgrader autograde` of submissions.
Each student's answers are written into the answer cells as `ex.check(...)` lines (what a student
writes after trying them in the widget), and graded with JUPYTERHUB_USER set to the student's
name, as on the hub (each student has their own variant). Every grader's score must be the one
`Exercise.score()` gives for the same answers, and those are checked by hand below too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "e2e"))
from hub_harness import (  # noqa: E402
    BLANKS,
    all_right,
    fill_answers,
    input_term_left_out,
    nbgrader_generate,
    nbgrader_grade,
    otter_assign,
    otter_grade,
    python_score,
)

exercise = pytest.importorskip("rnn_widget.exercise", reason="the exercise engine (rnn_widget/exercise) is not here")

pytestmark = pytest.mark.slow

# ada: every blank right; bob: h2[1] without the input term (half of h2's point); cat: nothing.
CASES = {
    "ada": (lambda: all_right("ada"), 3.0),
    "bob": (lambda: input_term_left_out("bob")[0], 2.5),
    "cat": (lambda: {}, 0.0),
}


def test_the_mistake_gets_its_hint():
    answers, wrong = input_term_left_out("bob")
    ex = exercise.Exercise.from_preset("tom_yeh", blanks=BLANKS, seed="bob")
    out = ex.check("h2[1]", wrong)
    assert out["status"] == "wrong"
    assert "input term" in out["hint"] and "B x2" in out["hint"], out["hint"]
    ex.close()


@pytest.mark.parametrize("student", list(CASES))
def test_python_scores_are_what_the_answers_deserve(student):
    answers_of, expected = CASES[student]
    score, max_score, _ = python_score(student, answers_of())
    assert (score, max_score) == (expected, 3)


@pytest.fixture(scope="module")
def otter_dist(tmp_path_factory):
    return otter_assign(tmp_path_factory.mktemp("otter"))


def _no_key_in(notebook: Path):
    text = notebook.read_text()
    assert "answer_key" not in text and "SOLUTION" not in text, "the student's notebook holds the solution"
    nb = json.loads(text)
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_otter_student_notebook_has_no_solutions(otter_dist):
    student_nb, _ = otter_dist
    _no_key_in(student_nb)


@pytest.mark.parametrize("student", ["ada", "bob"])
def test_otter_run_gives_the_exercise_score(otter_dist, student, tmp_path):
    student_nb, autograder = otter_dist
    answers = CASES[student][0]()
    submission = fill_answers(student_nb, answers, tmp_path / f"{student}.ipynb")
    score, max_score = otter_grade(autograder, submission, student, tmp_path)
    assert (score, max_score) == python_score(student, answers)[:2] == (CASES[student][1], 3)


@pytest.fixture(scope="module")
def nbgrader_course(tmp_path_factory):
    return nbgrader_generate(tmp_path_factory.mktemp("nbgrader") / "course")


def test_nbgrader_release_has_no_solutions(nbgrader_course):
    _, released = nbgrader_course
    _no_key_in(released)


@pytest.mark.parametrize("student", list(CASES))
def test_nbgrader_autograde_gives_the_exercise_score(nbgrader_course, student, tmp_path):
    course, released = nbgrader_course
    answers = CASES[student][0]()
    submission = fill_answers(released, answers, tmp_path / f"{student}.ipynb")
    score, max_score = nbgrader_grade(course, submission, student)
    assert (score, max_score) == python_score(student, answers)[:2] == (CASES[student][1], 3)
