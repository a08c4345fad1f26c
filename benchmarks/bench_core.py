"""Time rnn-widget's forward + full backward against PyTorch autograd, in the same process.

    python benchmarks/bench_core.py               # presets + the cell x hidden x length grid
    python benchmarks/bench_core.py --quick       # fewer repeats, teaching sizes only
    python benchmarks/bench_core.py --help

One call of ours is ``net.run(X, targets)``: input/target validation, the full forward trace with
every intermediate, the loss, every parameter gradient and dL/dh_t (dL/dc_t) for every step and
layer. One call of PyTorch is the same network as ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (one module per
layer) + ``nn.Linear`` in float64, the same loss, ``.backward()``, gradients reset to None before
each call; its input tensors are built once, outside the timed loop. "bare" is numpy forward +
BPTT of the same recurrence written the plain way one would by hand (one layer, no validation, no
trace, no per-step terms, new arrays per step): a reference for what the bookkeeping costs, not a
floor (ours preallocates and writes in place, so it overtakes bare on longer sequences). Every
case first checks that ours, PyTorch and bare agree on the loss and the W_hh gradients.

Each figure is the minimum over ``--repeat`` rounds (default 15) of the time per call of a batch
of calls (about 20 ms a batch); ours, torch and bare take turns within each round, so a burst of
other work on a shared machine hits all three alike. The minimum is the figure least disturbed by
other work; the median is printed alongside for ours and PyTorch. torch runs with as many
intra-op threads as numpy's BLAS has (reported in the header).

Threads: one for numpy's BLAS and one for torch by default (``--threads N`` for another
number, the same for both). The BLAS thread count has to be set before numpy loads, so this
script sets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS itself (it does not touch
OPENBLAS_CORETYPE). At these sizes a second thread only adds synchronisation: on a busy 2-core
machine numpy with 2 BLAS threads was 2-9x slower at hidden 128 than with one.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import timeit


def _threads_from_argv(argv) -> int:
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


THREADS = _threads_from_argv(sys.argv[1:])
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import numpy as np  # noqa: E402  (after the thread settings)
import torch  # noqa: E402

from rnn_widget import presets  # noqa: E402
from rnn_widget.core import Network, Spec  # noqa: E402
from rnn_widget.core.spec import GATES, layer_suffix  # noqa: E402

CELLS = ("rnn", "lstm", "gru")
HIDDEN = (2, 8, 32, 128)
LENGTHS = (5, 20, 128)
INPUT_SIZE, OUTPUT_SIZE = 4, 2


# -- thread settings ---------------------------------------------------------------------------
def blas_info():
    """(threads, description) of numpy's BLAS, through threadpoolctl when it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        n = int(os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or os.cpu_count())
        return n, f"numpy BLAS threads assumed {n} (install threadpoolctl to read them)"
    for lib in threadpool_info():
        if lib.get("user_api") == "blas" and "numpy" in lib.get("filepath", ""):
            return lib["num_threads"], (
                f"{lib['internal_api']} {lib['version']}, kernel "
                f"{lib.get('architecture')}, {lib['num_threads']} threads"
            )
    return os.cpu_count(), "numpy BLAS not found by threadpoolctl"


# -- cases -------------------------------------------------------------------------------------
class Case:
    def __init__(self, name, net, X, targets, h0=None, c0=None):
        self.name, self.net, self.X, self.targets, self.h0, self.c0 = name, net, X, targets, h0, c0


def preset_cases():
    out = []
    for name, make in presets.PRESETS.items():
        p = make()
        net, X = p.network, np.asarray(p.inputs, dtype=float)
        targets = p.targets
        if targets is None:  # presets without a target: score every step against fixed numbers
            width = net.spec.output_size or net.spec.hidden_sizes[-1]
            targets = np.random.default_rng(7).normal(size=(X.shape[0], width)) * 0.5
        out.append(Case(f"preset {name}", net, X, np.asarray(targets, dtype=float), p.h0, p.c0))
    return out


def grid_cases(hiddens=HIDDEN, lengths=LENGTHS):
    out = []
    for cell in CELLS:
        for h in hiddens:
            for T in lengths:
                spec = Spec(cell=cell, input_size=INPUT_SIZE, hidden_sizes=(h,), output_size=OUTPUT_SIZE)
                net = Network(spec, seed=h + T)
                rng = np.random.default_rng(T * 1000 + h)
                out.append(
                    Case(
                        f"{cell} h={h} T={T}", net, rng.normal(size=(T, INPUT_SIZE)), rng.normal(size=(T, OUTPUT_SIZE))
                    )
                )
    return out


