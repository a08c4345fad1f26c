"""Bad input is refused with the right exception and a message that names what was given and what
was expected; a refused assignment changes nothing."""

import numpy as np
import pytest
import torch

from rnn_widget.core import LIMITS, SGD, Network, Spec, from_torch, to_torch, train


def refused(exc, *fragments):
    """pytest.raises that also checks every fragment appears in the message."""

    class _Check:
        def __enter__(self):
            self._cm = pytest.raises(exc)
            self.info = self._cm.__enter__()
            return self.info

        def __exit__(self, *args):
            handled = self._cm.__exit__(*args)
            if not handled:
                return False
            message = str(self.info.value.args[0]) if self.info.value.args else ""
            for fragment in fragments:
                assert fragment in message, f"{fragment!r} not in {message!r}"
            return handled

    return _Check()


def rnn(**fields):
    base = dict(input_size=2, hidden_sizes=(3,), output_size=1)
    base.update(fields)
    return Network(Spec(**base), seed=0)


X4 = np.arange(8.0).reshape(4, 2) / 10


# -- parameter values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, value, given, expected",
    [
        ("W_xh", np.zeros((3, 3)), "(3, 3)", "(2, 3)"),
        ("W_hh", np.zeros((3,)), "(3,)", "(3, 3)"),
        ("W_hh", [[1, 2, 3], [4, 5, 6]], "(2, 3)", "(3, 3)"),
        ("b_h", np.zeros((3, 1)), "(3, 1)", "(3,)"),
        ("b_h", [1, 2], "(2,)", "(3,)"),
        ("W_hy", np.zeros((1, 3)), "(1, 3)", "(3, 1)"),
        ("W_xh", [1, 2, 3, 4, 5, 6], "(6,)", "(2, 3)"),
    ],
)
def test_wrong_parameter_shape(name, value, given, expected):
    net = rnn()
    with refused(ValueError, name, given, expected):
        net[name] = value


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name, shape", [("W_xh", (2, 3)), ("b_h", (3,)), ("W_hy", (3, 1))])
def test_non_finite_parameter(name, shape, bad):
    net = rnn()
    value = np.ones(shape)
    value.flat[-1] = bad
    index = [int(i) for i in np.unravel_index(value.size - 1, shape)]
    with refused(ValueError, name, str(bad), str(index), "finite"):
        net[name] = value


@pytest.mark.parametrize("bad, shown", [(np.nan, "holds nan at"), (np.inf, "holds inf at"), (-np.inf, "holds -inf at")])
def test_non_finite_message_is_plain(bad, shown):
    """The message is for students: 'holds nan', not numpy 2's repr 'holds np.float64(nan)'."""
    with refused(ValueError, "inputs", shown):
        rnn().forward([[0.0, 1.0], [bad, 0.0]])


@pytest.mark.parametrize(
    "value, given", [("abc", "'abc'"), (b"12", "b'12'"), ([[1, "x", 3]], "'x'"), ({"a": 1}, "{'a': 1}")]
)
def test_non_numeric_parameter(value, given):
    net = rnn()
    with refused(TypeError, "W_xh", "numbers", given):
        net["W_xh"] = value


def test_flat_list_for_a_single_row_and_a_scalar_for_one_by_one():
    net = rnn(input_size=1)
    net["W_xh"] = [1, 2, 3]
    assert net["W_xh"].tolist() == [[1.0, 2.0, 3.0]]
    net["W_hy"] = [4, 5, 6]
    assert net["W_hy"].tolist() == [[4.0], [5.0], [6.0]]
    one = rnn(input_size=1, hidden_sizes=(1,))
    one["W_hh"] = 0.5
    assert one["W_hh"].tolist() == [[0.5]]


# -- parameter names ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["W_xx", "w_xh", "W_xi", "W_xh@3", "b_hn", "W_hy@2"])
def test_unknown_parameter_name_lists_the_known_ones(name):
    net = Network(Spec(input_size=2, hidden_sizes=(3, 2), output_size=1), seed=0)
    for action in (lambda: net[name], lambda: net.__setitem__(name, 0.0), lambda: net.set_params({name: 0.0})):
        with refused(KeyError, repr(name), "W_xh", "W_hh@2", "W_hy", "b_y"):
            action()


