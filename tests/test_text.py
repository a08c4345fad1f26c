"""Text in, text out (issue 10): vocabularies, one-hot tokens, softmax and cross-entropy over the
vocabulary, sampling. Expected numbers come from PyTorch (nn.RNN / nn.GRU / nn.LSTM + nn.Linear +
CrossEntropyLoss, built here from the widget's weights) or from an independent loop, never from
the widget's own output."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from rnn_widget import RNNWidget
from rnn_widget.text import MAX_VOCAB, Vocab

torch = pytest.importorskip("torch")


def page_update(w, state):
    w._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []})


# -- tokenisation ---------------------------------------------------------------------------------
def test_vocab_in_order_of_appearance_and_one_hot_rows():
    v = Vocab.of("hello")
    assert v.tokens == ("h", "e", "l", "o") and not v.words
    assert v.encode("hello") == [0, 1, 2, 2, 3]
    X = v.one_hot("hell")
    assert X.tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]]
    assert v.decode(X) == ["h", "e", "l", "l"]
    assert v.decode([[0.5, 0.5, 0, 0]]) == [""]  # not a one-hot row: no token
    words = Vocab.of("the cat sat on the mat", words=True)
    assert words.tokens == ("the", "cat", "sat", "on", "mat") and words.words
    assert words.encode("the mat") == [0, 4] and words.join(["the", "cat"]) == "the cat"


def test_from_text_reads_the_text_and_scores_each_next_token():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    assert w.vocab == ["h", "e", "l", "o"] and w.labels == ["h", "e", "l", "l"]
    assert w.tokens() == ["h", "e", "l", "l"] and w.target_tokens() == ["e", "l", "l", "o"]
    assert w.spec["input_size"] == w.spec["output_size"] == 4 and w.spec["hidden_sizes"] == [3]
    assert w.spec["loss"] == "cross_entropy"
    same = RNNWidget.from_text("hell", vocab="helo", hidden=3, target="ello")
    np.testing.assert_array_equal(same.result().loss, w.result().loss)
    words = RNNWidget.from_text("the cat sat", words=True, hidden=2)
    assert words.vocab == ["the", "cat", "sat"] and words.labels == ["the", "cat"]


def test_the_one_hot_input_selects_a_row_of_W_xh():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    xw = w.result().layers[0].values["xw"]
    W = w.get("W_xh", "row")
    for t, i in enumerate([0, 1, 2, 2]):
        np.testing.assert_array_equal(xw[t], W[i])  # exactly the row, no arithmetic
    np.testing.assert_array_equal(w.get("W_xh", "column")[:, 1], W[1])  # column form: a column of B


# -- exact values and gradients against PyTorch ---------------------------------------------------
def _torch_model(w, cell):
    """nn.RNN/GRU/LSTM + nn.Linear with the widget's weights (PyTorch's stacking, b_hh = 0 where
    the widget has one bias)."""
    V, H = len(w.vocab), w.spec["hidden_sizes"][0]
    p = {k: torch.tensor(w.get(k, "row"), dtype=torch.float64) for k in w.params}
    gates = {"rnn": "h", "gru": "rzn", "lstm": "ifco"}[cell]
    rnn = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell](V, H, batch_first=True)
    rnn = rnn.double()
    lin = torch.nn.Linear(H, V).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.cat([p[f"W_x{g}"].T for g in gates]))
        rnn.weight_hh_l0.copy_(torch.cat([p[f"W_h{g}"].T for g in gates]))
        rnn.bias_ih_l0.copy_(torch.cat([p[f"b_{g}"] for g in gates]))
        bhh = torch.zeros(len(gates) * H, dtype=torch.float64)
        if cell == "gru" and "b_hn" in p:
            bhh[2 * H :] = p["b_hn"]
        rnn.bias_hh_l0.copy_(bhh)
        lin.weight.copy_(p["W_hy"].T)
        lin.bias.copy_(p["b_y"])
    return rnn, lin, gates


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_values_loss_and_gradients_match_pytorch(cell):
    text = "hello world"
    w = RNNWidget.from_text(text, hidden=4, cell=cell, seed=3)
    # the one-hot inputs and class targets built independently of rnn_widget
    order = list(dict.fromkeys(text))
    ids = torch.tensor([order.index(c) for c in text])
    x = torch.nn.functional.one_hot(ids[:-1], len(order)).double().unsqueeze(0)
    rnn, lin, gates = _torch_model(w, cell)
    out, _ = rnn(x)
    logits = lin(out[0])
    loss = torch.nn.CrossEntropyLoss()(logits, ids[1:])
    loss.backward()
    assert w.result().loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(w.probabilities(), torch.softmax(logits, 1).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.trace["p"], torch.softmax(logits, 1).detach().numpy(), rtol=1e-12)
    g = w.gradients().params
    H = w.spec["hidden_sizes"][0]
    for k, gate in enumerate(gates):
        rows = slice(k * H, (k + 1) * H)
        np.testing.assert_allclose(g[f"W_x{gate}"], rnn.weight_ih_l0.grad[rows].T.numpy(), rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(g[f"W_h{gate}"], rnn.weight_hh_l0.grad[rows].T.numpy(), rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(g[f"b_{gate}"], rnn.bias_ih_l0.grad[rows].numpy(), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(g["W_hy"], lin.weight.grad.T.numpy(), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(g["b_y"], lin.bias.grad.numpy(), rtol=1e-9, atol=1e-14)
    # one-hot: only the rows of W_x* of tokens that were read get a gradient
    unread = [i for i, c in enumerate(order) if c not in text[:-1]]
    for i in unread:
        assert not g[f"W_x{gates[0]}"][i].any()


def test_word_tokens_match_pytorch():
    text = "the cat sat on the mat"
    w = RNNWidget.from_text(text, words=True, hidden=3, seed=1)
    order = list(dict.fromkeys(text.split()))
    ids = torch.tensor([order.index(s) for s in text.split()])
    rnn, lin, _ = _torch_model(w, "rnn")
    out, _ = rnn(torch.nn.functional.one_hot(ids[:-1], len(order)).double().unsqueeze(0))
    loss = torch.nn.CrossEntropyLoss()(lin(out[0]), ids[1:])
    loss.backward()
    assert w.result().loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(w.gradients().params["W_hh"], rnn.weight_hh_l0.grad.T.numpy(), rtol=1e-9, atol=1e-14)


def test_top_tokens_are_the_softmax_sorted():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3, seed=5)
    rnn, lin, _ = _torch_model(w, "rnn")
    x = torch.nn.functional.one_hot(torch.tensor([0, 1, 2, 2]), 4).double().unsqueeze(0)
    p = torch.softmax(lin(rnn(x)[0][0]), 1).detach().numpy()
    for t, top in enumerate(w.top_tokens(3)):
        order = np.argsort(-p[t])[:3]
        assert [s for s, _ in top] == ["helo"[i] for i in order]
        np.testing.assert_allclose([q for _, q in top], p[t][order], rtol=1e-12)


# -- sampling -------------------------------------------------------------------------------------
def _torch_sample(w, start, n, temperature=None, seed=None):
    """An independent sampling loop: PyTorch runs one step at a time, carrying its own state."""
    rnn, lin, _ = _torch_model(w, w.spec["cell"])
    order = w.vocab
    rng = np.random.default_rng(seed)
    ids = [order.index(c) for c in start]
    h = None
    out = None
    for i in ids:
        out, h = rnn(torch.nn.functional.one_hot(torch.tensor([[i]]), len(order)).double(), h)
    for _ in range(n):
        logits = lin(out[0, -1]).detach()
        if temperature is None:
            nxt = int(torch.argmax(logits))
        else:
            q = torch.softmax(logits / temperature, 0).numpy()
            nxt = int(rng.choice(len(q), p=q / q.sum()))
        ids.append(nxt)
        out, h = rnn(torch.nn.functional.one_hot(torch.tensor([[nxt]]), len(order)).double(), h)
    return "".join(order[i] for i in ids)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_greedy_sampling_is_deterministic_and_matches_an_independent_loop(cell):
    w = RNNWidget.from_text("hello world", hidden=4, cell=cell, seed=2)
    a = w.sample("h", 12)
    assert a == w.sample("h", 12) == _torch_sample(w, "h", 12)
    assert a == w.sample("h", 12, temperature=0)  # 0 is greedy
    assert w.sample("he", 10, show=False) == _torch_sample(w, "he", 10)  # a prefix primes the state
    # the run shown: each step's most likely token (the widget's own forward pass) is the next input
    p = w.probabilities()
    assert [w.vocab[i] for i in p.argmax(1)] == list(a[1:])


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sampling_with_a_temperature_is_reproducible_from_a_seed(temperature):
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3, seed=4)
    texts = {seed: w.sample("h", 30, temperature=temperature, seed=seed, show=False) for seed in range(5)}
    for seed, text in texts.items():
        assert w.sample("h", 30, temperature=temperature, seed=seed, show=False) == text
        assert text == _torch_sample(w, "h", 30, temperature, seed)
    assert len(set(texts.values())) > 1  # different seeds, different texts


def test_a_shown_sample_feeds_each_chosen_token_back():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3, seed=2)
    text = w.sample("h", 5, temperature=1.0, seed=7)
    assert w.sampled == {"start": 1, "tokens": list(text), "temperature": 1.0, "seed": 7}
    assert w.labels == list(text[:-1]) and w.target_tokens() == list(text[1:])
    # step t's input is the token chosen at step t - 1
    assert w.tokens()[1:] == w.sampled["tokens"][1:-1]
    w.set_entry("W_hh", (0, 0), 0.5)  # the weights change: the run shown is no longer this model's
    assert w.sampled == {}
    w.set_text("hello")
    assert w.labels == ["h", "e", "l", "l"] and w.sampled == {}


def test_a_sample_is_not_shown_while_training_runs():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    w.training = {**w.training, "running": True}  # as during a background training
    before = _snapshot(w)
    with pytest.raises(traitlets.TraitError, match="training is running"):
        w.sample("h", 4)
    assert _snapshot(w) == before
    assert len(w.sample("h", 4, show=False)) == 5  # only reading is fine


def test_the_hello_network_trains_until_greedy_sampling_gives_hello():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    assert w.sample("h", 4, show=False) != "hello"
    w.train(300, lr=0.5, block=True)
    assert w.loss_history[-1] < w.loss_history[0] / 10
    assert w.sample("h", 4) == "hello"


# -- refusals: a clear message, nothing changes ---------------------------------------------------
def _snapshot(w):
    return (w.trace, w.params, w.inputs, w.targets, w.labels, list(w.vocab), dict(w.sampled))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda w: w.set_text("help"), r"not in the vocabulary: 'p'; expected tokens from \['h' 'e' 'l' 'o'\]"),
        (lambda w: w.set_text(""), "text is empty"),
        (lambda w: w.set_text("hel", target="ell!"), "not in the vocabulary"),
        (lambda w: w.set_text("hel", target="el"), "one target token per input token"),
        (lambda w: w.sample("x", 3), "start has token"),
        (lambda w: w.sample("", 3), "start is empty"),
        (lambda w: w.sample("h", 0), "length must be"),
        (lambda w: w.sample("h", 3, temperature=-1), "temperature must be"),
        (lambda w: w.sample("h", 3, temperature=1.0), "needs a seed"),
        (lambda w: setattr(w, "vocab", ["a", "b"]), "expected one input and one output per token"),
        (lambda w: setattr(w, "vocab", ["a", "a", "b", "c"]), "appears twice"),
    ],
)
def test_refusals_say_what_is_wrong_and_change_nothing(call, match):
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    w.sample("h", 4)
    before = _snapshot(w)
    with pytest.raises(traitlets.TraitError, match=match):
        call(w)
    assert _snapshot(w) == before


def test_sampling_outside_many_to_many_says_why():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=2)
    w.spec = dict(w.spec, mode="many-to-one")
    before = _snapshot(w)
    with pytest.raises(traitlets.TraitError, match="needs mode 'many-to-many'.*'many-to-one'"):
        w.sample("h", 3)
    assert _snapshot(w) == before


def test_construction_refusals():
    with pytest.raises(traitlets.TraitError, match="text is empty"):
        RNNWidget.from_text("", vocab="helo")
    with pytest.raises(traitlets.TraitError, match=r"not in the vocabulary: 'z'"):
        RNNWidget.from_text("hez", vocab="helo")
    words = " ".join(f"w{i}" for i in range(MAX_VOCAB + 1))
    with pytest.raises(traitlets.TraitError, match=f"has {MAX_VOCAB + 1} tokens; at most {MAX_VOCAB}"):
        RNNWidget.from_text(words, words=True)
    with pytest.raises(traitlets.TraitError, match="appears twice"):
        RNNWidget.from_text("hello", vocab="hello")
    with pytest.raises(traitlets.TraitError, match="needs a vocabulary"):
        RNNWidget.from_preset("tom_yeh").sample("h", 3)


def test_the_page_cannot_write_the_vocabulary_or_the_sample():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    before = _snapshot(w)
    page_update(w, {"vocab": ["a", "b", "c", "d"], "sampled": {"start": 1, "tokens": ["x"]}})
    assert w.error and _snapshot(w) == before


def test_a_page_edit_of_an_input_updates_the_labels_and_a_size_change_drops_the_vocabulary():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3)
    w.edit([{"field": "inputs", "index": [1, 1], "value": 0.0}, {"field": "inputs", "index": [1, 3], "value": 1.0}])
    assert w.labels == ["h", "o", "l", "l"]
    w.edit([{"field": "inputs", "index": [0, 1], "value": 0.5}])
    assert w.labels == ["", "o", "l", "l"]  # not one-hot: no token
    w.spec = {**w.spec, "input_size": 5}
    assert w.vocab == [] and w.sampled == {}


def page_custom(w, content):
    w._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def test_the_page_sample_button():
    w = RNNWidget.from_text("hello", vocab="helo", hidden=3, seed=2)
    expected = w.sample("h", 6, temperature=1.5, seed=9, show=False)
    page_custom(w, {"type": "sample", "start": "h", "length": 6, "temperature": 1.5, "seed": 9})
    assert w.sampled["tokens"] == list(expected) and w.error == ""
    greedy = w.sample("e", 3, show=False)
    page_custom(w, {"type": "sample", "start": "e", "length": 3, "temperature": None, "seed": None})
    assert "".join(w.sampled["tokens"]) == greedy
    before = _snapshot(w)
    for bad in (
        {"start": "x", "length": 3},
        {"start": ["h"], "length": 3},
        {"start": "h", "length": "3"},
        {"start": "h", "length": 3, "temperature": float("nan"), "seed": 1},
        {"start": "h", "length": 3, "temperature": 1.0},
    ):
        page_custom(w, {"type": "sample", "temperature": None, "seed": None, **bad})
        assert w.error and w.error_field == "sample", bad
        assert _snapshot(w) == before
    page_custom(w, {"type": "sample", "start": "h", "length": 4, "temperature": None, "seed": None})
    assert w.error == "" and len(w.sampled["tokens"]) == 5


def test_labels_follow_a_vocabulary_assigned_from_python():
    """Found by the fuzz test: `w.vocab = ...` (the same tokens in another order fits the network)
    left the labels decoded with the old vocabulary, and a sample run told in the old tokens."""
    w = RNNWidget.from_text("hello", hidden=2)
    w.sample("h", 3)
    assert w.sampled
    w.vocab = ["o", "l", "e", "h"]
    # the inputs are unchanged one-hot rows; unit 0 is now "o", unit 1 "l", ...
    ids = [row.index(1.0) for row in w.inputs]
    assert w.labels == [["o", "l", "e", "h"][i] for i in ids]
    assert w.sampled == {}
