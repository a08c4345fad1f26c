// The loss readout: total and per scored step, from the trace.
import { h } from "../dom.js";
import { renderLoss } from "../loss_readout.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get }) {
  const el = h("div", { class: "rnnw-loss", hidden: true });
  return {
    el,
    render() {
      renderLoss(el, get("trace"), get("spec")?.loss);
    },
  };
}
