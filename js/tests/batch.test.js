import { describe, it, expect, vi, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { EDIT_FIELDS } from "../data/edits.js";
import { hasBatch, inputEdit, lossText, MAX_BATCH, resizeEdit, sampleName, shownColumns, stepRows } from "../data/batch.js";
import { fixtureState } from "./fixture.js";

// seed 003's three sequences as Python publishes them (scripts/make_fixtures.py), following sample 2
const state = (overrides = {}) => fixtureState("next_number_batch", overrides);
const tick = () => new Promise((r) => setTimeout(r, 0));
const mounted = [];
const models = [];

function setup(overrides = {}) {
  const model = new FakeModel(state(overrides));
  const el = document.createElement("div");
  document.body.appendChild(el);
  vi.spyOn(model, "set");
  mounted.push(widget.render({ model, el }));
  models.push(model);
  return { model, el };
}

afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  for (const model of models.splice(0)) {
    // the batch's inputs travel as entry edits too, never whole
    expect(model.set.mock.calls.filter(([k]) => EDIT_FIELDS.includes(k))).toEqual([]);
  }
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});

const rowValues = (el, k, what) =>
  [...el.querySelectorAll(`.rnnw-batch-tr[data-sample="${k}"] [data-what="${what}"] .rnnw-batch-val`)].map((s) =>
    Number(s.getAttribute("data-value")),
  );

