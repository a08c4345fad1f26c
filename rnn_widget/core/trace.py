"""The results of a forward pass (`Trace`) and of BPTT (`Gradients`), and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .spec import Spec


@dataclass
class LayerTrace:
    """One layer over the whole sequence: every intermediate, each shaped (T, hidden)."""

    values: dict
    h0: np.ndarray
    c0: np.ndarray | None
    x: np.ndarray  # the layer's input sequence (T, d)

    @property
    def h(self) -> np.ndarray:
        return self.values["h"]

    @property
    def c(self) -> np.ndarray | None:
        return self.values.get("c")


@dataclass
class Trace:
    """Everything a student would compute by hand in the forward pass.

    ``x`` is the effective input (one-to-many mode zeroes the steps after the first), ``scored``
    marks the steps whose output the loss scores, ``y_pre`` is the readout before the output
    activation and ``y`` after it (both None without a readout), ``p`` the softmax probabilities
    for cross-entropy. ``loss`` and ``loss_steps`` are None without targets.
    """

    spec: Spec
    x: np.ndarray
    input_mask: np.ndarray
    scored: np.ndarray
    layers: list
    y_pre: np.ndarray | None
    y: np.ndarray | None
    targets: np.ndarray | None = None
    p: np.ndarray | None = None
    loss: float | None = None
    loss_steps: np.ndarray | None = None
    #: dL/d(readout) for the scored steps, kept for backward
    _dy: np.ndarray | None = field(default=None, repr=False)
    _packed: list | None = field(default=None, repr=False)

    @property
    def T(self) -> int:
        return self.x.shape[0]

    @property
    def h(self) -> np.ndarray:
        """Hidden states of the top layer, (T, hidden)."""
        return self.layers[-1].h

    @property
    def outputs(self) -> np.ndarray:
        """The readout y (T, out), or the top hidden states when there is no readout."""
        return self.y if self.y is not None else self.h

    def to_json(self, grads: Gradients | None = None) -> dict:
        """Plain lists and numbers, the `trace` trait of the widget (docs/protocol.md)."""
        spec = self.spec
        return {
            "T": self.T,
            "cell": spec.cell,
            "activation": spec.activation,
            "mode": spec.mode,
            "x": self.x.tolist(),
            "input_mask": self.input_mask.tolist(),
            "scored": self.scored.tolist(),
            "layers": [
                {
                    "size": int(lt.h.shape[1]),
                    "h0": lt.h0.tolist(),
                    "c0": None if lt.c0 is None else lt.c0.tolist(),
                    "values": {k: v.tolist() for k, v in lt.values.items()},
                }
                for lt in self.layers
            ],
            "y_pre": None if self.y_pre is None else self.y_pre.tolist(),
            "y": None if self.y is None else self.y.tolist(),
            "p": None if self.p is None else self.p.tolist(),
            "targets": None if self.targets is None else self.targets.tolist(),
            "loss": self.loss,
            "loss_steps": None if self.loss_steps is None else self.loss_steps.tolist(),
            "grads": None if grads is None else grads.to_json(),
        }


@dataclass
class Gradients:
    """Exact BPTT gradients of the loss of one `Trace`.

    ``params`` holds dL/dW for every parameter (after clipping, if asked). ``dh[l]`` is dL/dh_t of
    layer l for every step, the total derivative (loss terms at t and everything after);
    ``dc[l]`` the same for an LSTM's cell state. ``norm`` is the global gradient norm before
    clipping, ``scale`` the factor clipping applied (1.0 when it did not).
    """

    params: dict
    dh: list
    dc: list
    dh0: list
    norm: float
    scale: float
    truncate: int | None
    _recipes: dict = field(repr=False, default_factory=dict)
    #: per layer, the part of dL/dh_t that arrives at step t directly: from y_t (top layer) or
    #: from the layer above; the rest, ``dh - dh_direct``, flows back from step t + 1
    dh_direct: list | None = None
    #: dL/dy_t (T, out) on the scored steps; dL/d(logits) for cross-entropy; None without readout
    dy: np.ndarray | None = None
    _cell: str = field(repr=False, default="rnn")

    @property
    def dh_future(self) -> list:
        """Per layer: dL/dh_{t+1} dh_{t+1}/dh_t, what flows back into step t from the future."""
        if self.dh_direct is None:
            raise ValueError("these gradients were made without the direct part of dL/dh_t")
        return [total - direct for total, direct in zip(self.dh, self.dh_direct)]

    def dpre(self, layer: int = -1) -> dict:
        """dL/d(pre-activations) of a layer, each (T, hidden): rnn ``a``; lstm ``z_i z_f z_c z_o``;
        gru ``z_r z_z z_n``. Not scaled by clipping (like ``dh``)."""
        layer = layer % len(self.dh)
        sfx = "" if layer == 0 else f"@{layer + 1}"
        gates = {"rnn": {"a": "h"}, "lstm": {f"z_{g}": g for g in "ifco"}, "gru": {f"z_{g}": g for g in "rzn"}}[
            self._cell
        ]
        out = {}
        for key, g in gates.items():
            _, right, start, width = self._recipes[f"W_x{g}{sfx}"]
            out[key] = right[:, start : start + width]
        return out

    @property
    def clipped(self) -> bool:
        return self.scale < 1.0

    def per_step(self, name: str) -> np.ndarray:
        """The contribution of each time step to dL/d`name`, shaped (T, *shape); they sum to
        ``params[name]``."""
        if name.endswith("@1"):
            name = name[:-2]
        if name not in self._recipes:
            raise KeyError(f"no gradient for {name!r}; expected one of {list(self._recipes)}")
        left, right, start, width = self._recipes[name]
        right = right[:, start : start + width]
        if left is None:
            return right * self.scale
        return np.einsum("ti,tj->tij", left, right) * self.scale

    def to_json(self) -> dict:
        return {
            "params": {k: v.tolist() for k, v in self.params.items()},
            "dh": [d.tolist() for d in self.dh],
            "dh_direct": [d.tolist() for d in self.dh_direct] if self.dh_direct else None,
            "dh_future": [d.tolist() for d in self.dh_future] if self.dh_direct else None,
            "dpre": [{k: v.tolist() for k, v in self.dpre(layer).items()} for layer in range(len(self.dh))],
            "dc": [None if d is None else d.tolist() for d in self.dc],
            "dh0": [d.tolist() for d in self.dh0],
            "dy": None if self.dy is None else self.dy.tolist(),
            "norm": self.norm,
            "scale": self.scale,
            "truncate": self.truncate,
        }
