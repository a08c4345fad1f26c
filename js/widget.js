// rnn-widget's view: anywidget render entry. All state comes from the model's synced traits
// (see docs/protocol.md); the page formats and draws the trace. It edits numbers by sending the
// changed entries (edit_channel.js) and view traits (spec, reveal, ...) by setting them.
import { h, setChildren } from "./view/dom.js";
import { createControls } from "./view/controls.js";
import { createStepBar } from "./view/step_bar.js";
import { renderFormula } from "./view/formula_panel.js";
import { renderLoss } from "./view/loss_readout.js";
import { buildSlides, visibility, slideCaption, clampReveal, slideStep } from "./data/slides.js";
import { stepFormula } from "./data/step_formula.js";
import { diagramLayout } from "./geometry/diagram_layout.js";
import { buildDiagram, emptyDiagram } from "./view/diagram_svg.js";
import { buildCompactDiagram } from "./view/diagram_canvas.js";
import { createEditChannel } from "./editing/edit_channel.js";
import { EDIT_FIELDS } from "./data/edits.js";
import { createSequenceEditors } from "./editing/sequence_editors.js";
import { createParamEditors } from "./editing/param_editors.js";
import { related } from "./data/refs.js";
import { stateBase } from "./data/names.js";
import { createGradBar } from "./view/gradbar.js";
import { createTraining } from "./view/training_panel.js";
import { backwardFormula } from "./data/backward_formula.js";
import { bpttFocus } from "./data/bptt.js";
import { jacobianChart, chartFigure } from "./view/charts.js";
import { curveOf } from "./geometry/chart_layout.js";
import { unpacker } from "./data/packed.js";
import { batch, computed, effect, signal } from "@preact/signals-core";

/**
 * Display names as the current view needs them. A preset's names describe its own convention
 * (`names_convention`: Tom Yeh's A = W_hh^T is a column-form name); in the other convention the
 * page shows the transpose of that matrix, so it is called "Aᵀ".
 * @param {(trait: string) => any} get
 */
export function shownNames(get) {
  const names = get("display_names") || {};
  const home = get("names_convention");
  if (!home || home === get("convention")) return names;
  const params = get("params") || {};
  const out = {};
  for (const [key, shown] of Object.entries(names)) {
    const value = params[key];
    out[key] = Array.isArray(value) && Array.isArray(value[0]) ? `${shown}\u1d40` : shown;
  }
  return out;
}

export const TRAITS = [
  "spec", "params", "param_order", "inputs", "h0", "targets", "convention", "display_names",
  "labels", "title", "reveal", "focus_step", "error", "error_field", "limits", "trace",
  "names_convention", "show_grads", "bptt", "bptt_step", "training", "train_options", "loss_curve",
];

/** What makes the diagram's structure (its SVG or canvas nodes): a change rebuilds, else values update in place. */
export function diagramShapeKey(trace, { grads, labels, names }) {
  return JSON.stringify([trace.T, trace.x[0]?.length ?? 0, trace.layers.map((l) => l.size),
    Array.isArray(trace.y) ? trace.y[0]?.length ?? 0 : 0, trace.cell, Boolean(grads), labels || [], names || {}]);
}

/**
 * Whether two values of a trait are the same for drawing: the trace (large, always replaced whole)
 * by identity, every other trait by value.
 */
