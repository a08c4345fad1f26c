// Mini-batches as seed 003 writes them (docs/protocol.md, "Mini-batches"): the batch_trace trait
// holds every sample's x, h, y over the steps; the page shows X_t, H_t, O_t for one step as n-row
// matrices (row k is sample k + 1). Sample 1 is the widget's own inputs, samples 2..n are
// batch_inputs. Pure: what to show and which edit an entry sends.

/** The most samples in a batch: rnn_widget.core.MAX_BATCH (tests/test_batch_widget.py checks they agree). */
export const MAX_BATCH = 16;

/** The most columns a batch matrix shows as numbers; wider ones end in "…". */
export const MAX_COLUMNS = 8;

/**
 * @typedef {object} BatchTrace the batch_trace trait, decoded ({} without a batch)
 * @property {number} n
 * @property {number} T
 * @property {number[][][]} x (n, T, d)
 * @property {number[][][][]} h per layer (n, T, h)
 * @property {number[][][] | null} y (n, T, q), null without a readout
 * @property {number[][][] | null} targets (n, T, q), null without targets
 * @property {number | null} loss the batch loss, the mean of sample_losses
 * @property {number[] | null} sample_losses
 * @property {string} [reduction]
 */

/** @param {any} bt @returns {bt is BatchTrace} whether the trait holds a batch (n >= 2) */
export function hasBatch(bt) {
  return Boolean(bt) && typeof bt.n === "number" && bt.n >= 2 && Array.isArray(bt.x);
}

/**
 * The rows of step t for every sample: X_t (n x d) from the inputs as the page shows them (the
 * traits with this view's unacknowledged edits on top), H_t per layer and O_t from the trace.
 * @param {BatchTrace} bt
 * @param {number} t 0-based step
 * @param {{inputs?: number[][], batchInputs?: number[][][]}} [shown] sample 1's inputs and samples 2..n's
 */
export function stepRows(bt, t, shown = {}) {
  const step = Math.max(0, Math.min(bt.T - 1, t));
  const seqs = shown.inputs && shown.batchInputs && shown.batchInputs.length === bt.n - 1 ? [shown.inputs, ...shown.batchInputs] : null;
  const X = bt.x.map((seq, k) => (seqs?.[k]?.[step] ?? seq[step]).slice());
  return {
    step,
    X,
    H: bt.h.map((layer) => layer.map((seq) => seq[step])),
    O: bt.y ? bt.y.map((seq) => seq[step]) : null,
    targets: bt.targets ? bt.targets.map((seq) => seq[step]) : null,
  };
}

/**
 * The edit of one entry of X_t: sample 1 is the widget's `inputs`, sample k + 1 is batch_inputs[k - 1].
 * @param {number} sample 0-based
 * @param {number} t 0-based step
 * @param {number} i input entry
 * @param {number} value
 * @returns {import("./edits.js").Edit}
 */
export function inputEdit(sample, t, i, value) {
  return sample === 0 ? { field: "inputs", index: [t, i], value } : { field: "batch_inputs", index: [sample - 1, t, i], value };
}

/**
 * The edit that makes the batch n samples (cut, or padded with zero sequences), or null outside 1..max.
 * @param {number} n
 * @param {number} max the limit (limits.max_batch)
 * @returns {import("./edits.js").Edit | null}
 */
export function resizeEdit(n, max) {
  if (!Number.isInteger(n) || n < 1 || n > max) return null;
  return { field: "batch_inputs", samples: n - 1 };
}

/** @param {number} k 0-based @returns {string} how a person names a sample */
export const sampleName = (k) => `sample ${k + 1}`;

/**
 * The batch loss written out: L = (1/n)(L_1 + ... + L_n) = value, with the samples' losses.
 * @param {BatchTrace} bt
 * @param {(v: number) => string} fmt
 * @returns {string | null} null without targets
 */
export function lossText(bt, fmt) {
  if (bt.loss === null || bt.loss === undefined || !bt.sample_losses) return null;
  const terms = bt.sample_losses.map(fmt).join(" + ");
  return `L = (1/${bt.n}) (${terms}) = ${fmt(bt.loss)}`;
}

/**
 * The columns shown of a row: all of them, or the first MAX_COLUMNS and whether some were cut.
 * @param {number[]} row
 */
export function shownColumns(row) {
  return { values: row.slice(0, MAX_COLUMNS), cut: row.length > MAX_COLUMNS };
}
