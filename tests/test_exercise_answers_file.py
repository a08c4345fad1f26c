"""The answers file (issue 7): every checked answer, from the page or from Python, is saved beside
the notebook (the kernel's working directory) under the exercise's identity, and an exercise made
again with the same identity (a grader's re-run in a fresh kernel) checks them again in order."""

from __future__ import annotations

import json
import warnings

import pytest

from rnn_widget.exercise import ANSWERS_FILE, Exercise, answer_key

BLANKS = ["h2", "y2", "h3"]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default answers file is relative to the working directory
    return tmp_path


def make(seed="ada", **options):
    return Exercise.from_preset("tom_yeh", blanks=BLANKS, seed=seed, **options)


def state(ex):
    slots = ex._slots.values()
    return ex.results, ex.score(), [s.attempts_left for s in slots], [s.hint for s in slots], ex.answers


def page(ex, blank, value, i=0):
    ex._on_page_msg(ex, {"type": "answer", "id": i, "blank": blank, "value": value}, [])


def answer_some(ex):
    key = answer_key("tom_yeh", BLANKS, seed=ex.seed)
    ex.check("h2[1]", 999)  # wrong: a hint, an attempt used
    page(ex, "h2[1]", key["h2[1]"] + 0.5)  # wrong again, from the page
    page(ex, "h2[1]", key["h2[1]"])  # right at the third attempt
    ex.check("y2", key["y2"])
    ex.check("h3", [key["h3[1]"], 12345])
    page(ex, "nope", 1)  # not a blank: no attempt, not saved
    return key


def test_default_file_is_in_the_working_directory(in_tmp):
    ex = make()
    assert ex.answers_file == str(in_tmp / ANSWERS_FILE) and ANSWERS_FILE == "rnn_widget_answers.json"
    assert not (in_tmp / ANSWERS_FILE).exists()  # nothing checked, nothing written
    ex.check("y2", 1)
    assert (in_tmp / ANSWERS_FILE).exists()


def test_round_trip_replays_the_same_results_score_and_attempts(in_tmp):
    ex = make()
    answer_some(ex)
    before = state(ex)
    assert before[0]["h2[1]"] == "right" and before[2][0] == 0 and before[0]["h3[2]"] == "wrong"
    again = make()  # the grader's fresh kernel
    assert state(again) == before
    assert again.homework == ex.homework  # the page shows the same too
    # the replay saved nothing new; a further answer goes on from there
    saved = json.loads((in_tmp / ANSWERS_FILE).read_text())
    assert len(next(iter(saved["exercises"].values()))["answers"]) == 5
    again.check("h2[2]", 0)
    assert state(make())[2] == state(again)[2]


def test_the_file_holds_only_the_students_answers(in_tmp):
    ex = make()
    key = answer_some(ex)
    data = json.loads((in_tmp / ANSWERS_FILE).read_text())
    assert set(data) == {"format", "version", "exercises"}
    (entry,) = data["exercises"].values()
    assert entry["answers"] == [
        ["h2[1]", 999.0],
        ["h2[1]", key["h2[1]"] + 0.5],
        ["h2[1]", key["h2[1]"]],
        ["y2", key["y2"]],
        ["h3", [key["h3[1]"], 12345.0]],
    ]
    # no trace value, no key entry the student did not give (h2[2], h3[2]), no status, no hint
    text = (in_tmp / ANSWERS_FILE).read_text()
    for name in ("h2[2]", "h3[2]"):
        assert json.dumps(key[name]) not in text or key[name] in (999.0, 12345.0, key["h2[1]"], key["y2"])
    assert "right" not in text and "wrong" not in text and "hint" not in text


def test_answer_key_neither_reads_nor_writes_the_file(in_tmp):
    ex = make()
    ex.check("y2", 5)
    before = (in_tmp / ANSWERS_FILE).read_text()
    key = answer_key("tom_yeh", BLANKS, seed="ada")
    assert (in_tmp / ANSWERS_FILE).read_text() == before
    assert key == answer_key("tom_yeh", BLANKS, seed="ada", answers_file=str(in_tmp / "other.json"))
    assert not (in_tmp / "other.json").exists()


