// The unrolled network as SVG: a column per step, a row per layer, x below, y above, recurrent
// arrows h(t-1) -> h(t). Every value printed; large networks as coloured cells with tooltips.
import { svg, h } from "./dom.js";
import { formatNumber, formatVector } from "./format.js";
import { maxAbs, paint } from "./colors.js";
import { stateBase } from "./names.js";
import { gateBlock, sideNode, belt, backwardArrowEls, targetMarker } from "./diagram_parts.js";
import { backwardArrows, bpttFocus, dhVisible } from "./bptt.js";

let uid = 0;

/**
 * @param {object} g layout from diagramLayout
 * @param {{trace: object, vis: object, labels: string[], names: object, focusStep: number,
 *          showGrads?: boolean, bpttStep?: number, targets?: number[][]|null}} data
 * @returns {SVGSVGElement}
 */
export function renderDiagram(g, { trace, vis, labels = [], names = {}, focusStep = -1, showGrads = false, bpttStep = -1, targets = null }) {
  const id = `rnnw-arrow-${++uid}`;
  const root = svg("svg", {
    class: ["rnnw-diagram", g.compact && "is-compact"],
    width: g.width, height: g.height, viewBox: `0 0 ${g.width} ${g.height}`,
    role: "img", "aria-label": "Unrolled network: one column per time step",
  });
  root.appendChild(svg("defs", {}, [
    svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 10, markerHeight: 10, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, [
      svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnw-arrowhead" }),
    ]),
    svg("marker", { id: `${id}-bwd`, viewBox: "0 0 10 10", refX: 7, refY: 5, markerWidth: 11, markerHeight: 11, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, [
      svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnw-bwd-head" }),
    ]),
  ]));

  // Clickable step columns (click sets focus_step), with the step number on top.
  g.columns.forEach(({ t, x }) => {
    const pad = g.compact ? 8 : 16;
    root.appendChild(svg("rect", {
      class: ["rnnw-col", t === focusStep && "is-focus"], "data-step": t,
      x: x + g.cellW / 2 - g.colW / 2 - pad, y: 4, width: g.colW + 2 * pad, height: g.height - 8, rx: 8,
    }, [svg("title", {}, [`Step ${t + 1}: click to show its formula`])]));
    if (!g.compact || t % 2 === 0 || g.columns.length <= 16) {
      root.appendChild(svg("text", { class: "rnnw-step", "data-step": t, x: x + g.cellW / 2, y: 22, "text-anchor": "middle" }, [`t = ${t + 1}`]));
    }
  });

  // Row names at the left.
  g.rows.forEach((r) => {
    if (r.kind === "g") return;
    const name = r.kind === "dh" ? `\u2202L/\u2202${stateBase("h", r.layer, names)}`
      : r.kind === "h" || r.kind === "c" ? stateBase(r.kind, r.layer, names) : stateBase(r.kind, 0, names);
    root.appendChild(svg("text", {
      class: ["rnnw-rowname", r.kind === "dh" && "is-grad"], x: 10, y: r.y + r.height / 2, "dominant-baseline": "middle",
    }, [name]));
  });

  // The cell state's conveyor belt, under everything else.
  trace.layers.forEach((_, l) => {
    const line = belt(g.nodes.filter((n) => (n.kind === "c0" || n.kind === "c") && n.layer === l));
    if (line) root.appendChild(line);
  });

  // Arrows under the nodes.
  const flat = (e) => e.kind === "recurrent" || e.kind === "belt";
  g.edges.forEach((e) => {
    root.appendChild(svg("line", {
      class: `rnnw-edge rnnw-edge-${e.kind}`, "data-from": e.from, "data-to": e.to,
      x1: e.x1, y1: e.y1, x2: e.x2 - (flat(e) ? 3 : 0), y2: e.y2 + (flat(e) ? 0 : 3),
      "marker-end": `url(#${id})`,
    }));
  });

  // Nodes: a vector as stacked cells.
  const grads = showGrads ? trace.grads : null;
  const scales = {
    x: maxAbs(trace.x),
    y: maxAbs(trace.y),
    h: trace.layers.map((ly) => maxAbs([ly.h0, ly.values.h])),
    c: trace.layers.map((ly) => maxAbs([ly.c0, ly.values.c])),
    dh: maxAbs(grads?.dh),
  };
  const focusBack = bpttFocus(trace.T, bpttStep);
  const extra = renderExtras(root, g, { trace, vis, names, grads, scales, bpttStep, focusBack, id, targets });
  for (const n of g.nodes) {
    if (extra(n)) continue;
    let values;
    let shown = true;
    let scale;
    let name;
    if (n.kind === "x") {
      values = trace.x[n.t];
      scale = scales.x;
      name = `${stateBase("x", 0, names)}${n.t + 1}`;
    } else if (n.kind === "y") {
      values = trace.y[n.t];
      shown = vis.y(n.t);
      scale = scales.y;
      name = `${stateBase("y", 0, names)}${n.t + 1}`;
    } else {
      const ly = trace.layers[n.layer];
      values = n.kind === "h0" ? ly.h0 : ly.values.h[n.t];
      shown = n.kind === "h0" || vis.h(n.layer, n.t);
      scale = scales.h[n.layer];
      name = `${stateBase("h", n.layer, names)}${n.t + 1}`;
    }
    const masked = n.kind === "x" && trace.input_mask && trace.input_mask[n.t] === false;
    const group = svg("g", {
      class: ["rnnw-node", `rnnw-node-${n.kind}`, !shown && "is-hidden", masked && "is-masked",
        n.kind === "y" && trace.scored && (trace.scored[n.t] ? "is-scored" : "is-unscored")],
      "data-ref": n.ref, "data-step": n.t >= 0 ? n.t : undefined, tabindex: 0,
      "aria-label": shown ? `${name} = ${formatVector(values)}` : `${name} not revealed yet`,
    });
    group.appendChild(svg("title", {}, [shown ? `${name} = ${formatVector(values)}` : `${name} = ?`]));
    values.forEach((v, i) => {
      const rect = svg("rect", { class: "rnnw-vcell", x: n.x, y: n.y + i * g.cellH, width: n.w, height: g.cellH });
      paint(rect, shown ? v : null, scale);
      group.appendChild(rect);
      if (!g.compact && shown) {
        group.appendChild(svg("text", {
          class: "rnnw-vtext", x: n.x + n.w / 2, y: n.y + i * g.cellH + g.cellH / 2,
          "text-anchor": "middle", "dominant-baseline": "central",
        }, [formatNumber(v, { digits: 3 })]));
      }
    });
    group.appendChild(svg("rect", { class: "rnnw-vframe", x: n.x, y: n.y, width: n.w, height: n.h, rx: 3 }));
    root.appendChild(group);
  }

  // Token labels under the inputs: user text, as SVG text nodes only.
  g.columns.forEach(({ t, center }) => {
    const label = labels?.[t];
    if (label === undefined || label === null || label === "") return;
    const text = String(label);
    const short = text.length > 12 ? `${text.slice(0, 11)}\u2026` : text;
    root.appendChild(svg("text", { class: "rnnw-label", x: center, y: g.labelY, "text-anchor": "middle", "data-step": t }, [
      short, svg("title", {}, [text]),
    ]));
  });
  return root;
}

