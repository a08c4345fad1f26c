// Geometry of the unrolled diagram: one column per step (plus one for h0), one row per layer,
// inputs below, outputs above. Decides when to switch to the compact form. Pure.
import { ref } from "./links.js";

export const COMPACT_LIMITS = { hidden: 8, steps: 16, io: 8 };

/** Large networks get coloured cells without digits (tooltips carry the numbers). */
export function isCompact({ T, inputSize, layerSizes, outputSize = 0 }) {
  const maxH = Math.max(0, ...layerSizes);
  return maxH > COMPACT_LIMITS.hidden || T > COMPACT_LIMITS.steps || inputSize > COMPACT_LIMITS.io || outputSize > COMPACT_LIMITS.io;
}

/**
 * @param {{T: number, inputSize: number, layerSizes: number[], outputSize?: number, compact?: boolean}} shape
 *   outputSize 0 (or missing) when there is no readout
 */
export function diagramLayout(shape) {
  const { T, inputSize, layerSizes, outputSize = 0 } = shape;
  const compact = shape.compact ?? isCompact(shape);
  const maxN = Math.max(1, inputSize, outputSize, ...layerSizes);
  const cellW = compact ? 18 : 62;
  const cellH = compact ? Math.max(4, Math.min(14, Math.floor(150 / maxN))) : 28;
  const pitch = compact ? cellW + 30 : cellW + 62;
  const rowGap = compact ? 34 : 46;
  const left = 56; // room for the row names
  const top = 34; // room for the step headers
  const L = layerSizes.length;

  // Rows from the top: y (when there is a readout), layers top first, x.
  const rows = [];
  if (outputSize > 0) rows.push({ kind: "y", n: outputSize });
  for (let l = L - 1; l >= 0; l--) rows.push({ kind: "h", layer: l, n: layerSizes[l] });
  rows.push({ kind: "x", n: inputSize });
  let y = top;
  for (const r of rows) {
    r.height = r.n * cellH;
    r.y = y;
    y += r.height + rowGap;
  }
  const labelY = y - rowGap + (compact ? 16 : 22);
  const height = labelY + (compact ? 10 : 16);
  const colX = (c) => left + c * pitch; // column 0 is h0, column t + 1 is step t
  const width = colX(T) + cellW + 16;

  const nodes = [];
  const byRef = new Map();
  const add = (node) => {
    nodes.push(node);
    byRef.set(node.ref, node);
  };
  for (const r of rows) {
    if (r.kind === "h") {
      add({ kind: "h0", ref: ref.h(r.layer, -1), layer: r.layer, t: -1, x: colX(0), y: r.y, w: cellW, h: r.height, n: r.n });
    }
    for (let t = 0; t < T; t++) {
      const base = { t, x: colX(t + 1), y: r.y, w: cellW, h: r.height, n: r.n };
      if (r.kind === "h") add({ kind: "h", ref: ref.h(r.layer, t), layer: r.layer, ...base });
      else if (r.kind === "x") add({ kind: "x", ref: ref.x(t), ...base });
      else add({ kind: "y", ref: ref.y(t), ...base });
    }
  }

  const edges = [];
  const link = (from, to, kind) => {
    const a = byRef.get(from);
    const b = byRef.get(to);
    if (!a || !b) return;
    if (kind === "recurrent") {
      edges.push({ from, to, kind, x1: a.x + a.w, y1: a.y + a.h / 2, x2: b.x, y2: b.y + b.h / 2 });
    } else {
      edges.push({ from, to, kind, x1: a.x + a.w / 2, y1: a.y, x2: b.x + b.w / 2, y2: b.y + b.h });
    }
  };
  for (let l = 0; l < L; l++) {
    for (let t = 0; t < T; t++) {
      link(ref.h(l, t - 1), ref.h(l, t), "recurrent");
      link(l === 0 ? ref.x(t) : ref.h(l - 1, t), ref.h(l, t), l === 0 ? "input" : "up");
      if (l === L - 1 && outputSize > 0) link(ref.h(l, t), ref.y(t), "output");
    }
  }

  return {
    compact, width, height, cellW, cellH, pitch, left, top, labelY,
    rows: rows.map((r) => ({ kind: r.kind, layer: r.layer, y: r.y, height: r.height })),
    columns: Array.from({ length: T }, (_, t) => ({ t, x: colX(t + 1), center: colX(t + 1) + cellW / 2 })),
    h0X: colX(0),
    nodes, edges,
  };
}
