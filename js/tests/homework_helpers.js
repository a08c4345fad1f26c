// Shared by the homework tests (homework_pure, homework_slots, homework_nulls .test.js): an exercise
// in the page (issue 7, docs/protocol.md "Exercises").
//
// The state is Tom Yeh's fixture as Python wrote it (scripts/make_fixtures.py) made into
// `RNNWidget.exercise("tom_yeh", blanks=["h2", "y2", "h3"])` the way docs/protocol.md says Python
// does: the homework trait as Exercise sends it, the blanked values (and, with hide_downstream,
// what follows from them in one step) null in the trace. The fake kernel below answers "answer"
// messages as Exercise._on_answer_msg does: homework and trace first, then the ack.
import { vi, afterEach, expect } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { unpack } from "../data/packed.js";

export const tick = () => new Promise((r) => setTimeout(r, 0));
export const flush = async () => {
  await tick();
  await tick();
};

/** One slot of the homework trait, as Exercise's Slot.to_json writes it. */
export function slot(name, blank, path, index, step) {
  return {
    name,
    blank,
    kind: path[0] === "y" ? "y" : "h",
    path,
    index,
    layer: 0,
    step,
    status: "open",
    attempts_left: 3,
    answer: null,
    value: null,
    hint: "",
    message: "",
  };
}
export const H = ["layers", 0, "values", "h"];
/** What Exercise sends for blanks=["h2", "y2", "h3"] on tom_yeh (captured from Python). */
export function homework0() {
  return {
    blanks: [
      slot("h2[1]", "h2", H, [1, 0], 1),
      slot("h2[2]", "h2", H, [1, 1], 1),
      slot("y2", "y2", ["y"], [1, 0], 1),
      slot("h3[1]", "h3", H, [2, 0], 2),
      slot("h3[2]", "h3", H, [2, 1], 2),
    ],
    score: 0,
    max_score: 3,
    revealed: false,
    settings: { tolerance: { abs: 0.01, rel: 0.01 }, attempts: 3, hide_downstream: true, follow_through: true, variant: false },
  };
}

export const read = (obj, path, index) => [...path, ...index].reduce((v, k) => v[k], obj);
export const write = (obj, path, index, value) => {
  const keys = [...path, ...index];
  const last = keys.pop();
  keys.reduce((v, k) => v[k], obj)[last] = value;
};

/**
 * The trace as Exercise._page_trace sends it while slots are open: each open slot's step in its
 * layer (every value: a_t gives h_t away), with hide_downstream the next step and the readout
 * at that step; an open y_t: the readout at t. (Tom Yeh: one layer, no targets, no grads.)
 */
export function pageTrace(truth, hw) {
  const trace = structuredClone(truth);
  const V = trace.layers[0].values;
  const nullStep = (t) => {
    if (t >= trace.T) return;
    for (const k of Object.keys(V)) V[k][t] = V[k][t].map(() => null);
  };
  const nullReadout = (t) => {
    for (const k of ["y_pre", "y", "p"]) if (Array.isArray(trace[k])) trace[k][t] = trace[k][t].map(() => null);
  };
  for (const s of hw.blanks) {
    if (s.status === "right" || s.status === "revealed") continue;
    if (s.kind === "y") nullReadout(s.step);
    else {
      nullStep(s.step);
      nullStep(s.step + 1);
      nullReadout(s.step);
    }
  }
  // closed slots show their value (and what only they hid)
  for (const s of hw.blanks) if (s.status === "right") write(trace, s.path, s.index, read(truth, s.path, s.index));
  return trace;
}

