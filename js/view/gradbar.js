// The gradient bar: the "Gradients" toggle (show_grads), stepping backwards through BPTT
// (bptt_step), clipping and truncation (bptt), and the gradient norm readout.
import { h, setChildren } from "./dom.js";
import { formatNumber, formatForEditing } from "../data/format.js";
import { bpttFocus, clampBpttStep, bpttFromInputs } from "../data/bptt.js";

/**
 * @param {{onShow: (on: boolean) => void, onStep: (n: number) => void,
 *          onOptions: (bptt: {clip_norm: number|null, truncate: number|null}) => void,
 *          getStep: () => number}} handlers
 */
export function createGradBar({ onShow, onStep, onOptions, getStep }) {
  let state = { T: 0, show: false, hasGrads: false };
  const btn = (action, text, attrs = {}) => h("button", { type: "button", class: "rnnw-btn", "data-action": action, ...attrs }, [text]);
  const toggle = btn("grads", "Gradients", { "aria-pressed": "false", class: "rnnw-btn rnnw-toggle" });
  const back = btn("bptt-next", "\u25c0 Backward step", { "aria-label": "Backward step: one more step back through time" });
  const undo = btn("bptt-prev", "Undo \u25b6", { "aria-label": "Undo one backward step" });
  const whole = btn("bptt-all", "Whole pass", { "aria-label": "Show the whole backward pass" });
  const counter = h("span", { class: "rnnw-counter", "aria-live": "polite" });
  const clip = h("input", {
    class: "rnnw-input",
    type: "text",
    inputmode: "decimal",
    placeholder: "off",
    autocomplete: "off",
    "aria-label": "Clip gradient norm (empty: off)",
    "data-control": "clip_norm",
  });
  const truncate = h("select", { class: "rnnw-select", "aria-label": "Truncate BPTT every n steps", "data-control": "truncate" });
  const normBox = h("span", { class: "rnnw-gnorm", "aria-live": "polite" });
  const note = h("span", { class: "rnnw-note" });

  const move = (delta) => {
    const n = clampBpttStep(state.T, getStep());
    const next = n < 0 ? (delta > 0 ? 0 : state.T - 1) : n + delta;
    if (next < 0 || next > state.T - 1) return;
    onStep(next);
  };
  const sendOptions = () => {
    const o = bpttFromInputs(clip.value, truncate.value);
    clip.toggleAttribute("aria-invalid", !o.valid);
    if (!o.valid) {
      note.textContent = "Clip norm: type a positive number, or leave it empty for no clipping";
      return;
    }
    note.textContent = "";
    onOptions({ clip_norm: o.clip_norm, truncate: o.truncate });
  };
  const onToggle = () => onShow(!state.show);
  const onBack = () => move(1);
  const onUndo = () => move(-1);
  const onWhole = () => onStep(-1);
  const onClipKey = (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      sendOptions();
    } else if (e.key === "Escape") {
      clip.value = state.clipText ?? "";
    }
  };
  /** @type {[HTMLElement, string, EventListener][]} */
  const wiring = [
    [toggle, "click", onToggle],
    [back, "click", onBack],
    [undo, "click", onUndo],
    [whole, "click", onWhole],
    [clip, "change", sendOptions],
    [clip, "keydown", onClipKey],
    [truncate, "change", sendOptions],
  ];
  wiring.forEach(([el, ev, f]) => el.addEventListener(ev, f));

  const field = (label, control) =>
    h("label", { class: "rnnw-field rnnw-field-inline" }, [h("span", { class: "rnnw-flabel" }, [label]), control]);
  const stepper = h("div", { class: "rnnw-stepbtns" }, [back, undo, whole, counter]);
  const options = h("div", { class: "rnnw-gopts" }, [field("Clip norm", clip), field("Truncate", truncate), normBox, note]);
  const el = h("div", { class: "rnnw-gradbar", role: "group", "aria-label": "Backpropagation through time" }, [toggle, stepper, options]);

  /** @param {{T: number, show: boolean, grads: object|null, bpttStep: number, bptt: object}} s */
  function update({ T, show, grads, bpttStep, bptt }) {
    const hasGrads = Boolean(grads);
    state = { T, show, hasGrads, clipText: bptt?.clip_norm ? formatForEditing(bptt.clip_norm) : "" };
    toggle.setAttribute("aria-pressed", String(show));
    toggle.classList.toggle("is-on", show);
    stepper.hidden = !show;
    options.hidden = !show;
    const n = clampBpttStep(T, bpttStep);
    back.disabled = !hasGrads || n === T - 1;
    undo.disabled = !hasGrads || n <= 0;
    whole.disabled = !hasGrads || n < 0;
    const f = bpttFocus(T, bpttStep);
    counter.textContent = !hasGrads
      ? "Set targets to see gradients"
      : f === null
        ? "whole backward pass shown"
        : `step ${n + 1} of ${T} back: \u2202L/\u2202h known for t \u2265 ${f + 1}`;
    if (document.activeElement !== clip) clip.value = state.clipText;
    const tOpts = [["off", "off"], ...Array.from({ length: Math.max(0, T) }, (_, i) => [String(i + 1), String(i + 1)])];
    const key = JSON.stringify(tOpts);
    if (truncate.dataset.options !== key) {
      setChildren(
        truncate,
        tOpts.map(([v, text]) => h("option", { value: v }, [text])),
      );
      truncate.dataset.options = key;
    }
    truncate.value = bptt?.truncate ? String(bptt.truncate) : "off";
    if (hasGrads && typeof grads.norm === "number") {
      const clipped = typeof grads.scale === "number" && grads.scale < 1;
      setChildren(normBox, [
        h("span", {}, [`\u2016\u2207\u2016 = ${formatNumber(grads.norm)}`]),
        clipped ? h("span", { class: "rnnw-clipped" }, [`clipped \u00d7${formatNumber(grads.scale, { digits: 3 })}`]) : null,
      ]);
    } else setChildren(normBox, []);
  }

  function destroy() {
    wiring.forEach(([el, ev, f]) => el.removeEventListener(ev, f));
  }
  return { el, update, destroy };
}
