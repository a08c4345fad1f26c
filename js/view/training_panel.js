// Training in place: learning rate, momentum and steps (train_options), the Step / Train N / Stop
// / Reset requests (custom messages), a progress readout (training) and the loss curve
// (loss_curve).
import { h, setChildren } from "./dom.js";
import { formatNumber, formatForEditing } from "../data/format.js";
import { parseNumber } from "../data/parse.js";
import { lossChart, chartFigure } from "./charts.js";

/** train_options after typing `text` into field `key`; {error} when it is not acceptable. Pure. */
export function editTrainOption(options, key, text) {
  const p = parseNumber(text);
  if (!p.ok) return { error: p.message };
  const v = p.value;
  if (key === "lr" && !(v > 0)) return { error: "The learning rate must be a positive number" };
  if (key === "momentum" && !(v >= 0 && v < 1)) return { error: "Momentum must be at least 0 and below 1" };
  if (key === "steps" && !(Number.isInteger(v) && v >= 1)) return { error: "Steps must be a whole number of at least 1" };
  return { options: { ...options, [key]: v } };
}

/**
 * @param {{send: (msg: object) => void, onOptions: (o: object) => void, getOptions: () => object}} handlers
 */
export function createTraining({ send, onOptions, getOptions }) {
  const fields = {};
  const wiring = [];
  const on = (el, ev, f) => {
    el.addEventListener(ev, f);
    wiring.push([el, ev, f]);
  };
  const msg = h("div", { class: "rnnw-msg", role: "status", "aria-live": "polite" });
  const field = (key, label) => {
    const input = h("input", {
      class: "rnnw-input",
      type: "text",
      inputmode: "decimal",
      autocomplete: "off",
      "aria-label": label,
      "data-control": key,
    });
    const commit = () => {
      const r = editTrainOption(getOptions() || {}, key, input.value);
      input.toggleAttribute("aria-invalid", Boolean(r.error));
      msg.textContent = r.error || "";
      if (!r.error) onOptions(r.options);
    };
    on(input, "change", commit);
    on(input, "keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commit();
      }
    });
    fields[key] = input;
    return h("label", { class: "rnnw-field rnnw-field-inline" }, [h("span", { class: "rnnw-flabel" }, [label]), input]);
  };
  const btn = (action, text, primary = false) =>
    h("button", { type: "button", class: ["rnnw-btn", primary && "rnnw-btn-primary"], "data-action": action }, [text]);
  const stepBtn = btn("train-step", "Step");
  const trainBtn = btn("train", "Train", true);
  const stopBtn = btn("train-stop", "Stop");
  const resetBtn = btn("train-reset", "Reset");
  on(stepBtn, "click", () => send({ type: "step" }));
  on(trainBtn, "click", () => send({ type: "train", steps: getOptions()?.steps ?? 100 }));
  on(stopBtn, "click", () => send({ type: "stop" }));
  on(resetBtn, "click", () => send({ type: "reset" }));

  const progress = h("div", { class: "rnnw-progress", "aria-live": "polite" });
  const fill = h("div", { class: "rnnw-progress-fill" });
  const bar = h("div", { class: "rnnw-progress-bar" }, [fill]);
  const chartBox = h("div", { class: "rnnw-chart-box" });
  const el = h("section", { class: "rnnw-section rnnw-training", "aria-label": "Training" }, [
    h("div", { class: "rnnw-section-title" }, ["Training (SGD)"]),
    h("div", { class: "rnnw-train-row" }, [field("lr", "Learning rate"), field("momentum", "Momentum"), field("steps", "Steps")]),
    h("div", { class: "rnnw-btnrow" }, [stepBtn, trainBtn, stopBtn, resetBtn]),
    msg,
    bar,
    progress,
    chartBox,
  ]);

  /** @param {{options: object, training: object, curve: {step: number[], loss: number[]}, canTrain: boolean, now?: number | null}} s */
  function update({ options = {}, training = {}, curve = { step: [], loss: [] }, canTrain, now = null }) {
    const history = curve.loss;
    const running = Boolean(training.running);
    for (const key of ["lr", "momentum", "steps"]) {
      if (document.activeElement !== fields[key] && options[key] !== undefined) fields[key].value = formatForEditing(options[key]);
      fields[key].disabled = running;
    }
    trainBtn.textContent = `Train ${options.steps ?? ""}`.trim();
    stepBtn.disabled = running || !canTrain;
    trainBtn.disabled = running || !canTrain;
    resetBtn.disabled = running || !history.length;
    stopBtn.disabled = !running;
    el.classList.toggle("is-running", running);
    const total = training.total || 0;
    const step = training.step || 0;
    bar.hidden = !running && !total;
    fill.style.setProperty("width", `${total ? Math.min(100, (100 * step) / total) : 0}%`);
    // the loss at the weights shown (history holds the loss before each step: its last point is
    // one step behind)
    const last = now ?? (history.length ? history[history.length - 1] : null);
    const parts = [];
    if (!canTrain) parts.push("Set targets to train.");
    if (total) parts.push(`step ${step} / ${total}${running ? " \u00b7 running" : ""}`);
    if (last !== null) parts.push(`loss ${formatNumber(last)}`);
    if (training.message) parts.push(String(training.message));
    progress.textContent = parts.join(" \u00b7 ");
    setChildren(chartBox, history.length ? chartFigure("Loss curve", lossChart(curve)) : null);
  }

  function destroy() {
    wiring.forEach(([el2, ev, f]) => el2.removeEventListener(ev, f));
    wiring.length = 0;
  }
  return { el, update, destroy };
}
