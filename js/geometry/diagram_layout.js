// Geometry of the unrolled diagram: one column per step (plus one for h0), one row per layer,
// inputs below, outputs above; for LSTM/GRU the gates and the cell state; with the gradient view
// a row of dL/dh_t. Decides when to switch to the compact form. Pure.
import { ref } from "../data/refs.js";
import { gatesOf, gateBlockLayout } from "../data/gates.js";

export const COMPACT_LIMITS = { hidden: 8, steps: 16, io: 8 };

/** Large networks get coloured cells without digits (tooltips carry the numbers). */
export function isCompact({ T, inputSize, layerSizes, outputSize = 0 }) {
  const maxH = Math.max(0, ...layerSizes);
  return maxH > COMPACT_LIMITS.hidden || T > COMPACT_LIMITS.steps || inputSize > COMPACT_LIMITS.io || outputSize > COMPACT_LIMITS.io;
}

/**
 * @param {{T: number, inputSize: number, layerSizes: number[], outputSize?: number, compact?: boolean,
 *          cell?: string, gates?: boolean, grads?: boolean}} shape
 *   outputSize 0 (or missing) when there is no readout. For an LSTM or GRU (`cell`) each step's
 *   gates are drawn in a block under h (unless gates is false); an LSTM adds the cell-state row c
 *   above h (the "conveyor belt", c0 at the left). `grads` adds the dL/dh_t row under h.
 */
export function diagramLayout(shape) {
  const { T, inputSize, layerSizes, outputSize = 0, cell = "rnn", grads = false } = shape;
  const compact = shape.compact ?? isCompact(shape);
  const maxN = Math.max(1, inputSize, outputSize, ...layerSizes);
  const cellW = compact ? 18 : 62;
  const cellH = compact ? Math.max(4, Math.min(14, Math.floor(150 / maxN))) : 28;
  const dhH = compact ? cellH : 22;
  const hasGates = (shape.gates ?? true) && gatesOf(cell).length > 0;
  const hasC = cell === "lstm";
  const blocks = layerSizes.map((n) => (hasGates ? gateBlockLayout(cell, n, { compact, cellH }) : { w: 0, h: 0 }));
  const colW = Math.max(cellW, ...blocks.map((b) => b.w));
  const pitch = Math.max(compact ? cellW + 30 : cellW + 62, colW + (compact ? 16 : 44));
  const rowGap = compact ? 34 : 46;
  const tight = compact ? 12 : 22; // between rows of one layer
  const side = hasC || grads || hasGates; // c and dL/dh sit left of a lane for the vertical arrows
  const lane = side ? (compact ? 3 : 7) : 0;
  const left = 56 + (side ? 8 : 0); // room for the row names
  const top = 34; // room for the step headers
  const L = layerSizes.length;

  // Rows from the top: y (when there is a readout); per layer, top first: c, h, dL/dh, gates; x.
  /** @type {{kind: string, n: number, height: number, layer?: number, gap?: number, y?: number}[]} */
  const rows = [];
  if (outputSize > 0) rows.push({ kind: "y", n: outputSize, height: outputSize * cellH });
  for (let l = L - 1; l >= 0; l--) {
    const n = layerSizes[l];
    if (hasC) rows.push({ kind: "c", layer: l, n, height: n * cellH, gap: tight });
    rows.push({ kind: "h", layer: l, n, height: n * cellH, gap: grads ? 8 : hasGates ? tight : rowGap });
    if (grads) rows.push({ kind: "dh", layer: l, n, height: n * dhH, gap: hasGates ? tight : rowGap });
    if (hasGates) rows.push({ kind: "g", layer: l, n, height: blocks[l].h });
  }
  rows.push({ kind: "x", n: inputSize, height: inputSize * cellH });
  let y = top;
  for (const r of rows) {
    r.y = y;
    y += r.height + (r.gap ?? rowGap);
  }
  const labelY = y - rowGap + (compact ? 16 : 22);
  const height = labelY + (compact ? 10 : 16);
  const colX = (c) => left + c * pitch; // column 0 is h0, column t + 1 is step t
  // room on the right for the last column's gate block and a scored output's target box
  const width = colX(T) + cellW + Math.max(16, (colW - cellW) / 2 + 8, outputSize > 0 ? (compact ? 18 : 58) : 0);
  const sideX = (x) => x - (compact ? 4 : 8);
  const sideW = cellW - (compact ? 4 : 6);

  const nodes = [];
  const byRef = new Map();
  const add = (node) => {
    nodes.push(node);
    byRef.set(node.ref, node);
  };
  for (const r of rows) {
    const l = r.layer ?? 0;
    if (r.kind === "h") add({ kind: "h0", ref: ref.h(l, -1), layer: l, t: -1, x: colX(0), y: r.y, w: cellW, h: r.height, n: r.n });
    if (r.kind === "c") add({ kind: "c0", ref: `c:${l}:-1`, layer: l, t: -1, x: sideX(colX(0)), y: r.y, w: sideW, h: r.height, n: r.n });
    for (let t = 0; t < T; t++) {
      const x = colX(t + 1);
      const base = { t, x, y: r.y, w: cellW, h: r.height, n: r.n };
      if (r.kind === "h") add({ kind: "h", ref: ref.h(l, t), layer: l, ...base });
      else if (r.kind === "c") add({ kind: "c", ref: `c:${l}:${t}`, layer: l, ...base, x: sideX(x), w: sideW });
      else if (r.kind === "dh") add({ kind: "dh", ref: `dh:${l}:${t}`, layer: l, ...base, x: sideX(x), w: sideW, cellH: dhH });
      else if (r.kind === "g")
        add({ kind: "g", ref: `g:${l}:${t}`, layer: l, ...base, x: x + cellW / 2 - blocks[l].w / 2, w: blocks[l].w, block: blocks[l] });
      else if (r.kind === "x") add({ kind: "x", ref: ref.x(t), ...base });
      else add({ kind: "y", ref: ref.y(t), ...base });
    }
  }

  const edges = [];
  // Vertical arrows run up the column's lane: the centre, or near the right edge when c and
  // dL/dh (drawn narrower, to the left) share the column.
  const laneX = (n) => (lane && n.kind !== "g" ? n.x + (n.kind === "c" || n.kind === "dh" ? sideW + 8 : cellW - lane) : n.x + n.w / 2);
  const vx = (n) => (n.kind === "g" ? n.x + n.w / 2 + cellW / 2 - lane : laneX(n));
  const link = (from, to, kind) => {
    const a = byRef.get(from);
    const b = byRef.get(to);
    if (!a || !b) return;
    if (kind === "recurrent" || kind === "belt") {
      edges.push({ from, to, kind, x1: a.x + a.w, y1: a.y + a.h / 2, x2: b.x, y2: b.y + b.h / 2 });
    } else {
      const x = lane ? (a.kind === "g" ? vx(a) : vx(b)) : null;
      edges.push({ from, to, kind, x1: x ?? a.x + a.w / 2, y1: a.y, x2: x ?? b.x + b.w / 2, y2: b.y + b.h });
    }
  };
  for (let l = 0; l < L; l++) {
    for (let t = 0; t < T; t++) {
      link(ref.h(l, t - 1), ref.h(l, t), "recurrent");
      if (hasC) link(`c:${l}:${t - 1}`, `c:${l}:${t}`, "belt");
      const into = hasGates ? `g:${l}:${t}` : ref.h(l, t);
      link(l === 0 ? ref.x(t) : ref.h(l - 1, t), into, l === 0 ? "input" : "up");
      if (hasGates) link(`g:${l}:${t}`, ref.h(l, t), "gate");
      if (l === L - 1 && outputSize > 0) link(ref.h(l, t), ref.y(t), "output");
    }
  }

  return {
    compact,
    width,
    height,
    cellW,
    cellH,
    dhH,
    colW,
    pitch,
    left,
    top,
    labelY,
    lane,
    rows: rows.map((r) => ({ kind: r.kind, layer: r.layer, y: r.y, height: r.height })),
    columns: Array.from({ length: T }, (_, t) => ({ t, x: colX(t + 1), center: colX(t + 1) + cellW / 2 })),
    h0X: colX(0),
    nodes,
    edges,
  };
}

