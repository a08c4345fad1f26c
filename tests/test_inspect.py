"""rnn_widget.inspect: the values a TextInspector shows equal PyTorch's own forward pass (LSTM, GRU,
RNN; one and two layers), typing (appending, deleting, changing a character) recomputes from the
first change and still equals a full pass, and a refusal changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from rnn_widget.inspect import MAX_CHARS, CharModel, TextInspector

torch = pytest.importorskip("torch")

VOCAB = "\n !',.?abcdefghijklmnopqrstuvwxyz"
TEXT = "the cat sat on the mat.\n'who is there?' said the cat, 'me!'"


def modules(cls, hidden=24, layers=1, seed=0, vocab=VOCAB):
    torch.manual_seed(seed)
    rnn = getattr(torch.nn, cls)(len(vocab), hidden, num_layers=layers)
    linear = torch.nn.Linear(hidden, len(vocab))
    with torch.no_grad():
        for p in rnn.parameters():
            p.mul_(2.5)  # units that swing: a harder comparison than values near 0
    return rnn, linear


def torch_forward(rnn, linear, text, vocab=VOCAB):
    """Every gate of the top layer from torch's weights, stepped here in float64; h checked
    against torch's own module output, the logits against its nn.Linear."""
    rnn, linear = rnn.double(), linear.double()
    x = torch.nn.functional.one_hot(torch.tensor([vocab.index(c) for c in text]), len(vocab)).double()
    with torch.no_grad():
        out, _ = rnn(x[:, None])
        h_top = out[:, 0].numpy()
        logits = linear(out[:, 0]).numpy()
        inp = x
        hidden = rnn.hidden_size
        for layer in range(rnn.num_layers):
            W_ih, W_hh = getattr(rnn, f"weight_ih_l{layer}"), getattr(rnn, f"weight_hh_l{layer}")
            b_ih, b_hh = getattr(rnn, f"bias_ih_l{layer}"), getattr(rnn, f"bias_hh_l{layer}")
            h = torch.zeros(hidden, dtype=torch.double)
            c = torch.zeros(hidden, dtype=torch.double)
            vals = {}
            hs = []
            for t in range(len(text)):
                gi, gh = W_ih @ inp[t] + b_ih, W_hh @ h + b_hh
                if isinstance(rnn, torch.nn.LSTM):
                    i, f, g, o = (gi + gh).chunk(4)
                    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
                    c = f * c + i * g
                    h = o * c.tanh()
                    step = {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}
                elif isinstance(rnn, torch.nn.GRU):
                    ir, iz, in_ = gi.chunk(3)
                    hr, hz, hn = gh.chunk(3)
                    r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
                    n = (in_ + r * hn).tanh()
                    h = (1 - z) * n + z * h
                    step = {"r": r, "z": z, "n": n, "h": h}
                else:
                    h = (gi + gh).tanh()
                    step = {"h": h}
                for k, v in step.items():
                    vals.setdefault(k, []).append(v.numpy().copy())
                hs.append(h)
            inp = torch.stack(hs)
    vals = {k: np.array(v) for k, v in vals.items()}
    np.testing.assert_allclose(vals["h"], h_top, atol=1e-12)
    return vals, logits


@pytest.mark.parametrize(("cls", "layers"), [("LSTM", 1), ("GRU", 1), ("RNN", 1), ("LSTM", 2), ("GRU", 2)])
def test_values_equal_torch(cls, layers):
    rnn, linear = modules(cls, layers=layers)
    insp = TextInspector.from_torch(rnn, linear, VOCAB, text=TEXT)
    want, logits = torch_forward(rnn, linear, TEXT)
    assert sorted(q for q, _ in insp.quantities) == sorted(want)
    for q, v in want.items():
        np.testing.assert_allclose(insp.values(q), v, rtol=0, atol=1e-12, err_msg=q)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert [c for c, _ in insp.predictions()] == [VOCAB[i] for i in p.argmax(1)]
    np.testing.assert_allclose([pr for _, pr in insp.predictions()], p.max(1), atol=1e-12)


