"""Seed 001's "classification and time-steps = 2" as a classifier (`lecture_classifier`).

h1 and h2 are the seed's numbers (seeds/README.md "check" values). The softmax, the
cross-entropy loss and every gradient are compared with PyTorch, the network written out in
torch from the slide's matrices (not from our model), and the readout weights come from the
preset's documented choice.
"""

import numpy as np
import pytest
import torch
from torch import nn

from rnn_widget import RNNWidget, presets

H1 = [-0.8337, -0.9801, 0.8005]
H2 = [-0.9905, -0.9701, -0.1093]
W_XH = [[-0.2, -0.6, 0.1], [-0.4, -0.8, -0.1], [0.3, 0.5, 0.6], [-0.4, -0.3, 0.1]]
W_HH = [[0.9, -0.1, 0.1], [-0.1, -0.9, -0.3], [0.1, 0.3, -0.9]]
X = [[1, 3, 2, 1], [0, 4, 1, 2]]


def test_hidden_states_are_the_slide():
    p = presets.load("lecture_classifier")
    trace = p.forward()
    np.testing.assert_allclose(trace.h[0], H1, atol=5e-5)
    np.testing.assert_allclose(trace.h[1], H2, atol=5e-5)
    # the slide's own pre-activations: [-1.2, -2.3, 1.1] exactly, [-2.67, -2.09, -0.109] to its precision
    np.testing.assert_allclose(trace.layers[0].values["a"][0], [-1.2, -2.3, 1.1], atol=1e-12)
    np.testing.assert_allclose(trace.layers[0].values["a"][1], [-2.67, -2.09, -0.109], atol=6e-3)


def test_the_slide_layer_is_lecture_tanh():
    a = presets.load("lecture_classifier").forward()
    b = presets.load("lecture_tanh").forward()
    np.testing.assert_array_equal(a.h, b.h)


def test_readout_is_documented_and_hand_friendly():
    p = presets.load("lecture_classifier")
    spec = p.network.spec
    assert (spec.mode, spec.loss, spec.output_size, spec.output_bias) == ("many-to-one", "cross_entropy", 3, False)
    W = p.network["W_hy"]
    assert set(np.unique(W)) <= {-1.0, 0.0, 1.0}
    assert "not on the slide" in p.source and "001" in p.source


def _torch_reference(targets_class=0):
    W_xh = torch.tensor(W_XH, dtype=torch.float64, requires_grad=True)
    W_hh = torch.tensor(W_HH, dtype=torch.float64, requires_grad=True)
    b_h = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    W_hy = torch.tensor(presets.load("lecture_classifier").network["W_hy"], requires_grad=True)
    h = torch.zeros(3, dtype=torch.float64)
    for x in torch.tensor(X, dtype=torch.float64):
        h = torch.tanh(x @ W_xh + h @ W_hh + b_h)
    logits = h @ W_hy
    loss = nn.CrossEntropyLoss()(logits[None], torch.tensor([targets_class]))
    loss.backward()
    return logits, torch.softmax(logits, 0), loss, {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "W_hy": W_hy}


