// Parts of the unrolled diagram beyond x, h and y: an LSTM/GRU step's gate block (numbers with
// bars), the cell state c on its conveyor belt, dL/dh_t with the backward arrows, and the target
// next to a scored output. DOM only; geometry comes from layout.js, gates.js and bptt.js.
import { svg } from "./dom.js";
import { formatNumber, formatVector } from "../data/format.js";
import { paint } from "../geometry/colors.js";
import { barGeometry } from "../data/gates.js";
import { slotAt } from "../data/homework.js";
import { shortToken } from "../data/tokens.js";

const setText = (el, text) => {
  if (el.textContent !== text) el.textContent = text;
};
const toggle = (el, cls, on) => el.classList.toggle(cls, Boolean(on));

/**
 * One step's gates: per gate a row (or strip) of numbers in [0, 1] with bars. Built once per
 * diagram shape; returns {el, update(V, shown)} which sets the bars and numbers in place.
 */
export function gateBlock(n, { layerName }) {
  const { block } = n;
  const group = svg("g", {
    class: ["rnnw-gates", `rnnw-gates-${block.style}`],
    "data-ref": n.ref,
    "data-step": n.t,
    transform: `translate(${n.x} ${n.y})`,
    role: "group",
    "aria-label": `gates of ${layerName}${n.t + 1}`,
  });
  group.appendChild(svg("rect", { class: "rnnw-gates-box", x: -4, y: -4, width: block.w + 8, height: block.h + 8, rx: 6 }));
  const rows = block.rows.map((row) => {
    const { gate } = row;
    const title = svg("title");
    const g = svg("g", { class: ["rnnw-gate", `is-${gate.kind}`], "data-gate": gate.key }, [title]);
    g.appendChild(
      svg(
        "text",
        {
          class: "rnnw-gate-label",
          x: row.labelX,
          y: row.labelY,
          "text-anchor": "middle",
          "dominant-baseline": "central",
        },
        [gate.label],
      ),
    );
    const cells = row.cells.map((c) => {
      g.appendChild(svg("rect", { class: "rnnw-bar-track", x: c.barX, y: c.barY, width: c.barW, height: c.barH, rx: 1.5 }));
      const fill = svg("rect", { class: "rnnw-bar-fill", x: c.barX, y: c.barY, width: 0, height: c.barH, rx: 1.5 });
      g.appendChild(fill);
      const text =
        block.style === "table"
          ? svg("text", {
              class: "rnnw-gate-value",
              x: c.textX,
              y: c.textY,
              "text-anchor": "middle",
              "dominant-baseline": "central",
            })
          : null;
      if (text) g.appendChild(text);
      return { c, fill, text, /** @type {{name: string, fo: SVGForeignObjectElement} | null} */ answer: null };
    });
    group.appendChild(g);
    return { gate, g, title, cells };
  });
  /**
   * @param {Record<string, any>} V the layer's values
   * @param {boolean} shown
   * @param {{homework?: any, slotInput?: ((slot: any) => HTMLElement) | null}} [exercise] an open
   *   blank's gate value is an answer input in its cell (table style)
   */
  function update(V, shown, { homework = null, slotInput = null } = {}) {
    toggle(group, "is-hidden", !shown);
    for (const { gate, g, title, cells } of rows) {
      const values = V[gate.value]?.[n.t] ?? [];
      const desc = `${gate.label}${n.t + 1} (${gate.title}) = ${shown ? formatVector(values, { blank: "?" }) : "?"}`;
      g.setAttribute("aria-label", desc);
      setText(title, desc);
      for (const cell of cells) {
        const { c, fill, text } = cell;
        const slot = text && slotInput ? slotAt(homework, ["layers", n.layer, "values", gate.value], [n.t, c.unit]) : null;
        const open = slot?.status === "open" || slot?.status === "wrong";
        if (open && slot && slotInput && cell.answer?.name !== slot.name) {
          cell.answer?.fo.remove();
          const fo = svg("foreignObject", { class: "rnnw-answer-fo", x: c.x, y: c.y, width: c.w, height: 18 });
          fo.appendChild(slotInput(slot));
          g.appendChild(fo);
          cell.answer = { name: slot.name, fo };
        } else if (!open && cell.answer) {
          cell.answer.fo.remove();
          cell.answer = null;
        }
        if (text) toggle(text, "is-right", slot?.status === "right");
        const v = values[c.unit];
        if (shown) {
          const b = barGeometry(v, { x: c.barX, w: c.barW, kind: gate.kind });
          fill.setAttribute("x", b.x);
          fill.setAttribute("width", b.width);
          fill.removeAttribute("display");
          if (gate.kind === "candidate") paint(fill, v, 1);
        } else fill.setAttribute("display", "none");
        if (text) setText(text, shown && !open ? formatNumber(v, { digits: 2 }) : "");
      }
    }
  }
  return { el: group, update };
}

