// Parts of the unrolled diagram beyond x, h and y: an LSTM/GRU step's gate block (numbers with
// bars), the cell state c on its conveyor belt, dL/dh_t with the backward arrows, and the target
// next to a scored output. DOM only; geometry comes from layout.js, gates.js and bptt.js.
import { svg } from "./dom.js";
import { formatNumber, formatVector } from "./format.js";
import { paint } from "./colors.js";
import { barGeometry } from "./gates.js";

/** One step's gates: per gate a row (or strip) of numbers in [0, 1] with bars. */
export function gateBlock(n, V, { shown, layerName }) {
  const { block } = n;
  const group = svg("g", {
    class: ["rnnw-gates", `rnnw-gates-${block.style}`, !shown && "is-hidden"],
    "data-ref": n.ref, "data-step": n.t, transform: `translate(${n.x} ${n.y})`,
    role: "group", "aria-label": `gates of ${layerName}${n.t + 1}`,
  });
  group.appendChild(svg("rect", { class: "rnnw-gates-box", x: -4, y: -4, width: block.w + 8, height: block.h + 8, rx: 6 }));
  for (const row of block.rows) {
    const { gate } = row;
    const values = V[gate.value]?.[n.t] ?? [];
    const desc = `${gate.label}${n.t + 1} (${gate.title}) = ${shown ? formatVector(values) : "?"}`;
    const g = svg("g", { class: ["rnnw-gate", `is-${gate.kind}`], "data-gate": gate.key, "aria-label": desc }, [svg("title", {}, [desc])]);
    g.appendChild(svg("text", {
      class: "rnnw-gate-label", x: row.labelX, y: row.labelY, "text-anchor": "middle", "dominant-baseline": "central",
    }, [gate.label]));
    row.cells.forEach((c) => {
      const v = values[c.unit];
      g.appendChild(svg("rect", { class: "rnnw-bar-track", x: c.barX, y: c.barY, width: c.barW, height: c.barH, rx: 1.5 }));
      if (shown) {
        const b = barGeometry(v, { x: c.barX, w: c.barW, kind: gate.kind });
        const fill = svg("rect", { class: "rnnw-bar-fill", x: b.x, y: c.barY, width: b.width, height: c.barH, rx: 1.5 });
        if (gate.kind === "candidate") paint(fill, v, 1);
        g.appendChild(fill);
      }
      if (block.style === "table") {
        g.appendChild(svg("text", {
          class: "rnnw-gate-value", x: c.textX, y: c.textY, "text-anchor": "middle", "dominant-baseline": "central",
        }, [shown ? formatNumber(v, { digits: 2 }) : ""]));
      }
    });
    group.appendChild(g);
  }
  return group;
}

/** A narrow vector node for c_t (the cell state) or dL/dh_t. */
export function sideNode(n, values, { cls, name, shown, cellH, scale, focus = false, digits = 3, compact = false }) {
  const label = shown ? `${name} = ${formatVector(values)}` : `${name} not known yet`;
  const group = svg("g", {
    class: [cls, !shown && "is-hidden", focus && "is-focus"], "data-ref": n.ref,
    "data-step": n.t >= 0 ? n.t : undefined, tabindex: 0, "aria-label": label,
  }, [svg("title", {}, [label])]);
  (values ?? []).forEach((v, i) => {
    const rect = svg("rect", { class: "rnnw-vcell", x: n.x, y: n.y + i * cellH, width: n.w, height: cellH });
    paint(rect, shown ? v : null, scale);
    group.appendChild(rect);
    if (!compact && shown) {
      group.appendChild(svg("text", {
        class: "rnnw-vtext rnnw-vtext-small", x: n.x + n.w / 2, y: n.y + i * cellH + cellH / 2,
        "text-anchor": "middle", "dominant-baseline": "central",
      }, [formatNumber(v, { digits })]));
    }
  });
  group.appendChild(svg("rect", { class: "rnnw-vframe", x: n.x, y: n.y, width: n.w, height: n.h, rx: 3 }));
  return group;
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
      out.push(svg("line", { class: "rnnw-bwd is-cut", "data-from": `dh:${from.layer}:${a.from}`, "data-to": `dh:${to.layer}:${a.to}`, x1, y1: y, x2, y2: y }));
      out.push(svg("text", { class: "rnnw-cut-mark", x: (x1 + x2) / 2, y: y - 6, "text-anchor": "middle" }, ["\u2702 cut", svg("title", {}, ["truncated: no gradient flows back across this step"])]));
      continue;
    }
    if (!a.width) continue;
    out.push(svg("line", {
      class: "rnnw-bwd", "data-from": `dh:${from.layer}:${a.from}`, "data-to": `dh:${to.layer}:${a.to}`,
      x1, y1: y, x2: x2 + 3, y2: y, "stroke-width": a.width, "stroke-opacity": a.opacity, "marker-end": `url(#${markerId})`,
    }, [svg("title", {}, [`flows back from step ${a.from + 1} to step ${a.to + 1}: \u2016\u00b7\u2016 = ${formatNumber(a.norm)}`])]));
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
    target.forEach((v, i) => g.appendChild(svg("text", {
      class: "rnnw-target-text", x: x + w / 2, y: yNode.y + i * cellH + cellH / 2, "text-anchor": "middle", "dominant-baseline": "central",
    }, [formatNumber(v, { digits: 3 })])));
    g.appendChild(svg("text", { class: "rnnw-target-cap", x: x + w / 2, y: yNode.y - 4, "text-anchor": "middle" }, ["target"]));
  }
  return g;
}
