// Stepping backwards through BPTT: which dL/dh_t are known after n steps back, where truncation
// cuts the flow, and how strong each backward arrow is drawn. Pure.

/**
 * The step whose chain-rule line is shown: T - 1 - n for bptt_step = n >= 0, else null (the
 * whole backward pass is shown; the formula panel follows focus_step then).
 */
export function bpttFocus(T, bpttStep) {
  if (!Number.isInteger(bpttStep) || bpttStep < 0 || T < 1) return null;
  return Math.max(0, T - 1 - Math.min(bpttStep, T - 1));
}

/** Clamp bptt_step to -1 (everything) or 0..T-1. */
export function clampBpttStep(T, bpttStep) {
  if (!Number.isInteger(bpttStep) || bpttStep < 0) return -1;
  return Math.min(bpttStep, Math.max(0, T - 1));
}

/** Is dL/dh_t known after bptt_step = n? (all of them for n = -1) */
export function dhVisible(t, T, bpttStep) {
  const f = bpttFocus(T, bpttStep);
  return f === null || t >= f;
}

/**
 * Does truncation stop the gradient from flowing from step t back to step t - 1 (0-based)?
 * The core's rule (truncated BPTT as PyTorch loops do it): the state is detached every
 * `truncate` steps, i.e. at every t > 0 that is a multiple of `truncate`.
 */
export function isCut(t, truncate) {
  return Number.isInteger(truncate) && truncate > 0 && t > 0 && t % truncate === 0;
}

/** Euclidean norm of a vector (for arrow widths: a drawing decision, not model math). */
export const norm2 = (v) => Math.sqrt((v || []).reduce((s, x) => s + (Number.isFinite(x) ? x * x : 0), 0));

/**
 * Stroke width and opacity of the backward arrow carrying `value` (a norm) when the largest one
 * carries `max`: width from 1 to 7 px, opacity from 0.25 to 1, on a square-root curve so a
 * vanishing gradient is thin and faint but still visible. Zero draws nothing (width 0).
 */
export function arrowStyle(value, max) {
  if (!(value > 0) || !(max > 0)) return { width: 0, opacity: 0 };
  const s = Math.sqrt(Math.min(1, value / max));
  return { width: Number((1 + 6 * s).toFixed(2)), opacity: Number((0.25 + 0.75 * s).toFixed(2)) };
}

/**
 * The backward arrows of one layer: from step t + 1 to step t, carrying dh_future[t]
 * (= dL/dh_{t+1} dh_{t+1}/dh_t). Each is {from: t + 1, to: t, norm, cut, visible, ...style}.
 */
/**
 * @param {number[][] | null | undefined} dhFuture
 * @param {{T: number, truncate?: number | null, bpttStep?: number, max?: number}} opts
 */
export function backwardArrows(dhFuture, { T, truncate = null, bpttStep = -1, max }) {
  const norms = (dhFuture || []).map(norm2);
  const top = max ?? Math.max(0, ...norms);
  const arrows = [];
  for (let t = 0; t + 1 < T; t++) {
    const cut = isCut(t + 1, truncate);
    const visible = dhVisible(t, T, bpttStep);
    arrows.push({ from: t + 1, to: t, norm: norms[t] ?? 0, cut, visible, ...arrowStyle(cut ? 0 : norms[t], top) });
  }
  return arrows;
}

/** The bptt trait's value from the page's inputs: clip text ("" = off) and truncate ("off" or n). */
export function bpttFromInputs(clipText, truncateValue) {
  const s = String(clipText ?? "")
    .trim()
    .replace(/\u2212/g, "-");
  const c = s === "" ? null : Number(s);
  const t = truncateValue === "off" || truncateValue === "" || truncateValue === null ? null : Number(truncateValue);
  return {
    clip_norm: c !== null && Number.isFinite(c) && c > 0 ? c : null,
    truncate: t !== null && Number.isInteger(t) && t > 0 ? t : null,
    valid: c === null || (Number.isFinite(c) && c > 0),
  };
}