@pytest.mark.parametrize(
    "name, exc, fragment",
    [("W_xh@0", ValueError, ">= 1"), ("W_xh@x", ValueError, "W_xh@2"), (3, TypeError, "3"), (None, TypeError, "None")],
)
def test_malformed_parameter_name(name, exc, fragment):
    with refused(exc, fragment):
        rnn()[name]


def test_layer_one_suffix_is_the_bare_name():
    net = Network(Spec(input_size=2, hidden_sizes=(3, 2)), seed=0)
    net["W_xh@1"] = np.ones((2, 3))
    assert net["W_xh"].tolist() == np.ones((2, 3)).tolist()
    assert net.canonical("W_hh@2") == "W_hh@2"


# -- all or nothing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_name, bad_value, exc",
    [
        ("W_hh", np.zeros((2, 2)), ValueError),
        ("b_h", [1.0, np.nan, 2.0], ValueError),
        ("W_hy", "nope", TypeError),
        ("W_nope", np.zeros((3, 3)), KeyError),
    ],
)
def test_failed_set_params_changes_nothing(bad_name, bad_value, exc):
    net = rnn()
    before = net.params
    trace_before = net.forward(X4, targets=np.ones((4, 1)))
    updates = {"W_xh": np.full((2, 3), 0.25), bad_name: bad_value, "b_y": [7.0]}
    with pytest.raises(exc):
        net.set_params(updates)
    after = net.params
    assert set(after) == set(before)
    for name, value in before.items():
        np.testing.assert_array_equal(after[name], value, err_msg=name)
    trace = net.forward(X4, targets=np.ones((4, 1)))
    np.testing.assert_array_equal(trace.y, trace_before.y)
    assert trace.loss == trace_before.loss
    net.set_params({"W_xh": np.full((2, 3), 0.25), "b_y": [7.0]})  # the good ones alone apply
    assert net["b_y"].tolist() == [7.0]


def test_params_are_copies():
    net = rnn()
    p = net.params
    p["W_xh"][:] = 99.0
    w = net["W_xh"]
    w[:] = 99.0
    assert not (net["W_xh"] == 99.0).any()


# -- inputs, initial states, targets -------------------------------------------------------------


@pytest.mark.parametrize(
    "X, given",
    [
        (np.zeros((4, 3)), "(4, 3)"),
        (np.zeros(4), "(4,)"),
        (np.zeros((2, 2, 2)), "(2, 2, 2)"),
    ],
)
def test_inputs_wrong_shape(X, given):
    with refused(ValueError, "inputs", given, "(steps, 2)"):
        rnn().forward(X)


@pytest.mark.parametrize(
    "X, exc, fragments",
    [
        ("1 2 3", TypeError, ("inputs", "'1 2 3'")),
        ([[1, "a"]], TypeError, ("inputs", "numbers")),
        ([[1.0, np.nan]], ValueError, ("inputs", "nan", "[0, 1]", "finite")),
        ([[1.0, 2.0], [np.inf, 0.0]], ValueError, ("inputs", "inf", "[1, 0]", "finite")),
        (np.zeros((0, 2)), ValueError, ("inputs", "empty", "at least one")),
        (
            np.zeros((LIMITS["max_steps"] + 1, 2)),
            ValueError,
            ("inputs", str(LIMITS["max_steps"] + 1), str(LIMITS["max_steps"])),
        ),
    ],
)
def test_bad_inputs(X, exc, fragments):
    with refused(exc, *fragments):
        rnn().forward(X)


def test_max_steps_is_allowed():
    assert rnn().forward(np.zeros((LIMITS["max_steps"], 2))).T == LIMITS["max_steps"]


@pytest.mark.parametrize(
    "h0, exc, fragments",
    [
        (np.zeros(2), ValueError, ("h0", "(2,)", "(3,)")),
        ([0.0, np.nan, 0.0], ValueError, ("h0", "nan", "finite")),
        ("zeros", TypeError, ("h0", "'zeros'")),
    ],
)
def test_bad_h0_one_layer(h0, exc, fragments):
    with refused(exc, *fragments):
        rnn().forward(X4, h0)


