// The unrolled network as SVG: a column per step, a row per layer, x below, y above, recurrent
// arrows h(t-1) -> h(t). Every value printed. The SVG is built once per shape (steps, sizes, cell,
// gradient rows, names, labels); a new trace only changes colours, numbers and labels in place.
// Large networks use the canvas form (diagram_canvas.js) with the same node states.
import { svg, h } from "./dom.js";
import { formatVector, formatVectorShort } from "../data/format.js";
import { maxAbs } from "../geometry/colors.js";
import { stateBase } from "../data/names.js";
import { gateBlock, vectorNode, belt, backwardArrowEls, targetMarker, feedbackArrow } from "./diagram_pieces.js";
import { backwardArrows, bpttFocus, dhVisible, norm2 } from "../data/bptt.js";
import { slotsOf } from "../data/homework.js";
import { fedBackSteps, feedbackPaths } from "../geometry/diagram_layout.js";

let uid = 0;

/** Colour scales shared by every node of a kind: one per row kind (per layer for h and c). */
export function diagramScales(trace, grads) {
  return {
    x: maxAbs(trace.x),
    y: maxAbs(trace.y),
    h: trace.layers.map((ly) => maxAbs([ly.h0, ly.values.h])),
    c: trace.layers.map((ly) => maxAbs([ly.c0, ly.values.c])),
    dh: maxAbs(grads?.dh),
  };
}

/**
 * What one vector node of the layout shows for a trace: values, whether revealed, its colour
 * scale, its name and the state classes. Shared by the SVG and the canvas form. Pure.
 * @param {any} n a node of the layout
 * @param {{trace: any, vis: any, names?: Record<string, string>, grads?: any, scales: any, bpttStep?: number, focusBack?: number | null, homework?: any}} ctx
 * @returns {any} {values, shown, scale, name, classes}, or null for a gate block (drawn by its own part)
 */
export function nodeState(n, { trace, vis, names = {}, grads = null, scales, bpttStep = -1, focusBack = null, homework = null }) {
  const ly = trace.layers[n.layer];
  if (n.kind === "g") return null;
  if (n.kind === "c" || n.kind === "c0") {
    const shown = n.t < 0 || vis.h(n.layer, n.t);
    return {
      values: n.kind === "c0" ? (ly.c0 ?? ly.h0.map(() => 0)) : (ly.values.c?.[n.t] ?? []),
      shown,
      scale: scales.c[n.layer],
      name: `${stateBase("c", n.layer, names)}${n.t + 1}`,
      classes: { "is-hidden": !shown },
      slots: n.kind === "c" ? slotsOf(homework, { path: ["layers", n.layer, "values", "c"], row: n.t }, n.n) : null,
    };
  }
  if (n.kind === "dh") {
    const shown = Boolean(grads) && dhVisible(n.t, trace.T, bpttStep);
    return {
      values: grads?.dh?.[n.layer]?.[n.t] ?? Array(n.n).fill(null),
      shown,
      scale: scales.dh,
      name: `\u2202L/\u2202${stateBase("h", n.layer, names)}${n.t + 1}`,
      classes: { "is-hidden": !shown, "is-focus": n.t === focusBack },
      slots: grads ? slotsOf(homework, { path: ["grads", "dh", n.layer], row: n.t }, n.n) : null,
    };
  }
  let values;
  let shown = true;
  let scale;
  let name;
  if (n.kind === "x") {
    const none = noInput(trace, n.t);
    values = none ? trace.x[n.t].map(() => null) : trace.x[n.t];
    scale = scales.x;
    name = `${stateBase("x", 0, names)}${n.t + 1}`;
    if (none) {
      const label = `${name}: no input at this step`;
      return { values, shown: true, scale, name, classes: { "is-noinput": true, "is-absent": false }, label, slots: null };
    }
  } else if (n.kind === "y") {
    values = trace.y[n.t];
    shown = vis.y(n.t);
    scale = scales.y;
    name = `${stateBase("y", 0, names)}${n.t + 1}`;
  } else {
    values = n.kind === "h0" ? ly.h0 : ly.values.h[n.t];
    shown = n.kind === "h0" || vis.h(n.layer, n.t);
    scale = scales.h[n.layer];
    name = `${stateBase("h", n.layer, names)}${n.t + 1}`;
  }
  const scored = n.kind === "y" && trace.scored ? trace.scored[n.t] : undefined;
  const absent = n.kind === "y" && !hasOutput(trace, n.t);
  const src = n.kind === "y" ? { path: ["y"], row: n.t } : n.kind === "h" ? { path: ["layers", n.layer, "values", "h"], row: n.t } : null;
  return {
    values,
    shown,
    scale,
    name,
    classes: {
      "is-hidden": !shown,
      "is-noinput": false,
      "is-absent": absent,
      "is-scored": scored === true,
      "is-unscored": scored === false,
    },
    slots: slotsOf(homework, src, n.n),
  };
}

