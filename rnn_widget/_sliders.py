"""ipywidgets sliders linked both ways to one weight of an RNNWidget."""

from __future__ import annotations

import numpy as np
import traitlets


def linked_slider(w, name: str, index, *, lo: float, hi: float, step: float, convention=None, **kwargs):
    """An ipywidgets FloatSlider linked both ways to one weight, e.g. ``w.slider("A", (0, 1))``.

    `index` is in `convention` (default: the widget's); a bias takes a single index.
    """
    import ipywidgets

    key = w._key(name)
    conv = convention or w.convention
    idx = (index,) if np.isscalar(index) else tuple(index)
    shape = w._net.param_shapes[key]
    if len(idx) != len(shape):
        raise traitlets.TraitError(f"{name} has shape {shape}; give an index with {len(shape)} entries, got {index!r}")
    row_idx = idx[::-1] if conv == "column" and len(idx) == 2 else idx
    if any(not 0 <= i < n for i, n in zip(row_idx, shape)):
        raise traitlets.TraitError(
            f"index {index!r} is outside {name} of shape {shape if conv == 'row' else shape[::-1]}"
        )
    shown = w.display_names.get(key, key)
    label = f"{shown}[{', '.join(str(i + 1) for i in idx)}]"
    current = float(w._net[key][row_idx])
    lo, hi = min(lo, current), max(hi, current)
    s = ipywidgets.FloatSlider(
        value=current,
        min=lo,
        max=hi,
        step=step,
        description=label,
        continuous_update=True,
        readout_format=".3g",
        **kwargs,
    )
    guard = {"busy": False}

    def from_slider(change):
        if guard["busy"]:
            return
        guard["busy"] = True
        try:
            # one entry, on top of the current weights (training may have moved the others)
            w.set_entry(key, list(row_idx), change["new"], convention="row")
        except traitlets.TraitError as e:
            # refused (e.g. an overflow): the slider goes back to the weight, the widget says why
            s.value = float(w._net[key][row_idx])
            w.error, w.error_field = str(e), key
        finally:
            guard["busy"] = False

    def from_widget(change):
        if guard["busy"]:
            return
        if key not in w._net.param_shapes or w._net.param_shapes[key] != shape:
            s.disabled = True  # the parameter is gone or changed shape
            return
        guard["busy"] = True
        try:
            value = float(w._net[key][row_idx])
            # a value set elsewhere may lie outside the slider's range: widen it rather than clamp
            if value < s.min:
                s.min = value
            if value > s.max:
                s.max = value
            s.value = value
        finally:
            guard["busy"] = False

    s.observe(from_slider, names="value")
    w.observe(from_widget, names="params")
    return s
