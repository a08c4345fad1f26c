// One gate's weights as one matrix, as seed 004's notes write them: W_g = [W_hgᵀ | W_xgᵀ] in the
// column view (W_g [h_{t-1}, x_t] + b_g), its transpose [W_hg ; W_xg] stacked in the row view,
// with the gate's bias beside it (its own editor, param_editors.js). Every cell names the entry of
// W_hg or W_xg it shows: an edit sends that one entry (edit_channel.js), hover lights up that
// parameter, and the data-name/r/c hooks are those of the stored entry.
import { h } from "../view/dom.js";
import { paramSymbol } from "../data/names.js";
import { ref } from "../data/refs.js";
import { displayParam, shapeText } from "../data/convention.js";
import { blockEntry, blockSplit, stackRows } from "../data/gate_blocks.js";
import { slotAt, isExercise } from "../data/homework.js";
import { createGradMatrix } from "../view/gradmatrix.js";
import { createAutoEditor } from "./auto_editor.js";

/** @typedef {import("../data/gate_blocks.js").GateBlock} GateBlock */

/**
 * The block's own symbol: W_f (column view) or W_fᵀ (row view, where the stack is the transpose);
 * an RNN's single block is W. A layer k ≥ 2 is marked (k).
 * @param {GateBlock} block @param {string} convention
 */
export function blockSymbol(block, convention) {
  const sub = block.gate === "h" ? "" : block.gate;
  const layer = block.layer > 0 ? `(${block.layer + 1})` : "";
  const t = convention === "column" ? "" : "T";
  const sup = layer + t;
  const text = `W${sub ? `_${sub}` : ""}${block.layer > 0 ? `(${block.layer + 1})` : ""}${t ? "\u1d40" : ""}`;
  return { base: "W", sub, sup, text };
}

/** What the block is made of, as text: "[W_hfᵀ | W_xfᵀ]" (column) or "[W_hf ; W_xf]" (row). */
export function blockHintText(block, convention, names = {}) {
  const a = paramSymbol(block.wh, convention, names).text;
  const b = paramSymbol(block.wx, convention, names).text;
  return convention === "column" ? `[${a} | ${b}]` : `[${a} ; ${b}]`;
}

/**
 * @param {GateBlock} block
 * @param {{current: (trait: any) => any, edit: (edits: import("../data/edits.js").Edit[]) => void,
 *          convention: () => string, slotInput?: ((slot: any, where: string) => HTMLElement) | null}} opts
 */
export function createGateBlockEditor(block, { current, edit, convention, slotInput = null }) {
  const editor = createAutoEditor({
    dataRef: ref.p(block.wh),
    onEdit: (r, c, v) => {
      const params = current("params");
      const wh = params?.[block.wh];
      if (!wh || !params?.[block.wx]) return;
      const { name, index } = blockEntry(block, wh.length, convention(), r, c);
      edit([{ field: "params", name, index, value: v }]);
    },
  });
  const grad = createGradMatrix();
  const el = h("div", { class: "rnnw-gateblock", "data-block": block.key }, [editor.el]);
  /** @type {{wh: any, wx: any, convention: string, names: any, err: string} | null} */
  let drawn = null;

  /**
   * @param {{params: Record<string, any>, convention: string, names: Record<string, string>, error: string, errorField: string}} s
   */
  function update({ params, convention: conv, names, error, errorField }) {
    const wh = params[block.wh];
    const wx = params[block.wx];
    const err = errorField === block.wh || errorField === block.wx ? error : "";
    if (drawn && drawn.wh === wh && drawn.wx === wx && drawn.convention === conv && drawn.names === names && drawn.err === err) return;
    drawn = { wh, wx, convention: conv, names, err };
    const hidden = wh.length;
    const display = displayParam(stackRows(wh, wx), conv);
    const sym = blockSymbol(block, conv);
    const entry = (/** @type {number} */ r, /** @type {number} */ c) => blockEntry(block, hidden, conv, r, c);
    editor.update({
      values: display,
      symbol: sym,
      hint: { base: blockHintText(block, conv, names), sub: "", sup: "" },
      shape: shapeText(display),
      ariaLabel: (r, c) => {
        const e = entry(r, c);
        const part = paramSymbol(e.name, conv, names).text;
        const [pr, pc] = conv === "column" ? [e.index[1], e.index[0]] : e.index;
        return `${sym.text} row ${r + 1} column ${c + 1} (${part} row ${pr + 1} column ${pc + 1})`;
      },
      cellKey: (r, c) => {
        const e = entry(r, c);
        return { name: e.name, r: e.index[0], c: e.index[1] };
      },
      cellRef: (r, c) => ref.p(entry(r, c).name),
      split: blockSplit(hidden, conv),
      error: err,
    });
  }

  /**
   * The block's dL/dW_g beside it, laid out as the block (and the focused step's share).
   * @param {{grads: any, step: number | null, convention: string, names: Record<string, string>, homework: any}} s
   */
  function updateGrads({ grads, step, convention: conv, homework }) {
    const gh = grads?.params?.[block.wh];
    const gx = grads?.params?.[block.wx];
    const sh = step === null ? null : grads?.per_step?.[block.wh]?.[step];
    const sx = step === null ? null : grads?.per_step?.[block.wx]?.[step];
    const hidden = gh?.length ?? 0;
    const sym = blockSymbol(block, conv);
    /** @param {number} r @param {number} c */
    const slot = (r, c) => {
      const e = blockEntry(block, hidden, conv, r, c);
      const s = slotAt(homework, ["grads", "params", e.name], e.index);
      return s && slotInput && (s.status === "open" || s.status === "wrong") ? slotInput(s, `grad:${e.name}`) : null;
    };
    grad.update({
      slot: gh && isExercise(homework) ? slot : null,
      grad: gh && gx ? stackRows(gh, gx) : null,
      perStep: sh && sx ? stackRows(sh, sx) : null,
      step,
      symbol: sym,
      convention: conv,
      isVector: false,
      name: sym.text,
    });
  }

  return {
    el,
    grad,
    update,
    updateGrads,
    invalidate: () => {
      drawn = null;
    },
    destroy: () => editor.destroy(),
  };
}
