// The parameter editors, each with its dL/dW (and the focused step's share) when gradients show.
import { h } from "../dom.js";
import { createParamEditors } from "../../editing/param_editors.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part & {invalidate: () => void}} */
export function create({ get, current, edit, gradsShown, gradStep, answers }) {
  const editors = createParamEditors({ current, edit, slotInput: (slot, where) => answers.input(slot, { where }) });
  return {
    el: h("section", { class: "rnnw-section", "aria-label": "Parameters" }, [
      h("div", { class: "rnnw-section-title" }, ["Parameters"]),
      editors.el,
    ]),
    render() {
      const params = get("params") || {};
      editors.update({
        params,
        order: get("param_order") || Object.keys(params),
        convention: get("convention"),
        names: get("display_names") || {},
        error: get("error"),
        errorField: get("error_field"),
        grads: gradsShown(),
        step: gradStep(),
        homework: get("homework") ?? null,
      });
    },
    invalidate: editors.invalidate,
    destroy: editors.destroy,
  };
}
