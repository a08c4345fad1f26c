// Axis scales for the small charts (gradient norms over time, the loss curve): a log scale with
// ticks at powers of ten, and a linear scale with "nice" ticks. Pure.
import { formatNumber, superscript, MINUS } from "../data/format.js";

/** Positive finite values of a list (log scales cannot show 0 or negatives). */
export const positives = (values) => values.filter((v) => typeof v === "number" && Number.isFinite(v) && v > 0);

/** Orders of magnitude between the smallest and largest positive value (0 when fewer than two). */
export function decadesSpanned(values) {
  const p = positives(values);
  if (p.length < 2) return 0;
  return Math.log10(Math.max(...p)) - Math.log10(Math.min(...p));
}

/** "10⁻³", "1", "10", "10²": the label of a power of ten. */
export function powerLabel(e) {
  if (e === 0) return "1";
  if (e === 1) return "10";
  return `10${e < 0 ? "\u207b" : ""}${superscript(Math.abs(e))}`;
}

/**
 * A log scale from the data's positive range to pixels [y0, y1] (y0 at the smallest value).
 * The domain is widened to whole decades; a flat series gets one decade either side.
 * Values <= 0 (or non-finite) map to null: the caller leaves a gap or draws them on the floor.
 * @returns {{kind: "log", lo: number, hi: number, map: (v: number) => number|null,
 *            ticks: {value: number, label: string, pos: number, major: boolean}[]}}
 */
export function logScale(values, [y0, y1], { maxTicks = 6 } = {}) {
  const p = positives(values);
  let lo = p.length ? Math.floor(Math.log10(Math.min(...p))) : -1;
  let hi = p.length ? Math.ceil(Math.log10(Math.max(...p))) : 1;
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const map = (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? y0 + ((Math.log10(v) - lo) / (hi - lo)) * (y1 - y0) : null);
  const every = Math.max(1, Math.ceil((hi - lo) / Math.max(1, maxTicks - 1)));
  const ticks = [];
  // Every `every`-th power, counted down from the top one so that the top is labelled.
  for (let e = hi; e >= lo; e -= every) ticks.unshift({ value: 10 ** e, label: powerLabel(e), pos: map(10 ** e), major: true });
  return { kind: "log", lo: 10 ** lo, hi: 10 ** hi, map, ticks };
}

/** Tick step of 1, 2 or 5 times a power of ten giving at most about `count` intervals. */
export function niceStep(span, count = 5) {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/**
 * A linear scale from [min, max] of the values (including 0 when `zero`) to pixels [y0, y1],
 * widened to whole tick steps.
 */
export function linearScale(values, [y0, y1], { count = 4, zero = true } = {}) {
  const f = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  let min = f.length ? Math.min(...f) : 0;
  let max = f.length ? Math.max(...f) : 1;
  if (zero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  if (max === min) max = min + 1;
  const step = niceStep(max - min, count);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const map = (v) => (typeof v === "number" && Number.isFinite(v) ? y0 + ((v - lo) / (hi - lo)) * (y1 - y0) : null);
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) {
    const value = Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12));
    ticks.push({ value, label: formatNumber(value), pos: map(value), major: true });
  }
  return { kind: "linear", lo, hi, map, ticks };
}

/** Integer ticks for a step axis 0..n mapped to [x0, x1], at most about `count` of them. */
export function stepTicks(n, [x0, x1], { count = 8, start = 0 } = {}) {
  const span = Math.max(1, n - start);
  const step = Math.max(1, Math.ceil(niceStep(span, count)));
  const map = (k) => x0 + ((k - start) / span) * (x1 - x0);
  const ticks = [];
  for (let k = start; k <= n; k += step) ticks.push({ value: k, label: String(k).replace("-", MINUS), pos: map(k) });
  if (ticks[ticks.length - 1].value !== n && n > start) {
    if (n - ticks[ticks.length - 1].value < step / 2 && ticks.length > 1) ticks.pop();
    ticks.push({ value: n, label: String(n), pos: map(n) });
  }
  return { map, ticks };
}