@pytest.mark.parametrize(
    "h0, fragments",
    [
        (np.zeros(3), ("h0", "one vector per layer", "2 layers")),
        ([np.zeros(3)], ("h0", "one vector per layer", "2 layers")),
        ([np.zeros(3), np.zeros(3)], ("h0[1]", "(3,)", "(2,)")),
    ],
)
def test_bad_h0_two_layers(h0, fragments):
    net = Network(Spec(input_size=2, hidden_sizes=(3, 2)), seed=0)
    with refused(ValueError, *fragments):
        net.forward(X4, h0)


def test_bad_c0():
    net = Network(Spec(cell="lstm", input_size=2, hidden_sizes=(3,)), seed=0)
    with refused(ValueError, "c0", "(4,)", "(3,)"):
        net.forward(X4, None, np.zeros(4))


@pytest.mark.parametrize(
    "mode, rows, expected",
    [
        ("many-to-many", 3, ("3 rows", "expected 4")),
        ("many-to-many", 5, ("5 rows", "expected 4")),
        ("many-to-one", 2, ("2 rows", "4 (one per step)", "1 (one per scored step)")),
    ],
)
def test_targets_wrong_rows(mode, rows, expected):
    net = rnn(mode=mode)
    with refused(ValueError, "targets", *expected):
        net.forward(X4, targets=np.zeros((rows, 1)))


def test_targets_wrong_width_and_non_finite():
    with refused(ValueError, "targets", "(4, 2)", "(steps, 1)"):
        rnn().forward(X4, targets=np.zeros((4, 2)))
    with refused(ValueError, "targets", "nan", "finite"):
        rnn().forward(X4, targets=[1.0, 2.0, np.nan, 0.0])


@pytest.mark.parametrize(
    "targets, fragments",
    [
        ([0, 3, 1, 2], ("[0, 3, 1, 2]", "0 to 2")),
        ([0, -1, 1, 2], ("[0, -1, 1, 2]", "0 to 2")),
    ],
)
def test_class_index_out_of_range(targets, fragments):
    net = rnn(output_size=3, loss="cross_entropy")
    with refused(ValueError, "class", *fragments):
        net.forward(X4, targets=targets)


@pytest.mark.parametrize("rows", [np.full((4, 3), 0.5), -np.eye(3)[[0, 1, 2, 0]]])
def test_cross_entropy_probability_rows(rows):
    with refused(ValueError, "cross-entropy targets", "summing to 1"):
        rnn(output_size=3, loss="cross_entropy").forward(X4, targets=rows)


@pytest.mark.parametrize("T", [2, 5])
def test_one_to_one_needs_one_step(T):
    with refused(ValueError, "one-to-one", "exactly one", f"got {T}"):
        rnn(mode="one-to-one").forward(np.zeros((T, 2)))


