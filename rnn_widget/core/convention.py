"""Row form (stored) and column form (Tom Yeh's slides) of a parameter.

Column form writes ``h_t = phi(A h_{t-1} + B x_t)``, ``y_t = C h_t``: every weight matrix is the
transpose of the stored one (A = W_hh^T, B = W_xh^T, C = W_hy^T); bias vectors are the same.
"""

from __future__ import annotations

import numpy as np


def column_form(value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    return arr.T.copy() if arr.ndim == 2 else arr.copy()


def row_form(value) -> np.ndarray:
    return column_form(value)
