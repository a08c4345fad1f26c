// A matrix editor that is a grid of number cells for a small matrix and a heat map for a large one.
import { h, setChildren } from "../view/dom.js";
import { createMatrixEditor } from "./matrix_editor.js";
import { createHeatmapEditor } from "./heatmap_editor.js";
import { isLargeMatrix } from "../geometry/heat_layout.js";

/**
 * A matrix editor that is a grid of inputs for a small matrix and a heat map for a large one
 * (heatgeom.js isLargeMatrix), switching when the shape crosses the limit. Its el stays put.
 * opts.thin: thin matrices stay number cells up to this length (sequence editors).
 */
export function createAutoEditor(opts) {
  const el = h("div", { class: "rnnw-slot" });
  let ed = null;
  function update(state) {
    const rows = state.values.length;
    const cols = rows ? state.values[0].length : 0;
    const kind = isLargeMatrix(rows, cols, { thin: opts.thin ?? 0 }) ? "heat" : "small";
    if (!ed || ed.kind !== kind) {
      ed?.destroy();
      ed = kind === "heat" ? createHeatmapEditor(opts) : createMatrixEditor(opts);
      setChildren(el, [ed.el]);
    }
    ed.update(state);
  }
  return {
    el,
    update,
    destroy: () => ed?.destroy(),
    get kind() {
      return ed?.kind;
    },
    editor: () => ed,
  };
}
