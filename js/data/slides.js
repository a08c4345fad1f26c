// The step-through slide list, derived from the trace, and what each slide reveals. Pure.
import { formatVector } from "./format.js";
import { stateText, paramSymbol, layerName } from "./names.js";

/** @typedef {{kind: "init"} | {kind: "h", t: number, layer: number} | {kind: "y", t: number}} Slide */

/**
 * Slide 0 shows inputs, parameters and h0. Then for each step t, one slide per layer (bottom
 * first) computes h_t, and one more computes y_t when there is a readout and step t is scored
 * (or the mode is many-to-many).
 * @param {import("./protocol.js").Trace | null | undefined} trace
 * @param {string} [mode]
 * @returns {Slide[]}
 */
export function buildSlides(trace, mode) {
  /** @type {Slide[]} */
  const slides = [{ kind: "init" }];
  if (!trace) return slides;
  const L = trace.layers?.length ?? 0;
  const hasY = Array.isArray(trace.y);
  for (let t = 0; t < trace.T; t++) {
    for (let l = 0; l < L; l++) slides.push({ kind: "h", t, layer: l });
    if (hasY && (trace.scored?.[t] || mode === "many-to-many")) slides.push({ kind: "y", t });
  }
  return slides;
}

/** Clamp a reveal value to the slide list: -1 stays -1 (everything shown). */
export function clampReveal(reveal, slides) {
  if (typeof reveal !== "number" || reveal < 0) return -1;
  return Math.min(Math.floor(reveal), slides.length - 1);
}

/**
 * What is visible at a reveal value.
 * @returns {{h: (layer: number, t: number) => boolean, y: (t: number) => boolean, all: boolean}}
 */
export function visibility(slides, reveal) {
  const r = clampReveal(reveal, slides);
  if (r < 0) return { all: true, h: () => true, y: () => true };
  const hSeen = new Set();
  const ySeen = new Set();
  for (let i = 1; i <= r; i++) {
    const s = slides[i];
    if (s.kind === "h") hSeen.add(`${s.layer}:${s.t}`);
    if (s.kind === "y") ySeen.add(s.t);
  }
  return {
    all: false,
    h: (layer, t) => t < 0 || hSeen.has(`${layer}:${t}`),
    y: (t) => ySeen.has(t),
  };
}

/** The step a slide is about (for the formula panel), or null for slide 0. */
export function slideStep(slide) {
  return slide && slide.kind !== "init" ? slide.t : null;
}

/** Caption of slide n, as on seed 000: "[4] x2 and h1 are combined with A and B, then ReLU → h2 = [1, 17]". */
/**
 * @param {Slide[]} slides
 * @param {number} n
 * @param {any} trace
 * @param {{convention?: string, displayNames?: Record<string, string>, spec?: Partial<import("./protocol.js").Spec>}} [opts]
 */
export function slideCaption(slides, n, trace, { convention = "row", displayNames = {}, spec = {} } = {}) {
  const slide = slides[n];
  if (!slide || !trace) return "";
  const num = `[${n + 1}]`;
  const names = displayNames || {};
  if (slide.kind === "init") {
    const h0 = trace.layers?.map((ly) => formatVector(ly.h0)) ?? [];
    const who = trace.layers?.length > 1 ? "Hidden states are" : "The hidden state is";
    return `${num} ${who} initialized to ${h0.join(" and ")}.`;
  }
  const { t } = slide;
  const sym = (n2) => paramSymbol(n2, convention, names).text;
  if (slide.kind === "y") {
    const top = trace.layers.length - 1;
    const h = stateText("h", top, t + 1, names);
    const y = stateText("y", 0, t + 1, names);
    const act = spec.output_activation && spec.output_activation !== "identity" ? `, then ${actName(spec.output_activation)}` : "";
    return `${num} ${h} is multiplied by ${sym("W_hy")}${act} \u2192 ${y} = ${formatVector(trace.y[t], { blank: "?" })}`;
  }
  const { layer } = slide;
  const input = layer === 0 ? stateText("x", 0, t + 1, names) : stateText("h", layer - 1, t + 1, names);
  const prev = stateText("h", layer, t, names);
  const h = stateText("h", layer, t + 1, names);
  const values = trace.layers[layer].values;
  const hv = formatVector(values.h[t], { blank: "?" });
  const noInput = layer === 0 && trace.input_mask?.[t] === false;
  if (noInput && trace.cell !== "rnn") {
    return `${num} No input at this step: ${prev} alone sets the gates \u2192 ${h} = ${hv}`;
  }
  if (trace.cell === "lstm") {
    return `${num} ${input} and ${prev} open the gates i, f, o and propose c\u0303; the cell state is updated \u2192 ${h} = ${hv}`;
  }
  if (trace.cell === "gru") {
    return `${num} ${input} and ${prev} set the reset and update gates r, z and the candidate n \u2192 ${h} = ${hv}`;
  }
  const wx = sym(layerName("W_xh", layer));
  const wh = sym(layerName("W_hh", layer));
  if (layer === 0 && trace.input_mask?.[t] === false) {
    return `${num} No input at this step: ${prev} alone is multiplied by ${wh}, then ${actName(trace.activation)} \u2192 ${h} = ${hv}`;
  }
  return `${num} ${input} and ${prev} are combined with ${wh} and ${wx}, then ${actName(trace.activation)} \u2192 ${h} = ${hv}`;
}

export function actName(a) {
  return { relu: "ReLU", tanh: "tanh", sigmoid: "\u03c3", identity: "identity" }[a] ?? String(a ?? "");
}
