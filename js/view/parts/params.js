// The parameter editors, each with its dL/dW (and the focused step's share) when gradients show;
// a menu switches between separate matrices and one matrix per gate (weights_form).
import { h } from "../dom.js";
import { createParamEditors } from "../../editing/param_editors.js";

const FORMS = [
  ["separate", "separate matrices"],
  ["concatenated", "one matrix per gate, W [h, x]"],
];

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part & {invalidate: () => void}} */
export function create({ get, current, edit, send, gradsShown, gradStep, answers }) {
  const editors = createParamEditors({ current, edit, slotInput: (slot, where) => answers.input(slot, { where }) });
  const menu = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { class: "rnnw-select rnnw-select-small", "aria-label": "How the weights are shown" },
      FORMS.map(([value, text]) => h("option", { value }, [text])),
    )
  );
  const onChange = () => send({ weights_form: menu.value });
  menu.addEventListener("change", onChange);
  return {
    el: h("section", { class: "rnnw-section", "aria-label": "Parameters" }, [
      h("div", { class: "rnnw-section-title" }, ["Parameters ", h("label", { class: "rnnw-form" }, ["weights: ", menu])]),
      editors.el,
    ]),
    render() {
      const params = get("params") || {};
      const form = get("weights_form") || "separate";
      if (menu.value !== form) menu.value = form;
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
        cell: get("spec")?.cell ?? "rnn",
        weightsForm: form,
      });
    },
    invalidate: editors.invalidate,
    destroy: () => {
      menu.removeEventListener("change", onChange);
      editors.destroy();
    },
  };
}
