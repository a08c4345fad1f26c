// The step-through bar: Prev / Next / Show all and the caption of the slide shown (reveal).
import { createStepBar } from "../step_bar.js";
import { clampReveal, slideCaption, slideStep } from "../../data/slides.js";

const ALL_SHOWN = "Every value is shown. Press Next to step through the computation.";
const BLANKS_OPEN = "Every value is shown except the blanks, which are yours to work out. Press Next to step through the computation.";

/** Whether an exercise still has blanks to answer (the homework trait; docs/protocol.md). */
const blanksOpen = (/** @type {any} */ homework) =>
  Array.isArray(homework?.blanks) && homework.blanks.some((/** @type {any} */ b) => b?.status === "open" || b?.status === "wrong");

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part & {go: (d: number) => void}} */
export function create({ get, current, send, root, slides }) {
  const bar = createStepBar({
    getReveal: () => current("reveal"),
    onReveal: (n) => {
      const t = n < 0 ? null : slideStep(slides()[n]);
      send(t === null ? { reveal: n } : { reveal: n, focus_step: t });
    },
  });
  return {
    el: bar.el,
    go: bar.go,
    render() {
      const list = slides();
      const reveal = clampReveal(get("reveal"), list);
      const opts = { convention: get("convention"), displayNames: get("display_names") || {}, spec: get("spec") || {} };
      bar.update({
        reveal,
        count: list.length,
        caption: reveal < 0 ? (blanksOpen(get("homework")) ? BLANKS_OPEN : ALL_SHOWN) : slideCaption(list, reveal, get("trace"), opts),
      });
      root.classList.toggle("is-stepping", reveal >= 0);
    },
  };
}
