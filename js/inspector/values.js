// The inspector's numbers, pure: per quantity a Float32Array of T x hidden (row t = step t), spliced
// from the kernel's messages (only the steps from `start` on travel), a unit's series along the
// text, the steps where it fires most, the text checked against the vocabulary, colour tables.
import { diverging } from "../geometry/colors.js";

/**
 * @typedef {{T: number, hidden: number, chars: string[], names: string[], maps: Float32Array[], held: number[], pred: Float32Array}} Values
 *   chars: the text's characters (code points, as Python counts them); maps[q][t * hidden + u]: quantity q, step t, unit u;
 *   held[q]: the steps 0..held[q]-1 of maps[q] are the exact values for this text (the kernel sends every quantity only when a
 *   few steps changed, else the one in view: the others are fetched when shown); pred[2t] the most likely next character's
 *   index (-1 without a readout), pred[2t + 1] its probability
 */

/**
 * Empty values for `count` quantities of `hidden` units (named `names`, by default q0, q1, ...).
 * @param {number} count
 * @param {number} hidden
 * @param {string[]} [names]
 * @returns {Values}
 */
export function emptyValues(count, hidden, names) {
  return {
    T: 0,
    hidden,
    chars: [],
    names: names ?? Array.from({ length: count }, (_, i) => `q${i}`),
    maps: Array.from({ length: count }, () => new Float32Array(0)),
    held: Array.from({ length: count }, () => 0),
    pred: new Float32Array(0),
  };
}

