// The class probabilities of a classifier (cross-entropy): softmax of the readout at a scored
// step, and which step the page shows them for. Pure.

/**
 * softmax(z), computed as PyTorch does (shifted by the maximum). Null when an entry is unknown.
 * @param {(number | null)[]} z
 * @returns {number[] | null}
 */
export function softmax(z) {
  if (!Array.isArray(z) || !z.length) return null;
  const nums = /** @type {number[]} */ (z.filter((v) => typeof v === "number" && Number.isFinite(v)));
  if (nums.length !== z.length) return null;
  const m = Math.max(...nums);
  const e = nums.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * The step whose class probabilities the page shows: the focused step when it is scored, else
 * the last scored step; null when the network is not a classifier or nothing is scored.
 * @param {any} trace
 * @param {{loss?: string} | null | undefined} spec
 * @param {number} [focus]
 * @returns {number | null}
 */
export function probsStep(trace, spec, focus = -1) {
  if (spec?.loss !== "cross_entropy" || !trace || !Array.isArray(trace.y)) return null;
  const scored = (t) => trace.scored?.[t] !== false;
  if (focus >= 0 && focus < trace.T && scored(focus)) return focus;
  for (let t = trace.T - 1; t >= 0; t--) if (scored(t)) return t;
  return null;
}

/**
 * The probabilities at step t: the trace's own (Python's softmax, with targets) or the softmax
 * of the readout; null while the readout is not known (a blank) or not revealed.
 * @param {any} trace @param {number} t
 * @returns {number[] | null}
 */
export function classProbs(trace, t) {
  const y = trace?.y_pre?.[t] ?? trace?.y?.[t];
  if (!Array.isArray(y) || y.some((v) => v === null || v === undefined)) return null;
  const p = trace.p?.[t];
  if (Array.isArray(p) && p.every((v) => typeof v === "number")) return p;
  return softmax(y);
}
