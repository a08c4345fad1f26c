"""Independent numpy reference for Tom Yeh's RNN by hand (column form): h_t = relu(A h + B x), y_t = C h."""

import numpy as np

A = [[1, -1], [1, 1]]
B = [[1], [2]]
C = [[-1, 1]]
X = [3, 4, 5, 6]
H = [[3, 6], [1, 17], [0, 28], [0, 40]]  # the slide's numbers
Y = [[3], [16], [28], [40]]


def forward(A=A, B=B, C=C, X=X):
    """(h_1..h_T, y_1..y_T) as nested lists of floats."""
    A, B, C = (np.asarray(m, dtype=float) for m in (A, B, C))
    h = np.zeros(A.shape[0])
    hs, ys = [], []
    for x in X:
        h = np.maximum(0.0, A @ h + B[:, 0] * x)
        hs.append(h.tolist())
        ys.append((C @ h).tolist())
    return hs, ys


def close(page_values, expected, rel=1e-3):
    """Page numbers carry 4 significant digits: compare as numbers, not strings."""
    a, b = np.asarray(page_values, dtype=float), np.asarray(expected, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=rel, atol=1e-9)