@pytest.mark.parametrize("mode", ["many-to-many", "one-to-many", "many-to-one"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_forward_does_not_modify_its_arguments(cell, mode):
    net = Network(Spec(cell=cell, input_size=2, hidden_sizes=(3,), output_size=1, mode=mode), seed=0)
    X, h0, c0 = X4.copy(), np.full(3, 0.1), np.full(3, -0.2)
    targets = np.ones((1 if mode == "many-to-one" else 4, 1))
    args = [X, h0, c0, targets]
    before = [a.copy() for a in args]
    trace, _ = net.run(X, targets, h0, c0 if cell == "lstm" else None)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)
    if mode == "one-to-many":
        assert (trace.x[1:] == 0).all() and (trace.x[0] == X[0]).all()


# -- the spec -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, exc, fragments",
    [
        ({"cell": "transformer"}, ValueError, ("cell", "'transformer'", "'rnn'", "'lstm'", "'gru'")),
        ({"activation": "gelu"}, ValueError, ("activation", "'gelu'", "'tanh'", "'relu'")),
        ({"output_activation": "softmax"}, ValueError, ("output_activation", "'softmax'", "'identity'")),
        ({"mode": "many-to-few"}, ValueError, ("mode", "'many-to-few'", "'many-to-one'")),
        ({"loss": "hinge"}, ValueError, ("loss", "'hinge'", "'cross_entropy'")),
        ({"cell": "gru", "gru_variant": "keras"}, ValueError, ("gru_variant", "'keras'", "'cho'")),
        (
            {"loss": "cross_entropy", "output_activation": "sigmoid"},
            ValueError,
            ("cross_entropy", "'sigmoid'", "'identity'"),
        ),
        ({"loss": "cross_entropy", "output_size": None}, ValueError, ("cross_entropy", "output_size")),
        ({"bias": {"f"}}, ValueError, ("['f']", "rnn", "['h']")),
        ({"cell": "lstm", "bias": {"f", "x"}}, ValueError, ("['x']", "lstm", "'i', 'f', 'c', 'o'")),
        ({"cell": "gru", "gru_variant": "cho", "bias": {"hn"}}, ValueError, ("['hn']", "gru", "['r', 'z', 'n']")),
        ({"output_bias": "yes"}, TypeError, ("output_bias", "'yes'")),
        ({"hidden_sizes": ()}, ValueError, ("hidden_sizes", "0 layers", f"1 to {LIMITS['max_layers']}")),
        (
            {"hidden_sizes": (2,) * (LIMITS["max_layers"] + 1)},
            ValueError,
            (f"{LIMITS['max_layers'] + 1} layers", f"1 to {LIMITS['max_layers']}"),
        ),
        (
            {"hidden_sizes": (3, LIMITS["max_hidden"] + 1)},
            ValueError,
            ("hidden_sizes[1]", str(LIMITS["max_hidden"] + 1), f"1 to {LIMITS['max_hidden']}"),
        ),
        ({"hidden_sizes": (0,)}, ValueError, ("hidden_sizes[0]", "= 0", "1 to")),
        ({"hidden_sizes": (2.5,)}, TypeError, ("hidden_sizes[0]", "2.5", "whole number")),
        ({"hidden_sizes": None}, TypeError, ("hidden_sizes", "None", "positive integers")),
        ({"input_size": LIMITS["max_input"] + 1}, ValueError, ("input_size", str(LIMITS["max_input"] + 1))),
        ({"input_size": True}, TypeError, ("input_size", "True", "whole number")),
        ({"input_size": "3"}, TypeError, ("input_size", "'3'")),
        ({"output_size": LIMITS["max_output"] + 1}, ValueError, ("output_size", str(LIMITS["max_output"] + 1))),
        ({"output_size": -1}, ValueError, ("output_size", "-1", "1 to")),
    ],
)
def test_bad_spec(fields, exc, fragments):
    with refused(exc, *fragments):
        Spec(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {
            "hidden_sizes": (LIMITS["max_hidden"],),
            "input_size": LIMITS["max_input"],
            "output_size": LIMITS["max_output"],
        },
        {"hidden_sizes": (1,) * LIMITS["max_layers"]},
        {"cell": "gru", "bias": {"hn"}},
        {"cell": "lstm", "bias": {"f"}},
    ],
)
def test_spec_at_the_limits_is_fine(fields):
    Spec(**fields)


@pytest.mark.parametrize("bias", [None, 0, 1, 2.5])
def test_bias_neither_bool_nor_gates(bias):
    """bias is True/False or a collection of gate letters; anything else is named in the message."""
    with refused(TypeError, "bias", repr(bias)):
        Spec(bias=bias)


def test_spec_to_dict_is_json_even_from_numpy_sizes():
    """to_dict feeds a JSON trait: sizes given as numpy integers must come out as plain ints."""
    import json

    spec = Spec(input_size=np.int64(2), hidden_sizes=np.array([3, 2]), output_size=np.int64(1))
    d = json.loads(json.dumps(spec.to_dict()))
    assert d["hidden_sizes"] == [3, 2] and d["input_size"] == 2


def test_spec_from_dict():
    spec = Spec(cell="lstm", hidden_sizes=(3, 2), bias={"f"})
    assert Spec.from_dict(spec.to_dict()) == spec
    with refused(ValueError, "['colour']", "hidden_sizes"):
        Spec.from_dict({"colour": "red"})
    with refused(TypeError, "dict", "list"):
        Spec.from_dict([1, 2])


