"""A static picture of the unrolled diagram, drawn in Python: the SVG that rides in every output's
mime bundle next to the live view (GitHub, nbviewer, `nbconvert --to html`, an untrusted notebook
in JupyterLab), and `RNNWidget.picture()` for slides.

It draws the `trace` trait, the page's copy of the numbers, so an exercise's open blanks are empty
boxes here as in the page (never their values): x_t at the bottom, one row of states per layer,
y_t on top (only the steps the mode scores), with the recurrent and feed-forward arrows, and in a
text-mode sampling run (the `sampled` trait) each chosen token fed back from y_t into x_{t+1}.
"""

from __future__ import annotations

import base64
import math
from html import escape

# a light, projector-friendly palette (the page's default theme)
INK, MUTED, LINE = "#1f2933", "#616e7c", "#9aa5b1"
FILL = {"x": "#e3f8ec", "h": "#e6f0fb", "y": "#fdf0e1", "h0": "#f5f7fa"}
STROKE = {"x": "#3f9c6d", "h": "#3b73b9", "y": "#c77a1c", "h0": "#9aa5b1"}
FEED = "#bf5700"  # a sampling run's feedback arrows (the page's --rnnw-dst)
FONT = "font-family=\"'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif\""
LINE_H, PAD, CHAR_W, GAP_X, GAP_Y, LEFT = 18, 8, 8.4, 46, 40, 62


def _trim(s: str) -> str:
    mant, _, exp = s.partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return f"{mant}e{int(exp)}" if exp else mant


def number(v) -> str:
    """A number as the page writes it (js/data/format.js formatNumber): integers plain, others to
    four significant digits, tiny and huge ones with an exponent, a real minus; None (a blank) '?'."""
    if v is None:
        return "?"
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "\u221e" if v > 0 else "\u2212\u221e"
    if v == 0:
        return "0"
    a, r = abs(v), round(v)
    if (a < 1e-12) if r == 0 else (a < 1e6 and abs(v - r) < 1e-9 * a):
        return str(int(r)).replace("-", "\u2212")
    if a >= 1e6 or a < 1e-3:
        mant, _, exp = f"{v:.2e}".partition("e")
        text = _trim(f"{mant}e{int(exp)}")
    else:
        text = _trim(f"{v:.{max(0, 3 - math.floor(math.log10(a)))}f}")
    return "0" if text == "-0" else text.replace("-", "\u2212")


#: a long vector shows its first and last entries around a vertical ellipsis; a long sequence its
#: first and last steps around a gap: the picture stays a picture (and a saved notebook small)
MAX_ENTRIES, HEAD_ENTRIES, TAIL_ENTRIES = 8, 3, 2
MAX_STEPS, HEAD_STEPS, TAIL_STEPS = 16, 12, 3


def _vector(row) -> list[str]:
    if row is None:
        return ["?"]
    values = row if isinstance(row, list) else [row]
    if len(values) > MAX_ENTRIES:
        return [*map(number, values[:HEAD_ENTRIES]), "\u22ee", *map(number, values[-TAIL_ENTRIES:])]
    return [number(v) for v in values]


def shown_steps(T: int) -> list[int]:
    """The 0-based steps the picture draws: all, or the first and last of a long sequence."""
    if T <= MAX_STEPS:
        return list(range(T))
    return [*range(HEAD_STEPS), *range(T - TAIL_STEPS, T)]


def _names(display_names: dict, n_layers: int) -> dict:
    names = {"x": display_names.get("x", "x"), "y": display_names.get("y", "y")}
    for layer in range(n_layers):
        key = "h" if layer == 0 else f"h@{layer + 1}"
        default = "h" if layer == 0 else f"h({layer + 1})"
        names[key] = display_names.get(key, default)
    return names


