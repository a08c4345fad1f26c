// The editor sections: one matrix editor per parameter, and the sequence (inputs with add/remove
// step, h0 per layer, targets). Editors are kept by name so focus survives redraws.
import { h, setChildren } from "./dom.js";
import { createMatrixEditor } from "./matrix.js";
import { paramSymbol, stateBase, isBias } from "./names.js";
import { ref } from "./links.js";
import { displayParam, paramIndex, displaySequence, sequenceIndex, shapeText } from "./editors.js";
import { createGradMatrix } from "./gradmatrix.js";
import { createHeatmapEditor } from "./heatmap.js";
import { isLargeMatrix } from "./heatgeom.js";

/**
 * A matrix editor that is a grid of inputs for a small matrix and a heat map for a large one
 * (heatgeom.js isLargeMatrix), switching when the shape crosses the limit. Its el stays put.
 */
export function createAutoEditor(opts) {
  const el = h("div", { class: "rnnw-slot" });
  let ed = null;
  function update(state) {
    const rows = state.values.length;
    const cols = rows ? state.values[0].length : 0;
    const kind = isLargeMatrix(rows, cols) ? "heat" : "small";
    if (!ed || ed.kind !== kind) {
      ed?.destroy();
      ed = kind === "heat" ? createHeatmapEditor(opts) : createMatrixEditor(opts);
      setChildren(el, [ed.el]);
    }
    ed.update(state);
  }
  return { el, update, destroy: () => ed?.destroy(), get kind() { return ed?.kind; }, editor: () => ed };
}

/** Row-convention index of a displayed cell (for data-name / data-r / data-c hooks). */
const paramKey = (name, convention, isVector) => (r, c) => {
  const col = convention === "column";
  if (isVector) return { name, r: col ? r : c, c: null };
  return col ? { name, r: c, c: r } : { name, r, c };
};

const ariaFor = (name, display, isVector) => (r, c) =>
  isVector ? `${name} entry ${(display.length === 1 ? c : r) + 1}` : `${name} row ${r + 1} column ${c + 1}`;

/**
 * @param {{current: (field: string) => any, edit: (edits: import("./edits.js").Edit[]) => void}} opts
 *   current: a trait as the page shows it; edit: send changed entries (edit_channel.js)
 */