/** True when step t takes no input (one-to-many after step 1, encoder-decoder's decoder steps). */
export function noInput(trace, t) {
  return trace?.input_mask?.[t] === false;
}

/** False for the steps that emit nothing: encoder-decoder's encoder steps. */
export function hasOutput(trace, t) {
  return !(trace?.mode === "encoder-decoder" && trace.scored?.[t] === false);
}

/** The aria label of a vector node (abbreviated for long vectors), and its tooltip. */
export function nodeLabel(st, { short = false } = {}) {
  const cls = st.classes ?? {};
  if (st.label) return { label: st.label, tip: st.label };
  const unknown = st.name.startsWith("\u2202") ? "not known yet" : "not revealed yet";
  if (!st.shown) return { label: `${st.name} ${unknown}`, tip: `${st.name} = ?` };
  const text = `${st.name} = ${short ? formatVectorShort(st.values, { blank: "?" }) : formatVector(st.values, { blank: "?" })}`;
  return { label: text, tip: cls.tip ?? text };
}

/** The per-update context every node reads. */
export function diagramContext({ trace, vis, names = {}, showGrads = false, bpttStep = -1, homework = null }) {
  const grads = showGrads ? trace.grads : null;
  return { trace, vis, names, grads, scales: diagramScales(trace, grads), bpttStep, focusBack: bpttFocus(trace.T, bpttStep), homework };
}

/**
 * Build the SVG diagram for a layout once; update() puts a trace's values in place.
 * @param {object} g layout from diagramLayout (not compact)
 * @param {{labels?: string[], names?: object, slotInput?: ((slot: any, where: string) => HTMLInputElement) | null}} structure
 *   slotInput: an exercise's answer input for an open slot (answer_slots.js)
 * @returns {{el: SVGSVGElement, update: (data: object) => void, destroy: () => void}}
 *   data: {trace, vis, focusStep, showGrads, bpttStep, targets, homework, sampled}
 */
