"""Issue 7, the Python side of homework: blank names, checking (tolerance, attempts, bad input,
follow-through), the score, the page's answer message, fixed numbers, the reading API, variants.

Expected numbers come from the seeds (seed 000: h1..h4 = [3, 6], [1, 17], [0, 28], [0, 40],
y = 3, 16, 28, 40; seed 001: h1 = [-0.8337, -0.9801, 0.8005]) or are computed here with numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
import traitlets as t

from rnn_widget import presets
from rnn_widget.core import Network, Spec
from rnn_widget.exercise import AnswerError, AnswersHidden, Exercise, answer_key, hand_friendly, make
from rnn_widget.exercise.names import Names


@pytest.fixture(autouse=True)
def _answers_file_in_tmp(tmp_path, monkeypatch):
    """Each exercise saves its checked answers in the working directory: a fresh one per test."""
    monkeypatch.chdir(tmp_path)


class Recorder:
    def __init__(self, w):
        self.sent = []
        w._send = lambda msg, buffers=None: self.sent.append(msg)

    def custom(self):
        return [m["content"] for m in self.sent if m.get("method") == "custom"]


def tom(blanks=("h2", "y2", "h3"), **kw):
    kw.setdefault("seed", None)
    return make("tom_yeh", list(blanks), **kw)


# -- names --------------------------------------------------------------------------------
def names_of(preset, targets=False):
    p = presets.load(preset)
    trace = p.forward()
    return Names(p.network.spec, trace.T, p.display_names, p.convention, targets or p.targets is not None)


def locs(named):
    return [(s, loc.path, loc.index) for s, loc in named.slots]


def test_names_of_states_in_both_spellings():
    n = names_of("tom_yeh", targets=True)
    assert locs(n.parse("h2")) == [
        ("h2[1]", ("layers", 0, "values", "h"), (1, 0)),
        ("h2[2]", ("layers", 0, "values", "h"), (1, 1)),
    ]
    assert n.parse("H2[2]").slots[0][1] == n.parse("h2[2]").slots[0][1]  # the display name of h
    assert locs(n.parse("y2")) == [("y2", ("y",), (1, 0))]
    assert locs(n.parse("a3[1]")) == [("a3[1]", ("layers", 0, "values", "a"), (2, 0))]
    assert locs(n.parse("loss")) == [("loss", ("loss",), ())]
    assert locs(n.parse("dh2[1]")) == [("dh2[1]", ("grads", "dh", 0), (1, 0))]
    assert locs(n.parse("dy4")) == [("dy4", ("grads", "dy"), (3, 0))]


def test_names_of_gradient_entries_follow_the_name():
    n = names_of("tom_yeh", targets=True)
    # A = W_hh^T (column form): dA[1,2] is dW_hh[2,1]; a stored name indexes the stored (row) form
    assert n.parse("dA[1,2]").slots[0][1].index == (1, 0)
    assert n.parse("dW_hh[1,2]").slots[0][1].index == (0, 1)
    assert n.parse("dA[1,2]").slots[0][1].path == ("grads", "params", "W_hh")
    assert [s for s, _ in n.parse("dC").slots] == ["dC[1,1]", "dC[1,2]"]  # C is 1 x 2 as written


def test_names_of_layers_and_gates():
    n = names_of("stacked")
    k2 = n.parse("k2[1]").slots[0][1]
    assert k2 == n.parse("h2@2[1]").slots[0][1]
    assert (k2.path, k2.index) == (("layers", 1, "values", "h"), (1, 0))
    lstm = names_of("lstm_by_hand")
    assert lstm.parse("c~2").slots[0][1].path == ("layers", 0, "values", "c_tilde")
    assert lstm.parse("f3").slots[0][1].path == ("layers", 0, "values", "f")
    assert lstm.parse("a_o1").slots[0][1].path == ("layers", 0, "values", "z_o")


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("q2", "unknown blank 'q2'"),
        ("h9", "step 9 does not exist"),
        ("h2[3]", "outside the shape"),
        ("h2[0]", "outside the shape"),
        ("h2@3", "layer 3 does not exist"),
        ("c2", "unknown blank"),  # an RNN has no cell state
        ("loss", "needs targets"),
        ("dh2", "needs targets"),
        ("", "must be text"),
        (3, "must be text"),
        ("h" * 10_000, "unknown blank"),
    ],
)
def test_unknown_names_are_clear_errors(name, phrase):
    with pytest.raises(ValueError, match=phrase):
        names_of("tom_yeh").parse(name)
    assert len(str(pytest.raises(ValueError, names_of("tom_yeh").parse, name).value)) < 400


def test_an_exercise_with_a_bad_blank_is_refused():
    with pytest.raises(ValueError, match="unknown blank"):
        tom(["h2", "zz1"])
    with pytest.raises(ValueError, match="repeats"):
        tom(["h2", "H2[1]"])


# -- checking ---------------------------------------------------------------------------
def test_right_answers_score_one_point_per_blank():
    ex = tom()
    assert ex.blanks == ["h2[1]", "h2[2]", "y2", "h3[1]", "h3[2]"]
    assert ex.max_score == 3 and ex.score() == 0
    assert ex.check("h2", [1, 17]) == {
        "slot": "h2",
        "entries": [
            {"slot": "h2[1]", "status": "right", "right": True, "hint": "", "attempts_left": 2},
            {"slot": "h2[2]", "status": "right", "right": True, "hint": "", "attempts_left": 2},
        ],
    }
    assert ex.check("y2", 16)["status"] == "right"
    assert ex.check("h3[1]", 0)["status"] == "right"
    assert ex.score() == 2.5
    assert ex.check("h3[2]", 28)["right"]
    assert ex.score() == 3 == ex.max_score
    assert ex.results == {s: "right" for s in ex.blanks}
    assert ex.answers == {"h2[1]": 1.0, "h2[2]": 17.0, "y2": 16.0, "h3[1]": 0.0, "h3[2]": 28.0}
    assert ex.homework["score"] == 3 and ex.homework["max_score"] == 3


def test_default_tolerance_is_hand_precision():
    ex = make("lecture_tanh", ["h1"], seed=None, attempts=None)  # h1 = [-0.8337, -0.9801, 0.8005]
    assert ex.check("h1[1]", -0.82)["status"] == "wrong"  # 0.0137 away
    assert ex.check("h1[1]", -0.83)["status"] == "right"  # two decimals, truncated
    assert ex.check("h1[2]", -0.98)["right"]
    t_ex = tom(["h3"], attempts=None)  # h3[2] = 28: 1% of it is 0.28
    assert t_ex.check("h3[2]", 28.5)["status"] == "wrong"
    assert t_ex.check("h3[2]", 28.2)["status"] == "right"


def test_tolerance_option():
    ex = make("lecture_tanh", ["h1[1]"], seed=None, attempts=None, tolerance=0.001)
    assert not ex.check("h1[1]", -0.83)["right"]
    assert ex.check("h1[1]", -0.834)["right"]
    ex = make("lecture_tanh", ["h1[1]"], seed=None, tolerance={"abs": 0, "rel": 0.1})
    assert ex.check("h1[1]", -0.9)["right"]  # within 10%
    assert ex.homework["settings"]["tolerance"] == {"abs": 0.0, "rel": 0.1}
    with pytest.raises(ValueError, match="tolerance"):
        tom(tolerance="close")


def test_attempts_run_out():
    ex = tom(["y2"], attempts=2)
    assert ex.check("y2", 3)["attempts_left"] == 1
    assert ex.check("y2", 4)["attempts_left"] == 0
    with pytest.raises(AnswerError, match="no attempts left"):
        ex.check("y2", 16)
    assert ex.results == {"y2": "wrong"} and ex.score() == 0 and ex.answers == {"y2": 4.0}
    unlimited = tom(["y2"], attempts=None)
    for v in range(100, 120):
        unlimited.check("y2", v)
    assert unlimited.check("y2", 16)["right"]
    # checking a right blank again (Run All after answering in the page) keeps it right, for free
    assert unlimited.check("y2", 16) == {
        "slot": "y2",
        "status": "right",
        "right": True,
        "hint": "",
        "attempts_left": None,
    }
    assert unlimited.check("y2", 99)["right"] and unlimited.results == {"y2": "right"}
    assert unlimited.answers == {"y2": 16.0}


@pytest.mark.parametrize(
    "bad", ["abc", "16", float("nan"), float("inf"), True, None, [16], {"v": 16}, "9" * 10_000, 1e7]
)
def test_bad_input_costs_nothing(bad):
    ex = tom(["y2", "h2"], attempts=2)
    ex.check("y2", 3)
    with pytest.raises(AnswerError) as info:
        ex.check("y2", bad)
    assert len(str(info.value)) < 200
    assert ex.answers["y2"] == 3.0 and ex.results["y2"] == "wrong"
    assert ex.homework["blanks"][0]["attempts_left"] == 1
    with pytest.raises(AnswerError):
        ex.check("h2", bad)  # a blank of two entries takes a list of two numbers
    with pytest.raises(AnswerError, match="2 entries"):
        ex.check("h2", [1])
    assert ex.answers["h2[1]"] is None


def test_follow_through_credits_a_consistent_later_step():
    ex = tom(["h2", "y2", "h3"], attempts=None)
    ex.check("h2", [1, 13])  # h2[2] wrong
    assert ex.check("y2", 12)["right"]  # C [1, 13] = 12
    assert ex.check("h3[2]", 24)["right"]  # ReLU(1 + 13 + 10)
    assert ex.check("h3[1]", 0)["right"]
    off = tom(["h2", "y2"], follow_through=False, attempts=None)
    off.check("h2", [1, 13])
    assert not off.check("y2", 12)["right"]
    assert off.check("y2", 16)["right"]


def test_follow_through_loss_from_the_students_outputs():
    net = Network(
        Spec(input_size=1, hidden_sizes=(1,), output_size=1, activation="identity", bias=False, output_bias=False),
        {"W_xh": [[1.0]], "W_hh": [[1.0]], "W_hy": [[2.0]]},
    )
    ex = Exercise(net, [[1.0], [1.0]], targets=[[0.0], [0.0]], blanks=["y2", "loss"], seed=None)
    # h = 1, 2; y = 2, 4; loss = (4 + 16) / 2 = 10. With y2 = 5 (wrong): (4 + 25) / 2 = 14.5
    ex.check("y2", 5)
    assert ex.check("loss", 14.5)["right"]


def test_a_preset_with_targets_for_gradient_blanks():
    ex = tom(["dh4", "loss"], targets=[[0], [0], [0], [0]], attempts=None)
    # y = 3, 16, 28, 40 (seed 000); squared loss = (9 + 256 + 784 + 1600) / 2; dL/dh4 = (y4 - 0) C^T
    assert ex.check("loss", 1324.5)["right"]
    assert ex.check("dh4", [-40, 40])["entries"][1]["right"]


# -- the page ---------------------------------------------------------------------------
def test_answer_message_is_acknowledged_after_the_trait():
    ex = tom()
    rec = Recorder(ex)
    ex._on_page_msg(ex, {"type": "answer", "id": "v1:1", "blank": "h2[2]", "value": 17}, [])
    ex._on_page_msg(ex, {"type": "answer", "id": "v1:2", "blank": "h3[1]", "value": -11}, [])
    acks = rec.custom()
    assert acks[0] == {
        "type": "ack",
        "id": "v1:1",
        "ok": True,
        "blank": "h2[2]",
        "status": "right",
        "hint": "",
        "attempts_left": 2,
    }
    assert acks[1]["status"] == "wrong" and "before ReLU" in acks[1]["hint"]
    updates = [m for m in rec.sent if m.get("method") == "update"]
    assert updates and rec.sent.index(updates[-1]) < rec.sent.index(rec.sent[-1])
    slot = {b["name"]: b for b in ex.homework["blanks"]}
    assert slot["h2[2]"]["status"] == "right" and slot["h2[2]"]["value"] == 17
    assert slot["h3[1]"]["value"] is None and slot["h3[1]"]["hint"] == acks[1]["hint"]
    assert slot["h3[1]"]["path"] == ["layers", 0, "values", "h"] and slot["h3[1]"]["index"] == [2, 0]


@pytest.mark.parametrize("bad", ["abc", None, [1, 17], "1" * 10_000, float("nan")])
def test_bad_answer_message_gets_a_message_and_costs_nothing(bad):
    ex = tom()
    rec = Recorder(ex)
    ex._on_page_msg(ex, {"type": "answer", "id": 7, "blank": "y2", "value": bad}, [])
    (ack,) = rec.custom()
    assert ack["ok"] is False and "y2" in ack["error"] and len(ack["error"]) < 200
    slot = {b["name"]: b for b in ex.homework["blanks"]}["y2"]
    assert slot["message"] == ack["error"] and slot["attempts_left"] == 3 and slot["status"] == "open"
    ex._on_page_msg(ex, {"type": "answer", "id": 8, "blank": "nope", "value": 1}, [])
    assert rec.custom()[-1]["ok"] is False
    ex._on_page_msg(ex, {"type": "ping", "id": 9}, [])  # other messages still reach the widget
    assert rec.custom()[-1] == {"type": "pong", "id": 9}


def test_the_page_cannot_write_the_exercise_trait_or_send_odd_names():
    ex = tom()
    before = ex.homework
    ex.set_state({"homework": {"score": 3}})
    assert ex.homework == before and ex.score() == 0 and ex.error_field == "homework"
    rec = Recorder(ex)
    ex._on_page_msg(ex, {"type": "answer", "id": 1, "blank": ["h2"], "value": 1}, [])
    ex._on_page_msg(ex, {"type": "answer", "id": 2, "blank": {"a": 1}, "value": 1}, [])
    assert [a["ok"] for a in rec.custom()] == [False, False]


def test_numbers_are_fixed():
    ex = tom()
    with pytest.raises(t.TraitError, match="exercise"):
        ex.set("A", [[1, 0], [0, 1]])
    with pytest.raises(t.TraitError, match="exercise"):
        ex.inputs = [[1], [2], [3], [4]]
    rec = Recorder(ex)
    ex._on_page_msg(ex, {"type": "edit", "id": "e", "edits": [{"field": "inputs", "index": [0, 0], "value": 9}]}, [])
    assert rec.custom()[-1]["ok"] is False
    with pytest.raises(RuntimeError, match="does not train"):
        ex.train(5)
    assert ex.reveal_answers()["h2[2]"] == 17


# -- reading from Python ----------------------------------------------------------------
def test_reading_api_refuses_until_reveal():
    ex = tom()
    for read in (ex.hidden_states, ex.outputs, ex.result, ex.gradients):
        with pytest.raises(AnswersHidden, match="reveal_answers"):
            read()
    assert ex.get("A").tolist() == [[1, -1], [1, 1]]  # the givens are readable
    ex.check("y2", 3)
    key = ex.reveal_answers()
    assert key == {"h2[1]": 1, "h2[2]": 17, "y2": 16, "h3[1]": 0, "h3[2]": 28}
    assert ex.results["y2"] == "revealed" and ex.score() == 0
    assert ex.hidden_states().tolist() == [[3, 6], [1, 17], [0, 28], [0, 40]]
    assert ex.outputs().ravel().tolist() == [3, 16, 28, 40]
    assert ex.trace["layers"][0]["values"]["h"][1] == [1, 17]
    with pytest.raises(AnswerError, match="revealed"):
        ex.check("y2", 16)


# -- variants -----------------------------------------------------------------------------
def relu_rnn(A, B, xs):
    h, hs = np.zeros(2), []
    for x in xs:
        h = np.maximum(A @ h + B.ravel() * x, 0)
        hs.append(h)
    return np.array(hs)


def test_variants_are_reproducible_different_and_hand_friendly(monkeypatch):
    a1 = tom(seed="alice")
    a2 = tom(seed="alice")
    b = tom(seed="bob")
    for name in ("A", "B", "C"):
        assert np.array_equal(a1.get(name), a2.get(name))
        assert hand_friendly(a1.get(name)) and hand_friendly(b.get(name))
        assert set(np.abs(a1.get(name)).ravel()) <= {1.0, 2.0}  # whole numbers, as the original
    assert any(not np.array_equal(a1.get(n), b.get(n)) for n in ("A", "B", "C"))
    # the variant's key is its own forward pass, computed here independently
    key = a1.reveal_answers()
    hs = relu_rnn(a1.get("A"), a1.get("B"), [3, 4, 5, 6])
    assert [key["h2[1]"], key["h2[2]"]] == hs[1].tolist()
    assert key["y2"] == pytest.approx(float((a1.get("C") @ hs[1])[0]))


def test_default_seed_is_the_hub_user_and_the_teacher_regenerates_the_key(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "carol")
    student = make("lecture_tanh", ["h2"])
    assert student.seed == "carol" and student.homework["settings"]["variant"] is True
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert make("lecture_tanh", ["h2"]).seed is None  # outside a hub: the preset's own numbers
    teacher = answer_key("lecture_tanh", ["h2"], seed="carol")
    assert teacher == student.reveal_answers()
    assert hand_friendly(student.get("W_xh")) and hand_friendly(student.get("W_hh"))
    decimals = np.abs(student.get("W_xh")) * 10
    assert np.allclose(decimals, np.round(decimals)) and np.abs(student.get("W_xh")).max() <= 1.0


def test_seeds_give_many_different_variants():
    seen = {tuple(answer_key("tom_yeh", ["h2"], seed=f"user{i}").values()) for i in range(20)}
    assert len(seen) >= 10


def test_variants_have_no_unit_dead_at_every_step():
    """A unit that is zero at every step teaches nothing (the hub test's 'ada' once got one)."""
    from rnn_widget.exercise import make

    for user in ["ada", "bob", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon"]:
        ex = make("tom_yeh", blanks=["h2"], seed=user)
        ex.reveal_answers()
        assert (np.abs(ex.hidden_states()).sum(axis=0) > 0).all(), user
