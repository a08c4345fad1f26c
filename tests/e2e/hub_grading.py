"""Grading the homework templates (notebooks/homework/) and the students' answers, for the hub
test, tests/test_homework_templates.py and the benchmarks (split out of hub_harness.py, which
still re-exports every name here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from jupyter_harness import BIN, REPO

# ---- grading the homework templates (notebooks/homework/) -------------------------------------
# Used by tests/test_homework_templates.py and test_hub.py. Both graders run the notebook again
# from the top in a fresh kernel, with JUPYTERHUB_USER set to the student's name: that is how
# the kernel draws the same variant the student had on the hub (Exercise's default seed).

HOMEWORK = REPO / "notebooks" / "homework"
OTTER_TEMPLATE = HOMEWORK / "otter" / "rnn_by_hand.ipynb"
NBGRADER_COURSE = HOMEWORK / "nbgrader"
ASSIGNMENT = "rnn_by_hand"
NOTEBOOK = "rnn_by_hand.ipynb"


def grading_env(student: str | None = None) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs `alembic`
    env.pop("JUPYTERHUB_USER", None)
    if student is not None:
        env["JUPYTERHUB_USER"] = student
    return env


def _run(cmd: list[str], cwd: Path, env: dict, timeout: float = 180.0) -> str:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout + r.stderr


def otter_assign(dest: Path) -> tuple[Path, Path]:
    """`otter assign` on the template: (the student's notebook, the autograder zip)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(OTTER_TEMPLATE, dest / NOTEBOOK)
    _run([str(BIN / "otter"), "assign", NOTEBOOK, "dist"], dest, grading_env())
    (zip_path,) = (dest / "dist" / "autograder").glob("*.zip")
    return dest / "dist" / "student" / NOTEBOOK, zip_path


def otter_grade(autograder: Path, submission: Path, student: str, workdir: Path) -> tuple[float, float]:
    """`otter run` (no container) on one submission: (score, max score) from results.json."""
    out = workdir / f"otter-{student}"
    out.mkdir(parents=True, exist_ok=True)
    _run(
        [str(BIN / "otter"), "run", "-a", str(autograder), "-o", str(out), str(submission)],
        workdir,
        grading_env(student),
    )
    tests = json.loads((out / "results.json").read_text())["tests"]
    graded = [t for t in tests if t.get("max_score") is not None]
    return sum(t["score"] for t in graded), sum(t["max_score"] for t in graded)


def nbgrader_generate(dest: Path) -> tuple[Path, Path]:
    """A copy of the nbgrader course with the assignment generated: (course dir, released notebook)."""
    shutil.copytree(NBGRADER_COURSE, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "gradebook.db"))
    _run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], dest, grading_env())
    return dest, dest / "release" / ASSIGNMENT / NOTEBOOK


def nbgrader_grade(course: Path, submission: Path, student: str, files=()) -> tuple[float, float]:
    """Submit `submission` (and `files` beside it, e.g. the answers file) as `student`, `nbgrader
    autograde` it: (score, max score) from the gradebook."""
    target = course / "submitted" / student / ASSIGNMENT
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(submission, target / NOTEBOOK)
    for f in files:
        shutil.copy(f, target / Path(f).name)
    _run(
        [str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--student", student, "--force"], course, grading_env(student)
    )
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return float(sub.score), float(sub.max_score)


def otter_export(folder: Path, student: str) -> Path:
    """Run the student's notebook in `folder` top to bottom as the student does before handing in
    (Run All, with JUPYTERHUB_USER set): its last cell, the template's export cell, writes the
    submission zip with the notebook and the answers file. Returns that zip."""
    _run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--output", "ran.ipynb", NOTEBOOK],
        folder,
        grading_env(student),
    )
    (zip_path,) = folder.glob(f"{Path(NOTEBOOK).stem}_*.zip")
    return zip_path


def answer_lines(answers: dict) -> dict[str, str]:
    """{blank: value} -> {blank: 'ex.check("h2", [1.0, 17.0])'} (what a student writes)."""
    return {name: f"ex.check({name!r}, {value!r})".replace("'", '"') for name, value in answers.items()}