describe("data/batch.js (pure)", () => {
  it("knows a batch when it sees one", () => {
    expect(hasBatch({})).toBe(false);
    expect(hasBatch(state().batch_trace)).toBe(true);
    expect(hasBatch({ n: 1, x: [[[1]]] })).toBe(false);
  });
  it("takes the rows of one step: X_t, H_t per layer, O_t and the targets", () => {
    const bt = state().batch_trace;
    const rows = stepRows(bt, 4);
    expect(rows.X).toEqual([[9], [10], [20]]);
    expect(rows.H).toHaveLength(1);
    expect(rows.H[0]).toHaveLength(3);
    expect(rows.H[0][2]).toEqual(bt.h[0][2][4]);
    expect(rows.O?.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(rows.targets).toEqual([[11], [12], [25]]);
    expect(stepRows(bt, 99).step).toBe(4); // clamped
  });
  it("shows the page's own inputs (with unacknowledged edits) over the trace's", () => {
    const bt = state().batch_trace;
    const rows = stepRows(bt, 0, { inputs: [[7], [3], [5], [7], [9]], batchInputs: [[[8]], [[0]]].map((s) => [...s, [0], [0], [0], [0]]) });
    expect(rows.X).toEqual([[7], [8], [0]]);
  });
  it("sends sample 1's entries as inputs and the others' as batch_inputs", () => {
    expect(inputEdit(0, 2, 0, 1.5)).toEqual({ field: "inputs", index: [2, 0], value: 1.5 });
    expect(inputEdit(2, 2, 0, 1.5)).toEqual({ field: "batch_inputs", index: [1, 2, 0], value: 1.5 });
  });
  it("resizes within 1..max", () => {
    expect(resizeEdit(4, MAX_BATCH)).toEqual({ field: "batch_inputs", samples: 3 });
    expect(resizeEdit(0, MAX_BATCH)).toBe(null);
    expect(resizeEdit(MAX_BATCH + 1, MAX_BATCH)).toBe(null);
  });
  it("writes the batch loss as the mean of the samples' losses", () => {
    const text = lossText({ n: 2, loss: 1.5, sample_losses: [1, 2] }, String);
    expect(text).toBe("L = (1/2) (1 + 2) = 1.5");
    expect(lossText({ n: 2, loss: null, sample_losses: null }, String)).toBe(null);
    expect(sampleName(0)).toBe("sample 1");
    expect(shownColumns(Array(10).fill(1))).toEqual({ values: Array(8).fill(1), cut: true });
  });
});

describe("the batch part", () => {
  it("shows X_t, H_t, O_t with one row per sample and the followed sample pressed", () => {
    const { el } = setup();
    const bt = state().batch_trace;
    const rows = el.querySelectorAll(".rnnw-batch-tr[data-sample]");
    expect(rows).toHaveLength(3);
    for (let k = 0; k < 3; k++) expect(rowValues(el, k, "h0")).toEqual(bt.h[0][k][4]);
    expect(rowValues(el, 2, "y")).toEqual(bt.y[2][4]);
    const picks = [...el.querySelectorAll("button.rnnw-batch-pick")];
    expect(picks.map((b) => b.getAttribute("aria-pressed"))).toEqual(["false", "true", "false"]);
    expect(el.querySelector(".rnnw-batch-caption").textContent).toContain("the diagram follows sample 2");
    expect(el.querySelector(".rnnw-batch-loss").textContent).toContain(`L = (1/3)`);
    const x = [...el.querySelectorAll("input.rnnw-batch-cell")].map((i) => i.value);
    expect(x).toEqual(["9", "10", "20"]);
  });
  it("picks a sample (the sample trait) and the diagram then follows it", async () => {
    const { model, el } = setup();
    el.querySelector('button.rnnw-batch-pick[data-sample="2"]').click();
    expect(model.set).toHaveBeenCalledWith("batch_sample", 2);
    await tick();
    expect(el.querySelector('button.rnnw-batch-pick[data-sample="2"]').getAttribute("aria-pressed")).toBe("true");
  });
  it("edits one entry of a sample's inputs at the focused step, as an entry edit", async () => {
    const { model, el } = setup();
    const input = el.querySelector('input.rnnw-batch-cell[data-sample="2"]');
    input.focus();
    input.value = "21";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await tick();
    const edits = model.edits().flatMap((m) => m.edits);
    expect(edits).toContainEqual({ field: "batch_inputs", index: [1, 4, 0], value: 21 });
  });
  it("refuses a letter in the page: nothing is sent, the cell says why", async () => {
    const { model, el } = setup();
    const input = el.querySelector('input.rnnw-batch-cell[data-sample="0"]');
    input.focus();
    input.value = "abc";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await tick();
    expect(model.edits()).toEqual([]);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(el.querySelector(".rnnw-batch .rnnw-msg").textContent).not.toBe("");
  });
  it("adds and removes samples with resize edits, and offers one sample without a batch", () => {
    const { model, el } = setup();
    el.querySelector('button[data-action="add-sample"]').click();
    el.querySelector('button[data-action="remove-sample"]').click();
    const edits = model.edits().flatMap((m) => m.edits);
    expect(edits[0]).toEqual({ field: "batch_inputs", samples: 3 });
    const single = setup({ batch_trace: {}, batch_inputs: [], batch_targets: null, sample: 0 }).el;
    expect(single.querySelector(".rnnw-batch-caption").textContent).toBe("one sequence");
    expect(single.querySelectorAll(".rnnw-batch-tr")).toHaveLength(0);
    expect(single.querySelector('button[data-action="remove-sample"]').hidden).toBe(true);
  });
  it("shows at most MAX_COLUMNS inputs per sample, then an ellipsis", () => {
    const wide = state();
    const d = 11;
    const bt = { ...wide.batch_trace, x: wide.batch_trace.x.map((seq) => seq.map((r) => Array(d).fill(r[0]))) };
    const { el } = setup({ batch_trace: bt, inputs: bt.x[0], batch_inputs: bt.x.slice(1) });
    const row = el.querySelector('.rnnw-batch-tr[data-sample="0"] .rnnw-batch-x');
    expect(row.querySelectorAll("input")).toHaveLength(8);
    expect(row.textContent).toContain("\u2026");
  });
  it("shows Python's refusal of a batch edit", async () => {
    const { model, el } = setup();
    model.set("error", "batch_inputs: index [5, 0, 0] is outside");
    model.set("error_field", "batch_inputs");
    model.trigger?.("change:error");
    await tick();
    expect(el.querySelector(".rnnw-batch .rnnw-msg").textContent).toContain("outside");
  });
});
