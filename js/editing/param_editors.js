// The parameter editors: one matrix editor per parameter with its dL/dW beside it, or, with
// weights_form "concatenated", one matrix per gate W_g = [W_hg | W_xg] with its bias beside it
// (gate_block_editor.js). Editors are kept by name so focus survives redraws; an edit sends the
// changed entry (edit_channel.js).
import { h, setChildren } from "../view/dom.js";
import { paramSymbol, isBias } from "../data/names.js";
import { ref } from "../data/refs.js";
import { displayParam, paramIndex, shapeText } from "../data/convention.js";
import { isExercise, slotAt } from "../data/homework.js";
import { createGradMatrix } from "../view/gradmatrix.js";
import { createAutoEditor } from "./auto_editor.js";
import { paramKey, ariaFor } from "./editor_labels.js";
import { groupGates } from "../data/gate_blocks.js";
import { createGateBlockEditor } from "./gate_block_editor.js";

/**
 * @param {{current: import("../view/parts/context.js").PartContext["current"], edit: (edits: import("../data/edits.js").Edit[]) => void,
 *          slotInput?: ((slot: any, where: string) => HTMLElement) | null}} opts
 *   current: a trait as the page shows it; edit: send changed entries (edit_channel.js);
 *   slotInput: an exercise's answer input (an open dL/dW blank is one in the gradient matrix)
 */