/** A Float32Array over a message buffer (DataView, ArrayBuffer or typed array), copied aligned. */
export function floats(buf) {
  if (buf instanceof ArrayBuffer) return new Float32Array(buf.slice(0));
  const view = /** @type {ArrayBufferView} */ (buf);
  return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** A Uint8Array over a message buffer (no copy needed: bytes have no alignment). */
export function bytes(buf) {
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  const view = /** @type {ArrayBufferView} */ (buf);
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** An array with room for `need` entries, the first `keep` of `a` kept (doubles when it grows). */
function grow(a, need, keep) {
  if (a.length >= need) return a;
  const out = new /** @type {any} */ (a.constructor)(Math.max(need, 2 * a.length));
  out.set(a.subarray(0, keep));
  return out;
}

/**
 * The values after a message: steps before `start` kept from `old`, steps from `start` to T from the
 * buffers, for the quantities named in `msg.quantities` (all when absent); the others are held
 * exactly only up to the first changed step now. A quantity's values from `start` are exact for the whole text when
 * it was held up to `start` (else the gap stays and `held` says so). The maps have room for more
 * steps than T (they grow by doubling), so a typed character writes one step in place; a message
 * that does not fit is refused (throws) before anything is written, so a bad message changes nothing.
 * @param {Values} old
 * @param {{start: number, T: number, text: string, quantities?: string[], changed?: number}} msg
 *   changed: the first step whose text changed (T for a fetch answer; `start` when absent)
 * @param {Float32Array} block (quantities in the message) x (T - start) x hidden
 * @param {Float32Array} pred (T - start) x 2
 * @returns {Values}
 */
export function splice(old, msg, block, pred) {
  const { start, T } = msg;
  const chars = [...String(msg.text)];
  const H = old.hidden;
  const n = T - start;
  if (!(Number.isInteger(start) && Number.isInteger(T) && start >= 0 && start <= T && start <= old.T)) {
    throw new Error(`values for steps ${start} to ${T} do not follow the ${old.T} steps held`);
  }
  const sent = (msg.quantities ?? old.names).map((name) => old.names.indexOf(name));
  if (sent.some((q) => q < 0))
    throw new Error(`values of unknown quantities ${JSON.stringify(msg.quantities)}; expected some of ${old.names.join(", ")}`);
  if (block.length !== sent.length * n * H || pred.length !== 2 * n || chars.length !== T) {
    throw new Error(`values message of the wrong size: ${block.length} numbers for ${sent.length} x ${n} x ${H}`);
  }
  const maps = [...old.maps];
  const changed = msg.changed ?? start; // a fetch answer changes no step: the others stay held
  const held = old.held.map((k) => Math.min(k, changed));
  sent.forEach((q, i) => {
    maps[q] = grow(maps[q], T * H, start * H);
    maps[q].set(block.subarray(i * n * H, (i + 1) * n * H), start * H);
    if (old.held[q] >= start) held[q] = T;
  });
  const p = grow(old.pred, 2 * T, 2 * start);
  p.set(pred, 2 * start);
  return { T, hidden: H, chars, names: old.names, maps, held, pred: p };
}

/**
 * @typedef {{T: number, rows: number, codes: Uint8Array[], ranges: {lo: number, hi: number}[]}} Thumbs
 *   the thumbnails' coarse previews (rnn_widget/inspect/preview.py): codes[q][t * rows + r] is the
 *   average of unit group r of quantity q at step t, 0..254 over ranges[q] (255: not a number)
 */

/** @returns {Thumbs} */
export function emptyThumbs(count) {
  return {
    T: 0,
    rows: 1,
    codes: Array.from({ length: count }, () => new Uint8Array(0)),
    ranges: Array.from({ length: count }, () => ({ lo: -1, hi: 1 })),
  };
}

/**
 * The previews after a message's `thumbs` part: columns from `thumbs.start` to T replaced (every
 * quantity; a moved colour range comes with start 0). Throws on a message that does not fit.
 * @param {Thumbs} old
 * @param {{T: number, thumbs: {start: number, rows: number, ranges: number[][]}}} msg
 * @param {Uint8Array} codes quantities x (T - start) x rows
 * @returns {Thumbs}
 */
export function spliceThumbs(old, msg, codes) {
  const { T } = msg;
  const { start, rows, ranges } = msg.thumbs;
  const Q = old.codes.length;
  const n = T - start;
  const fits = Number.isInteger(start) && start >= 0 && start <= T && (start === 0 || (start <= old.T && rows === old.rows));
  if (!fits || codes.length !== Q * n * rows || ranges.length !== Q) {
    throw new Error(`thumbnail message of the wrong size: ${codes.length} bytes for ${Q} x ${n} x ${rows} from step ${start}`);
  }
  return {
    T,
    rows,
    codes: old.codes.map((c, q) => {
      const out = grow(rows === old.rows ? c : new Uint8Array(0), T * rows, start * rows);
      out.set(codes.subarray(q * n * rows, (q + 1) * n * rows), start * rows);
      return out;
    }),
    ranges: ranges.map(([lo, hi]) => ({ lo, hi })),
  };
}

/**
 * RGBA pixels of a preview as an image of `width` >= T columns and `rows` rows (as mapPixels): only
 * columns t0..T-1 are written.
 * @param {Uint8Array} codes
 * @param {Uint8ClampedArray} lut a colorTable of 2 * steps + 1 colours
 * @param {Uint8ClampedArray} [into]
 */
export function thumbPixels(codes, T, rows, lut, into, steps = 128, width = T, t0 = 0) {
  const px = into && into.length === width * rows * 4 ? into : new Uint8ClampedArray(width * rows * 4);
  for (let t = t0; t < T; t++) {
    for (let r = 0; r < rows; r++) {
      const c = codes[t * rows + r];
      const j = 4 * (c === 255 ? steps : Math.round((c / 254) * 2 * steps));
      const o = 4 * (r * width + t);
      px[o] = lut[j];
      px[o + 1] = lut[j + 1];
      px[o + 2] = lut[j + 2];
      px[o + 3] = 255;
    }
  }
  return px;
}

/** Unit u of map q at every step (a copy). */
export function unitSeries(values, q, u) {
  const { T, hidden } = values;
  const m = values.maps[q];
  const out = new Float32Array(T);
  for (let t = 0; t < T; t++) out[t] = m[t * hidden + u];
  return out;
}

/**
 * The k steps where the series is largest, largest first (ties: the earlier step first).
 * @param {ArrayLike<number>} series
 * @returns {number[]}
 */
export function topSteps(series, k = 8) {
  const idx = Array.from({ length: series.length }, (_, i) => i);
  idx.sort((a, b) => series[b] - series[a] || a - b);
  return idx.slice(0, k);
}

/** Largest absolute value of a map (0 for an empty one). */
export function maxAbsOf(m) {
  let a = 0;
  for (let i = 0; i < m.length; i++) {
    const v = Math.abs(m[i]);
    if (v > a) a = v;
  }
  return a;
}

/** Quantities that are sigmoid gates, in [0, 1]. */
export const GATES = new Set(["i", "f", "o", "r", "z"]);

/**
 * @typedef {{lo: number, hi: number}} Range the values coloured from full blue (lo) through the
 *   background (the middle) to full red (hi)
 */

/**
 * A robust size of a map's values: the 99th percentile of |v| (over at most about 20,000 evenly
 * spaced entries), so that one runaway unit does not wash out the colours of all the others.
 * @param {Float32Array} m
 */
export function typicalMax(m) {
  const stride = Math.max(1, Math.floor(m.length / 20000));
  const a = [];
  for (let i = 0; i < m.length; i += stride) a.push(Math.abs(m[i]));
  if (!a.length) return 0;
  a.sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(0.99 * a.length))];
}

/** Up to a half: 0.3 -> 0.5, 2.2 -> 2.5, at least 1. */
const half = (a) => Math.max(1, Math.ceil(a * 2) / 2);

/**
 * The colour range of a quantity: a gate from closed (0, blue) through 0.5 (background) to open
 * (1, red); tanh outputs in [-1, 1], fixed so that colours stay comparable while typing; an
 * unbounded one (an LSTM's cell state, a ReLU RNN) +-the 99th percentile of |v|, rounded up to a
 * half (larger values get the full colour).
 * @param {string} name
 * @param {Float32Array} m the map's values over the text (not the room beyond it)
 * @returns {Range}
 */