def test_two_exercises_have_separate_entries(in_tmp):
    a, b = make("ada"), make("bob")
    c = Exercise.from_preset("tom_yeh", blanks=["h2"], seed="ada")  # other blanks: another identity
    a.check("y2", 1)
    b.check("y2", 2)
    c.check("h2[1]", 3)
    assert len({a.identity, b.identity, c.identity}) == 3
    data = json.loads((in_tmp / ANSWERS_FILE).read_text())["exercises"]
    assert [e["answers"] for e in data.values()] == [[["y2", 1.0]], [["y2", 2.0]], [["h2[1]", 3.0]]]
    assert make("ada").answers == a.answers and make("bob").answers == b.answers
    assert Exercise.from_preset("tom_yeh", blanks=["h2"], seed="ada").answers == c.answers
    # another variant (a different user) never sees ada's answers
    assert make("cat").answers == dict.fromkeys(a.answers)


@pytest.mark.parametrize(
    "content",
    [
        "{ not json",
        "[]",
        json.dumps({"format": "something else", "exercises": {}}),
        json.dumps({"format": "rnn-widget answers", "exercises": []}),
    ],
)
def test_a_garbled_file_is_ignored_with_a_warning(in_tmp, content):
    (in_tmp / ANSWERS_FILE).write_text(content)
    with pytest.warns(UserWarning, match="not an rnn-widget answers file"):
        ex = make()
    assert set(ex.results.values()) == {"open"}
    with pytest.warns(UserWarning):
        ex.check("y2", 1)  # replaced by a good file
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert make().answers["y2"] == 1.0


def test_tampered_answers_are_skipped_with_a_warning(in_tmp):
    ex = make()
    ex.check("y2", 1)
    data = json.loads((in_tmp / ANSWERS_FILE).read_text())
    entry = data["exercises"][ex.identity]
    entry["answers"] += [["h2[1]", "NaN"], ["nope", 1], "junk", ["h3", [1]], ["h2[2]", 1e300], ["h2[2]", 7]]
    (in_tmp / ANSWERS_FILE).write_text(json.dumps(data))
    with pytest.warns(UserWarning, match="5 saved answer"):
        again = make()
    assert again.answers["y2"] == 1.0 and again.answers["h2[2]"] == 7.0 and again.answers["h2[1]"] is None
    data["exercises"][ex.identity] = {"answers": "all right"}
    (in_tmp / ANSWERS_FILE).write_text(json.dumps(data))
    with pytest.warns(UserWarning, match="not a list"):
        assert set(make().results.values()) == {"open"}


def test_statuses_in_the_file_are_not_trusted(in_tmp):
    """Only answers are read: a status or score written into the file gives nothing."""
    ex = make()
    data = {
        "format": "rnn-widget answers",
        "version": 1,
        "exercises": {ex.identity: {"answers": [], "results": {"y2": "right"}, "score": 3}},
    }
    (in_tmp / ANSWERS_FILE).write_text(json.dumps(data))
    assert make().score() == 0


def test_disabled_saves_and_loads_nothing(in_tmp):
    ex = make(answers_file=None)
    assert ex.answers_file is None and ex.save_answers() is None
    ex.check("y2", 1)
    page(ex, "h2[1]", 2)
    assert list(in_tmp.iterdir()) == []
    make().check("y2", 3)  # a file exists now: a disabled exercise still ignores it
    assert make(answers_file=None).answers["y2"] is None
    # switched off later (as the templates' solution cells do)
    other = make("bob")
    other.answers_file = None
    other.check("y2", 4)
    assert make("bob").answers["y2"] is None


def test_a_chosen_file_and_save_answers(in_tmp):
    target = in_tmp / "sub" / "mine.json"
    target.parent.mkdir()
    ex = make(answers_file=target)
    assert ex.save_answers() == str(target)  # the file exists before any answer (for an export)
    assert json.loads(target.read_text())["exercises"][ex.identity]["answers"] == []
    ex.check("y2", 1)
    assert make(answers_file=target).answers["y2"] == 1.0
    assert not (in_tmp / ANSWERS_FILE).exists()


def test_revealed_answers_are_not_saved(in_tmp):
    ex = make()
    ex.check("y2", 1)
    ex.reveal_answers()
    again = make()
    assert again.results["y2"] in ("wrong", "right") and "revealed" not in again.results.values()