def test_probabilities_loss_and_gradients_against_torch():
    p = presets.load("lecture_classifier")
    trace, grads = p.network.run(p.inputs, p.targets)
    logits, probs, loss, params = _torch_reference(0)
    assert trace.scored.tolist() == [False, True]
    np.testing.assert_allclose(trace.y[1], logits.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(trace.p[1], probs.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(trace.p[1], [0.6786, 0.0955, 0.2259], atol=5e-5)  # the docstring's numbers
    assert trace.loss == pytest.approx(loss.item(), rel=1e-13)
    assert trace.loss == pytest.approx(0.3878, abs=5e-5)
    for name, tensor in params.items():
        np.testing.assert_allclose(grads.params[name], tensor.grad.numpy(), rtol=1e-10, atol=1e-13, err_msg=name)


def test_widget_shows_probabilities_in_both_conventions():
    for convention in ("row", "column"):
        w = RNNWidget.from_preset("lecture_classifier", convention=convention)
        page = w.trace
        assert page["mode"] == "many-to-one"
        assert page["scored"] == [False, True]
        np.testing.assert_allclose(page["p"][1], [0.6786, 0.0955, 0.2259], atol=5e-5)
        w.targets = [[0.0, 0.0, 1.0]]  # another class: the loss follows
        assert w.result().loss == pytest.approx(-np.log(w.result().p[1, 2]), rel=1e-12)


def test_exercise_blanks_on_the_classifier():
    ex = RNNWidget.exercise("lecture_classifier", blanks=["h2", "loss"], seed=None, answers_file=None)
    truth = presets.load("lecture_classifier").forward()
    ex.check("h2", truth.h[1].round(4).tolist())
    ex.check("loss", round(truth.loss, 4))
    assert ex.results == {"h2[1]": "right", "h2[2]": "right", "h2[3]": "right", "loss": "right"}
    assert ex.score() == ex.max_score


def test_encoder_decoder_in_the_widget():
    """The mode through the widget: spec from the page's Mode control, targets per emitted step,
    training, an exercise blank on an emitted output."""
    w = RNNWidget.from_preset("tom_yeh")
    spec = dict(w.spec, mode="encoder-decoder", decoder_steps=2)
    w.spec = spec  # what the page sends when Mode changes (decoder_steps from Python)
    assert w.trace["input_mask"] == [True, True, False, False]
    assert w.trace["scored"] == [False, False, True, True]
    w.targets = [[1.0], [2.0]]  # one row per emitted step
    trace = w.result()
    assert trace.targets[:2].tolist() == [[0.0], [0.0]] and trace.targets[2:].tolist() == [[1.0], [2.0]]
    w.inputs = [[3.0], [4.0], [5.0], [6.0], [7.0]]  # one more step: the emitted steps keep their targets
    assert w.trace["scored"] == [False, False, False, True, True]
    assert w.result().targets[3:].tolist() == [[1.0], [2.0]]
    before = w.result().loss
    w.train(20, lr=0.001, block=True)
    assert w.result().loss < before
    bad = dict(w.spec, decoder_steps=5)
    with pytest.raises(Exception, match="decoder_steps = 5"):
        w.spec = bad
    assert w.spec["decoder_steps"] == 2  # nothing changed


def test_encoder_decoder_exercise_blank():
    """Homework on an encoder-decoder network: the emitted outputs and the loss as blanks."""
    from rnn_widget.core import Network

    base = presets.load("tom_yeh")
    spec = base.network.spec.replace(mode="encoder-decoder", decoder_steps=2)
    net = Network(spec, base.network.params)
    p = presets.Preset(
        "ed",
        "encoder-decoder",
        "seed 000 read, then 2 steps emitted",
        net,
        base.inputs,
        targets=np.array([[1.0], [2.0]]),
    )
    truth = p.forward()
    ex = RNNWidget.exercise(p, blanks=["y4", "loss"], seed=None, answers_file=None)
    ex.check("y4", float(truth.y[3, 0]))
    ex.check("loss", float(truth.loss))
    assert ex.results == {"y4": "right", "loss": "right"}


def test_encoder_steps_have_no_output_blank():
    from rnn_widget.core import Network

    base = presets.load("tom_yeh")
    net = Network(base.network.spec.replace(mode="encoder-decoder", decoder_steps=2), base.network.params)
    p = presets.Preset("ed", "encoder-decoder", "seed 000 read, then 2 steps emitted", net, base.inputs)
    with pytest.raises(
        ValueError, match=r"blank 'y2': step 2 is an encoder step, which emits no output; the outputs are y3 to y4"
    ):
        RNNWidget.exercise(p, blanks=["y2"], seed=None, answers_file=None)
