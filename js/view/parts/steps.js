// The step-through controls: Prev / Next / Show all (el, placed in the toolbar) and the caption of
// the slide shown (caption, placed under the toolbar) (reveal).
import { createStepBar } from "../step_bar.js";
import { clampReveal, slideCaption, slideStep } from "../../data/slides.js";

const ALL_SHOWN = "Every value is shown. Press Next to step through the computation.";
const BLANKS_OPEN = "Every value is shown except the blanks, which are yours to work out. Press Next to step through the computation.";

/** Whether an exercise still has blanks to answer (the homework trait; docs/protocol.md). */
const blanksOpen = (/** @type {any} */ homework) =>
  Array.isArray(homework?.blanks) && homework.blanks.some((/** @type {any} */ b) => b?.status === "open" || b?.status === "wrong");

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part & {go: (d: number) => void, caption: HTMLElement}} */
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
    caption: bar.caption,
    go: bar.go,
    destroy: bar.destroy,
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
