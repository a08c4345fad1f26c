// Seed 004's concatenated weights: one matrix per gate, W_g = [W_hg | W_xg] in the column form
// (W_g [h_{t-1}, x_t] + b_g), the transposes stacked in the row form ([h_{t-1}, x_t] W_gᵀ). The
// matrix is only a layout of the stored parameters: every displayed cell maps back to one entry of
// W_hg or W_xg, and an edit of that cell is an edit of that entry (docs/protocol.md). Pure.
import { layerName, splitLayer } from "./names.js";

/** Gate letters per cell, in the order the formula panel writes them; an RNN's one "gate" is h. */
const GATES = { rnn: ["h"], lstm: ["i", "f", "c", "o"], gru: ["r", "z", "n"] };

/**
 * @typedef {{key: string, gate: string, layer: number, wh: string, wx: string, bias: string[]}} GateBlock
 *   key: "W_f" (layer 1) / "W_f@2"; wh, wx: the stored names; bias: the biases shown beside it
 *   (b_g, and b_hn for the candidate of PyTorch's GRU)
 */

/**
 * The parameters in display order with each gate's W_hg, W_xg (and biases) replaced by one block.
 * A parameter that belongs to no complete block (the readout, a gate without one of its matrices)
 * stays a name.
 * @param {string} cell "rnn" | "lstm" | "gru"
 * @param {string[]} order parameter names in display order
 * @returns {(string | GateBlock)[]}
 */
export function groupGates(cell, order) {
  const gates = GATES[cell] ?? [];
  const names = new Set(order);
  /** @type {Map<string, GateBlock>} */
  const byMember = new Map();
  for (const name of order) {
    const { stem, layer } = splitLayer(name);
    const m = /^W_h(.+)$/.exec(stem);
    if (!m || !gates.includes(m[1])) continue;
    const g = m[1];
    const wh = name;
    const wx = layerName(`W_x${g}`, layer);
    if (!names.has(wx)) continue;
    const bias = [layerName(`b_${g}`, layer), ...(g === "n" ? [layerName("b_hn", layer)] : [])].filter((b) => names.has(b));
    const block = { key: layerName(`W_${g}`, layer), gate: g, layer, wh, wx, bias };
    for (const member of [wh, wx, ...bias]) byMember.set(member, block);
  }
  /** @type {(string | GateBlock)[]} */
  const out = [];
  const placed = new Set();
  for (const name of order) {
    const block = byMember.get(name);
    if (!block) out.push(name);
    else if (!placed.has(block.key)) {
      placed.add(block.key);
      out.push(block);
    }
  }
  return out;
}

/**
 * The block in row form: W_hg's rows, then W_xg's ((H + D) x H). Displayed as any weight is
 * (convention.js displayParam), the column view shows its transpose [W_hgᵀ | W_xgᵀ] (H x (H + D)).
 * @param {number[][]} wh @param {number[][]} wx
 */
export function stackRows(wh, wx) {
  return [...wh, ...wx];
}

/**
 * The stored entry a displayed cell (r, c) of the block edits: the parameter's name and its
 * row-convention index.
 * @param {GateBlock} block
 * @param {number} hidden rows of W_hg in row form (the layer's hidden size)
 * @param {"row" | "column" | string} convention
 * @param {number} r @param {number} c displayed row and column
 * @returns {{name: string, index: [number, number]}}
 */
export function blockEntry(block, hidden, convention, r, c) {
  // the row-form index into the stacked matrix, then which half it falls in
  const [i, j] = convention === "column" ? [c, r] : [r, c];
  return i < hidden ? { name: block.wh, index: [i, j] } : { name: block.wx, index: [i - hidden, j] };
}

/**
 * Where the h part ends and the x part begins in the displayed block: after column `at` - 1 in the
 * column view (a vertical rule), after row `at` - 1 in the row view (a horizontal one).
 * @param {number} hidden @param {"row" | "column" | string} convention
 * @returns {{axis: "column" | "row", at: number}}
 */
export function blockSplit(hidden, convention) {
  return { axis: convention === "column" ? "column" : "row", at: hidden };
}
