// The loss readout: the total, and the loss of each scored step.
import { h, setChildren } from "./dom.js";
import { formatNumber } from "../data/format.js";

/**
 * Loss readout: total, and per scored step. `answer`: an exercise's input for an open loss blank,
 * shown in place of the total.
 * @param {HTMLElement} el
 * @param {any} trace
 * @param {string | undefined} lossName
 * @param {HTMLElement | null} [answer]
 */
export function renderLoss(el, trace, lossName, answer = null) {
  if (answer && trace) {
    el.hidden = false;
    setChildren(el, [h("span", { class: "rnnw-flabel" }, [`Loss${lossName ? ` (${lossName})` : ""}`]), answer]);
    return;
  }
  if (!trace || trace.loss === null || trace.loss === undefined) {
    el.hidden = true;
    setChildren(el, []);
    return;
  }
  el.hidden = false;
  const steps = (trace.loss_steps ?? [])
    .map((v, t) =>
      v === null || v === undefined || trace.scored?.[t] === false
        ? null
        : h("span", { class: "rnnw-lstep" }, [`step ${t + 1}: ${formatNumber(v)}`]),
    )
    .filter(Boolean);
  setChildren(el, [
    h("span", { class: "rnnw-flabel" }, [`Loss${lossName ? ` (${lossName})` : ""}`]),
    h("span", { class: "rnnw-loss-value" }, [formatNumber(trace.loss)]),
    steps.length > 1 ? h("span", { class: "rnnw-lsteps" }, steps) : null,
  ]);
}