# -- PyTorch reference -------------------------------------------------------------------------
def torch_model(net):
    """One torch module per layer (so layers may differ in size) with our weights, + readout."""
    spec, p = net.spec, net.params
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[spec.cell]
    if spec.cell == "rnn" and spec.activation not in ("tanh", "relu"):
        return None
    if spec.cell == "gru" and spec.gru_variant != "torch":
        return None
    if spec.bias not in (True, False) or spec.output_activation != "identity":
        return None
    gates = GATES[spec.cell]
    layers = []
    for layer, h in enumerate(spec.hidden_sizes):
        d, sfx = spec.layer_input_size(layer), layer_suffix(layer)
        kw = {"nonlinearity": spec.activation} if spec.cell == "rnn" else {}
        m = cls(d, h, bias=bool(spec.bias), **kw).double()
        with torch.no_grad():
            m.weight_ih_l0.copy_(torch.from_numpy(np.vstack([p[f"W_x{g}{sfx}"].T for g in gates])))
            m.weight_hh_l0.copy_(torch.from_numpy(np.vstack([p[f"W_h{g}{sfx}"].T for g in gates])))
            if spec.bias:
                m.bias_ih_l0.copy_(torch.from_numpy(np.concatenate([p[f"b_{g}{sfx}"] for g in gates])))
                b_hh = np.zeros(len(gates) * h)
                if spec.cell == "gru":
                    b_hh[2 * h :] = p[f"b_hn{sfx}"]
                m.bias_hh_l0.copy_(torch.from_numpy(b_hh))
        layers.append(m)
    linear = None
    if spec.output_size is not None:
        linear = torch.nn.Linear(spec.hidden_sizes[-1], spec.output_size, bias="b_y" in p).double()
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(p["W_hy"].T.copy()))
            if "b_y" in p:
                linear.bias.copy_(torch.from_numpy(p["b_y"]))
    return layers, linear


def torch_call(case):
    """A zero-argument function doing one forward + backward in torch, and a result reader."""
    net, spec = case.net, case.net.spec
    built = torch_model(net)
    if built is None:
        return None, None
    layers, linear = built
    params = [q for m in layers for q in m.parameters()] + (list(linear.parameters()) if linear else [])
    T = case.X.shape[0]
    x = torch.from_numpy(np.ascontiguousarray(case.X))[:, None, :]
    tg = torch.from_numpy(np.ascontiguousarray(case.targets))
    scored = np.ones(T, dtype=bool)
    if spec.mode == "many-to-one":
        scored[:-1] = False
    if tg.shape[0] != T:
        full = torch.zeros(T, tg.shape[1], dtype=torch.float64)
        full[torch.from_numpy(scored)] = tg
        tg = full
    idx = torch.from_numpy(np.flatnonzero(scored))
    tg = tg[idx]
    states = []
    for _layer, h in enumerate(spec.hidden_sizes):
        h0 = torch.zeros(1, 1, h, dtype=torch.float64)
        states.append((h0, torch.zeros_like(h0)) if spec.cell == "lstm" else h0)
    loss_kind = spec.loss
    if loss_kind == "cross_entropy":
        ce = torch.nn.CrossEntropyLoss()
    result = {}

    def call():
        for q in params:
            q.grad = None
        out = x
        for m, s in zip(layers, states):
            out, _ = m(out, s)
        out = out[:, 0]
        y = linear(out) if linear is not None else out
        y = y[idx]
        if loss_kind == "squared":
            loss = 0.5 * ((y - tg) ** 2).sum()
        elif loss_kind == "mse":
            loss = torch.nn.functional.mse_loss(y, tg)
        else:
            loss = ce(y, tg)
        loss.backward()
        result["loss"] = loss

    def read():
        call()
        grads = {}
        for layer, m in enumerate(layers):
            grads[f"W_hh{layer_suffix(layer)}"] = m.weight_hh_l0.grad.numpy()
        return result["loss"].item(), grads

    return call, read


# -- bare numpy reference (one layer, squared loss, many-to-many, bias everywhere) --------------
def _sig(a):
    return 0.5 * np.tanh(0.5 * a) + 0.5


def bare_rnn(X, Y, Wx, Wh, b, Wy, by):
    T, h = X.shape[0], Wh.shape[0]
    H = np.empty((T + 1, h))
    H[0] = 0.0
    base = X @ Wx + b
    for t in range(T):
        H[t + 1] = np.tanh(base[t] + H[t] @ Wh)
    dy = H[1:] @ Wy + by - Y
    loss = 0.5 * float((dy * dy).sum())
    dH = dy @ Wy.T
    dA = np.empty((T, h))
    dn = np.zeros(h)
    WhT = Wh.T
    for t in range(T - 1, -1, -1):
        dA[t] = (dH[t] + dn) * (1.0 - H[t + 1] * H[t + 1])
        dn = dA[t] @ WhT
    return loss, {"W_hh": H[:-1].T @ dA, "W_xh": X.T @ dA, "b_h": dA.sum(0), "W_hy": H[1:].T @ dy, "b_y": dy.sum(0)}