def rows_of(trace: dict, display_names: dict | None = None) -> list[dict]:
    """The rows of the picture, bottom (x) to top (y): name, kind and one cell per step (None: none)."""
    names = _names(display_names or {}, len(trace["layers"]))
    T = trace["T"]
    mask = trace.get("input_mask") or [True] * T
    rows = [
        {"kind": "x", "name": names["x"], "cells": [_vector(r) if mask[t] else [] for t, r in enumerate(trace["x"])]}
    ]
    for layer, data in enumerate(trace["layers"]):
        key = "h" if layer == 0 else f"h@{layer + 1}"
        h = data["values"]["h"]
        rows.append(
            {"kind": "h", "name": names[key], "h0": _vector(data["h0"]), "cells": [_vector(h[t]) for t in range(T)]}
        )
    if trace.get("y") is not None:
        scored = trace.get("scored") or [True] * T
        rows.append(
            {
                "kind": "y",
                "name": names["y"],
                "cells": [_vector(r) if scored[t] else None for t, r in enumerate(trace["y"])],
            }
        )
        if trace.get("p") is not None:  # cross-entropy: the class probabilities, softmax(y_t)
            cells = [_vector(r) if scored[t] else None for t, r in enumerate(trace["p"])]
            rows.append({"kind": "y", "name": "p", "cells": cells})
    return rows


def _text(x, y, s, *, size=14, fill=INK, anchor="middle", weight="normal", italic=False):
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
        f'font-weight="{weight}"{style} dominant-baseline="middle">{escape(s)}</text>'
    )