def fill_answers(notebook: Path, answers: dict, dest: Path) -> Path:
    """A student's copy of `notebook` with each blank's answer cell completed (the cell that shows
    `# ex.check("h2", ...)`)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    lines = answer_lines(answers)
    done = set()
    for cell in nb.cells:
        for name, line in lines.items():
            if cell.cell_type == "code" and f'# ex.check("{name}",' in cell.source:
                cell.source = cell.source.rstrip("\n") + "\n" + line
                done.add(name)
    missing = set(lines) - done
    assert not missing, f"no answer cell for {missing} in {notebook}"
    nbformat.write(nb, dest)
    return dest


# ---- the students' answers (rnn_widget.exercise is imported only here) ------------------------

BLANKS = ["h2", "y2", "h3"]  # the templates' blanks, one point each
ANSWERS_FILE = "rnn_widget_answers.json"  # where an exercise saves every checked answer (the cwd)


def slot_answers(answers: dict) -> list[tuple[str, float]]:
    """{"h2": [1, 17], "y2": 16} -> [("h2[1]", 1), ("h2[2]", 17), ("y2", 16)]."""
    out = []
    for blank, value in answers.items():
        if isinstance(value, list):
            out += [(f"{blank}[{i}]", v) for i, v in enumerate(value, 1)]
        else:
            out.append((blank, value))
    return out


def answer_in_the_page(student: str, answers: dict, folder: Path) -> Path:
    """A student who answers only in the widget: each number goes through the page's answer
    message (what the box sends on Enter) to the exercise in the student's kernel, whose working
    directory is `folder` (beside the notebook). Returns the answers file it leaves there."""
    from rnn_widget.exercise import Exercise

    folder.mkdir(parents=True, exist_ok=True)
    ex = Exercise.from_preset("tom_yeh", blanks=BLANKS, seed=student, answers_file=folder / ANSWERS_FILE)
    try:
        for i, (slot, value) in enumerate(slot_answers(answers)):
            ex._on_page_msg(ex, {"type": "answer", "id": f"t:{i}", "blank": slot, "value": value}, [])
    finally:
        ex.close()
    return folder / ANSWERS_FILE


def homework_key(student: str) -> dict:
    """The teacher's key of the student's variant: {slot: value}."""
    from rnn_widget.exercise import answer_key

    return answer_key("tom_yeh", BLANKS, seed=student)


def all_right(student: str) -> dict:
    k = homework_key(student)
    return {"h2": [k["h2[1]"], k["h2[2]"]], "y2": k["y2"], "h3": [k["h3[1]"], k["h3[2]"]]}


def input_term_left_out(student: str) -> tuple[dict, float]:
    """All right except h2[1] = (A h1)[1]: the input term B x2 left out (a mistake with a hint).
    Returns (answers, the wrong value)."""
    from rnn_widget.exercise import Exercise

    ex = Exercise.from_preset("tom_yeh", blanks=BLANKS, seed=student, answers_file=None)
    try:
        A, B = ex.get("A", "column"), ex.get("B", "column")  # the weights are shown; states are blanks
        x1 = ex.inputs[0][0]
        h1 = [max(0.0, b * x1) for b in B[:, 0]]
        wrong = float(A[0] @ h1)
    finally:
        ex.close()
    answers = all_right(student)
    assert wrong != answers["h2"][0], "this variant's mistake must differ from the answer"
    answers["h2"] = [wrong, answers["h2"][1]]
    return answers, wrong


def python_score(student: str, answers: dict) -> tuple[float, int, dict]:
    """What the exercise itself gives for these answers: (score, max score, results)."""
    from rnn_widget.exercise import Exercise

    ex = Exercise.from_preset("tom_yeh", blanks=BLANKS, seed=student, answers_file=None)
    try:
        for name, value in answers.items():
            ex.check(name, value)
        return ex.score(), ex.max_score, ex.results
    finally:
        ex.close()