def bare_lstm(X, Y, Wx, Wh, b, Wy, by):
    T, h = X.shape[0], Wh.shape[0]
    H = np.zeros((T + 1, h))
    C = np.zeros((T + 1, h))
    G = np.empty((T, 4 * h))
    base = X @ Wx + b
    for t in range(T):
        z = base[t] + H[t] @ Wh
        g = G[t]
        g[: 2 * h] = _sig(z[: 2 * h])
        g[2 * h : 3 * h] = np.tanh(z[2 * h : 3 * h])
        g[3 * h :] = _sig(z[3 * h :])
        C[t + 1] = g[h : 2 * h] * C[t] + g[:h] * g[2 * h : 3 * h]
        H[t + 1] = g[3 * h :] * np.tanh(C[t + 1])
    dy = H[1:] @ Wy + by - Y
    loss = 0.5 * float((dy * dy).sum())
    dH = dy @ Wy.T
    dZ = np.empty((T, 4 * h))
    dh_n, dc_n = np.zeros(h), np.zeros(h)
    WhT = Wh.T
    for t in range(T - 1, -1, -1):
        i, f, c, o = G[t, :h], G[t, h : 2 * h], G[t, 2 * h : 3 * h], G[t, 3 * h :]
        tc = np.tanh(C[t + 1])
        dh = dH[t] + dh_n
        dc = dh * o * (1 - tc * tc) + dc_n
        dZ[t, :h] = dc * c * i * (1 - i)
        dZ[t, h : 2 * h] = dc * C[t] * f * (1 - f)
        dZ[t, 2 * h : 3 * h] = dc * i * (1 - c * c)
        dZ[t, 3 * h :] = dh * tc * o * (1 - o)
        dh_n = dZ[t] @ WhT
        dc_n = dc * f
    return loss, {"W_hh": H[:-1].T @ dZ, "W_xh": X.T @ dZ, "b_h": dZ.sum(0), "W_hy": H[1:].T @ dy, "b_y": dy.sum(0)}


def bare_gru(X, Y, Wx, Wh, b, Wy, by, bhn):
    T, h = X.shape[0], Wh.shape[0]
    H = np.zeros((T + 1, h))
    R, Z, N, NH = (np.empty((T, h)) for _ in range(4))
    base = X @ Wx + b
    for t in range(T):
        gh = H[t] @ Wh
        rz = _sig(base[t, : 2 * h] + gh[: 2 * h])
        R[t], Z[t] = rz[:h], rz[h:]
        NH[t] = gh[2 * h :] + bhn
        N[t] = np.tanh(base[t, 2 * h :] + R[t] * NH[t])
        H[t + 1] = (1 - Z[t]) * N[t] + Z[t] * H[t]
    dy = H[1:] @ Wy + by - Y
    loss = 0.5 * float((dy * dy).sum())
    dH = dy @ Wy.T
    dGx = np.empty((T, 3 * h))
    dGh = np.empty((T, 3 * h))
    dn_ = np.zeros(h)
    WhT = Wh.T
    for t in range(T - 1, -1, -1):
        dh = dH[t] + dn_
        dzn = dh * (1 - Z[t]) * (1 - N[t] * N[t])
        dGh[t, :h] = dGx[t, :h] = dzn * NH[t] * R[t] * (1 - R[t])
        dGh[t, h : 2 * h] = dGx[t, h : 2 * h] = dh * (H[t] - N[t]) * Z[t] * (1 - Z[t])
        dGx[t, 2 * h :] = dzn
        dGh[t, 2 * h :] = dzn * R[t]
        dn_ = dh * Z[t] + dGh[t] @ WhT
    return loss, {
        "W_hh": H[:-1].T @ dGh,
        "W_xh": X.T @ dGx,
        "b_h": dGx.sum(0),
        "W_hy": H[1:].T @ dy,
        "b_y": dy.sum(0),
        "b_hn": dGh[:, 2 * h :].sum(0),
    }


