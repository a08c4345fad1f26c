"""rnn-widget: learn recurrent neural networks by working the numbers out by hand.

``rnn_widget.core`` is the numpy model; ``rnn_widget.presets`` opens the seed examples;
``RNNWidget`` shows and edits them. Everything is imported on first use, so ``import rnn_widget``
(and the ``rnn_widget.nodelay`` server extension, which every Jupyter server with it enabled
imports) loads no numpy: 16 MB per single-user server on a hub.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["core", "presets", "Network", "Spec", "load", "RNNWidget", "__version__"]

_LAZY = {
    "core": ("rnn_widget.core", None),
    "presets": ("rnn_widget.presets", None),
    "Network": ("rnn_widget.core", "Network"),
    "Spec": ("rnn_widget.core", "Spec"),
    "load": ("rnn_widget.presets", "load"),
    "RNNWidget": ("rnn_widget.widget", "RNNWidget"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'rnn_widget' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = importlib.import_module(module)
    return value if attr is None else getattr(value, attr)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
