// Text mode (docs/protocol.md, "Text"): what the token strip shows at each step, read from the
// trace, and where it goes. Pure: no math beyond sorting what Python computed (trace.p is the
// softmax over the vocabulary, trace.targets the one-hot next tokens).
import { parseNumber } from "./parse.js";

/**
 * The `sampled` trait: the sampling run the widget holds ({} when none).
 * @typedef {{start?: number, tokens?: string[], temperature?: number | null, seed?: number | null}} Sampled
 */

/**
 * @typedef {object} TokenStep
 * @property {number} step 0-based
 * @property {string} input the token read at this step ("" when the input is not a one-hot row)
 * @property {{token: string, index: number, p: number}[]} top the k most likely next tokens, most likely first
 * @property {string} next the token scored (target) or chosen (sampling) at this step, "" when none
 * @property {number | null} pNext its probability
 * @property {boolean} chosen `next` was chosen by sampling (and fed back as the next input)
 * @property {boolean} fedBack this step's input is the token chosen at the step before
 * @property {boolean} hidden the probabilities are not shown (step-through, an exercise's blank)
 */

/**
 * The token of a one-hot row, or "" for any other row.
 * @param {(number | null)[] | undefined} row
 * @param {string[]} vocab
 */
export function oneHotToken(row, vocab) {
  if (!Array.isArray(row) || row.length !== vocab.length) return "";
  let hot = -1;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === 1 && hot < 0) hot = i;
    else if (row[i] !== 0) return "";
  }
  return hot < 0 ? "" : vocab[hot];
}

/**
 * The k largest entries of a probability row, largest first (ties: the lower index first).
 * @param {(number | null)[] | undefined} row
 * @param {string[]} vocab
 * @param {number} k
 */
export function topTokens(row, vocab, k) {
  if (!Array.isArray(row) || row.some((v) => typeof v !== "number")) return [];
  return row
    .map((p, index) => ({ token: vocab[index] ?? "", index, p: /** @type {number} */ (p) }))
    .sort((a, b) => b.p - a.p || a.index - b.index)
    .slice(0, k);
}

/**
 * What the strip shows at each step.
 * @param {any} trace
 * @param {{vocab: string[], sampled?: Sampled | null, k?: number, shown?: (t: number) => boolean}} opts
 * @returns {TokenStep[]}
 */
export function tokenSteps(trace, { vocab, sampled = null, k = 3, shown = () => true }) {
  if (!trace?.T || !vocab?.length) return [];
  const run = sampled?.tokens?.length ? sampled : null;
  const start = run?.start ?? 0;
  return Array.from({ length: trace.T }, (_, t) => {
    const hidden = !shown(t) || !Array.isArray(trace.p?.[t]) || trace.p[t].some((/** @type {any} */ v) => typeof v !== "number");
    const chosen = Boolean(run && t + 1 >= start && t + 1 < (run.tokens?.length ?? 0));
    const scored = trace.scored?.[t] !== false;
    const next = chosen ? (run?.tokens?.[t + 1] ?? "") : scored ? oneHotToken(trace.targets?.[t], vocab) : "";
    const i = vocab.indexOf(next);
    return {
      step: t,
      input: oneHotToken(trace.x?.[t], vocab),
      top: hidden ? [] : topTokens(trace.p[t], vocab, Math.min(k, vocab.length)),
      next,
      pNext: hidden || i < 0 ? null : trace.p[t][i],
      chosen,
      fedBack: Boolean(run && t >= start && t > 0),
      hidden,
    };
  });
}

/** Sizes of the strip, in px (a column per step; `col` for one-character tokens). */
export const STRIP = { col: 104, gap: 30, left: 78, top: 8, box: 28, line: 18, bar: 21, pad: 8 };
/** Bar labels longer than this many characters are cut (the full token is in the tooltip). */
export const LABEL_CHARS = 10;

/**
 * The width of the bars' token labels for a vocabulary: room for its longest token (monospace,
 * about 8 px a character), up to LABEL_CHARS characters.
 * @param {string[]} vocab
 */
export function labelWidth(vocab) {
  const longest = Math.min(LABEL_CHARS, Math.max(1, ...vocab.map((v) => showToken(v).length)));
  return 18 + 8 * (longest - 1);
}

/**
 * A token as shown, cut to `n` characters (a bar label, a box).
 * @param {string} token
 * @param {number} [n]
 */
export function shortToken(token, n = LABEL_CHARS) {
  const shown = showToken(token);
  return shown.length > n ? `${shown.slice(0, Math.max(1, n - 1))}\u2026` : shown;
}

