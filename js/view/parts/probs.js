// A classifier's class probabilities (cross-entropy): softmax of the readout at the scored step
// (or the focused one, when it is scored), a compact bar per class with its number.
import { h, setChildren } from "../dom.js";
import { classProbs, probsStep } from "../../data/probs.js";
import { visibility } from "../../data/slides.js";
import { stateBase } from "../../data/names.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, slides }) {
  const el = h("div", { class: "rnnw-probs", hidden: true, role: "group", "aria-label": "Class probabilities" });
  return {
    el,
    render() {
      const trace = get("trace");
      const t = probsStep(trace, get("spec"), get("focus_step") ?? -1);
      // text mode shows its tokens' probabilities in the token strip (parts/tokens.js) instead
      if (t === null || !trace || !trace.y || (get("vocab") || []).length) {
        el.hidden = true;
        setChildren(el, []);
        return;
      }
      el.hidden = false;
      const shown = visibility(slides(), get("reveal")).y(t);
      const p = shown ? classProbs(trace, t) : null;
      const target = trace.targets?.[t];
      const y = `${stateBase("y", 0, get("display_names") || {})}${t + 1}`;
      const rows = (trace.y[t] ?? []).map((/** @type {any} */ _, /** @type {number} */ j) => {
        const v = p ? p[j] : null;
        const isTarget = Array.isArray(target) && target[j] === 1;
        return h("div", { class: ["rnnw-prob", isTarget && "is-target"], "data-class": j }, [
          h("span", { class: "rnnw-prob-name" }, [`class ${j + 1}`]),
          h("span", { class: "rnnw-prob-track" }, [
            h("span", { class: "rnnw-prob-bar", style: { width: `${v === null ? 0 : (100 * v).toFixed(1)}%` } }),
          ]),
          h("span", { class: "rnnw-prob-value" }, [v === null ? "?" : v.toFixed(4)]),
          h("span", { class: "rnnw-prob-tag" }, [isTarget ? "target" : ""]),
        ]);
      });
      setChildren(el, [
        h("div", { class: "rnnw-probs-head" }, [
          h("span", { class: "rnnw-flabel" }, ["Class probabilities"]),
          h("span", { class: "rnnw-probs-formula" }, [`p = softmax(${y}) at t = ${t + 1}`]),
        ]),
        ...rows,
      ]);
    },
  };
}
