"""The homework templates in notebooks/homework/ (issue 7) through the real graders.

otter-grader: `otter assign` on the teacher's notebook, then `otter run` (no container) on student
submissions. nbgrader: `nbgrader generate_assignment`, then `nbgrader autograde` of submissions.
Students answer in one of two ways: only in the page (each number goes through the widget's answer
message to the exercise, which saves it in rnn_widget_answers.json beside the notebook; the
notebook itself is handed in as released, its answer cells empty), or in the optional answer
cells as `ex.check(...)` lines. Everything is graded with JUPYTERHUB_USER set to the student's
name, as on the hub (each student has their own variant). Every grader's score must be the one
`Exercise.score()` gives for the same answers, and those are checked by hand below too.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "e2e"))
from hub_harness import (  # noqa: E402
    ANSWERS_FILE,
    BLANKS,
    all_right,
    answer_in_the_page,
    fill_answers,
    input_term_left_out,
    nbgrader_generate,
    nbgrader_grade,
    otter_assign,
    otter_export,
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
    ex = exercise.Exercise.from_preset("tom_yeh", blanks=BLANKS, seed="bob", answers_file=None)
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
    student_nb, autograder = otter_dist
    _no_key_in(student_nb)
    # the teacher's solution run (otter assign runs it) leaves no answers file to hand out
    assert not list(student_nb.parents[2].rglob(ANSWERS_FILE))


def _answers_file_holds_only(path: Path, answers: dict):
    """The answers file: the student's own numbers, in the order they were given, nothing else."""
    data = json.loads(path.read_text())
    assert set(data) == {"format", "version", "exercises"}
    (entry,) = data["exercises"].values()
    given = [v for _, v in entry["answers"]]
    assert given == [x for v in answers.values() for x in (v if isinstance(v, list) else [v])]


@pytest.mark.parametrize("student", ["ada", "bob"])
def test_otter_grades_answers_given_only_in_the_page(otter_dist, student, tmp_path):
    student_nb, autograder = otter_dist
    answers = CASES[student][0]()
    home = tmp_path / "home"
    answers_file = answer_in_the_page(student, answers, home)
    _answers_file_holds_only(answers_file, answers)
    shutil.copy(student_nb, home / student_nb.name)  # the notebook as handed out: no answer cell filled
    submission = otter_export(home, student)
    assert ANSWERS_FILE in zipfile.ZipFile(submission).namelist()
    score, max_score = otter_grade(autograder, submission, student, tmp_path)
    assert (score, max_score) == python_score(student, answers)[:2] == (CASES[student][1], 3)


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
    assert not (released.parent / ANSWERS_FILE).exists()


@pytest.mark.parametrize("student", list(CASES))
def test_nbgrader_grades_answers_given_only_in_the_page(nbgrader_course, student, tmp_path):
    course, released = nbgrader_course
    answers = CASES[student][0]()
    answers_file = answer_in_the_page(student, answers, tmp_path / "home")
    assert answers_file.exists() == bool(answers)  # nothing checked, nothing saved
    files = [answers_file] if answers else []
    score, max_score = nbgrader_grade(course, released, student, files=files)
    assert (score, max_score) == python_score(student, answers)[:2] == (CASES[student][1], 3)


@pytest.mark.parametrize("student", list(CASES))
def test_nbgrader_autograde_gives_the_exercise_score(nbgrader_course, student, tmp_path):
    course, released = nbgrader_course
    answers = CASES[student][0]()
    submission = fill_answers(released, answers, tmp_path / f"{student}.ipynb")
    score, max_score = nbgrader_grade(course, submission, student)
    assert (score, max_score) == python_score(student, answers)[:2] == (CASES[student][1], 3)
