// Symbols shown for parameters and states, from `display_names` and the convention. Pure.
import { superscript } from "./format.js";

const T_MARK = "\u1d40"; // superscript T

/** Layer suffix of a canonical name: "W_xh@2" -> {stem: "W_xh", layer: 1} (0-based layer). */
export function splitLayer(name) {
  const m = /^(.*)@(\d+)$/.exec(name);
  return m ? { stem: m[1], layer: Number(m[2]) - 1 } : { stem: name, layer: 0 };
}

/** Canonical parameter name for a layer: ("W_hh", 1) -> "W_hh@2". */
export function layerName(stem, layer) {
  return layer === 0 ? stem : `${stem}@${layer + 1}`;
}

/** Is this parameter a vector (bias)? */
export function isBias(name) {
  return splitLayer(name).stem.startsWith("b_");
}

function split(text) {
  // "W_hh" -> base W, sub hh; "A" -> base A; "b_h(2)" keeps the layer mark in sup
  const m = /^([^_]+)_(.+)$/.exec(text);
  return m ? { base: m[1], sub: m[2] } : { base: text, sub: "" };
}

/**
 * Symbol of a parameter as the current view shows it.
 * A display name is used as given (it names the matrix as shown). A canonical weight name in the
 * column view gets a transpose mark, since the page shows its transpose.
 * @returns {{base: string, sub: string, sup: string, text: string}}
 */
export function paramSymbol(name, convention, displayNames = {}) {
  const shown = displayNames?.[name];
  if (shown) {
    const s = split(shown);
    return { ...s, sup: "", text: shown };
  }
  const { stem, layer } = splitLayer(name);
  const s = split(stem);
  const transposed = convention === "column" && !isBias(name);
  // sup is shown inside <sup> (plain characters); text uses unicode superscripts.
  const sup = (layer > 0 ? `(${layer + 1})` : "") + (transposed ? "T" : "");
  const text = stem + (layer > 0 ? `\u207d${superscript(layer + 1)}\u207e` : "") + (transposed ? T_MARK : "");
  return { ...s, sup, text };
}

/**
 * Base letter of a state: kind "h" | "x" | "y" | "c" (lstm cell state), layer 0-based.
 * display_names may rename "h", "x", "y" and per layer "h@2" (seed 001's second layer is "k").
 */
export function stateBase(kind, layer = 0, displayNames = {}) {
  if (layer > 0) {
    const own = displayNames?.[`${kind}@${layer + 1}`];
    if (own) return own;
    const base = displayNames?.[kind] ?? kind;
    return `${base}\u207d${superscript(layer + 1)}\u207e`;
  }
  return displayNames?.[kind] ?? kind;
}

/** Plain text of a state symbol at a 1-based step: "h2", "k0", "x3". */
export function stateText(kind, layer, step, displayNames) {
  return `${stateBase(kind, layer, displayNames)}${step}`;
}