def test_network_constructor():
    with refused(TypeError, "Spec", "dict"):
        Network({"cell": "rnn"})
    with refused(TypeError, "not both"):
        Network(Spec(), cell="lstm")
    assert Network(cell="gru", hidden_sizes=(4,)).spec.cell == "gru"


# -- backward options, optimizer, training -------------------------------------------------------


@pytest.mark.parametrize(
    "options, fragment",
    [
        ({"truncate": 0}, "truncate"),
        ({"truncate": -2}, "-2"),
        ({"truncate": True}, "True"),
        ({"truncate": 1.5}, "1.5"),
        ({"clip_norm": 0}, "clip_norm"),
        ({"clip_norm": -1.0}, "-1.0"),
        ({"clip_norm": float("nan")}, "nan"),
        ({"clip_norm": float("inf")}, "inf"),
    ],
)
def test_bad_backward_options(options, fragment):
    net = rnn()
    trace = net.forward(X4, targets=np.zeros((4, 1)))
    with refused(ValueError, fragment):
        net.backward(trace, **options)


def test_backward_needs_a_loss_and_a_matching_trace():
    net = rnn()
    with refused(ValueError, "targets"):
        net.backward(net.forward(X4))
    other = rnn(hidden_sizes=(4,))
    with refused(ValueError, "another shape"):
        net.backward(other.forward(X4, targets=np.zeros((4, 1))))


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"lr": 0}, "0"),
        ({"lr": -0.1}, "-0.1"),
        ({"lr": float("nan")}, "nan"),
        ({"momentum": 1.0}, "[0, 1)"),
        ({"momentum": -0.5}, "-0.5"),
    ],
)
def test_bad_optimizer(kwargs, fragment):
    with refused(ValueError, fragment):
        SGD(**kwargs)


@pytest.mark.parametrize("steps", [-1, True, 2.5, "10"])
def test_bad_training_steps(steps):
    with refused(ValueError, "steps", repr(steps)):
        train(rnn(), X4, np.zeros((4, 1)), steps=steps)


@pytest.mark.parametrize("activation", ["identity", "relu", "tanh"])
@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_divergence_raises_and_keeps_the_last_weights(activation):
    net = rnn(activation=activation)
    targets = np.full((4, 1), 3.0)
    seen = [net.params]
    with refused(FloatingPointError, "diverged", "lower the learning rate"):
        train(net, X4 * 10, targets, steps=50, lr=1e150, callback=lambda i, trace, grads: seen.append(net.params))
    last = seen[-1]
    for name, value in net.params.items():
        assert np.isfinite(value).all(), name
        np.testing.assert_array_equal(value, last[name], err_msg=name)
    net.forward(X4, targets=targets)  # still usable


# -- torch interop -------------------------------------------------------------------------------


def test_from_torch_refusals():
    with refused(TypeError, "nn.RNN", "Linear"):
        from_torch(torch.nn.Linear(2, 3))
    with refused(ValueError, "bidirectional"):
        from_torch(torch.nn.GRU(2, 3, bidirectional=True))
    with refused(ValueError, "proj_size"):
        from_torch(torch.nn.LSTM(2, 3, proj_size=2))
    with refused(TypeError, "nn.Linear", "Conv1d"):
        from_torch(torch.nn.RNN(2, 3), torch.nn.Conv1d(3, 1, 1))
    with refused(ValueError, "4 inputs", "hidden size 3"):
        from_torch(torch.nn.RNN(2, 3), torch.nn.Linear(4, 1))


@pytest.mark.parametrize(
    "spec, fragments",
    [
        (Spec(hidden_sizes=(3, 2)), ("same hidden size", "[3, 2]")),
        (Spec(cell="gru", gru_variant="cho"), ("'cho'", "torch")),
        (Spec(activation="sigmoid"), ("tanh and relu", "'sigmoid'")),
    ],
)
def test_to_torch_refusals(spec, fragments):
    with refused(ValueError, *fragments):
        to_torch(Network(spec))