def test_float32_model_as_trained():
    """A model trained in float32 is read as is: its values match torch's float32 forward."""
    rnn, linear = modules("LSTM", hidden=64)
    insp = TextInspector.from_torch(rnn, linear, VOCAB, text=TEXT)
    x = torch.nn.functional.one_hot(torch.tensor([VOCAB.index(c) for c in TEXT]), len(VOCAB)).float()
    with torch.no_grad():
        out, _ = rnn(x[:, None])
    np.testing.assert_allclose(insp.values("h"), out[:, 0].numpy(), atol=1e-5)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_typing_recomputes_only_the_changed_steps(cls):
    rnn, linear = modules(cls)
    insp = TextInspector.from_torch(rnn, linear, VOCAB, text="")
    sent = []
    insp.send = lambda content, buffers=None: sent.append((content, buffers))
    typed = ""
    for ch in TEXT[:20]:  # append one character at a time
        typed += ch
        insp.text = typed
        assert sent[-1][0]["start"] == len(typed) - 1 and sent[-1][0]["T"] == len(typed)
    edits = [TEXT[:20] + "xyz", TEXT[:12], TEXT[:5] + "k" + TEXT[6:12], "", TEXT]
    for text in edits:
        old = insp.text
        insp.text = text
        common = next((i for i, (a, b) in enumerate(zip(old, text)) if a != b), min(len(old), len(text)))
        if text != old:
            assert sent[-1][0]["start"] == common
        if not text:
            assert insp.values("h").shape == (0, 24)
        else:
            want, _ = torch_forward(*modules(cls), text)
            for q, v in want.items():
                np.testing.assert_allclose(insp.values(q), v, atol=1e-12, err_msg=f"{q} after {text!r}")
    content, (block, preds, thumbs) = sent[-1]
    T, n = len(TEXT), len(TEXT) - content["start"]
    assert n > TextInspector.ALL_QUANTITIES_UP_TO and content["quantities"] == [insp.quantity]  # only the one in view
    assert len(block) == 4 * n * 24 and len(preds) == 4 * 2 * n
    rows = content["thumbs"]["rows"]
    assert len(thumbs) == len(insp.quantities) * (T - content["thumbs"]["start"]) * rows


def test_page_messages():
    """What the page sends: a hello gets everything; a text gets the changed steps or a refusal."""
    rnn, linear = modules("LSTM")
    insp = TextInspector.from_torch(rnn, linear, VOCAB, text="abc")
    sent = []
    insp.send = lambda content, buffers=None: sent.append((content, buffers))
    insp._on_page_message(insp, {"kind": "hello"}, [])
    assert sent[-1][0]["start"] == 0 and sent[-1][0]["T"] == 3
    block = np.frombuffer(sent[-1][1][0], dtype=np.float32).reshape(6, 3, 24)
    np.testing.assert_allclose(block[0], insp.values("h"), atol=1e-6)
    np.testing.assert_allclose(block[3], insp.values("f"), atol=1e-6)
    insp._on_page_message(insp, {"kind": "text", "text": "abcd", "seq": 4, "view": "v1"}, [])
    content = dict(sent[-1][0])
    thumbs = content.pop("thumbs")
    assert content.pop("kernel_ms") >= 0
    assert content == {
        "kind": "values",
        "start": 3,
        "T": 4,
        "text": "abcd",
        "origin": "page",
        "seq": 4,
        "view": "v1",
        "quantities": ["h", "c", "i", "f", "g", "o"],  # one step changed: every quantity, exact
        "changed": 3,
    }
    assert thumbs["start"] in (0, 3) and thumbs["rows"] == 24 and thumbs["ranges"][2] == [0.0, 1.0]
    assert insp.text == "abcd" and insp.error == ""
    before = insp.values("c")
    insp._on_page_message(insp, {"kind": "text", "text": "abcdE", "seq": 5, "view": "v1"}, [])
    assert sent[-1][0]["kind"] == "error" and sent[-1][0]["seq"] == 5 and sent[-1][0]["view"] == "v1"
    assert "'E'" in insp.error and "position 4" in insp.error
    assert insp.text == "abcd"
    np.testing.assert_array_equal(insp.values("c"), before)


def test_first_character_sends_the_quantity_in_view_and_previews():
    """Changing the first character: exact float32 values of the shown quantity only, the others
    fetched by the page when it shows them; every quantity's coarse preview (units averaged in
    groups, quantised to 255 levels of its colour range) checked against a plain loop here."""
    rnn, linear = modules("LSTM", hidden=80)
    insp = TextInspector.from_torch(rnn, linear, VOCAB, text=TEXT)
    insp.quantity = "c"
    sent = []
    insp.send = lambda content, buffers=None: sent.append((content, buffers))
    insp._on_page_message(insp, {"kind": "text", "text": "x" + TEXT[1:], "seq": 1, "view": "v"}, [])
    content, (block, preds, thumbs) = sent[-1]
    T, H = len(TEXT), 80
    want, logits = torch_forward(*modules("LSTM", hidden=80), "x" + TEXT[1:])
    assert content["start"] == 0 and content["quantities"] == ["c"]
    np.testing.assert_allclose(np.frombuffer(block, np.float32).reshape(T, H), want["c"], atol=1e-6)
    info = content["thumbs"]
    assert info["start"] == 0 and info["rows"] == 32
    codes = np.frombuffer(thumbs, np.uint8).reshape(6, T, 32)
    for k, q in enumerate(["h", "c", "i", "f", "g", "o"]):
        lo, hi = info["ranges"][k]
        if q in "ifo":
            assert (lo, hi) == (0.0, 1.0)
        elif q == "c":  # +-the 99th percentile of |c| rounded up to a half (8000 values: no sampling)
            a = np.sort(np.abs(want["c"].astype(np.float32).ravel()))[int(0.99 * T * H)]
            assert hi == -lo == max(1.0, np.ceil(2 * a) / 2)
        else:
            assert (lo, hi) == (-1.0, 1.0)
        for t in (0, 17, T - 1):
            for r in (0, 13, 31):
                units = range(round(r * H / 32), round((r + 1) * H / 32))
                mean = sum(want[q][t, u] for u in units) / len(units)
                expect = round((min(max(mean, lo), hi) - lo) / (hi - lo) * 254)
                assert abs(int(codes[k, t, r]) - expect) <= 1, (q, t, r)  # rounding at a .5 edge
    # the page shows another quantity: it asks for it from the first step it does not hold
    insp._on_page_message(insp, {"kind": "fetch", "quantity": "f", "from": 0, "view": "v"}, [])
    content, buffers = sent[-1]
    assert content["origin"] == "fetch" and content["quantities"] == ["f"] and "thumbs" not in content
    assert content["changed"] == T  # no step of the text changed
    assert len(buffers) == 2
    np.testing.assert_allclose(np.frombuffer(buffers[0], np.float32).reshape(T, H), want["f"], atol=1e-6)
    insp._on_page_message(insp, {"kind": "fetch", "quantity": "f", "from": T - 3, "view": "v"}, [])
    assert sent[-1][0]["start"] == T - 3 and len(sent[-1][1][0]) == 4 * 3 * H
    n = len(sent)
    insp._on_page_message(insp, {"kind": "fetch", "quantity": "nope", "from": 0}, [])
    insp._on_page_message(insp, {"kind": "fetch", "quantity": "f", "from": "0"}, [])
    assert len(sent) == n  # a malformed request is ignored
    # a typed character: one step, every quantity exact; the previews move only where it changed
    insp._on_page_message(insp, {"kind": "text", "text": "x" + TEXT[1:] + "a", "seq": 2, "view": "v"}, [])
    content, (block, _, thumbs) = sent[-1]
    assert content["start"] == T and content["quantities"] == ["h", "c", "i", "f", "g", "o"]
    assert len(block) == 4 * 6 * H
    start = content["thumbs"]["start"]
    assert start in (0, T) and len(thumbs) == 6 * (T + 1 - start) * 32


