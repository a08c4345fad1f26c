"""Construction from traits: any consistent set works, anything else is refused with a TraitError.

The strongest consistent set is the one a widget already holds: every editable trait of a widget,
given to a new one, must rebuild the same state and trace.
"""

import numpy as np
import pytest
import traitlets

from rnn_widget import RNNWidget, presets
from rnn_widget.core import Network, Spec

EDITABLE = ("spec", "params", "inputs", "h0", "c0", "targets", "bptt")


def _with_targets():
    rng = np.random.default_rng(5)
    specs = {
        "lstm_two_layers": Spec(input_size=2, hidden_sizes=(3, 2), output_size=1, cell="lstm"),
        "gru_cho": Spec(input_size=1, hidden_sizes=(2,), output_size=2, cell="gru", gru_variant="cho"),
        "rnn_many_to_one_ce": Spec(
            input_size=1, hidden_sizes=(2,), output_size=3, mode="many-to-one", loss="cross_entropy"
        ),
        "rnn_no_bias": Spec(input_size=2, hidden_sizes=(2,), output_size=1, bias=False, output_bias=False),
    }
    out = {}
    for name, spec in specs.items():
        X = rng.normal(0, 1, (4, spec.input_size))
        targets = [[0.0, 1.0, 0.0]] if spec.loss == "cross_entropy" else rng.normal(0, 1, (4, spec.output_size))
        h0 = [rng.normal(0, 0.5, h) for h in spec.hidden_sizes]
        kw = {"c0": [rng.normal(0, 0.5, h) for h in spec.hidden_sizes]} if spec.cell == "lstm" else {}
        out[name] = lambda spec=spec, X=X, t=targets, h0=h0, kw=kw: RNNWidget(
            Network(spec, seed=2), X, h0=h0 if len(h0) > 1 else h0[0], targets=t, bptt={"clip_norm": 0.5}, **kw
        )
    return out


MAKERS = {name: (lambda name=name: RNNWidget.from_preset(name)) for name in presets.PRESETS} | _with_targets()


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_every_editable_trait_of_a_widget_rebuilds_it(name):
    w = MAKERS[name]()
    traits = {k: getattr(w, k) for k in EDITABLE}
    again = RNNWidget(**traits)
    for k in EDITABLE:
        assert getattr(again, k) == traits[k], k
    assert again.trace == w.trace


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_spec_and_params_alone_rebuild_the_network(name):
    w = MAKERS[name]()
    again = RNNWidget(spec=w.spec, params=w.params)
    assert again.params == w.params and again.spec == w.spec
    assert len(again.inputs[0]) == w.spec["input_size"]


def test_a_spec_alone_gives_a_network_of_that_shape():
    w = RNNWidget(spec={"cell": "lstm", "input_size": 3, "hidden_sizes": [4, 2], "output_size": 2})
    assert w.network.spec.hidden_sizes == (4, 2)
    assert w.hidden_states().shape[1] == 2 and w.outputs().shape[1] == 2


def test_a_network_and_traits_together():
    net = Network(Spec(input_size=2, hidden_sizes=(3,), output_size=1))
    params = {k: v.tolist() for k, v in net.params.items()} | {"W_hh": np.eye(3).tolist()}  # the whole trait
    w = RNNWidget(net, [[1, 2], [3, 4]], params=params, targets=[[1.0], [0.0]])
    np.testing.assert_array_equal(w.get("W_hh"), np.eye(3))
    assert w.gradients() is not None


SPEC = {"cell": "gru", "input_size": 2, "hidden_sizes": [3], "output_size": 1}


@pytest.mark.parametrize(
    "traits",
    [
        {"spec": SPEC, "inputs": [[1.0]]},  # one number per step, the spec says two
        {"spec": SPEC, "params": {"W_xh": [[1.0]]}},  # an RNN name for a GRU
        {"spec": SPEC, "params": {"W_xr": [[1.0, 2.0]]}},  # the wrong shape
        {"spec": SPEC, "inputs": [[1.0, 2.0]], "targets": [[1.0, 2.0]]},  # two outputs, the spec says one
        {"spec": SPEC, "h0": [[0.0, 0.0]]},  # a hidden state of two for three units
        {"spec": SPEC, "bptt": {"truncate": 0}},
        {"spec": {"cell": "nope"}},
        {"spec": {**SPEC, "hidden_sizes": [10_000]}},
        {"inputs": "abc"},
    ],
    ids=lambda d: ",".join(d),
)
def test_an_inconsistent_set_is_refused_with_a_trait_error(traits):
    with pytest.raises(traitlets.TraitError):
        RNNWidget(**traits)
