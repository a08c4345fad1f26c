// Which values feed a value and which it feeds, for hover/focus highlighting. Pure.
// A ref names one value everywhere it is drawn (matrix, diagram, formula):
//   "x:t"     input at 0-based step t
//   "h:l:t"   hidden state of 0-based layer l at step t; t = -1 is the initial state h0
//   "y:t"     output at step t
//   "p:NAME"  a parameter (canonical name, e.g. "W_hh@2")
import { splitLayer } from "./names.js";

export const ref = {
  x: (t) => `x:${t}`,
  h: (l, t) => `h:${l}:${t}`,
  y: (t) => `y:${t}`,
  p: (name) => `p:${name}`,
};

const READOUT = new Set(["W_hy", "b_y"]);
export const isReadout = (name) => READOUT.has(splitLayer(name).stem);

/**
 * @param {string} r
 * @returns {{kind: "p", name: string} | {kind: "h", layer: number, t: number} | {kind: "x" | "y", t: number} | null}
 */
export function parseRef(r) {
  const parts = String(r).split(":");
  if (parts[0] === "p") return { kind: "p", name: parts.slice(1).join(":") };
  if (parts[0] === "h") return { kind: "h", layer: +parts[1], t: +parts[2] };
  if (parts[0] === "x" || parts[0] === "y") return { kind: /** @type {"x" | "y"} */ (parts[0]), t: +parts[1] };
  return null;
}

/**
 * @param {string} r the hovered ref
 * @param {{T: number, L: number, hasY: boolean, paramNames: string[]}} ctx
 * @returns {{sources: Set<string>, targets: Set<string>}}
 */
export function related(r, { T, L, hasY, paramNames = [] }) {
  const sources = new Set();
  const targets = new Set();
  const p = parseRef(r);
  if (!p) return { sources, targets };
  const layerParams = (l) => paramNames.filter((n) => !isReadout(n) && splitLayer(n).layer === l).map(ref.p);
  const readoutParams = paramNames.filter(isReadout).map(ref.p);
  const add = (set, items) => items.forEach((i) => set.add(i));
  if (p.kind === "h" && p.t >= 0) {
    sources.add(ref.h(p.layer, p.t - 1));
    sources.add(p.layer === 0 ? ref.x(p.t) : ref.h(p.layer - 1, p.t));
    add(sources, layerParams(p.layer));
    if (p.t + 1 < T) targets.add(ref.h(p.layer, p.t + 1));
    if (p.layer + 1 < L) targets.add(ref.h(p.layer + 1, p.t));
    else if (hasY) {
      targets.add(ref.y(p.t));
      add(targets, readoutParams);
    }
  } else if (p.kind === "h") {
    if (T > 0) targets.add(ref.h(p.layer, 0));
  } else if (p.kind === "x") {
    if (L > 0) targets.add(ref.h(0, p.t));
  } else if (p.kind === "y") {
    sources.add(ref.h(L - 1, p.t));
    add(sources, readoutParams);
  } else if (p.kind === "p") {
    if (isReadout(p.name)) for (let t = 0; t < T; t++) targets.add(ref.y(t));
    else {
      const l = splitLayer(p.name).layer;
      for (let t = 0; t < T; t++) targets.add(ref.h(l, t));
    }
  }
  return { sources, targets };
}