/**
 * Where each part of the strip goes: the next token box on top, its probability and -log p, the
 * k bars, the input box at the bottom (as the diagram reads: input below, output above), and the
 * feedback arrows from a chosen token to the next step's input. `label`: the bar labels' width
 * (labelWidth), which widens the columns.
 * @param {number} T
 * @param {number} k
 * @param {number} [label]
 */
export function stripLayout(T, k, label = labelWidth(["x"])) {
  const s = { ...STRIP, col: STRIP.col + label - labelWidth(["x"]) };
  const nextY = s.top;
  const ceY = nextY + s.box + 4;
  const barsY = ceY + s.line + 4;
  const inputY = barsY + k * s.bar + s.pad;
  const height = inputY + s.box + s.top;
  const colX = (/** @type {number} */ t) => s.left + t * (s.col + s.gap);
  return {
    col: s.col,
    label,
    width: colX(T) - s.gap + s.top,
    height,
    rows: { next: nextY, ce: ceY, bars: barsY, input: inputY },
    colX,
    /**
     * The feedback arrow from the next-token box of step t to the input box of step t + 1:
     * right out of the box, down the gap between the columns, right into the box.
     * @param {number} t
     */
    arrow(t) {
      const x0 = colX(t) + s.col;
      const xm = x0 + s.gap / 2;
      const x1 = colX(t + 1);
      const y0 = nextY + s.box / 2;
      const y1 = inputY + s.box / 2;
      return { d: `M ${x0} ${y0} H ${xm} V ${y1} H ${x1 - 5}`, head: `M ${x1} ${y1} l -6 -4 v 8 z` };
    },
  };
}

/**
 * A token as the page writes it: a space, a tab or a newline made visible.
 * @param {string} token
 */
export function showToken(token) {
  return token.replace(/ /g, "\u2423").replace(/\n/g, "\u21b5").replace(/\t/g, "\u21e5");
}

/**
 * The strip's caption: how the run shown was made.
 * @param {Sampled | null | undefined} sampled
 */
export function sampleCaption(sampled) {
  if (!sampled?.tokens?.length) return "";
  const start = (sampled.tokens ?? [])
    .slice(0, sampled.start ?? 1)
    .map(showToken)
    .join("");
  const how =
    sampled.temperature === null || sampled.temperature === undefined
      ? "greedy: the most likely token"
      : `temperature ${sampled.temperature}, seed ${sampled.seed}`;
  return `Sampled from \u201c${start}\u201d (${how}); each chosen token is the next step's input`;
}

/** The strip shows at most this many steps at once: a window that follows the focused step. */
export const STRIP_WINDOW = 48;

/**
 * The steps the strip shows: all of them, or the page of STRIP_WINDOW steps that holds the
 * focused step (pages, not a window centred on it: a click in the strip leaves the strip still).
 * @param {number} T
 * @param {number} focus 0-based
 * @param {number} [size]
 * @returns {{start: number, end: number}} end exclusive
 */
export function stripWindow(T, focus, size = STRIP_WINDOW) {
  if (T <= size) return { start: 0, end: T };
  const page = Math.max(0, Math.min(Math.floor((T - 1) / size), Math.floor(focus / size)));
  return { start: page * size, end: Math.min(T, (page + 1) * size) };
}

/** The longest run the page's Sample button asks for. */
export const MAX_SAMPLE = 200;

/**
 * The page's sample request from what was typed: `{msg}` to send, or `{error}` to show (nothing
 * sent). Temperature 0 is greedy (no seed needed); Python checks everything again.
 * @param {{start: string, length: string, temperature: string, seed: string}} typed
 * @param {string[]} vocab
 * @returns {{msg: {type: "sample", start: string, length: number, temperature: number | null, seed: number | null}} | {error: string}}
 */
export function sampleRequest(typed, vocab) {
  if (!vocab.includes(typed.start)) return { error: "choose a start token from the vocabulary" };
  const n = parseNumber(typed.length);
  if (!n.ok || !Number.isInteger(n.value) || n.value < 1 || n.value > MAX_SAMPLE)
    return { error: `length: type a whole number from 1 to ${MAX_SAMPLE}` };
  const tau = parseNumber(typed.temperature);
  if (!tau.ok || tau.value < 0 || tau.value > 100) return { error: "temperature: type 0 (greedy) or a number up to 100" };
  if (tau.value === 0) return { msg: { type: "sample", start: typed.start, length: n.value, temperature: null, seed: null } };
  const seed = parseNumber(typed.seed);
  if (!seed.ok || !Number.isInteger(seed.value) || seed.value < 0) return { error: "seed: type a whole number, 0 or more" };
  return { msg: { type: "sample", start: typed.start, length: n.value, temperature: tau.value, seed: seed.value } };
}