def bare_call(case):
    net, spec = case.net, case.net.spec
    if (
        spec.num_layers != 1
        or spec.loss != "squared"
        or spec.mode != "many-to-many"
        or spec.bias is not True
        or spec.output_size is None
        or not spec.output_bias
        or spec.output_activation != "identity"
        or (spec.cell == "rnn" and spec.activation != "tanh")
        or (spec.cell == "gru" and spec.gru_variant != "torch")
    ):
        return None, None
    p, gates = net.params, GATES[spec.cell]
    args = [
        np.ascontiguousarray(case.X),
        np.ascontiguousarray(case.targets),
        np.hstack([p[f"W_x{g}"] for g in gates]),
        np.hstack([p[f"W_h{g}"] for g in gates]),
        np.concatenate([p[f"b_{g}"] for g in gates]),
        p["W_hy"],
        p["b_y"],
    ]
    fn = {"rnn": bare_rnn, "lstm": bare_lstm, "gru": bare_gru}[spec.cell]
    if spec.cell == "gru":
        args.append(p["b_hn"])

    def call():
        return fn(*args)

    def read():
        loss, g = call()
        return loss, {"W_hh": g["W_hh"]}

    return call, read


# -- checks and timing -------------------------------------------------------------------------
def ours_call(case):
    net, X, tg, h0, c0 = case.net, case.X, case.targets, case.h0, case.c0

    def call():
        net.run(X, tg, h0, c0)

    def read():
        trace, g = net.run(X, tg, h0, c0)
        gates = GATES[net.spec.cell]
        out = {}
        for layer in range(net.spec.num_layers):
            sfx = layer_suffix(layer)
            out[f"W_hh{sfx}"] = np.vstack([g.params[f"W_h{q}{sfx}"].T for q in gates])
        return trace.loss, out

    return call, read


def check(case, ours_read, other_read, what, transpose=False, tol=1e-9):
    """Ours and the reference agree on the loss and on every layer's W_hh gradient."""
    if other_read is None:
        return
    l1, g1 = ours_read()
    l2, g2 = other_read()
    err = abs(l1 - l2) / max(1.0, abs(l1))
    for k, ref in g2.items():
        mine = g1[k].T if transpose else g1[k]
        err = max(err, float(np.abs(mine - ref).max() / max(1.0, np.abs(ref).max())))
    if err > tol:
        raise AssertionError(f"{case.name}: ours and {what} disagree by {err:.3g}")


def best_times(fns, repeat):
    """Seconds per call of each function: (min, median) over `repeat` rounds.

    The functions take turns within each round (ours, torch, bare, ours, torch, bare, ...), so a
    burst of other work on a shared machine hits all of them alike rather than one column. Each
    turn runs a batch of about 20 ms (a tenth of what timeit's autorange picks)."""
    timers = [timeit.Timer(fn) for fn in fns]
    numbers = [max(1, t.autorange()[0] // 10) for t in timers]
    runs = [[] for _ in fns]
    for _ in range(repeat):
        for timer, number, out in zip(timers, numbers, runs):
            out.append(timer.timeit(number) / number)
    return [(min(r), statistics.median(r)) for r in runs]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=15, help="timed rounds per figure (default 15)")
    ap.add_argument("--quick", action="store_true", help="5 rounds, presets and hidden <= 8, length <= 20 only")
    ap.add_argument("--no-torch", action="store_true", help="skip PyTorch (ours and bare only)")
    ap.add_argument(
        "--threads", type=int, default=1, help="BLAS threads for numpy and intra-op threads for torch (default 1)"
    )
    ap.add_argument("--filter", default="", help="run only cases whose name contains this text")
    args = ap.parse_args(argv)
    repeat = 5 if args.quick else args.repeat

    threads, blas = blas_info()
    torch.set_num_threads(threads)
    print(
        f"python {platform.python_version()}, numpy {np.__version__} ({blas}), torch {torch.__version__} "
        f"({torch.get_num_threads()} intra-op threads), {os.cpu_count()} cores, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"
    )
    print(f"figures: microseconds per call, minimum over {repeat} interleaved rounds (median in brackets)\n")

    cases = preset_cases() + (grid_cases((2, 8), (5, 20)) if args.quick else grid_cases())
    cases = [c for c in cases if args.filter in c.name]
    print("| case | ours µs | torch µs | torch/ours | bare numpy µs | ours/bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in cases:
        call, read = ours_call(case)
        tcall, tread = (None, None) if args.no_torch else torch_call(case)
        bcall, bread = bare_call(case)
        check(case, read, tread, "torch")
        check(case, read, bread, "bare numpy", transpose=True)
        fns = [call] + [f for f in (tcall, bcall) if f is not None]
        times = iter(best_times(fns, repeat))
        ours, ours_med = next(times)
        row = [case.name, f"{ours * 1e6:.1f} ({ours_med * 1e6:.1f})"]
        if tcall is not None:
            tt, tt_med = next(times)
            row += [f"{tt * 1e6:.1f} ({tt_med * 1e6:.1f})", f"**{tt / ours:.2f}**"]
        else:
            row += ["-", "-"]
        if bcall is not None:
            bt, _ = next(times)
            row += [f"{bt * 1e6:.1f}", f"{ours / bt:.2f}"]
        else:
            row += ["-", "-"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
