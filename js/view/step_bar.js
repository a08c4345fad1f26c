// The step-through controls: Prev, Next, Show all and a counter (for the toolbar), and the slide
// caption (its own element, placed by mount.js under the toolbar).
import { h } from "./dom.js";

/**
 * The step-through controls: Prev, Next, Show all, a counter and the slide caption.
 * @param {{onReveal: (n: number) => void, getReveal?: () => number}} handlers
 */
export function createStepBar({ onReveal, getReveal }) {
  let state = { reveal: -1, count: 1 };
  const prev = h("button", { type: "button", class: "rnnw-btn", "data-action": "prev", "aria-label": "Previous slide" }, ["\u25c0 Prev"]);
  const next = h("button", { type: "button", class: "rnnw-btn rnnw-btn-primary", "data-action": "next", "aria-label": "Next slide" }, [
    "Next \u25b6",
  ]);
  const all = h("button", { type: "button", class: "rnnw-btn", "data-action": "all" }, ["Show all"]);
  const counter = h("span", { class: "rnnw-counter" });
  const caption = h("div", { class: "rnnw-caption", "aria-live": "polite" });
  const onPrev = () => go(-1);
  const onNext = () => go(1);
  const onAll = () => onReveal(-1);
  prev.addEventListener("click", onPrev);
  next.addEventListener("click", onNext);
  all.addEventListener("click", onAll);
  const el = h("div", { class: "rnnw-stepbtns", role: "group", "aria-label": "Step-through" }, [prev, next, all, counter]);

  /** Move one slide; from "show all", Next starts at slide 0 and Prev goes to the last slide. */
  function go(delta) {
    const { count } = state;
    // Read the newest value: several key presses can come before the next redraw.
    const r = getReveal ? getReveal() : state.reveal;
    const reveal = typeof r === "number" && r >= 0 ? Math.min(r, count - 1) : -1;
    let n;
    if (reveal < 0) n = delta > 0 ? 0 : count - 1;
    else n = Math.max(0, Math.min(count - 1, reveal + delta));
    if (n !== reveal) onReveal(n);
  }

  function update({ reveal, count, caption: text }) {
    state = { reveal, count };
    prev.disabled = reveal === 0;
    next.disabled = reveal === count - 1;
    all.disabled = reveal < 0;
    counter.textContent = reveal < 0 ? `all ${count} slides` : `slide ${reveal + 1} of ${count}`;
    caption.textContent = text;
  }
  function destroy() {
    prev.removeEventListener("click", onPrev);
    next.removeEventListener("click", onNext);
    all.removeEventListener("click", onAll);
  }
  return { el, caption, update, go, destroy };
}