export function createParamEditors({ current, edit }) {
  const el = h("div", { class: "rnnw-mrow" });
  const editors = new Map();
  const groups = new Map(); // name -> {el, grad}: the editor with its dL/dW beside it
  const drawn = new Map(); // name -> what its editor last showed (skip unchanged editors)
  let state = { convention: "row" };
  let orderKey = "";
  let shownNames = [];

  const editorFor = (name) => {
    if (!editors.has(name)) {
      editors.set(name, createAutoEditor({
        dataRef: ref.p(name),
        onEdit: (r, c, v) => {
          const value = (current("params") || {})[name];
          if (value !== undefined) edit([{ field: "params", name, index: paramIndex(value, state.convention, r, c), value: v }]);
        },
      }));
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
  function update({ params, order, convention, names, error, errorField, grads = null, step = null }) {
    state = { convention, names };
    const shown = order.filter((n) => params[n] !== undefined);
    shownNames = shown;
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
    updateGrads({ grads, step });
    const key = shown.join("|");
    if (key !== orderKey) {
      orderKey = key;
      setChildren(el, shown.map((n) => groupFor(n).el));
    }
  }

  /** Only the gradient matrices beside the editors (a new trace, the gradient view, the step). */
  function updateGrads({ grads = null, step = null }) {
    const { convention, names = {} } = state;
    shownNames.forEach((name) => {
      const sym = paramSymbol(name, convention, names);
      groupFor(name).grad.update({
        grad: grads?.params?.[name] ?? null, perStep: grads?.per_step?.[name]?.[step] ?? null, step,
        symbol: sym, convention, isVector: isBias(name), name: sym.text,
      });
    });
  }

  function destroy() {
    editors.forEach((ed) => ed.destroy());
    editors.clear();
    groups.clear();
  }
  /** Forget what the editors show, so the next update redraws them all (an edit that was not sent). */
  const invalidate = () => drawn.clear();
  return { el, update, updateGrads, destroy, invalidate };
}

/** @param {{current: (field: string) => any, edit: (edits: import("./edits.js").Edit[]) => void}} opts */
export function createSequenceEditors({ current, edit }) {
  let state = { convention: "row", spec: {}, limits: {} };
  const inputs = createAutoEditor({
    onEdit: (r, c, v) => edit([{ field: "inputs", index: sequenceIndex(state.convention, r, c), value: v }]),
  });
  const targets = createAutoEditor({
    onEdit: (r, c, v) => edit([{ field: "targets", index: sequenceIndex(state.convention, r, c), value: v }]),
  });
  const h0s = [];
  const addStep = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "add-step" }, ["+ step"]);
  const removeStep = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "remove-step" }, ["\u2212 step"]);
  const addTargets = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "add-targets" }, ["+ targets"]);
  const removeTargets = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "remove-targets" }, ["remove targets"]);
  addStep.addEventListener("click", () => {
    const T = (current("inputs") || []).length;
    if (T < (state.limits.max_steps ?? Infinity)) edit([{ field: "inputs", steps: T + 1 }]);
  });
  removeStep.addEventListener("click", () => {
    const T = (current("inputs") || []).length;
    if (T > 1) edit([{ field: "inputs", steps: T - 1 }]);
  });
  addTargets.addEventListener("click", () => edit([{ field: "targets", on: true }]));
  removeTargets.addEventListener("click", () => edit([{ field: "targets", on: false }]));

  // built once: building it in update() would move the button out of the shown row each time
  const targetEditor = [targets.el, h("div", { class: "rnnw-btnrow" }, [removeTargets])];
  const h0Box = h("div", { class: "rnnw-mrow" });
  const targetBox = h("div", { class: "rnnw-targets" });
  const el = h("div", { class: "rnnw-mrow" }, [
    h("div", { class: "rnnw-seq" }, [inputs.el, h("div", { class: "rnnw-btnrow" }, [removeStep, addStep])]),
    h0Box,
    targetBox,
  ]);

  const show = (box, key, children) => {
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      setChildren(box, children);
    }
  };

  function update({ inputs: seq, h0, targets: tg, spec, convention, names, limits, error, errorField }) {
    state = { convention, spec, limits };
    const x = stateBase("x", 0, names);
    if (seq.length) {
      const display = displaySequence(seq, convention);
      inputs.update({
        values: display,
        symbol: { base: x === "x" ? "X" : x, sub: "", sup: "" },
        shape: `${seq.length} step${seq.length === 1 ? "" : "s"}`,
        ariaLabel: (r, c) => {
          const [t, i] = convention === "column" ? [c, r] : [r, c];
          return `${x}${t + 1} entry ${i + 1}`;
        },
        cellRef: (r, c) => ref.x(convention === "column" ? c : r),
        cellKey: (r, c) => (convention === "column" ? { name: "inputs", r: c, c: r } : { name: "inputs", r, c }),
        error: errorField === "inputs" ? error : "",
      });
    }
    addStep.disabled = seq.length >= (limits.max_steps ?? Infinity);
    removeStep.disabled = seq.length <= 1;

    while (h0s.length > h0.length) h0s.pop().destroy();
    while (h0s.length < h0.length) {
      const l = h0s.length;
      h0s.push(createAutoEditor({
        dataRef: ref.h(l, -1),
        onEdit: (r, c, v) => edit([{ field: "h0", index: [l, state.convention === "column" ? r : c], value: v }]),
      }));
    }
    h0.forEach((vecL, l) => {
      const base = stateBase("h", l, names);
      const display = displayParam(vecL, convention);
      h0s[l].update({
        values: display, symbol: { base, sub: "0", sup: "" },
        ariaLabel: ariaFor(`${base}0`, display, true),
        cellKey: (r, c) => ({ name: "h0", r: l, c: convention === "column" ? r : c }),
        error: errorField === "h0" && l === 0 ? error : "",
      });
    });
    if (h0Box.childNodes.length !== h0s.length || h0s.some((e, i) => h0Box.childNodes[i] !== e.el)) {
      setChildren(h0Box, h0s.map((e) => e.el));
    }

    if (spec.output_size) {
      if (Array.isArray(tg) && tg.length) {
        const display = displaySequence(tg, convention);
        targets.update({
          values: display, symbol: { base: "target", sub: "", sup: "" },
          ariaLabel: (r, c) => {
            const [t, i] = convention === "column" ? [c, r] : [r, c];
            return `target ${t + 1} entry ${i + 1}`;
          },
          cellRef: (r, c) => ref.y(convention === "column" ? c : r),
          cellKey: (r, c) => (convention === "column" ? { name: "targets", r: c, c: r } : { name: "targets", r, c }),
          error: errorField === "targets" ? error : "",
        });
        show(targetBox, "editor", targetEditor);
      } else show(targetBox, "add", [addTargets]);
    } else show(targetBox, "none", []);
  }

  function destroy() {
    inputs.destroy();
    targets.destroy();
    h0s.forEach((e) => e.destroy());
  }
  return { el, update, destroy };
}
