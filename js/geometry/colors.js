// Diverging colour scale: blue for negative, red for positive, the cell background at 0.
// The page mixes theme colours in CSS (color-mix) from the sign and strength computed here, so the
// same numbers read well in light and dark themes. Pure.

/** Largest absolute finite value in a (nested) array; 0 when there is none. */
export function maxAbs(values) {
  let m = 0;
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "number" && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  };
  walk(values);
  return m;
}

/** Highest share of the signed colour mixed into the background: keeps the digits readable. */
export const MAX_MIX = 60;

/**
 * @param {number|null} v
 * @param {number} scale the max abs of the matrix the value belongs to
 * @returns {{sign: "pos"|"neg"|"zero"|"none", strength: number, mix: number}}
 *   strength in [0, 1]; mix in percent [0, MAX_MIX] for CSS color-mix
 */
export function diverging(v, scale) {
  if (typeof v !== "number" || !Number.isFinite(v)) return { sign: "none", strength: 0, mix: 0 };
  if (v === 0 || !(scale > 0)) return { sign: "zero", strength: 0, mix: 0 };
  const strength = Math.min(1, Math.abs(v) / scale);
  // A square root curve keeps small values visible next to a large one.
  const mix = Math.round(Math.sqrt(strength) * MAX_MIX);
  return { sign: v > 0 ? "pos" : "neg", strength, mix };
}

/** Apply the scale to an element: data-sign plus the --rnnw-mix custom property read by the CSS. */
export function paint(el, v, scale) {
  const d = diverging(v, scale);
  el.setAttribute("data-sign", d.sign);
  el.style.setProperty("--rnnw-mix", `${d.mix}%`);
  return d;
}

/** sRGB interpolation for places without CSS (exports): bg at 0, pos/neg at full strength. */
export function mixRgb(v, scale, { pos = [215, 48, 39], neg = [49, 104, 189], bg = [255, 255, 255] } = {}) {
  const d = diverging(v, scale);
  if (d.sign !== "pos" && d.sign !== "neg") return `rgb(${bg.join(", ")})`;
  const c = d.sign === "pos" ? pos : neg;
  const k = d.mix / 100;
  return `rgb(${bg.map((b, i) => Math.round(b + (c[i] - b) * k)).join(", ")})`;
}