/**
 * The steps of a sampling run whose chosen token is fed back as the next step's input: step t
 * chose sampled.tokens[t + 1] (tokens[0 .. start - 1] are the given start) and, when t + 1 < T,
 * x_{t+1} is that token. Same rule as the token strip (js/data/tokens.js tokenSteps). Pure.
 * @param {{start?: number, tokens?: string[]} | null | undefined} sampled
 * @param {number} T
 * @returns {{t: number, token: string}[]}
 */
export function fedBackSteps(sampled, T) {
  const tokens = sampled?.tokens ?? [];
  if (!tokens.length) return [];
  const start = Math.max(1, sampled?.start ?? 1);
  const out = [];
  for (let t = start - 1; t + 1 < tokens.length && t + 1 < T; t++) out.push({ t, token: tokens[t + 1] });
  return out;
}

/**
 * Feedback arrows of a sampling run: from under y_t down the gap between the columns into x_{t+1}
 * (left edge), below the target boxes (which sit right of y_t). `label` is where the chosen token
 * goes: on the arrow, just under the turn. Pure.
 * @param {ReturnType<typeof diagramLayout>} g
 * @param {{t: number, token: string}[]} steps fedBackSteps
 * @returns {{t: number, token: string, d: string, label: {x: number, y: number}}[]}
 */
export function feedbackPaths(g, steps) {
  const node = (kind, t) => g.nodes.find((n) => n.kind === kind && n.t === t);
  const out = [];
  for (const { t, token } of steps) {
    const y = node("y", t);
    const x = node("x", t + 1);
    if (!y || !x) continue;
    const gx = y.x + y.w + (g.pitch - g.cellW) / 2;
    const x0 = y.x + y.w * 0.8;
    const turn = y.y + y.h + (g.compact ? 6 : 12);
    const end = x.y + x.h / 2;
    const r = g.compact ? 3 : 6; // rounded corners
    const d = [
      `M ${x0} ${y.y + y.h}`,
      `V ${turn - r}`,
      `Q ${x0} ${turn} ${x0 + r} ${turn}`,
      `H ${gx - r}`,
      `Q ${gx} ${turn} ${gx} ${turn + r}`,
      `V ${end - r}`,
      `Q ${gx} ${end} ${gx + r} ${end}`,
      `H ${x.x - 3}`,
    ].join(" ");
    out.push({ t, token, d, label: { x: gx, y: turn + (g.compact ? 10 : 18) } });
  }
  return out;
}