/** A fake Exercise kernel: checks answers against Python's trace, publishes, then acks. */
export function exerciseKernel(
  model,
  truth,
  { hint = (name, v) => `${name}: ${v} is not right; recompute A H1 + B x2, then apply ReLU` } = {},
) {
  return (msg) => {
    const hw = structuredClone(model.get("homework"));
    const s = hw.blanks.find((b) => b.name === msg.blank);
    const ack = { type: "ack", id: msg.id, ok: true, blank: msg.blank };
    let error = "";
    if (!s) error = `'${msg.blank}' is not a blank of this exercise`;
    else if (typeof msg.value !== "number" || !Number.isFinite(msg.value)) error = `${msg.blank}: not a number`;
    else if (s.status === "right") error = `${s.name} is already right`;
    else if (s.attempts_left === 0) error = `${s.name}: no attempts left`;
    if (error) {
      if (s) s.message = error;
      model.publish("homework", hw);
      model.receive({ ...ack, ok: false, error });
      return;
    }
    const value = read(truth, s.path, s.index);
    const right = Math.abs(msg.value - value) <= Math.max(0.01, 0.01 * Math.abs(value));
    s.answer = msg.value;
    s.message = "";
    s.attempts_left -= 1;
    s.status = right ? "right" : "wrong";
    s.hint = right ? "" : hint(s.name, msg.value);
    s.value = right ? value : null;
    const groups = new Map();
    for (const b of hw.blanks) groups.set(b.blank, [...(groups.get(b.blank) ?? []), b]);
    hw.score = [...groups.values()].reduce((sum, list) => sum + list.filter((b) => b.status === "right").length / list.length, 0);
    model.publish("homework", hw);
    model.publish("trace", pageTrace(truth, hw));
    model.receive({ ...ack, status: s.status, hint: s.hint, attempts_left: s.attempts_left });
  };
}

export const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
  vi.restoreAllMocks();
  vi.useRealTimers();
});

export function setup({ hint, kernel = true, overrides = {}, attachLater = false } = {}) {
  const base = fixtureState("tom_yeh", { focus_step: 1 });
  const truth = unpack(base.trace);
  const hw = homework0();
  const model = new FakeModel({ ...base, homework: hw, trace: pageTrace(truth, hw), ...overrides });
  const answer = exerciseKernel(model, truth, { hint });
  const send = model.send.bind(model);
  model.send = (msg) => {
    if (msg?.type !== "answer") return send(msg);
    model.sent.push(msg);
    if (kernel) answer(msg);
  };
  const el = document.createElement("div");
  if (!attachLater) document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  // JupyterLab puts the view's element in the page after render() returns
  if (attachLater) document.body.appendChild(el);
  return { model, el, truth };
}

export const answers = (model) => model.sent.filter((m) => m.type === "answer");
export const slotIn = (el, name, where = "diagram") => el.querySelector(`input.rnnw-answer[data-blank="${name}"][data-where^="${where}"]`);
export const type = (input, text, key = "Enter") => {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  if (key) input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
};
// the numbers a diagram node prints (its <text> elements, not its tooltip)
export const nodeText = (el, ref) =>
  [...(el.querySelector(`.rnnw-diagram [data-ref="${ref}"]`)?.querySelectorAll("text") ?? [])].map((t) => t.textContent).join("");
export const progress = (el) => el.querySelector(".rnnw-hw-progress").textContent;
export const noBadText = (el) => {
  const text = el.querySelector(".rnnw").textContent;
  expect(text).not.toMatch(/NaN|null|undefined/);
};

/** Every computed number null: the exercise's first publication (docs/protocol.md). */
export function allNull(trace) {
  const nulls = (v) => (Array.isArray(v) ? v.map(nulls) : typeof v === "number" ? null : v);
  const out = structuredClone(trace);
  for (const ly of out.layers) for (const k of Object.keys(ly.values)) ly.values[k] = nulls(ly.values[k]);
  for (const k of ["y_pre", "y", "p", "loss", "loss_steps"]) out[k] = nulls(out[k]);
  if (out.grads) {
    for (const [k, v] of Object.entries(out.grads)) if (k !== "truncate") out.grads[k] = nulls(v);
  }
  return out;
}