export function createParamEditors({ current, edit, slotInput = null }) {
  const el = h("div", { class: "rnnw-mrow" });
  const editors = new Map();
  const groups = new Map(); // name -> {el, grad}: the editor with its dL/dW beside it
  const drawn = new Map(); // name -> what its editor last showed (skip unchanged editors)
  /** @type {{convention: string, names?: Record<string, string>, homework?: any}} */
  let state = { convention: "row" };
  let orderKey = "";
  let shownNames = [];
  /** @type {Map<string, ReturnType<typeof createGateBlockEditor>>} */
  const blocks = new Map(); // "W_f", "W_f@2" -> the gate's matrix editor
  /** @type {Map<string, HTMLElement>} */
  const blockGroups = new Map();
  /** @type {import("../data/gate_blocks.js").GateBlock[]} */
  let shownBlocks = [];

  const blockFor = (block) => {
    if (!blocks.has(block.key)) {
      const ed = createGateBlockEditor(block, { current, edit, convention: () => state.convention, slotInput });
      blocks.set(block.key, ed);
      blockGroups.set(block.key, h("div", { class: "rnnw-pgroup" }, [ed.el, ed.grad.el, ...block.bias.map((b) => groupFor(b).el)]));
    }
    return /** @type {ReturnType<typeof createGateBlockEditor>} */ (blocks.get(block.key));
  };
  const blockGroupFor = (block) => {
    blockFor(block);
    return /** @type {HTMLElement} */ (blockGroups.get(block.key));
  };

  const editorFor = (name) => {
    if (!editors.has(name)) {
      editors.set(
        name,
        createAutoEditor({
          dataRef: ref.p(name),
          onEdit: (r, c, v) => {
            const value = current("params")?.[name];
            if (value !== undefined) edit([{ field: "params", name, index: paramIndex(value, state.convention, r, c), value: v }]);
          },
        }),
      );
    }
    return editors.get(name);
  };

  const groupFor = (name) => {
    if (!groups.has(name)) {
      const grad = createGradMatrix();
      groups.set(name, { grad, el: h("div", { class: "rnnw-pgroup" }, [editorFor(name).el, grad.el]) });
    }
    return groups.get(name);
  };

  /** grads: trace.grads when the gradient view is open, else null; step: the step per_step shows. */
  /**
   * @param {{params: Record<string, any>, order: string[], convention: string, names: Record<string, string>,
   *          error: string, errorField: string, grads?: any, step?: number | null, homework?: any,
   *          cell?: string, weightsForm?: string}} state
   */
  function update({
    params,
    order,
    convention,
    names,
    error,
    errorField,
    grads = null,
    step = null,
    homework = null,
    cell = "rnn",
    weightsForm = "separate",
  }) {
    state = { convention, names, homework };
    const present = order.filter((n) => params[n] !== undefined);
    const items = weightsForm === "concatenated" ? groupGates(cell, present) : present;
    shownBlocks = items.filter((i) => typeof i !== "string");
    // the separate editors: parameters outside a block, and the biases shown beside a block
    const shown = items.flatMap((i) => (typeof i === "string" ? [i] : i.bias));
    shownNames = shown;
    const blockKey = (b) => `${b.key}:${b.wh}:${b.wx}:${b.bias.join(",")}`;
    const wanted = new Set(shownBlocks.map(blockKey));
    for (const [key, ed] of blocks) {
      const b = shownBlocks.find((x) => x.key === key);
      if (!b || !wanted.has(blockKey(b))) {
        ed.destroy();
        blocks.delete(key);
        blockGroups.delete(key);
      }
    }
    for (const [name, ed] of editors) {
      if (!shown.includes(name)) {
        ed.destroy();
        editors.delete(name);
        groups.delete(name);
        drawn.delete(name);
      }
    }
    shown.forEach((name) => {
      const err = errorField === name ? error : "";
      const last = drawn.get(name);
      // A parameter whose value, convention, names and message are what the editor shows: skip.
      if (last && last.value === params[name] && last.convention === convention && last.names === names && last.err === err) return;
      drawn.set(name, { value: params[name], convention, names, err });
      const display = displayParam(params[name], convention);
      const sym = paramSymbol(name, convention, names);
      const canonical = paramSymbol(name, convention, {});
      editorFor(name).update({
        values: display,
        symbol: sym,
        hint: names[name] ? canonical : null,
        shape: shapeText(display),
        ariaLabel: ariaFor(sym.text, display, isBias(name)),
        cellKey: paramKey(name, convention, isBias(name)),
        error: err,
      });
    });
    shownBlocks.forEach((b) => blockFor(b).update({ params, convention, names, error, errorField }));
    updateGrads({ grads, step });
    const key = items.map((i) => (typeof i === "string" ? i : `[${i.key}]`)).join("|");
    if (key !== orderKey) {
      orderKey = key;
      setChildren(
        el,
        items.map((i) => (typeof i === "string" ? groupFor(i).el : blockGroupFor(i))),
      );
    }
  }

  /**
   * Only the gradient matrices beside the editors (a new trace, the gradient view, the step).
   * @param {{grads?: any, step?: number | null}} opts
   */
  function updateGrads({ grads = null, step = null }) {
    const { convention, names = {}, homework = null } = state;
    shownNames.forEach((name) => {
      const sym = paramSymbol(name, convention, names);
      const value = grads?.params?.[name];
      /** @param {number} r @param {number} c */
      const slot = (r, c) => {
        const s = slotAt(homework, ["grads", "params", name], paramIndex(value, convention, r, c));
        return s && slotInput && (s.status === "open" || s.status === "wrong") ? slotInput(s, `grad:${name}`) : null;
      };
      groupFor(name).grad.update({
        slot: value && isExercise(homework) ? slot : null,
        grad: grads?.params?.[name] ?? null,
        perStep: step === null ? null : (grads?.per_step?.[name]?.[step] ?? null),
        step,
        symbol: sym,
        convention,
        isVector: isBias(name),
        name: sym.text,
      });
    });
    shownBlocks.forEach((b) => blocks.get(b.key)?.updateGrads({ grads, step, convention, names, homework }));
  }

  function destroy() {
    editors.forEach((ed) => ed.destroy());
    editors.clear();
    groups.clear();
    blocks.forEach((ed) => ed.destroy());
    blocks.clear();
    blockGroups.clear();
  }
  /** Forget what the editors show, so the next update redraws them all (an edit that was not sent). */
  const invalidate = () => {
    drawn.clear();
    blocks.forEach((ed) => ed.invalidate());
  };
  return { el, update, updateGrads, destroy, invalidate };
}
