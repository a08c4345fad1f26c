// The class probabilities of a classifier (cross-entropy), as Python computed them (trace.p), and
// which step the page shows them for. Pure: the page does no softmax of its own.

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
 * The probabilities at step t: Python's softmax (trace.p, sent for every cross-entropy trace);
 * null while they are not known (an exercise's blank) or not sent.
 * @param {any} trace @param {number} t
 * @returns {number[] | null}
 */
export function classProbs(trace, t) {
  const p = trace?.p?.[t];
  return Array.isArray(p) && p.length && p.every((v) => typeof v === "number") ? p : null;
}
