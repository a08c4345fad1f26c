// The gradient bar: the Gradients toggle (show_grads), stepping back through BPTT (bptt_step),
// clipping and truncation (bptt; the clip norm also goes to train_options), the gradient norm.
// The toggle sits in the toolbar (toggle, placed by mount.js); the rest of the bar takes a row only
// while gradients show.
import { createGradBar } from "../gradbar.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part & {toggle: HTMLElement}} */
export function create({ get, current, send, root, gradsShown }) {
  const bar = createGradBar({
    getStep: () => current("bptt_step") ?? -1,
    onShow: (on) => send({ show_grads: on }),
    onStep: (n) => send({ bptt_step: n }),
    // One clip norm for what the page shows and what Train uses (protocol: bptt and train_options).
    onOptions: (bptt) => send({ bptt, train_options: { ...(current("train_options") || {}), clip_norm: bptt.clip_norm } }),
  });
  // the Gradients button moves to the toolbar; its listener (gradbar.js) moves with it
  const toggle = /** @type {HTMLElement} */ (bar.el.querySelector('[data-action="grads"]'));
  return {
    el: bar.el,
    toggle,
    render() {
      const trace = get("trace");
      bar.update({
        T: trace?.T ?? 0,
        show: Boolean(get("show_grads")),
        grads: trace?.grads ?? null,
        bpttStep: get("bptt_step") ?? -1,
        bptt: get("bptt") || {},
      });
      root.classList.toggle("is-grads", Boolean(gradsShown()));
      bar.el.hidden = !get("show_grads");
    },
    destroy: bar.destroy,
  };
}