export function sameValue(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

export function mount(model, el) {
  const decode = unpacker();
  // params, inputs and targets may arrive packed like the trace (docs/protocol.md)
  const raw = (k) => decode(model.get(k));
  const channel = createEditChannel(model, {
    onOverlay: (fields) => fields.forEach((f) => changed(f)),
    onStatus: (status) => showLink(status),
    isDisconnected: () => Boolean(el.closest?.(".jupyter-widgets-disconnected")),
    sizes: () => ({ inputSize: model.get("spec")?.input_size, outputSize: model.get("spec")?.output_size }),
  });
  // A trait as the view shows it now: decoded, with this view's unacknowledged edits on top.
  const read = (k) => {
    if (k === "trace") return raw(k);
    if (EDIT_FIELDS.includes(k)) return channel.overlaid(raw)[k];
    return model.get(k);
  };
  // What the parts draw from: one signal per trait. A part reads them through get(), so it
  // re-runs exactly when a trait it read changed (no table of who reads what).
  const traits = Object.fromEntries(TRAITS.map((k) => [k, signal(read(k))]));
  // display names as shown; a new object only when they change (a weight edit leaves them be)
  const names = computed(() => shownNames((k) => traits[k].value));
  const get = (k) => (k === "display_names" ? names.value : traits[k].value);
  const listeners = [];
  let disposed = false;
  let hoverRef = null;

  // ---- edits: numbers go as changed entries; view traits (spec, reveal, ...) are set ----
  const edit = (edits) => {
    if (channel.edit(edits)) return;
    paramEditors.invalidate(); // not connected: put the cells back
    redrawAll();
  };
  const send = (changes) => {
    if (channel.status === "dead") return redrawAll();
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  };
  // event handlers read the newest values, drawn or not yet
  const current = (k) => (k === "display_names" ? shownNames(read) : read(k));

  // ---- layout ----
  const title = h("h2", { class: "rnnw-title" });
  const controls = createControls({
    onSpec: (spec) => send({ spec }),
    onConvention: (convention) => send({ convention }),
  });
  const errorBox = h("div", { class: "rnnw-error", role: "alert", hidden: true });
  const linkBox = h("div", { class: "rnnw-link", role: "status", "aria-live": "polite", hidden: true });
  const steps = createStepBar({
    getReveal: () => current("reveal"),
    onReveal: (n) => {
      const slides = buildSlides(get("trace"), get("spec")?.mode);
      const t = n < 0 ? null : slideStep(slides[n]);
      send(t === null ? { reveal: n } : { reveal: n, focus_step: t });
    },
  });
  const paramEditors = createParamEditors({ current, edit });
  const seqEditors = createSequenceEditors({ current, edit });
  const gradBar = createGradBar({
    getStep: () => current("bptt_step") ?? -1,
    onShow: (on) => send({ show_grads: on }),
    onStep: (n) => send({ bptt_step: n }),
    // One clip norm for what the page shows and what Train uses (protocol: bptt and train_options).
    onOptions: (bptt) => send({ bptt, train_options: { ...(current("train_options") || {}), clip_norm: bptt.clip_norm } }),
  });
  const training = createTraining({
    send: (msg) => model.send(msg),
    getOptions: () => current("train_options"),
    onOptions: (o) => send({ train_options: o }),
  });
  const gateForm = signal("both"); // how the formula panel writes gates: a choice of this view only
  const gateFormSelect = h("select", { class: "rnnw-select rnnw-select-small", "aria-label": "Gate equations", "data-control": "gate-form" }, [
    h("option", { value: "both" }, ["both forms"]), h("option", { value: "separate" }, ["x W_x + h W_h"]), h("option", { value: "concat" }, ["W [h, x]"]),
  ]);
  const onGateForm = () => {
    gateForm.value = gateFormSelect.value;
  };
  gateFormSelect.addEventListener("change", onGateForm);
  const diagramBox = h("div", { class: "rnnw-diagram-box" });
  const formulaBox = h("div", { class: "rnnw-formula", "aria-live": "polite" });
  const backwardBox = h("div", { class: "rnnw-formula rnnw-backward", "aria-live": "polite", hidden: true });
  const lossBox = h("div", { class: "rnnw-loss", hidden: true });
  const chartsBox = h("div", { class: "rnnw-charts", hidden: true });
  let traceRev = 0;
  let diagramView = null;
  let diagramKey = null;
  const root = h("div", { class: "rnnw", tabindex: -1, "data-trace-rev": 0 }, [
    h("div", { class: "rnnw-head" }, [title, controls.el]),
    linkBox,
    errorBox,
    steps.el,
    gradBar.el,
    h("div", { class: "rnnw-editors" }, [
      h("section", { class: "rnnw-section", "aria-label": "Parameters" }, [
        h("div", { class: "rnnw-section-title" }, ["Parameters"]), paramEditors.el]),
      h("section", { class: "rnnw-section", "aria-label": "Sequence" }, [
        h("div", { class: "rnnw-section-title" }, ["Sequence"]), seqEditors.el]),
    ]),
    h("div", { class: "rnnw-views" }, [diagramBox, h("div", { class: "rnnw-fcol" }, [formulaBox, backwardBox])]),
    lossBox,
    h("div", { class: "rnnw-bottom" }, [chartsBox, training.el]),
  ]);
  el.appendChild(root);

  // ---- drawing ----
  const slides = computed(() => buildSlides(get("trace"), get("spec")?.mode));
  const slidesOf = () => slides.value;
  const visOf = (slides) => visibility(slides, get("reveal"));
  const gradsShown = () => (get("show_grads") && get("trace")?.grads) || null;
  // The step whose per-step gradient and chain rule are shown: the backward step, else focus_step.
  const gradStep = () => {
    const trace = get("trace");
    if (!trace) return null;
    const b = bpttFocus(trace.T, get("bptt_step"));
    return b ?? Math.max(0, Math.min(trace.T - 1, get("focus_step") ?? 0));
  };

  const draw = {
    title() {
      const text = get("title");
      title.textContent = text || "";
      title.hidden = !text;
    },
    error() {
      const msg = get("error");
      const field = get("error_field");
      errorBox.hidden = !msg;
      const shown = get("display_names")?.[field];
      const where = field ? `${shown ? `${shown} (${field})` : field}: ` : "";
      errorBox.textContent = msg ? `${where}${msg}` : "";
    },
    controls() {
      controls.update({ spec: get("spec"), convention: get("convention"), limits: get("limits") || {} });
    },
    steps() {
      const slides = slidesOf();
      const reveal = clampReveal(get("reveal"), slides);
      const opts = { convention: get("convention"), displayNames: get("display_names") || {}, spec: get("spec") || {} };
      steps.update({
        reveal, count: slides.length,
        caption: reveal < 0 ? "Every value is shown. Press Next to step through the computation." : slideCaption(slides, reveal, get("trace"), opts),
      });
      root.classList.toggle("is-stepping", reveal >= 0);
    },
    params() {
      paramEditors.update({
        params: get("params") || {}, order: get("param_order") || Object.keys(get("params") || {}),
        convention: get("convention"), names: get("display_names") || {},
        error: get("error"), errorField: get("error_field"), grads: gradsShown(), step: gradStep(),
      });
    },
    seq() {
      seqEditors.update({
        inputs: get("inputs") || [], h0: get("h0") || [], targets: get("targets"), spec: get("spec") || {},
        convention: get("convention"), names: get("display_names") || {}, limits: get("limits") || {},
        error: get("error"), errorField: get("error_field"),
      });
    },
    diagram() {
      const trace = get("trace");
      if (!trace || !trace.layers?.length) {
        diagramView?.destroy();
        diagramView = null;
        diagramKey = null;
        setChildren(diagramBox, [emptyDiagram("No trace yet")]);
        return;
      }
      const grads = Boolean(gradsShown());
      const labels = get("labels") || [];
      const shown = get("display_names") || {};
      const key = diagramShapeKey(trace, { grads, labels, names: shown });
      if (key !== diagramKey || !diagramView) {
        // the structure changed (steps, sizes, cell, gradient rows, names, labels): build anew
        diagramView?.destroy();
        const g = diagramLayout({
          T: trace.T, inputSize: trace.x[0]?.length ?? 0, layerSizes: trace.layers.map((l) => l.size),
          outputSize: Array.isArray(trace.y) ? trace.y[0]?.length ?? 0 : 0, cell: trace.cell, grads,
        });
        diagramView = g.compact
          ? buildCompactDiagram(g, { labels, names: shown, scroller: diagramBox })
          : buildDiagram(g, { labels, names: shown });
        diagramKey = key;
        setChildren(diagramBox, [diagramView.el]);
      }
      diagramView.update({
        trace, vis: visOf(slidesOf()), focusStep: get("focus_step"), showGrads: grads,
        bpttStep: get("bptt_step") ?? -1, targets: get("targets"),
      });
    },
    formula() {
      const trace = get("trace");
      if (!trace) return setChildren(formulaBox, []);
      const t = Math.max(0, Math.min(trace.T - 1, get("focus_step") ?? 0));
      const f = stepFormula(trace, {
        t, convention: get("convention"), displayNames: get("display_names") || {}, params: get("params") || {},
        spec: get("spec") || {}, vis: visOf(slidesOf()), gateForm: gateForm.value,
      });
      const gated = trace.cell === "lstm" || trace.cell === "gru";
      renderFormula(formulaBox, f, { heading: `Step ${t + 1}`, tools: gated ? gateFormSelect : null });
      const grads = gradsShown();
      backwardBox.hidden = !grads;
      if (grads) {
        const tb = gradStep();
        const b = backwardFormula(trace, { t: tb, convention: get("convention"), displayNames: get("display_names") || {} });
        renderFormula(backwardBox, b, { heading: `Backward, step ${tb + 1}` });
      } else setChildren(backwardBox, []);
    },
    gradbar() {
      const trace = get("trace");
      gradBar.update({
        T: trace?.T ?? 0, show: Boolean(get("show_grads")), grads: trace?.grads ?? null,
        bpttStep: get("bptt_step") ?? -1, bptt: get("bptt") || {},
      });
      root.classList.toggle("is-grads", Boolean(gradsShown()));
    },
    charts() {
      const norms = gradsShown()?.jacobian_norms;
      const any = Array.isArray(norms) && norms.some(Array.isArray);
      chartsBox.hidden = !any;
      const names = get("display_names") || {};
      setChildren(chartsBox, any ? chartFigure("\u2016\u2202h_T/\u2202h_k\u2016 (log scale)",
        jacobianChart(norms, { layerName: (l) => stateBase("h", l, names) }),
        "How much h_T changes with an earlier state h_k: a fast fall to the left is a vanishing gradient, a rise an exploding one.") : null);
    },
    training() {
      const trace = get("trace");
      const curve = curveOf(get("loss_curve"));
      const hasLoss = trace?.loss !== null && trace?.loss !== undefined;
      training.el.hidden = !hasLoss && !curve.loss.length;
      training.update({ options: get("train_options") || {}, training: get("training") || {}, curve, canTrain: hasLoss });
    },
    loss() {
      renderLoss(lossBox, get("trace"), get("spec")?.loss);
    },
  };

  // ---- linking: hover or focus a value, light up where it comes from and where it goes ----
  let lit = false; // whether anything is lit up now (skip the sweep when nothing is)
  function highlight() {
    const trace = get("trace");
    if (lit) {
      const marked = root.querySelectorAll(".is-hot, .is-src, .is-dst");
      marked.forEach((n) => n.classList.remove("is-hot", "is-src", "is-dst"));
    }
    lit = false;
    root.classList.toggle("is-linking", Boolean(hoverRef && trace));
    if (!hoverRef || !trace) return;
    lit = true;
    const { sources, targets } = related(hoverRef, {
      T: trace.T, L: trace.layers.length, hasY: Array.isArray(trace.y), paramNames: Object.keys(get("params") || {}),
    });
    root.querySelectorAll("[data-ref]").forEach((n) => {
      const r = n.getAttribute("data-ref");
      if (r === hoverRef) n.classList.add("is-hot");
      else if (sources.has(r)) n.classList.add("is-src");
      else if (targets.has(r)) n.classList.add("is-dst");
    });
    root.querySelectorAll("[data-from]").forEach((n) => {
      const from = n.getAttribute("data-from");
      const to = n.getAttribute("data-to");
      if ((to === hoverRef && sources.has(from)) || (from === hoverRef && targets.has(to))) n.classList.add("is-hot");
    });
  }
  const refOf = (target) => target?.closest?.("[data-ref]")?.getAttribute("data-ref") ?? null;
  const onOver = (e) => {
    const r = refOf(e.target);
    if (r !== hoverRef) {
      hoverRef = r;
      highlight();
    }
  };
  const onLeave = () => {
    hoverRef = root.contains(document.activeElement) ? refOf(document.activeElement) : null;
    highlight();
  };
  root.addEventListener("pointerover", onOver);
  root.addEventListener("focusin", onOver);
  root.addEventListener("pointerleave", onLeave);
  root.addEventListener("focusout", (e) => {
    if (!root.contains(e.relatedTarget)) {
      hoverRef = null;
      highlight();
    }
  });

  // ---- choosing a step: click a diagram column; keys for the step-through ----
  const setFocusStep = (t) => {
    if (Number.isInteger(t) && t !== get("focus_step")) send({ focus_step: t });
  };
  root.addEventListener("click", (e) => {
    const stepEl = e.target.closest?.(".rnnw-diagram [data-step]");
    if (stepEl) setFocusStep(Number(stepEl.getAttribute("data-step")));
  });
  root.addEventListener("keydown", (e) => {
    const tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || e.target.isContentEditable) return;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      e.stopPropagation();
      steps.go(e.key === "ArrowRight" ? 1 : -1);
    } else if (e.key === "Enter" && e.target.closest?.(".rnnw-diagram [data-step]")) {
      setFocusStep(Number(e.target.closest(".rnnw-diagram [data-step]").getAttribute("data-step")));
    }
  });

  // ---- the kernel link: say when edits get no answer; a dead view is read-only ----
  const LINK_TEXT = {
    waiting: "Waiting for the kernel\u2026",
    dead: "Not connected to a kernel: this widget is read-only. Run the cell again to get a live one.",
  };
  function showLink(status) {
    if (disposed) return;
    linkBox.hidden = status === "ok";
    linkBox.textContent = LINK_TEXT[status] ?? "";
    linkBox.dataset.status = status;
    const readOnly = status === "dead";
    root.classList.toggle("is-readonly", readOnly);
    if (readOnly) lockControls();
    else if (root.querySelector("[data-locked]")) {
      root.querySelectorAll("[data-locked]").forEach((n) => {
        n.removeAttribute("data-locked");
        if (n.tagName === "INPUT") n.readOnly = false;
        else n.disabled = false;
      });
      redrawAll(); // buttons that should stay disabled (limits, running training) say so again
    }
  }
  // Number cells readonly, buttons and menus disabled; the gate-form menu is this view's own.
  function lockControls() {
    root.querySelectorAll("input, button, select, textarea").forEach((n) => {
      if (n.getAttribute("data-control") === "gate-form" || n.hasAttribute("data-locked")) return;
      n.setAttribute("data-locked", "");
      if (n.tagName === "INPUT") n.readOnly = true;
      else n.disabled = true;
    });
  }

  // ---- model changes: the parts that read a changed trait re-run, once per burst ----
  // Every part is an effect: it re-runs when a signal it read last time changes. `epoch` is read by
  // all of them: bumping it redraws everything (after the view was read-only).
  const epoch = signal(0);
  const pending = new Set();
  let queued = false;
  let redrawEverything = false;
  const flushDraw = () => {
    queued = false;
    if (disposed) return;
    let traceChanged = false;
    batch(() => {
      for (const k of pending) {
        const value = read(k);
        // Echo guard: a value equal to what this view already drew (our own edit coming back,
        // or an unchanged trait in a multi-trait message) redraws nothing.
        if (k === "trace" ? value === traits.trace.peek() : sameValue(value, traits[k].peek())) continue;
        traits[k].value = value;
        if (k === "trace") traceChanged = true;
      }
      pending.clear();
      if (redrawEverything) epoch.value++;
      redrawEverything = false;
    });
    if (traceChanged) root.setAttribute("data-trace-rev", String(++traceRev));
    if (hoverRef || lit) highlight();
    if (channel.status === "dead") lockControls(); // cells and buttons drawn anew
  };
  const schedule = () => {
    if (!queued) {
      queued = true;
      queueMicrotask(flushDraw);
    }
  };
  function changed(name) {
    if (!(name in traits)) return;
    pending.add(name);
    schedule();
  }
  function redrawAll() {
    redrawEverything = true;
    schedule();
  }
  for (const name of TRAITS) {
    const cb = () => changed(name);
    model.on(`change:${name}`, cb);
    listeners.push([`change:${name}`, cb]);
  }
  /** The parts of the view, in drawing order; each re-runs when what it read changes. */
  const stops = Object.entries(draw).map(([, part]) => effect(() => {
    epoch.value;
    part();
  }));
  channel.start();

  return () => {
    disposed = true;
    stops.forEach((stop) => stop());
    channel.dispose(); // a drag in progress still lands; timers stop
    for (const [event, cb] of listeners) model.off(event, cb);
    listeners.length = 0;
    paramEditors.destroy();
    seqEditors.destroy();
    diagramView?.destroy();
    gradBar.destroy();
    training.destroy();
    gateFormSelect.removeEventListener("change", onGateForm);
    root.remove();
  };
}

export default {
  render({ model, el }) {
    return mount(model, el);
  },
};