def _arrow(x1, y1, x2, y2):
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{LINE}" stroke-width="1.6" marker-end="url(#rnnw-arrow)"/>'


def fed_back_steps(sampled: dict | None, T: int) -> list[tuple[int, str]]:
    """(t, token) for each step of a sampling run whose chosen token (``tokens[t + 1]``) is the
    input of step t + 1 (js/geometry/diagram_layout.js fedBackSteps)."""
    tokens = list((sampled or {}).get("tokens") or [])
    start = max(1, int((sampled or {}).get("start") or 1))
    return [(t, str(tokens[t + 1])) for t in range(start - 1, min(len(tokens) - 1, T - 1))]


def svg(
    trace: dict,
    display_names: dict | None = None,
    title: str = "",
    labels: list | None = None,
    sampled: dict | None = None,
) -> str:
    """The unrolled diagram of `trace` (the `trace` trait) as a standalone SVG document; with
    `sampled` (the trait) the chosen tokens' feedback arrows y_t -> x_{t+1}."""
    rows = rows_of(trace, display_names)
    T = trace["T"]
    labels = list(labels or [])
    widest = max(len(s) for r in rows for c in r["cells"] if c for s in c)
    widest = max(widest, max(len(s) for r in rows if "h0" in r for s in r["h0"]))
    box_w = max(44.0, widest * CHAR_W + 2 * PAD)
    heights = [max((len(c) for c in r["cells"] if c), default=1) * LINE_H + 2 * PAD for r in rows]
    heights = [max(h, max(len(r.get("h0", [])), 1) * LINE_H + 2 * PAD) for h, r in zip(heights, rows)]
    top = 34 + (26 if title else 0)
    steps = shown_steps(T)
    col_x: dict[int, float] = {}
    x = LEFT + box_w + GAP_X  # h0 sits left of step 1
    for k, t in enumerate(steps):
        if k and t != steps[k - 1] + 1:
            x += GAP_X  # a wider gap where steps are left out
        col_x[t] = x
        x += box_w + GAP_X
    h0_x = LEFT
    width = col_x[steps[-1]] + box_w + 24
    # rows from the top of the picture: y first
    y_pos, y = {}, top
    for i in reversed(range(len(rows))):
        y_pos[i] = y
        y += heights[i] + GAP_Y
    height = y - GAP_Y + (30 if any(labels) else 14)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" {FONT} role="img">',
        f"<title>{escape(title or 'Unrolled RNN')}</title>",
        '<defs><marker id="rnnw-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker>'
        '<marker id="rnnw-feed" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{FEED}"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    if title:
        out.append(_text(LEFT - 50, 22, title, size=17, anchor="start", weight="bold"))
    for t in steps:
        out.append(_text(col_x[t] + box_w / 2, top - 16, f"t = {t + 1}", size=12, fill=MUTED))

    def box(x, i, lines, kind):
        top_y, hgt = y_pos[i], heights[i]
        blank = lines == ["?"] or "?" in lines
        dash = ' stroke-dasharray="5 4"' if blank or not lines else ""
        fill = "#ffffff" if not lines else FILL[kind]
        out.append(
            f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{box_w:.1f}" height="{hgt:.1f}" rx="6" '
            f'fill="{fill}" stroke="{STROKE[kind] if lines else LINE}" stroke-width="1.5"{dash}/>'
        )
        first = top_y + hgt / 2 - (max(len(lines), 1) - 1) * LINE_H / 2
        for k, s in enumerate(lines or ["\u2013"]):
            out.append(_text(x + box_w / 2, first + k * LINE_H, s, fill=INK if lines else MUTED))

    for i, row in enumerate(rows):
        mid = y_pos[i] + heights[i] / 2
        label = row["name"]
        out.append(_text(22, mid, label, size=17, italic=True, anchor="middle"))
        if "h0" in row:
            box(h0_x, i, row["h0"], "h0")
            out.append(_text(h0_x + box_w / 2, y_pos[i] - 10, f"{label}0", size=11, fill=MUTED))
        for t, cell in enumerate(row["cells"]):
            if cell is None or t not in col_x:
                continue
            box(col_x[t], i, cell, row["kind"])
            if row["kind"] == "h":
                if t and t - 1 not in col_x:  # steps left out: an ellipsis in the gap
                    out.append(_text(col_x[t] - GAP_X, mid, "\u22ef", size=18, fill=MUTED))
                else:
                    prev_right = (col_x[t - 1] if t else h0_x) + box_w
                    out.append(_arrow(prev_right + 2, mid, col_x[t] - 3, mid))
            if i > 0 and row["cells"][t] and rows[i - 1]["cells"][t]:  # from below; none from a missing input
                out.append(
                    _arrow(col_x[t] + box_w / 2, y_pos[i - 1] - 2, col_x[t] + box_w / 2, y_pos[i] + heights[i] + 3)
                )
    if rows[-1]["kind"] == "y" and rows[0]["kind"] == "x":
        top_i = len(rows) - 1
        for t, token in fed_back_steps(sampled, T):
            if t not in col_x or t + 1 not in col_x or not rows[top_i]["cells"][t]:
                continue
            x0 = col_x[t] + box_w * 0.8
            y0 = y_pos[top_i] + heights[top_i]
            turn, gx, end = y0 + 12, col_x[t] + box_w + GAP_X / 2, y_pos[0] + heights[0] / 2
            out.append(
                f'<path d="M {x0:.1f} {y0:.1f} V {turn:.1f} H {gx:.1f} V {end:.1f} H {col_x[t + 1] - 3:.1f}" '
                f'fill="none" stroke="{FEED}" stroke-width="1.6" stroke-dasharray="5 3" marker-end="url(#rnnw-feed)"/>'
            )
            shown = token.replace(" ", "\u2423").replace("\n", "\u21b5")
            shown = shown if len(shown) <= 6 else shown[:5] + "\u2026"
            w = max(22.0, 9 * len(shown) + 12)
            out.append(
                f'<rect x="{gx - w / 2:.1f}" y="{turn + 8:.1f}" width="{w:.1f}" height="20" rx="10" '
                f'fill="#ffffff" stroke="{FEED}" stroke-width="1.2"/>'
            )
            out.append(_text(gx, turn + 18, shown, size=13, fill=FEED, weight="bold"))
    if any(labels):
        for t, lab in enumerate(labels[:T]):
            if t in col_x:
                out.append(_text(col_x[t] + box_w / 2, height - 14, str(lab), size=12, fill=MUTED))
    out.append("</svg>")
    return "\n".join(out)


def alt_text(trace: dict, display_names: dict | None = None) -> str:
    """The picture's numbers as one line of text (the img alt, for screen readers and text exports)."""
    parts = []
    for row in rows_of(trace, display_names)[1:]:
        steps = set(shown_steps(trace["T"]))
        cells = [f"{row['name']}{t + 1} = [{', '.join(c)}]" for t, c in enumerate(row["cells"]) if c and t in steps]
        parts.append("; ".join(cells))
    return "Unrolled RNN: " + "; ".join(parts)


def html(svg_text: str, alt: str) -> str:
    """An <img> holding the SVG as a data URI: HTML sanitizers (JupyterLab's for an untrusted
    notebook, GitHub's) keep an image where they drop an inline <svg>."""
    data = base64.b64encode(svg_text.encode()).decode()
    return (
        f'<img class="rnnw-picture" alt="{escape(alt)}" style="max-width:100%" src="data:image/svg+xml;base64,{data}"/>'
    )
