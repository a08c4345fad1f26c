// The formula panel for the focused step (the equation, then the numbers plugged in), and beside
// it, when gradients show, the chain rule of the backward step. The gate form menu (separate
// matrices, concatenated W [h, x], or both) is this view's own choice, not a trait.
import { signal } from "@preact/signals-core";
import { h, setChildren } from "../dom.js";
import { renderFormula } from "../formula_panel.js";
import { stepFormula } from "../../data/step_formula.js";
import { backwardFormula } from "../../data/backward_formula.js";
import { clampReveal, visibility } from "../../data/slides.js";
import { isExercise, slotsOf } from "../../data/homework.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, slides, gradsShown, gradStep, answers }) {
  const gateForm = signal("both");
  const menu = h("select", { class: "rnnw-select rnnw-select-small", "aria-label": "Gate equations", "data-control": "gate-form" }, [
    h("option", { value: "both" }, ["both forms"]),
    h("option", { value: "separate" }, ["x W_x + h W_h"]),
    h("option", { value: "concat" }, ["W [h, x]"]),
  ]);
  const onMenu = () => {
    gateForm.value = /** @type {HTMLSelectElement} */ (menu).value;
  };
  menu.addEventListener("change", onMenu);
  const forward = h("div", { class: "rnnw-formula", "aria-live": "polite" });
  const backward = h("div", { class: "rnnw-formula rnnw-backward", "aria-live": "polite", hidden: true });
  const el = h("div", { class: "rnnw-fcol" }, [forward, backward]);
  /** While stepping, scroll the panel (it scrolls when taller than the stage) to the slide's equations. */
  const showSlide = () => {
    const list = slides();
    const n = clampReveal(get("reveal"), list);
    const slide = n >= 0 ? list[n] : null;
    if (!slide || slide.kind === "init" || el.scrollHeight <= el.clientHeight) return;
    const block =
      slide.kind === "y"
        ? forward.querySelector('[data-block="y"]')
        : [...forward.querySelectorAll("[data-block]")].find((b) => String(b.getAttribute("data-block")).endsWith(`:${slide.layer}`));
    if (!block) return;
    el.scrollTop += block.getBoundingClientRect().top - el.getBoundingClientRect().top - 8;
  };
  return {
    el,
    render() {
      const trace = get("trace");
      if (!trace) {
        setChildren(forward, []);
        setChildren(backward, []);
        backward.hidden = true;
        return;
      }
      const t = Math.max(0, Math.min(trace.T - 1, get("focus_step") ?? 0));
      const f = stepFormula(trace, {
        t,
        convention: get("convention"),
        displayNames: get("display_names") || {},
        params: get("params") || {},
        spec: get("spec") || {},
        vis: visibility(slides(), get("reveal")),
        gateForm: gateForm.value,
        vocab: get("vocab") || [],
      });
      const gated = trace.cell === "lstm" || trace.cell === "gru";
      const hw = get("homework");
      /** @type {import("../formula_panel.js").SlotHooks | null} */
      const slots = isExercise(hw)
        ? { slots: (src, n) => slotsOf(hw, src, n), input: (slot, where) => answers.input(slot, { where }) }
        : null;
      renderFormula(forward, f, { heading: `Step ${t + 1}`, tools: gated ? menu : null, slots, where: "formula" });
      const grads = gradsShown();
      backward.hidden = !grads;
      const tb = gradStep();
      if (grads && tb !== null) {
        const b = backwardFormula(trace, { t: tb, convention: get("convention"), displayNames: get("display_names") || {} });
        renderFormula(backward, b, { heading: `Backward, step ${tb + 1}`, slots, where: "backward" });
      } else setChildren(backward, []);
      showSlide();
    },
    destroy: () => menu.removeEventListener("change", onMenu),
  };
}
