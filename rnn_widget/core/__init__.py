"""The math of rnn-widget: numpy only, no widget or plotting imports.

`Spec` says what the network is, `Network` holds its parameters and computes the forward
`Trace` and the BPTT `Gradients`; `train` runs SGD, whose `SGD.step` changes a network only
through `Network.subtract` and can be undone (`Network.snapshot`/`restore`, a `ParamSnapshot`); `from_torch`/`to_torch` convert PyTorch
modules (importing torch only when called); `batch` runs n sequences at once (seed 003's X_t, H_t).
"""

from . import batch
from .batch import MAX_BATCH, BatchGradients, BatchTrace
from .convention import column_form, row_form
from .gradcheck import numerical_gradients
from .network import Network, ParamSnapshot
from .spec import LIMITS, Spec
from .torch_interop import from_torch, to_torch
from .trace import Gradients, Trace
from .train import SGD, train

__all__ = [
    "LIMITS",
    "Spec",
    "Network",
    "ParamSnapshot",
    "Trace",
    "Gradients",
    "SGD",
    "train",
    "numerical_gradients",
    "from_torch",
    "to_torch",
    "column_form",
    "row_form",
    "batch",
    "BatchTrace",
    "BatchGradients",
    "MAX_BATCH",
]
