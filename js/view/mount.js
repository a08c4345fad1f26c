// One view of the widget: the page layout of its parts (parts/*.js), each re-run when a trait it
// read changes (store.js); edits go to the kernel as changed entries (edit_channel.js); hover
// linking (linking.js), step keys (keys.js) and the kernel status (kernel_status.js) beside them.
import { computed, effect } from "@preact/signals-core";
import { h } from "./dom.js";
import { createStore, TRAITS } from "./store.js";
import { attachLinking } from "./linking.js";
import { attachStepKeys } from "./keys.js";
import { applyOffline, createKernelStatus } from "./kernel_status.js";
import { createEditChannel } from "../editing/edit_channel.js";
import { createAnswerSlots } from "../editing/answer_slots.js";
import { applyExerciseLock } from "./exercise_lock.js";
import { isExercise } from "../data/homework.js";
import { EDIT_FIELDS } from "../data/edits.js";
import { unpacker } from "../data/packed.js";
import { buildSlides } from "../data/slides.js";
import { bpttFocus } from "../data/bptt.js";
import * as title from "./parts/title.js";
import * as error from "./parts/error.js";
import * as controls from "./parts/controls.js";
import * as steps from "./parts/steps.js";
import * as gradients from "./parts/gradients.js";
import * as params from "./parts/params.js";
import * as sequence from "./parts/sequence.js";
import * as diagram from "./parts/diagram.js";
import * as formula from "./parts/formula.js";
import * as loss from "./parts/loss.js";
import * as probs from "./parts/probs.js";
import * as charts from "./parts/charts.js";
import * as training from "./parts/training.js";
import * as homework from "./parts/homework.js";
import * as toolbar from "./parts/toolbar.js";
import * as batch from "./parts/batch.js";
import * as tokens from "./parts/tokens.js";