/**
 * A vector node: stacked cells with the numbers printed, a frame, a tooltip. Built once per
 * diagram shape; update(values, {shown, scale, label, ...}) changes colours and text in place.
 * The numbers are absent while the value is not revealed (the slides' blanks).
 */
export function vectorNode(n, { cls, cellH, textClass = "rnnw-vtext", digits = 3 }) {
  const title = svg("title");
  const group = svg(
    "g",
    {
      class: cls,
      "data-ref": n.ref,
      "data-step": n.t >= 0 ? n.t : undefined,
      tabindex: 0,
    },
    [title],
  );
  const rects = [];
  const texts = [];
  for (let i = 0; i < n.n; i++) {
    const rect = svg("rect", { class: "rnnw-vcell", x: n.x, y: n.y + i * cellH, width: n.w, height: cellH });
    group.appendChild(rect);
    rects.push(rect);
    texts.push(
      svg("text", {
        class: textClass,
        x: n.x + n.w / 2,
        y: n.y + i * cellH + cellH / 2,
        "text-anchor": "middle",
        "dominant-baseline": "central",
      }),
    );
  }
  group.appendChild(svg("rect", { class: "rnnw-vframe", x: n.x, y: n.y, width: n.w, height: n.h, rx: 3 }));
  let lastJson = null;
  /** @type {({name: string, fo: SVGForeignObjectElement} | null)[]} an answer slot's input per entry */
  const slotEls = rects.map(() => null);
  /**
   * slots (an exercise): per entry the answer slot there, or null; an open one is an input in
   * place of the number (slotInput makes it), a right or revealed one shows its value, marked.
   */
  /**
   * @param {any} values
   * @param {{shown: boolean, scale: number, label: string, tip?: string, classes?: Record<string, boolean>,
   *          slots?: (import("../data/protocol.js").HomeworkSlot | null)[] | null,
   *          slotInput?: ((slot: import("../data/protocol.js").HomeworkSlot, i: number) => HTMLElement) | null}} opts
   */
  function update(values, { shown, scale, label, tip = label, classes = {}, slots = null, slotInput = null }) {
    group.setAttribute("aria-label", label);
    setText(title, tip);
    for (const [k, on] of Object.entries(classes)) toggle(group, k, on);
    const vals = values ?? [];
    const json = shown ? JSON.stringify(vals) : "null";
    if (json !== lastJson) group.setAttribute("data-value", json);
    lastJson = json;
    rects.forEach((rect, i) => {
      const slot = slots?.[i] ?? null;
      const open = Boolean(slotInput) && (slot?.status === "open" || slot?.status === "wrong");
      const v = vals[i] ?? (open ? null : slot?.value); // a closed slot's value, should the trace lack it
      paint(rect, shown && !open ? v : null, scale);
      const text = texts[i];
      if (shown && !open && v !== undefined && v !== null) {
        setText(text, formatNumber(v, { digits }));
        toggle(text, "is-right", slot?.status === "right");
        toggle(text, "is-revealed", slot?.status === "revealed");
        if (!text.parentNode) group.insertBefore(text, rect.nextSibling);
      } else if (text.parentNode) text.remove();
      const had = slotEls[i];
      if (open && slot && slotInput && had?.name !== slot.name) {
        had?.fo.remove();
        const fo = svg("foreignObject", { class: "rnnw-answer-fo", x: n.x + 1, y: n.y + i * cellH + 1, width: n.w - 2, height: cellH - 2 });
        fo.appendChild(slotInput(slot, i));
        group.appendChild(fo);
        slotEls[i] = { name: slot.name, fo };
      } else if (!open && had) {
        had.fo.remove();
        slotEls[i] = null;
      }
    });
  }
  return { el: group, update };
}

/** The conveyor belt: one thick line through c0 ... c_T of a layer, under the c nodes. */
export function belt(cNodes) {
  if (cNodes.length < 2) return null;
  const first = cNodes[0];
  const last = cNodes[cNodes.length - 1];
  const y = first.y + first.h / 2;
  return svg("line", { class: "rnnw-belt", x1: first.x + first.w / 2, y1: y, x2: last.x + last.w / 2, y2: y });
}