/** Draws the nodes diagram_parts.js knows (c, dL/dh, gates) and the backward arrows; returns a
 * function that draws one node and tells whether it was one of those. */
function renderExtras(root, g, { trace, vis, names, grads, scales, bpttStep, focusBack, id, targets }) {
  if (grads) {
    const all = (grads.dh_future ?? []).flat().map((v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
    const max = Math.max(0, ...all);
    trace.layers.forEach((_, l) => {
      const dhNodes = g.nodes.filter((n) => n.kind === "dh" && n.layer === l);
      const arrows = backwardArrows(grads.dh_future?.[l], { T: trace.T, truncate: grads.truncate ?? null, bpttStep, max });
      backwardArrowEls(dhNodes, arrows, `${id}-bwd`).forEach((el) => root.appendChild(el));
    });
  }
  return (n) => {
    const ly = trace.layers[n.layer];
    if (n.kind === "g") {
      root.appendChild(gateBlock(n, ly.values, { shown: vis.h(n.layer, n.t), layerName: stateBase("h", n.layer, names) }));
      return true;
    }
    if (n.kind === "c" || n.kind === "c0") {
      const values = n.kind === "c0" ? ly.c0 ?? ly.h0.map(() => 0) : ly.values.c?.[n.t];
      const name = `${stateBase("c", n.layer, names)}${n.t + 1}`;
      root.appendChild(sideNode(n, values, { cls: "rnnw-cnode", name, shown: n.t < 0 || vis.h(n.layer, n.t), cellH: g.cellH, scale: scales.c[n.layer], compact: g.compact }));
      return true;
    }
    if (n.kind === "dh") {
      const values = grads?.dh?.[n.layer]?.[n.t] ?? Array(n.n).fill(null);
      const name = `\u2202L/\u2202${stateBase("h", n.layer, names)}${n.t + 1}`;
      root.appendChild(sideNode(n, values, {
        cls: "rnnw-dhnode", name, shown: Boolean(grads) && dhVisible(n.t, trace.T, bpttStep), cellH: g.dhH,
        scale: scales.dh, focus: n.t === focusBack, compact: g.compact,
      }));
      return true;
    }
    if (n.kind === "y" && Array.isArray(targets?.[n.t]) && trace.scored?.[n.t] && trace.loss !== null && trace.loss !== undefined) {
      root.appendChild(targetMarker(n, targets[n.t], { compact: g.compact }));
    }
    return false;
  };
}

/** An empty-state box when there is no trace yet. */
export function emptyDiagram(message) {
  return h("div", { class: "rnnw-empty" }, [message]);
}
