"""Build a `Network` from PyTorch modules and back. torch is imported only inside these functions.

PyTorch keeps two biases per gate (``bias_ih`` and ``bias_hh``); they only ever appear summed,
except GRU's ``b_hn`` inside the reset product, so `from_torch` sums them and `to_torch` puts the
sum in ``bias_ih`` and zeros (or ``b_hn``) in ``bias_hh``.
"""

from __future__ import annotations

import numpy as np

from .spec import GATES, Spec, layer_suffix

_KIND = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru"}


def from_torch(
    module,
    linear=None,
    *,
    output_activation: str = "identity",
    mode: str = "many-to-many",
    loss: str = "squared",
    decoder_steps: int = 1,
):
    """A `Network` equal to a torch ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (+ an optional ``nn.Linear``
    readout). Bidirectional modules and LSTM projections are not supported. ``decoder_steps``:
    the steps emitted in encoder-decoder mode (see `Spec`)."""
    from .network import Network

    kind = _KIND.get(type(module).__name__)
    if kind is None:
        raise TypeError(f"expected a torch nn.RNN, nn.LSTM or nn.GRU, got {type(module).__name__}")
    if module.bidirectional:
        raise ValueError("bidirectional modules are not supported: rnn-widget unrolls one direction")
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTM with proj_size is not supported")
    L, h, d = module.num_layers, module.hidden_size, module.input_size
    out_size = None
    if linear is not None:
        if type(linear).__name__ != "Linear":
            raise TypeError(f"linear must be a torch nn.Linear, got {type(linear).__name__}")
        if linear.in_features != h:
            raise ValueError(f"linear takes {linear.in_features} inputs; the {kind} has hidden size {h}")
        out_size = linear.out_features
    spec = Spec(
        cell=kind,
        input_size=d,
        hidden_sizes=(h,) * L,
        output_size=out_size,
        activation=getattr(module, "nonlinearity", "tanh"),
        bias=bool(module.bias),
        output_bias=linear is not None and linear.bias is not None,
        output_activation=output_activation,
        mode=mode,
        decoder_steps=decoder_steps,
        loss=loss,
        gru_variant="torch",
    )
    params = {}
    gates = GATES[kind]
    for layer in range(L):
        sfx = layer_suffix(layer)
        w_ih = _np(getattr(module, f"weight_ih_l{layer}"))
        w_hh = _np(getattr(module, f"weight_hh_l{layer}"))
        if module.bias:
            b_ih = _np(getattr(module, f"bias_ih_l{layer}"))
            b_hh = _np(getattr(module, f"bias_hh_l{layer}"))
        for k, g in enumerate(gates):
            rows = slice(k * h, (k + 1) * h)
            params[f"W_x{g}{sfx}"] = w_ih[rows].T
            params[f"W_h{g}{sfx}"] = w_hh[rows].T
            if module.bias:
                if kind == "gru" and g == "n":
                    params[f"b_n{sfx}"] = b_ih[rows]
                    params[f"b_hn{sfx}"] = b_hh[rows]
                else:
                    params[f"b_{g}{sfx}"] = b_ih[rows] + b_hh[rows]
    if linear is not None:
        params["W_hy"] = _np(linear.weight).T
        if linear.bias is not None:
            params["b_y"] = _np(linear.bias)
    return Network(spec, params)


def to_torch(net, dtype=None):
    """``(module, linear)``: a torch ``nn.RNN``/``nn.LSTM``/``nn.GRU`` and an ``nn.Linear`` (or
    None without a readout) computing the same as `net` (the output activation is not included)."""
    import torch

    spec = net.spec
    if len(set(spec.hidden_sizes)) != 1:
        raise ValueError(f"torch modules need the same hidden size in every layer, got {list(spec.hidden_sizes)}")
    if spec.cell == "gru" and spec.gru_variant != "torch":
        raise ValueError("only the 'torch' GRU variant exists in PyTorch; this network uses 'cho'")
    if spec.cell == "rnn" and spec.activation not in ("tanh", "relu"):
        raise ValueError(f"torch nn.RNN supports tanh and relu, not {spec.activation!r}")
    dtype = dtype or torch.float64
    h, L = spec.hidden_sizes[0], spec.num_layers
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[spec.cell]
    kwargs = {"nonlinearity": spec.activation} if spec.cell == "rnn" else {}
    has_bias = bool(spec.bias_gates)
    module = cls(spec.input_size, h, num_layers=L, bias=has_bias, **kwargs).to(dtype)
    p = net.params
    gates = GATES[spec.cell]
    with torch.no_grad():
        for layer in range(L):
            sfx = layer_suffix(layer)
            w_ih = np.vstack([p[f"W_x{g}{sfx}"].T for g in gates])
            w_hh = np.vstack([p[f"W_h{g}{sfx}"].T for g in gates])
            getattr(module, f"weight_ih_l{layer}").copy_(torch.from_numpy(w_ih))
            getattr(module, f"weight_hh_l{layer}").copy_(torch.from_numpy(w_hh))
            if has_bias:
                b_ih = np.concatenate([p.get(f"b_{g}{sfx}", np.zeros(h)) for g in gates])
                b_hh = np.zeros(len(gates) * h)
                if spec.cell == "gru":
                    b_hh[2 * h :] = p.get(f"b_hn{sfx}", np.zeros(h))
                getattr(module, f"bias_ih_l{layer}").copy_(torch.from_numpy(b_ih))
                getattr(module, f"bias_hh_l{layer}").copy_(torch.from_numpy(b_hh))
    linear = None
    if spec.output_size is not None:
        linear = torch.nn.Linear(h, spec.output_size, bias="b_y" in p).to(dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(p["W_hy"].T.copy()))
            if "b_y" in p:
                linear.bias.copy_(torch.from_numpy(p["b_y"]))
    return module, linear


def _np(t) -> np.ndarray:
    return t.detach().cpu().double().numpy().copy()
