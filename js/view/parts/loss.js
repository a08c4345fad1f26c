// The loss readout: total and per scored step, from the trace.
import { h } from "../dom.js";
import { renderLoss } from "../loss_readout.js";
import { slotAt } from "../../data/homework.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, answers }) {
  const el = h("div", { class: "rnnw-loss", hidden: true });
  return {
    el,
    render() {
      // an exercise's open loss blank: an input where the total would be
      const slot = slotAt(get("homework"), ["loss"], []);
      const open = slot && (slot.status === "open" || slot.status === "wrong");
      renderLoss(el, get("trace"), get("spec")?.loss, open ? answers.input(slot, { where: "loss" }) : null);
    },
  };
}