export function buildDiagram(g, { labels = [], names = {}, slotInput = null } = {}) {
  const id = `rnnw-arrow-${++uid}`;
  const root = svg("svg", {
    class: ["rnnw-diagram", g.compact && "is-compact"],
    width: g.width,
    height: g.height,
    viewBox: `0 0 ${g.width} ${g.height}`,
    role: "img",
    "aria-label": "Unrolled network: one column per time step",
  });
  root.appendChild(
    svg("defs", {}, [
      svg(
        "marker",
        {
          id,
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 10,
          markerHeight: 10,
          markerUnits: "userSpaceOnUse",
          orient: "auto-start-reverse",
        },
        [svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnw-arrowhead" })],
      ),
      svg(
        "marker",
        {
          id: `${id}-bwd`,
          viewBox: "0 0 10 10",
          refX: 7,
          refY: 5,
          markerWidth: 11,
          markerHeight: 11,
          markerUnits: "userSpaceOnUse",
          orient: "auto-start-reverse",
        },
        [svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnw-bwd-head" })],
      ),
      svg(
        "marker",
        {
          id: `${id}-feed`,
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 9,
          markerHeight: 9,
          markerUnits: "userSpaceOnUse",
          orient: "auto-start-reverse",
        },
        [svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnw-feed-head" })],
      ),
    ]),
  );

  // Clickable step columns (click sets focus_step), with the step number on top.
  const cols = g.columns.map(({ t, x }) => {
    const pad = g.compact ? 8 : 16;
    const col = svg(
      "rect",
      {
        class: "rnnw-col",
        "data-step": t,
        x: x + g.cellW / 2 - g.colW / 2 - pad,
        y: 4,
        width: g.colW + 2 * pad,
        height: g.height - 8,
        rx: 8,
      },
      [svg("title", {}, [`Step ${t + 1}: click to show its formula`])],
    );
    root.appendChild(col);
    root.appendChild(
      svg("text", { class: "rnnw-step", "data-step": t, x: x + g.cellW / 2, y: 22, "text-anchor": "middle" }, [`t = ${t + 1}`]),
    );
    return col;
  });

  // Row names at the left.
  for (const label of rowLabels(g, names)) root.appendChild(label);

  // The cell state's conveyor belt, under everything else; then the arrows.
  const layers = new Set(g.nodes.filter((n) => n.kind === "c0").map((n) => n.layer));
  layers.forEach((l) => {
    const line = belt(g.nodes.filter((n) => (n.kind === "c0" || n.kind === "c") && n.layer === l));
    if (line) root.appendChild(line);
  });
  const flat = (e) => e.kind === "recurrent" || e.kind === "belt";
  /** the input and output arrows, hidden at steps with no input / no output */
  const ioEdges = [];
  g.edges.forEach((e) => {
    const line = root.appendChild(
      svg("line", {
        class: `rnnw-edge rnnw-edge-${e.kind}`,
        "data-from": e.from,
        "data-to": e.to,
        x1: e.x1,
        y1: e.y1,
        x2: e.x2 - (flat(e) ? 3 : 0),
        y2: e.y2 + (flat(e) ? 0 : 3),
        "marker-end": `url(#${id})`,
      }),
    );
    if (e.kind === "input" && e.from.startsWith("x:")) ioEdges.push({ line, t: Number(e.from.slice(2)), io: "x" });
    if (e.kind === "output") ioEdges.push({ line, t: Number(e.to.slice(2)), io: "y" });
  });
  const bwdLayer = svg("g", { class: "rnnw-bwd-layer" });
  root.appendChild(bwdLayer);

  // Nodes, each with its own in-place updater.
  const parts = g.nodes.map((n) => {
    if (n.kind === "g") {
      const part = gateBlock(n, { layerName: stateBase("h", n.layer, names) });
      root.appendChild(part.el);
      return { n, gate: part };
    }
    const opts =
      n.kind === "c" || n.kind === "c0"
        ? { cls: "rnnw-cnode", cellH: g.cellH, textClass: "rnnw-vtext rnnw-vtext-small" }
        : n.kind === "dh"
          ? { cls: "rnnw-dhnode", cellH: g.dhH, textClass: "rnnw-vtext rnnw-vtext-small" }
          : { cls: ["rnnw-node", `rnnw-node-${n.kind}`], cellH: g.cellH };
    const part = vectorNode(n, opts);
    root.appendChild(part.el);
    return { n, vec: part };
  });
  const targetLayer = svg("g", { class: "rnnw-target-layer" });
  root.appendChild(targetLayer);
  // A sampling run (text mode): each chosen token fed back from y_t into x_{t+1}
  const feedLayer = svg("g", { class: "rnnw-feed-layer" });
  root.appendChild(feedLayer);

  // Token labels under the inputs: user text, as SVG text nodes only. A step with no input
  // says so instead (its label would name an input the step does not read).
  const under = g.columns.map(({ t, center }) => {
    const none = svg("text", { class: "rnnw-noinput", x: center, y: g.labelY, "text-anchor": "middle", "data-step": t, display: "none" }, [
      "no input",
    ]);
    root.appendChild(none);
    const label = labels?.[t];
    if (label === undefined || label === null || label === "") return { none, token: null };
    const text = String(label);
    const short = text.length > 12 ? `${text.slice(0, 11)}\u2026` : text;
    const token = root.appendChild(
      svg("text", { class: "rnnw-label", x: center, y: g.labelY, "text-anchor": "middle", "data-step": t }, [
        short,
        svg("title", {}, [text]),
      ]),
    );
    return { none, token };
  });
  const showIf = (el, on) => (on ? el.removeAttribute("display") : el.setAttribute("display", "none"));

  function update({ trace, vis, focusStep = -1, showGrads = false, bpttStep = -1, targets = null, homework = null, sampled = null }) {
    const ctx = diagramContext({ trace, vis, names, showGrads, bpttStep, homework });
    cols.forEach((col, t) => col.classList.toggle("is-focus", t === focusStep));
    under.forEach(({ none, token }, t) => {
      showIf(none, noInput(trace, t));
      if (token) showIf(token, !noInput(trace, t));
    });
    for (const { line, t, io } of ioEdges) showIf(line, io === "x" ? !noInput(trace, t) : hasOutput(trace, t));
    for (const p of parts) {
      if (p.gate) {
        p.gate.update(trace.layers[p.n.layer].values, vis.h(p.n.layer, p.n.t), {
          homework,
          slotInput: slotInput ? (slot) => slotInput(slot, `diagram:${p.n.ref}`) : null,
        });
        continue;
      }
      const st = nodeState(p.n, ctx);
      const { label, tip } = nodeLabel(st);
      const input = slotInput && st.slots ? (slot) => slotInput(slot, `diagram:${p.n.ref}`) : null;
      p.vec.update(st.values, { shown: st.shown, scale: st.scale, label, tip, classes: st.classes, slots: st.slots, slotInput: input });
    }
    // The backward arrows and target boxes depend on the values: a few elements, redrawn.
    const arrows = [];
    if (ctx.grads) {
      const g2 = ctx.grads;
      const all = (g2.dh_future ?? []).flat().map(norm2);
      const max = Math.max(0, ...all);
      trace.layers.forEach((_, l) => {
        const dhNodes = g.nodes.filter((n) => n.kind === "dh" && n.layer === l);
        const list = backwardArrows(g2.dh_future?.[l], { T: trace.T, truncate: g2.truncate ?? null, bpttStep, max });
        arrows.push(...backwardArrowEls(dhNodes, list, `${id}-bwd`));
      });
    }
    replaceChildren(bwdLayer, arrows);
    const marks = [];
    if (trace.loss !== null && trace.loss !== undefined) {
      for (const p of parts) {
        const n = p.n;
        if (n.kind === "y" && Array.isArray(targets?.[n.t]) && trace.scored?.[n.t])
          marks.push(targetMarker(n, targets[n.t], { compact: g.compact }));
      }
    }
    replaceChildren(targetLayer, marks);
    // shown once the step-through has reached y_t (the token is chosen from its probabilities)
    const fed = feedbackPaths(g, fedBackSteps(sampled, trace.T)).filter((f) => vis.y(f.t));
    replaceChildren(
      feedLayer,
      fed.map((f) => feedbackArrow(f, `${id}-feed`)),
    );
  }
  return { el: root, update, destroy() {} };
}

function replaceChildren(el, children) {
  if (!el.firstChild && !children.length) return;
  while (el.firstChild) el.removeChild(el.firstChild);
  children.forEach((c) => el.appendChild(c));
}

/** The name at the left of a diagram row. */
/**
 * The row names at the left of the diagram (x, H, y, dL/dh ...), one SVG text each; gate rows have none.
 * @param {any} g the diagram layout @param {Record<string, string>} names
 */
export function rowLabels(g, names) {
  return g.rows
    .filter((/** @type {any} */ r) => r.kind !== "g")
    .map((/** @type {any} */ r) =>
      svg("text", { class: ["rnnw-rowname", r.kind === "dh" && "is-grad"], x: 10, y: r.y + r.height / 2, "dominant-baseline": "middle" }, [
        rowName(r, names),
      ]),
    );
}

export function rowName(r, names) {
  return r.kind === "dh"
    ? `\u2202L/\u2202${stateBase("h", r.layer, names)}`
    : r.kind === "h" || r.kind === "c"
      ? stateBase(r.kind, r.layer, names)
      : stateBase(r.kind, 0, names);
}

/** One-shot rendering (tests, exports): build and fill. */
export function renderDiagram(g, data) {
  const d = buildDiagram(g, { labels: data.labels, names: data.names, slotInput: data.slotInput });
  d.update(data);
  return d.el;
}

/** An empty-state box when there is no trace yet. */
export function emptyDiagram(message) {
  return h("div", { class: "rnnw-empty" }, [message]);
}