/**
 * @param {import("@anywidget/types").AnyModel} model
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(model, el) {
  const decode = unpacker();
  // params, inputs and targets may arrive packed like the trace (docs/protocol.md)
  const raw = (/** @type {string} */ k) => decode(model.get(k));
  const banner = h("div", { class: "rnnw-link", role: "status", "aria-live": "polite", hidden: true });
  const root = h("div", { class: "rnnw", tabindex: -1, "data-trace-rev": 0 });
  const kernel = createKernelStatus(root, banner, { onLive: () => store.redrawAll() });
  const channel = createEditChannel(model, {
    onOverlay: (fields) => fields.forEach((f) => store.changed(f)),
    onStatus: (status) => kernel.show(status, channel.answered),
    isDisconnected: () => Boolean(el.closest(".jupyter-widgets-disconnected")),
    sizes: () => ({ inputSize: model.get("spec")?.input_size, outputSize: model.get("spec")?.output_size }),
    onAnswer: (blank, ack) => answers.onAck(blank, ack),
  });
  // an exercise's answer slots: inputs where open blanks' numbers would be, sent on the same line
  const answers = createAnswerSlots({ homework: () => model.get("homework"), send: (name, value) => channel.answer(name, value), root });
  // A trait as the view shows it now: decoded, with this view's unacknowledged edits on top.
  const read = (/** @type {string} */ k) => {
    if (k === "trace") return raw(k);
    if (EDIT_FIELDS.includes(k)) return channel.overlaid(raw)[k];
    return model.get(k);
  };
  let traceRev = 0;
  // After the parts drew: an exercise's fixed numbers, a dead kernel's locks, the answer slots.
  const afterDraw = () => {
    applyExerciseLock(root, isExercise(get("homework")));
    kernel.refresh(); // cells and buttons drawn anew are locked too while silent or dead
    answers.refresh();
  };
  const store = createStore(read, {
    afterFlush({ traceChanged }) {
      if (traceChanged) root.setAttribute("data-trace-rev", String(++traceRev));
      linking.refresh();
      afterDraw();
    },
  });
  const { get } = store;

  /** @type {import("./parts/context.js").PartContext["send"]} */
  const send = (changes) => {
    if (!channel.live) {
      // without a kernel the step-through still moves (kernel_status.js); edits are put back
      if (!applyOffline(model, changes, channel.status)) store.redrawAll();
      return;
    }
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  };
  /** @type {import("./parts/context.js").PartContext["edit"]} */
  const edit = (edits) => {
    if (channel.edit(edits)) return;
    paramsPart.invalidate(); // not sent (not connected): put the cells back
    store.redrawAll();
  };
  const slides = computed(() => buildSlides(get("trace"), get("spec")?.mode));
  /** @type {import("./parts/context.js").PartContext} */
  const ctx = {
    get,
    current: read,
    send,
    edit,
    request: (msg) => model.send(msg),
    root,
    answers,
    slides: () => slides.value,
    gradsShown: () => (get("show_grads") && get("trace")?.grads) || null,
    gradStep: () => {
      const trace = get("trace");
      if (!trace) return null;
      const b = bpttFocus(trace.T, get("bptt_step"));
      return b ?? Math.max(0, Math.min(trace.T - 1, get("focus_step") ?? 0));
    },
  };

  const stepsPart = steps.create(ctx);
  const paramsPart = params.create(ctx);
  const gradsPart = gradients.create(ctx);
  const p = {
    title: title.create(ctx),
    controls: controls.create(ctx),
    error: error.create(ctx),
    steps: stepsPart,
    gradients: gradsPart,
    params: paramsPart,
    sequence: sequence.create(ctx),
    diagram: diagram.create(ctx),
    formula: formula.create(ctx),
    loss: loss.create(ctx),
    probs: probs.create(ctx),
    charts: charts.create(ctx),
    training: training.create(ctx),
    homework: homework.create(ctx),
    toolbar: toolbar.create(ctx),
    batch: batch.create(ctx),
    tokens: tokens.create(ctx),
  };
  // Stepping without scrolling (README "Layout"): one toolbar, then the caption, then the stage
  // (diagram and formula side by side when wide enough); the editors and the rest below.
  root.append(
    h("div", { class: "rnnw-head" }, [p.title.el, p.controls.el]),
    p.error.el, // a refused spec (e.g. a mode) shows right under the model controls
    banner,
    p.homework.el,
    h("div", { class: "rnnw-toolbar", role: "toolbar", "aria-label": "Step-through and views" }, [
      p.steps.el,
      gradsPart.toggle,
      h("span", { class: "rnnw-spacer" }),
      p.toolbar.el,
    ]),
    stepsPart.caption,
    p.gradients.el,
    h("div", { class: "rnnw-stage" }, [p.diagram.el, p.formula.el]),
    p.tokens.el, // the token strip reads with the diagram above it
    p.loss.el,
    p.probs.el,
    h("div", { class: "rnnw-editors" }, [p.params.el, p.sequence.el]),
    p.batch.el,
    h("div", { class: "rnnw-bottom" }, [p.charts.el, p.training.el]),
  );
  el.appendChild(root);

  const linking = attachLinking(root, { trace: () => get("trace"), paramNames: () => Object.keys(get("params") || {}) });
  const detachKeys = attachStepKeys(root, {
    go: stepsPart.go,
    focusStep: (t) => {
      if (t !== read("focus_step")) send({ focus_step: t });
    },
  });

  /** @type {[string, () => void][]} */
  const listeners = TRAITS.map((k) => [`change:${k}`, () => store.changed(k)]);
  for (const [event, cb] of listeners) model.on(event, cb);

  // Each part is an effect: its render re-runs when a trait it read changes.
  const stops = Object.values(p).map((part) =>
    effect(() => {
      store.track();
      part.render();
    }),
  );
  afterDraw();
  channel.start();

  return () => {
    store.dispose();
    for (const [event, cb] of listeners) model.off(event, cb);
    stops.forEach((stop) => stop());
    channel.dispose(); // a drag in progress still lands; timers stop
    answers.destroy();
    Object.values(p).forEach((part) => part.destroy?.());
    linking.destroy();
    detachKeys();
    root.remove();
  };
}
