// The sequence editors: inputs (with + / - step), h0 per layer, targets (add / remove).
import { h } from "../dom.js";
import { createSequenceEditors } from "../../editing/sequence_editors.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, current, edit }) {
  const editors = createSequenceEditors({ current, edit });
  return {
    el: h("section", { class: "rnnw-section", "aria-label": "Sequence" }, [
      h("div", { class: "rnnw-section-title" }, ["Sequence"]),
      editors.el,
    ]),
    render() {
      editors.update({
        inputs: get("inputs") || [],
        h0: get("h0") || [],
        targets: get("targets"),
        spec: get("spec") || {},
        convention: get("convention"),
        names: get("display_names") || {},
        limits: get("limits") || {},
        error: get("error"),
        errorField: get("error_field"),
      });
    },
    destroy: editors.destroy,
  };
}
