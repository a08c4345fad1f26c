"""The matplotlib figures show the model's numbers, and importing rnn_widget does not import matplotlib."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnn_widget import RNNWidget, plots, presets  # noqa: E402


def test_import_is_light():
    code = (
        "import sys, rnn_widget; print('matplotlib' in sys.modules, 'anywidget' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_hidden_states_lines_are_the_seed_numbers():
    fig = plots.hidden_states(presets.tom_yeh())
    lines = fig.axes[0].lines
    assert [list(l.get_ydata()) for l in lines[:2]] == [[3, 1, 0, 0], [6, 17, 28, 40]]


def test_gates_heatmaps_hold_gate_values():
    p = presets.lstm_by_hand()
    fig = plots.gates(p)
    f = fig.axes[1].images[0].get_array()
    np.testing.assert_allclose(np.asarray(f), p.forward().layers[0].values["f"].T)
    with pytest.raises(ValueError, match="no gates"):
        plots.gates(presets.tom_yeh())


def test_gradient_norms_use_the_model():
    w = RNNWidget.from_preset("next_number")
    fig = plots.gradient_norms(w)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), np.linalg.norm(w.gradients().dh[0], axis=1))
    np.testing.assert_allclose(fig.axes[1].lines[0].get_ydata(), w.trace["grads"]["jacobian_norms"][0])


def test_loss_curve_from_widget_training():
    w = RNNWidget.from_preset("next_number")
    w.train(100, lr=0.01, block=True)
    fig = plots.loss_curve(w)
    assert list(fig.axes[0].lines[0].get_ydata()) == w.loss_history
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(ValueError, match="empty"):
        plots.loss_curve([])
