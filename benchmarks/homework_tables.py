"""bench_homework.py's browser tables (markdown) from the results of run_server."""

from __future__ import annotations

from homework_page import TUTORIALS

W = "of a wrong check: "


def spread(*keys, fmt=".1f"):
    """A cell: the p50 / p95 of results[m][keys...]."""

    def cell(r):
        for k in keys:
            r = r[k]
        return f"{r['p50']:{fmt}} / {r['p95']:{fmt}}"

    return cell


def browser_tables(results):
    modes = list(results)

    def row(name, cell):
        return f"| {name} | " + " | ".join(cell(results[m]) for m in modes) + " |"

    label = {m: m for m in results}
    lines = [
        "### Check -> feedback in the page (JupyterLab + chromium)",
        "",
        "| case | "
        + " | ".join(f"{label[m]} p50 / p95 ms (n)" for m in modes)
        + " | ratio to the slider p50 / p95 ("
        + ", ".join(modes)
        + ") |",
        "|---|" + "---|" * len(modes) + "---|",
    ]
    rows = [
        ("slider", "ipywidgets FloatSlider -> observe -> Label (reference, same notebook)"),
        ("wrong", "wrong answer typed + Enter -> hint naming it shown, slot marked wrong"),
        ("right", "right answer typed + Enter -> slot closed, score line updated"),
    ]
    for key, name in rows:
        cells = []
        for m in modes:
            r = results[m][key]
            cells.append(f"{r['p50']:.1f} / {r['p95']:.1f} ({r['n']})" + (f", {r['lost']} lost" if r["lost"] else ""))
        ratios = ", ".join(
            f"{results[m][key]['p50'] / results[m]['slider']['p50']:.2f}x / "
            f"{results[m][key]['p95'] / results[m]['slider']['p95']:.2f}x"
            for m in modes
        )
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratios} |")
    lines += [
        "",
        "| per server | " + " | ".join(modes) + " |",
        "|---|" + "---|" * len(modes),
        row(W + "Enter -> the answer's WebSocket frame out, p50 / p95 ms", spread("frames", "answer")),
        row(
            W + "the Enter's own handlers (synchronous: parse, mark waiting, send, redraw), p50 / p95 ms",
            spread("sync"),
        ),
        row(W + "Enter -> the page's main thread free again (a setTimeout 0 runs), p50 / p95 ms", spread("free")),
        row(W + "Enter -> the kernel's answer handler starts [clock], p50 / p95 ms", spread("legs", "to_kernel")),
        row(
            W + "the kernel's answer handler (check, hint, publish `homework`, ack), p50 / p95 ms",
            spread("legs", "in_kernel", fmt=".2f"),
        ),
        row(
            W + "handler done -> the `homework` update's frame handled in the page [clock], p50 / p95 ms",
            spread("legs", "to_page"),
        ),
        row(
            W + "Enter -> the `homework` update's frame handled in the page, p50 / p95 ms",
            spread("frames", "homework"),
        ),
        row(W + "Enter -> the ack's frame handled in the page, p50 / p95 ms", spread("frames", "ack")),
        row(W + "Enter -> the ack handled (input no longer waiting), p50 / p95 ms", spread("wrong_ack")),
        row(
            W + "Enter -> the hint naming it in the panel (before or with the ack), p50 / p95 ms", spread("wrong_hint")
        ),
        row(W + "trace redraws (data-trace-rev steps) per check", lambda r: f"{r['trace_redraws_per_check']:.2f}"),
        row("`ex.check()` in the kernel, in-process, median ms", lambda r: f"{r['kernel_check_ms']:.2f}"),
        row(
            "CPU per round trip, kernel / server ms: slider",
            lambda r: f"{r['cpu_ms']['slider'][0]:.1f} / {r['cpu_ms']['slider'][1]:.1f}",
        ),
        row(
            "CPU per round trip, kernel / server ms: wrong answer checked",
            lambda r: f"{r['cpu_ms']['check'][0]:.1f} / {r['cpu_ms']['check'][1]:.1f}",
        ),
        row(
            "kernel RSS fresh -> exercise + slider shown, MB",
            lambda r: f"{r['kernel_rss_fresh']:.0f} -> {r['kernel_rss_exercise']:.0f}",
        ),
        row(
            "single-user server RSS (`jupyter lab`; on the hub `jupyterhub-singleuser`, after the login page) "
            "at start -> after the checks, MB",
            lambda r: f"{r['server_rss_start']:.0f} -> {r['server_rss_end']:.0f}",
        ),
        row(
            "single-user server CPU s: its start-up (on the hub with the login page's Lab)",
            lambda r: f"{r['server_cpu_start']:.2f}",
        ),
        row("score after the five right answers", lambda r: f"{r['score'][0]:g}/{r['score'][1]}"),
    ]
    hubs = [m for m in modes if "central" in results[m]]
    if hubs:
        lines.append(
            "| JupyterHub's own processes (once per hub, not per student): hub / proxy RSS MB | "
            + " | ".join(
                f"{results[m]['central']['hub']:.0f} / {results[m]['central']['proxy']:.0f}" if m in hubs else "-"
                for m in modes
            )
            + " |"
        )
    if all("session" in results[m] for m in modes):
        lines += [
            "",
            "### A student's session in Lab: the exercise and the three tutorials open, a kernel each (RSS MB)",
            "",
        ]
        lines += ["| process | " + " | ".join(modes) + " |", "|---|" + "---:|" * len(modes)]
        names = ["server", "exercise", *TUTORIALS]
        for name in names:
            what = (
                "single-user server (`jupyter lab` / `jupyterhub-singleuser`)"
                if name == "server"
                else f"kernel: {name}"
            )
            lines.append(f"| {what} | " + " | ".join(f"{results[m]['session'][name]:.0f}" for m in modes) + " |")
        lines.append(
            "| **total** | "
            + " | ".join(f"**{sum(results[m]['session'][n] for n in names):.0f}**" for m in modes)
            + " |"
        )
        lines += [
            "",
            "| opening the three tutorials and Run All in each (one after the other) | " + " | ".join(modes) + " |",
            "|---|" + "---:|" * len(modes),
            "| CPU s: single-user server / the three kernels (with their start-up) | "
            + " | ".join(
                f"{results[m]['session']['cpu']['server']:.2f} / {results[m]['session']['cpu']['kernels']:.2f}"
                for m in modes
            )
            + " |",
            "| wall s | " + " | ".join(f"{results[m]['session']['cpu']['wall']:.1f}" for m in modes) + " |",
        ]
    return "\n".join(lines)
