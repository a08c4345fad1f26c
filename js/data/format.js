// Number formatting for people: integers without decimals, others to a few significant
// digits, a real minus sign (U+2212), tabular-friendly. Pure.

export const MINUS = "\u2212";

function withMinus(s) {
  return s.replace(/-/g, MINUS);
}

function trimZeros(s) {
  // "1.2300" -> "1.23", "2.000" -> "2", "1.50e-4" -> "1.5e-4"
  const [mant, exp] = s.split("e");
  let m = mant;
  if (m.includes(".")) m = m.replace(/0+$/, "").replace(/\.$/, "");
  return exp === undefined ? m : `${m}e${exp.replace(/^\+/, "")}`;
}

/**
 * Format one number.
 * @param {number|null|undefined} v
 * @param {{digits?: number}} [opts] significant digits for non-integers (default 4)
 * @returns {string} "" for null/undefined, "NaN"/"∞" for non-finite
 */
export function formatNumber(v, opts = {}) {
  const digits = opts.digits ?? 4;
  if (v === null || v === undefined) return "";
  if (typeof v !== "number") v = Number(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "\u221e" : `${MINUS}\u221e`;
  if (Object.is(v, -0) || v === 0) return "0";
  const a = Math.abs(v);
  // Integers (and floats that are integers up to rounding noise) print without decimals.
  const r = Math.round(v);
  // A tiny non-zero value (a vanishing gradient) is not noise around 0: it keeps its exponent.
  if (r === 0 ? a < 1e-12 : a < 1e6 && Math.abs(v - r) < 1e-9 * a) return withMinus(String(r));
  if (a >= 1e6 || a < 1e-3) return withMinus(trimZeros(v.toExponential(Math.max(0, digits - 2))));
  let s = v.toPrecision(digits);
  if (s.includes("e")) s = String(Number(s)); // toPrecision may go exponential for big values
  s = trimZeros(s);
  return withMinus(s === "-0" ? "0" : s);
}

/** "[1, 17]" from a vector; hidden entries (null) print as blanks, or as `opts.blank` ("?"). */
export function formatVector(vec, opts = {}) {
  const one = (v) => (opts.blank !== undefined && (v === null || v === undefined) ? opts.blank : formatNumber(v, opts));
  if (!Array.isArray(vec)) return one(vec);
  return `[${vec.map(one).join(", ")}]`;
}

/** Plain ASCII rendering for editing an input box (no unicode minus, full precision up to 6 sig). */
export function formatForEditing(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  const r = Math.round(v);
  if (Math.abs(v - r) < 1e-12 * Math.max(1, Math.abs(v))) return String(r);
  return String(Number(v.toPrecision(6)));
}

/** Unicode subscript digits, used in captions where markup is not available. */
const SUB = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089";
const SUP = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
export function subscript(n) {
  return String(n).replace(/[0-9]/g, (d) => SUB[+d]);
}
export function superscript(n) {
  return String(n).replace(/[0-9]/g, (d) => SUP[+d]);
}

/** Vectors longer than this are abbreviated in formulas, captions and aria labels. */
export const ABBREVIATE_OVER = 6;

/**
 * The entries of a long vector that a person reads: the first three, a gap, the last one.
 * @returns {{items: (number|null|"\u2026")[], count: number, abbreviated: boolean}}
 */
export function abbreviate(values, max = ABBREVIATE_OVER) {
  const list = Array.isArray(values) ? values : [values];
  if (list.length <= max) return { items: list.slice(), count: list.length, abbreviated: false };
  return { items: [...list.slice(0, 3), "\u2026", list[list.length - 1]], count: list.length, abbreviated: true };
}

/** "[0.12, −0.3, …, 0.5] (32 values)" for a long vector, formatVector's form for a short one. */
export function formatVectorShort(vec, opts = {}) {
  if (!Array.isArray(vec)) return formatNumber(vec, opts);
  const a = abbreviate(vec, opts.max ?? ABBREVIATE_OVER);
  if (!a.abbreviated) return formatVector(vec, opts);
  const one = (v) => (opts.blank !== undefined && (v === null || v === undefined) ? opts.blank : formatNumber(v, opts));
  return `[${a.items.map((v) => (v === "\u2026" ? v : one(v))).join(", ")}] (${a.count} values)`;
}