def test_refusals_change_nothing():
    rnn, linear = modules("GRU")
    insp = TextInspector.from_torch(rnn, linear, VOCAB, text="hello")
    before = {q: insp.values(q) for q, _ in insp.quantities}
    bad = [
        ("hello World", r"characters the vocabulary does not: 'W' \(first at position 6\)"),
        ("a" * (MAX_CHARS + 1), f"{MAX_CHARS + 1} characters; the inspector takes up to {MAX_CHARS}"),
        (42, "expected a unicode string, not the int 42"),
    ]
    for value, msg in bad:
        with pytest.raises(traitlets.TraitError, match=msg):
            insp.text = value
        assert insp.text == "hello"
        for q, v in before.items():
            np.testing.assert_array_equal(insp.values(q), v)
    with pytest.raises(traitlets.TraitError, match=r"quantity 'c' is not one of \['h', 'r', 'z', 'n'\]"):
        insp.quantity = "c"
    with pytest.raises(traitlets.TraitError, match="unit 24 is out of range; expected 0 to 23"):
        insp.unit = 24
    assert insp.quantity == "h" and insp.unit == 0


def test_construction_refusals():
    rnn, linear = modules("LSTM")
    with pytest.raises(ValueError, match="takes 33 inputs but the vocabulary has 32 characters"):
        TextInspector.from_torch(rnn, linear, VOCAB[:-1])
    with pytest.raises(ValueError, match=r"vocab repeats the characters \['a'\]"):
        TextInspector.from_torch(rnn, linear, VOCAB[:-1] + "a")
    with pytest.raises(ValueError, match="vocab entries must be single characters"):
        TextInspector.from_torch(rnn, linear, [*VOCAB[:-1], "zz"])
    with pytest.raises(ValueError, match="characters the vocabulary does not: 'Q'"):
        TextInspector.from_torch(rnn, linear, VOCAB, text="Quiet")
    big = torch.nn.LSTM(len(VOCAB), 300)
    with pytest.raises(ValueError, match="hidden size 300; the inspector takes up to 256"):
        TextInspector.from_torch(big, None, VOCAB)
    with pytest.raises(ValueError, match="readout has 5 outputs but the vocabulary has 33"):
        TextInspector.from_torch(rnn, torch.nn.Linear(24, 5), VOCAB)
    with pytest.raises(ValueError, match="layer 2 does not exist; the model has 1 layer"):
        TextInspector.from_torch(rnn, linear, VOCAB, layer=2)
    with pytest.raises(TypeError, match="model must be a CharModel"):
        TextInspector(rnn)


def test_hidden_256_and_no_readout():
    rnn = torch.nn.LSTM(len(VOCAB), 256)
    insp = TextInspector.from_torch(rnn, None, VOCAB, text=TEXT)
    assert insp.values("h").shape == (len(TEXT), 256)
    assert insp.predictions() == []
    top = insp.top_steps(unit=3, quantity="f", k=5)
    f3 = insp.values("f")[:, 3]
    assert [s for s, _ in top] == list(np.argsort(-f3, kind="stable")[:5])
    assert isinstance(CharModel.from_torch(rnn, None, VOCAB), CharModel)