/**
 * Backward arrows of one layer in the dL/dh row: from dh_{t+1} to dh_t, right to left, width and
 * opacity by the size of what flows (bptt.js backwardArrows); a cut one dashed with a mark.
 */
export function backwardArrowEls(dhNodes, arrows, markerId) {
  const out = [];
  for (const a of arrows) {
    const from = dhNodes[a.from];
    const to = dhNodes[a.to];
    if (!from || !to || !a.visible) continue;
    const y = to.y + to.h / 2;
    const x1 = from.x - 2;
    const x2 = to.x + to.w + 2;
    if (a.cut) {
      out.push(
        svg("line", {
          class: "rnnw-bwd is-cut",
          "data-from": `dh:${from.layer}:${a.from}`,
          "data-to": `dh:${to.layer}:${a.to}`,
          x1,
          y1: y,
          x2,
          y2: y,
        }),
      );
      out.push(
        svg("text", { class: "rnnw-cut-mark", x: (x1 + x2) / 2, y: y - 6, "text-anchor": "middle" }, [
          "\u2702 cut",
          svg("title", {}, ["truncated: no gradient flows back across this step"]),
        ]),
      );
      continue;
    }
    if (!a.width) continue;
    out.push(
      svg(
        "line",
        {
          class: "rnnw-bwd",
          "data-from": `dh:${from.layer}:${a.from}`,
          "data-to": `dh:${to.layer}:${a.to}`,
          x1,
          y1: y,
          x2: x2 + 3,
          y2: y,
          "stroke-width": a.width,
          "stroke-opacity": a.opacity,
          "marker-end": `url(#${markerId})`,
        },
        [svg("title", {}, [`flows back from step ${a.from + 1} to step ${a.to + 1}: \u2016\u00b7\u2016 = ${formatNumber(a.norm)}`])],
      ),
    );
  }
  return out;
}

/** A dashed box right of a scored y_t with its target, so the scored steps stand out. */
export function targetMarker(yNode, target, { compact }) {
  const w = compact ? 10 : 44;
  const x = yNode.x + yNode.w + (compact ? 3 : 8);
  const label = `target ${yNode.t + 1} = ${formatVector(target)}`;
  const g = svg("g", { class: "rnnw-target", "data-step": yNode.t, "aria-label": label }, [svg("title", {}, [label])]);
  g.appendChild(svg("rect", { class: "rnnw-target-box", x, y: yNode.y, width: w, height: yNode.h, rx: 3 }));
  if (!compact) {
    const cellH = yNode.h / Math.max(1, target.length);
    target.forEach((v, i) =>
      g.appendChild(
        svg(
          "text",
          {
            class: "rnnw-target-text",
            x: x + w / 2,
            y: yNode.y + i * cellH + cellH / 2,
            "text-anchor": "middle",
            "dominant-baseline": "central",
          },
          [formatNumber(v, { digits: 3 })],
        ),
      ),
    );
    g.appendChild(svg("text", { class: "rnnw-target-cap", x: x + w / 2, y: yNode.y - 4, "text-anchor": "middle" }, ["target"]));
  }
  return g;
}

/**
 * A sampling run's feedback arrow (geometry: diagram_layout.js feedbackPaths): the token chosen at
 * step t, drawn on the arrow from y_t into x_{t+1}. The token is user text: a text node only.
 * @param {{t: number, token: string, d: string, label: {x: number, y: number}}} f
 * @param {string} marker the arrowhead marker's id
 * @param {{pill?: boolean}} [opts] pill: the token on the arrow (false: in the tooltip only)
 */
export function feedbackArrow(f, marker, { pill = true } = {}) {
  const shown = shortToken(f.token, 6);
  const label = `step ${f.t + 1} chose \u201c${f.token}\u201d, fed back as the input of step ${f.t + 2}`;
  const w = Math.max(22, 9 * shown.length + 12);
  const line = [svg("title", {}, [label]), svg("path", { class: "rnnw-feed-line", d: f.d, "marker-end": `url(#${marker})` })];
  if (!pill) return svg("g", { class: "rnnw-feed", "data-step": f.t, "aria-label": label }, line);
  return svg("g", { class: "rnnw-feed", "data-step": f.t, "aria-label": label }, [
    ...line,
    svg("rect", { class: "rnnw-feed-pill", x: f.label.x - w / 2, y: f.label.y - 10, width: w, height: 20, rx: 10 }),
    svg("text", { class: "rnnw-feed-token", x: f.label.x, y: f.label.y, "text-anchor": "middle", "dominant-baseline": "central" }, [shown]),
  ]);
}
