"""What a layer's backward pass hands back, and the truncation rule shared by every cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat

import numpy as np


def cut_at(t: int, truncate: int | None) -> bool:
    """Truncated BPTT as PyTorch practice does it: the state is detached every `truncate` steps.

    The gradient does not flow from step t back to step t-1 when t (0-based) is a positive
    multiple of `truncate`; the first chunk still reaches h0.
    """
    if not truncate:
        return False
    return t > 0 and t % truncate == 0


def cut_flags(T: int, truncate: int | None):
    """`cut_at(t, truncate)` for t = T-1 down to 1, the order a backward loop zips them in."""
    if not truncate:
        return repeat(False)
    return [t % truncate == 0 for t in range(T - 1, 0, -1)]


#: A gradient block: (parameter names without the layer suffix, left or None for biases, right),
#: see `LayerGrad.blocks`.
Block = tuple[tuple[str, ...], np.ndarray | None, np.ndarray]


@dataclass
class LayerGrad:
    DH: np.ndarray  #: (T, S, h) dL/dh_t (total derivative) for every step
    dh0: np.ndarray  #: (S, h) dL/dh0
    DC: np.ndarray | None = None  #: LSTM: (T, S, h) dL/dc_t
    dc0: np.ndarray | None = None
    DX: np.ndarray | None = None  #: (T, d) dL/d(input of the layer)
    #: gradient blocks (names, left, right): the parameters `names` (without the layer suffix)
    #: side by side have total gradient left.T @ right, and step t contributes
    #: outer(left[t], right[t]); left None means biases (total right.sum(0), step t right[t]).
    #: right is (T, len(names) * h): each name owns h consecutive columns.
    blocks: list[Block] = field(default_factory=list)
