// The chart of ||dh_T/dh_k|| against k (log scale) when gradients show: vanishing and exploding.
import { h, setChildren } from "../dom.js";
import { chartFigure, jacobianChart } from "../charts.js";
import { stateBase } from "../../data/names.js";

const NOTE = "How much h_T changes with an earlier state h_k: a fast fall to the left is a vanishing gradient, a rise an exploding one.";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, gradsShown }) {
  const el = h("div", { class: "rnnw-charts", hidden: true });
  return {
    el,
    render() {
      const norms = gradsShown()?.jacobian_norms;
      const any = Array.isArray(norms) && norms.some(Array.isArray);
      el.hidden = !any;
      const names = get("display_names") || {};
      setChildren(
        el,
        any
          ? chartFigure(
              "\u2016\u2202h_T/\u2202h_k\u2016 (log scale)",
              jacobianChart(norms, { layerName: (/** @type {number} */ l) => stateBase("h", l, names) }),
              NOTE,
            )
          : null,
      );
    },
  };
}
