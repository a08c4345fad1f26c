"""The widget's mini-batch (README "Mini-batches"): batch_inputs/batch_targets as model traits,
the followed sample, entry edits from the page, refusals that change nothing, training on the
batch loss. Expected numbers come from the single-sequence path (Network.forward/backward per
sample, combined by hand), which tests/test_torch_parity.py checks against PyTorch."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import traitlets
from test_nothing_lost import catch_sent, page_custom, page_update

from rnn_widget import RNNWidget
from rnn_widget.core import MAX_BATCH, batch

SEQS = [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], [0, 5, 10, 15, 20]]
NEXT = [[[11]], [[12]], [[25]]]


def widget():
    w = RNNWidget.from_preset("next_number")
    w.set_batch(SEQS, NEXT)
    return w


def by_hand(w):
    """Per-sample forward and backward on the single-sequence path, combined as the mean."""
    net = w.network
    traces, grads = [], []
    for seq, tg in zip(SEQS, NEXT):
        tr, g = net.run(np.array(seq, float).reshape(-1, 1), tg)
        traces.append(tr)
        grads.append(g)
    return traces, grads


def test_a_batch_is_sample_1_plus_the_batch_traits_and_its_loss_is_the_mean():
    w = widget()
    assert w.inputs == [[1.0], [3.0], [5.0], [7.0], [9.0]]
    assert w.batch_inputs == [[[float(v)] for v in s] for s in SEQS[1:]]
    assert w.batch_targets == [[[0.0]] * 4 + [[12.0]], [[0.0]] * 4 + [[25.0]]]
    traces, grads = by_hand(w)
    bt = w.batch_trace
    assert bt["n"] == 3 and bt["T"] == 5 and bt["reduction"] == "mean"
    np.testing.assert_allclose(bt["sample_losses"], [tr.loss for tr in traces], rtol=1e-13)
    assert bt["loss"] == pytest.approx(np.mean([tr.loss for tr in traces]), rel=1e-13)
    assert w.trace["loss"] == bt["loss"] == w.result().loss
    for k, tr in enumerate(traces):
        np.testing.assert_allclose(bt["h"][0][k], tr.h, rtol=1e-13)
        np.testing.assert_allclose(bt["y"][k], tr.y, rtol=1e-13)
    # the gradient shown and trained on is the batch's
    for name, g in w.gradients().params.items():
        np.testing.assert_allclose(g, np.mean([gr.params[name] for gr in grads], axis=0), rtol=1e-12, err_msg=name)
    np.testing.assert_allclose(w.batch_result().H(4), np.stack([tr.h[4] for tr in traces]), rtol=1e-13)


@pytest.mark.parametrize("k", [0, 1, 2])
def test_the_trace_follows_the_picked_sample(k):
    w = widget()
    traces, grads = by_hand(w)
    page_update(w, {"batch_sample": k})
    assert w.batch_sample == k
    assert w.trace["x"] == [[float(v)] for v in SEQS[k]]
    np.testing.assert_allclose(w.trace["layers"][0]["values"]["h"], traces[k].h, rtol=1e-13)
    # every backward number is of the batch loss: the sample's own / n, the totals the batch's
    np.testing.assert_allclose(w.trace["grads"]["dh"][0], grads[k].dh[0] / 3, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(w.trace["loss_steps"], traces[k].loss_steps / 3, rtol=1e-13)
    np.testing.assert_allclose(
        w.trace["grads"]["params"]["W_hh"], np.mean([g.params["W_hh"] for g in grads], axis=0), rtol=1e-12
    )


def test_sample_out_of_range_is_refused():
    w = widget()
    with pytest.raises(traitlets.TraitError, match="sample = 3 is out of range; expected 0 to 2"):
        w.batch_sample = 3
    sent = catch_sent(w)
    page_update(w, {"batch_sample": 5})
    assert w.batch_sample == 0 and "out of range" in w.error
    assert sent  # the page was put back


def test_entry_edits_of_samples_2_to_n_from_the_page():
    w = widget()
    sent = catch_sent(w)
    page_custom(
        w, {"type": "edit", "id": "v:1", "edits": [{"field": "batch_inputs", "index": [1, 0, 0], "value": 1.0}]}
    )
    acks = [m["content"] for m in sent if m.get("method") == "custom"]
    assert acks[-1] == {"type": "ack", "id": "v:1", "ok": True}
    assert w.batch_inputs[1][0] == [1.0]
    net = w.network
    tr = net.forward(np.array([1, 5, 10, 15, 20], float).reshape(-1, 1))
    np.testing.assert_allclose(w.batch_trace["h"][0][2], tr.h, rtol=1e-13)
    page_custom(
        w, {"type": "edit", "id": "v:2", "edits": [{"field": "batch_targets", "index": [0, 4, 0], "value": 13}]}
    )
    assert w.batch_targets[0][4] == [13.0]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"field": "batch_inputs", "index": [0, 0, 0], "value": "3"}, "not a number"),
        ({"field": "batch_inputs", "index": [0, 0, 0], "value": float("nan")}, "not a number"),
        ({"field": "batch_inputs", "index": [5, 0, 0], "value": 1}, "sample index 5 is outside"),
        ({"field": "batch_inputs", "index": [0, 9, 0], "value": 1}, "outside sample 2"),
        ({"field": "batch_inputs", "index": [0, 0], "value": 1}, "must be \\[sample, step, entry\\]"),
        ({"field": "batch_inputs", "samples": MAX_BATCH}, f"from 0 to {MAX_BATCH - 1}"),
        ({"field": "batch_inputs", "index": [0, 0, 0], "value": 1e300}, "not a number"),
    ],
)
def test_a_refused_batch_edit_changes_nothing_and_says_why(bad, message):
    w = widget()
    before = (w.batch_inputs, w.batch_targets, w.trace, w.batch_trace)
    with pytest.raises(traitlets.TraitError, match=message):
        w.edit([bad])
    page_custom(w, {"type": "edit", "id": "v:9", "edits": [bad]})
    assert re.search(message, w.error) and w.error_field == "batch_inputs"
    assert (w.batch_inputs, w.batch_targets, w.trace, w.batch_trace) == before


def test_wrong_lengths_and_overflow_in_one_sample_are_refused_naming_it():
    w = widget()
    with pytest.raises(traitlets.TraitError, match="sample 2\\) has 1 steps; expected 5"):
        w.batch_inputs = [[[1.0]], [[2.0]]]
    # a linear RNN with a large recurrent weight: sample 1 (zeros) stays 0, sample 2 overflows
    w = RNNWidget.from_preset("next_number")
    w.spec = dict(w.spec, activation="identity", hidden_sizes=[1])
    w.targets = None  # no backward pass: only the forward can overflow
    w.inputs = [[0.0]] * 60
    w.set("b_h", [0.0])
    w.set("W_hh", [[1e6]])
    w.set("W_xh", [[1e6]])
    before = (w.batch_inputs, w.batch_trace, w.trace)
    with pytest.raises(traitlets.TraitError, match="sample 2: layer 1 .* overflows to infinity"):
        w.set_batch([[0.0] * 60, [1.0] * 60])
    assert (w.batch_inputs, w.batch_trace, w.trace) == before


def test_adding_and_removing_samples_and_resizing_the_steps():
    w = widget()
    w.edit([{"field": "batch_inputs", "samples": 3}])  # 4 samples: a zero sequence with zero targets
    assert w.batch_trace["n"] == 4 and w.batch_inputs[2] == [[0.0]] * 5 and w.batch_targets[2] == [[0.0]] * 5
    w.batch_sample = 3
    w.edit([{"field": "batch_inputs", "samples": 1}])
    assert w.batch_trace["n"] == 2 and w.batch_sample == 1  # the followed sample went: the last one is followed
    w.edit([{"field": "inputs", "steps": 3}])  # every sample follows; many-to-one keeps its target last
    assert w.batch_inputs == [[[2.0], [4.0], [6.0]]] and w.batch_targets == [[[0.0], [0.0], [12.0]]]
    w.targets = None
    assert w.batch_targets is None and w.batch_trace["loss"] is None and w.gradients() is None
    w.edit([{"field": "targets", "on": True}])
    assert w.batch_targets == [[[0.0]] * 3]
    w.edit([{"field": "batch_inputs", "samples": 0}])
    assert w.batch_trace == {} and w.batch_inputs == [] and w.batch_sample == 0


def test_set_batch_refusals():
    w = RNNWidget.from_preset("next_number")
    with pytest.raises(traitlets.TraitError, match=f"1 to {MAX_BATCH} sequences"):
        w.set_batch([[1.0]] * (MAX_BATCH + 1))
    with pytest.raises(traitlets.TraitError, match="one entry per sample"):
        w.set_batch(SEQS, NEXT[:2])
    with pytest.raises(traitlets.TraitError, match="sample 2\\) has 3 steps; expected 5"):
        w.set_batch([SEQS[0], [1, 2, 3]], None)
    assert w.batch_trace == {} and w.inputs == [[1.0], [3.0], [5.0], [7.0], [9.0]]


def test_training_in_the_widget_is_sgd_on_the_batch_loss():
    w = widget()
    net = w.network
    expected = batch.train(net, batch.sequences(SEQS), NEXT, steps=30, lr=0.001)
    history = w.train(30, lr=0.001, block=True)
    np.testing.assert_allclose(history, expected, rtol=1e-10)
    for name, value in net.params.items():
        np.testing.assert_allclose(w.network.params[name], value, rtol=1e-10)
    w.reset_training()
    assert w.batch_trace["loss"] == pytest.approx(expected[0], rel=1e-12)
    # clipping in training clips the batch gradient
    w.train(3, lr=0.001, clip_norm=0.5, block=True)
    net2 = w.network
    net2.restore(w.network.snapshot())
    assert w.training["message"] == ""


def test_an_exercise_has_no_batch():
    ex = RNNWidget.exercise("tom_yeh", blanks=["h2"], answers_file=None, seed=None)
    with pytest.raises(traitlets.TraitError, match="exercise"):
        ex.batch_inputs = [[[1.0]] * 4]


def test_the_page_knows_the_same_batch_limit():
    js = (Path(__file__).parent.parent / "js" / "data" / "batch.js").read_text()
    assert f"export const MAX_BATCH = {MAX_BATCH};" in js
