// The view tracks what it reads (issue 9): after any trait changes, a view that was already on
// the page shows exactly what a view mounted fresh on the same state shows. A part that read a
// trait but was not redrawn when it changed (the old hand-kept table forgot that the gradient
// chart reads display_names) makes the two differ.
import { describe, it, expect, afterEach } from "vitest";
import widget, { TRAITS } from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
});

// Seed 003 after 5 SGD steps and a refused edit of W_xh (Python's error and error_field), as
// Python publishes it (scripts/make_fixtures.py), with the gradients shown.
function base() {
  return fixtureState("next_number_refused", { show_grads: true });
}

// The mini-batch's traits show on a widget with a batch: seed 003's three sequences, following sample 2.
const batchBase = () => fixtureState("next_number_batch", { show_grads: true });
const BASES = { batch_inputs: batchBase, batch_sample: batchBase, batch_trace: batchBase };

// One change per trait, each to a value that shows differently somewhere.
const CHANGES = {
  spec: (s) => ({ ...s.spec, activation: "relu" }),
  params: (s) => ({ ...s.params, W_hh: s.params.W_hh.map((r, i) => (i ? r : [9, ...r.slice(1)])) }),
  param_order: (s) => [...s.param_order].reverse(),
  inputs: (s) => s.inputs.map((r, t) => (t === 1 ? [8] : r)),
  h0: () => [[0.5, 0, 0]],
  targets: (s) => s.targets.map((r, t) => (t === 4 ? [12] : r)),
  convention: () => "column",
  display_names: () => ({ h: "q", W_hh: "A" }),
  names_convention: () => "column",
  weights_form: () => "concatenated",
  labels: () => ["a", "b", "c", "d", "e"],
  title: () => "Another title",
  reveal: () => 3,
  focus_step: () => 2,
  error: () => "something else is wrong",
  error_field: () => "W_hh",
  limits: (s) => ({ ...s.limits, max_steps: 5 }),
  trace: (s) => ({ ...s.trace, loss: 123.5, y: s.trace.y.map((r) => r.map((v) => v + 1)) }),
  show_grads: () => false,
  projector: () => true,
  bptt: () => ({ clip_norm: 1, truncate: 2 }),
  bptt_step: () => 1,
  training: (s) => ({ ...s.training, running: true, step: 3, total: 10, message: "training" }),
  train_options: (s) => ({ ...s.train_options, lr: 0.5 }),
  loss_curve: () => ({ step: [1, 2, 3], loss: [3, 2, 1] }),
  // an exercise: answer slots, the homework panel, the model's numbers read-only
  homework: () => ({
    blanks: [
      { name: "h2[1]", blank: "h2", kind: "h", path: ["layers", 0, "values", "h"], index: [1, 0], layer: 0, step: 1, status: "open" },
      {
        name: "y3",
        blank: "y3",
        kind: "y",
        path: ["y"],
        index: [2, 0],
        layer: 0,
        step: 2,
        status: "wrong",
        attempts_left: 1,
        hint: "y3: 2 is not right",
      },
    ],
    score: 0,
    max_score: 2,
    revealed: false,
  }),
  batch_inputs: (s) => s.batch_inputs.map((seq, k) => (k === 1 ? seq.map((r, t) => (t === 4 ? [21] : r)) : seq)),
  batch_sample: () => 0,
  batch_trace: (s) => ({ ...s.batch_trace, h: s.batch_trace.h.map((layer) => layer.map((seq) => seq.map((r) => r.map((v) => v / 2)))) }),
};

// Text mode's traits (issue 10) show only on a widget with a vocabulary: their own base state.
const textBase = () => fixtureState("text_hello");
const TEXT_CHANGES = {
  vocab: (s) => ["H", ...s.vocab.slice(1)],
  sampled: (s) => ({ start: 1, tokens: ["h", ...s.trace.x.map(() => "e")], temperature: null, seed: null }),
};

const render = (model) => {
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  return el;
};
// The DOM as a person meets it: tags, attributes (sorted; class tokens sorted), text, and the
// values of inputs and menus (properties, not in innerHTML). Generated marker ids and the trace
// revision counter differ between two views by design.
function snapshot(node) {
  if (node.nodeType === 3) return node.textContent;
  if (node.nodeType !== 1) return "";
  const attrs = [...node.attributes]
    .filter((a) => a.name !== "data-trace-rev")
    .map((a) => `${a.name}="${a.name === "class" ? a.value.split(/\s+/).sort().join(" ") : a.value}"`)
    .sort();
  if ("value" in node && (node.tagName === "INPUT" || node.tagName === "SELECT"))
    attrs.push(`value=${node.value}`, `disabled=${node.disabled}`, `readonly=${node.readOnly}`);
  const inner = [...node.childNodes].map(snapshot).join("");
  return `<${node.tagName.toLowerCase()} ${attrs.join(" ")}>${inner}</>`.replace(/rnnw-arrow-\d+/g, "rnnw-arrow-N");
}
// where two snapshots first differ, with some context (a whole-page diff is unreadable)
function firstDifference(a, b) {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return { live: a.slice(Math.max(0, i - 150), i + 150), fresh: b.slice(Math.max(0, i - 150), i + 150) };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("every part that reads a trait is redrawn when it changes", () => {
  it("has a change for every synced trait the view reads", () => {
    expect([...Object.keys(CHANGES), ...Object.keys(TEXT_CHANGES)].sort()).toEqual([...TRAITS].sort());
  });

  for (const name of [...Object.keys(CHANGES), ...Object.keys(TEXT_CHANGES)]) {
    it(`${name}: a live view shows what a fresh view shows`, async () => {
      const text = name in TEXT_CHANGES;
      const state = text ? textBase() : (BASES[name] ?? base)();
      const model = new FakeModel(state);
      const live = render(model);
      await settle();
      const before = snapshot(live);
      model.publish(name, (text ? TEXT_CHANGES : CHANGES)[name](state));
      await settle();
      const fresh = render(model);
      await settle();
      expect(snapshot(live)).not.toBe(before); // the change shows somewhere
      expect(firstDifference(snapshot(live), snapshot(fresh))).toBe(null);
    });
  }
});

describe("a part re-runs only when something it read changed", () => {
  it("a weight edit does not redraw what reads only the display names (even when they mark a transpose)", async () => {
    const state = { ...base(), convention: "row", names_convention: "column", display_names: { W_hh: "A" } };
    const model = new FakeModel(state);
    const el = render(model);
    await settle();
    const errorBox = el.querySelector(".rnnw-error");
    expect(state.error_field).toBe("W_xh");
    expect(errorBox.textContent).toBe(`W_xh: ${state.error}`);
    const records = [];
    const observer = new MutationObserver((r) => records.push(...r));
    observer.observe(errorBox, { childList: true, characterData: true, subtree: true });
    model.publish("params", CHANGES.params(state));
    await settle();
    observer.disconnect();
    expect(records).toEqual([]);
    // and a name change does redraw it
    model.publish("display_names", { W_xh: "B" });
    await settle();
    expect(errorBox.textContent).toBe(`B\u1d40 (W_xh): ${state.error}`);
  });
});