export function rangeFor(name, m) {
  if (GATES.has(name)) return { lo: 0, hi: 1 };
  if (name !== "c" && maxAbsOf(m) <= 1) return { lo: -1, hi: 1 };
  const s = half(typicalMax(m));
  return { lo: -s, hi: s };
}

/**
 * The range of one unit's line: a gate's or a tanh output's fixed range, else +-the unit's own
 * largest |v| rounded up to a half.
 * @param {string} name
 * @param {Float32Array} series
 * @returns {Range}
 */
export function lineRange(name, series) {
  if (GATES.has(name)) return { lo: 0, hi: 1 };
  const a = maxAbsOf(series);
  if (name !== "c" && a <= 1) return { lo: -1, hi: 1 };
  return { lo: -half(a), hi: half(a) };
}

/**
 * A lookup table of 2 * steps + 1 RGBA colours for values -scale..scale, from the project's
 * diverging scale (the same mix of pos/neg into the background as the heat maps).
 * @param {{pos: number[], neg: number[], bg: number[]}} colors
 */
export function colorTable(colors, steps = 128) {
  const lut = new Uint8ClampedArray((2 * steps + 1) * 4);
  for (let i = 0; i <= 2 * steps; i++) {
    const v = (i - steps) / steps;
    const d = diverging(v, 1);
    const c = d.sign === "pos" ? colors.pos : d.sign === "neg" ? colors.neg : colors.bg;
    const k = d.mix / 100;
    for (let j = 0; j < 3; j++) lut[4 * i + j] = Math.round(colors.bg[j] + (c[j] - colors.bg[j]) * k);
    lut[4 * i + 3] = 255;
  }
  return lut;
}

/**
 * The table index of v in a range (clamped; NaN -> the middle).
 * @param {number} v
 * @param {Range} range
 */
export function lutIndex(v, range, steps = 128) {
  if (!Number.isFinite(v)) return steps;
  const mid = (range.lo + range.hi) / 2;
  const half = (range.hi - range.lo) / 2;
  const i = Math.round(((v - mid) / half) * steps) + steps;
  return Math.max(0, Math.min(i, 2 * steps));
}

/**
 * RGBA pixels of a map as an image of `width` >= T columns (steps) and hidden rows (units): unit u,
 * step t at (x = t, y = u), the way the heat map reads (text left to right). Only columns t0..T-1
 * are written (the others are `into`'s).
 * @param {Float32Array} m
 * @param {Range} range
 * @param {Uint8ClampedArray} lut
 * @param {Uint8ClampedArray} [into]
 */
export function mapPixels(m, T, hidden, range, lut, into, steps = 128, width = T, t0 = 0) {
  const px = into && into.length === width * hidden * 4 ? into : new Uint8ClampedArray(width * hidden * 4);
  for (let t = t0; t < T; t++) {
    const row = t * hidden;
    for (let u = 0; u < hidden; u++) {
      const j = 4 * lutIndex(m[row + u], range, steps);
      const o = 4 * (u * width + t);
      px[o] = lut[j];
      px[o + 1] = lut[j + 1];
      px[o + 2] = lut[j + 2];
      px[o + 3] = 255;
    }
  }
  return px;
}

/**
 * The text checked against the vocabulary: null when every character is known, else a message
 * naming the unknown characters (the same words as the kernel's refusal).
 * @param {string} text
 * @param {Set<string>} vocab
 */
export function checkText(text, vocab, maxChars) {
  const chars = [...text];
  if (chars.length > maxChars) return `text has ${chars.length} characters; the inspector takes up to ${maxChars}`;
  const unknown = [...new Set(chars.filter((c) => !vocab.has(c)))].sort();
  if (!unknown.length) return null;
  const first = Math.min(...unknown.map((c) => chars.indexOf(c)));
  const shown = unknown
    .slice(0, 8)
    .map((c) => JSON.stringify(c))
    .join(", ");
  return `text has characters the vocabulary does not: ${shown}${unknown.length > 8 ? " ..." : ""} (first at position ${first})`;
}

/** A character as shown in a cell of the page: visible stand-ins for space, newline and tab. */
export function showChar(c) {
  if (c === " ") return "\u2423";
  if (c === "\n") return "\u21b5";
  if (c === "\t") return "\u21e5";
  return c;
}

/**
 * A snippet of the text around step t: `before` characters before it, the character, `after` after.
 * @param {string[]} chars
 * @returns {{left: string, mid: string, right: string}}
 */
export function snippet(chars, t, before = 14, after = 4) {
  const flat = (/** @type {string[]} */ cs) => cs.map((c) => (c === "\n" ? "\u21b5" : c === "\t" ? "\u21e5" : c)).join("");
  return {
    left: flat(chars.slice(Math.max(0, t - before), t)),
    mid: showChar(chars[t] ?? ""),
    right: flat(chars.slice(t + 1, t + 1 + after)),
  };
}
