// Nulls anywhere in the trace and special blanks (issue 7, docs/protocol.md "Exercises"): gradient
// blanks, the compact diagram of a large network, gate blanks. Helpers: homework_helpers.js.
import { describe, it, expect } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { unpack } from "../data/packed.js";
import { flush, slot, H, mounted, progress, noBadText, allNull } from "./homework_helpers.js";

describe("nulls anywhere in the trace", () => {
  for (const name of ["rnn_targets", "lstm_grads", "gru_two_layers", "large_lstm"]) {
    it(`${name}: every computed number null, gradients shown, stepping back: empty cells, never NaN or null`, async () => {
      const base = fixtureState(name);
      const trace = allNull(unpack(base.trace));
      const model = new FakeModel({ ...base, trace, show_grads: true, focus_step: 1 });
      const el = document.createElement("div");
      document.body.appendChild(el);
      mounted.push(widget.render({ model, el }));
      await flush();
      noBadText(el);
      model.publish("bptt_step", 1);
      model.publish("reveal", 2);
      await flush();
      noBadText(el);
      // labels, tooltips and drawing attributes too (an SVG path with NaN draws nothing and logs)
      const labels = [...el.querySelectorAll("[aria-label], title")].map((n) => n.getAttribute("aria-label") ?? n.textContent);
      expect(labels.join(" ")).not.toMatch(/NaN|null|undefined/);
      const attrs = [...el.querySelectorAll("*")].flatMap((n) => [...n.attributes].map((a) => `${n.tagName} ${a.name}=${a.value}`));
      expect(attrs.filter((a) => /NaN|Infinity/.test(a))).toEqual([]);
    });
  }

  it("an open dL/dW entry is an input in the gradient matrix, at the entry as displayed (A = W_hh transposed)", async () => {
    const base = fixtureState("rnn_targets", { convention: "column" });
    const truth = unpack(base.trace);
    const trace = allNull(truth);
    // dW_hh[1,2] in the stored (row) form is displayed at row 2, column 1 in the column view
    const hw = { blanks: [{ ...slot("dW_hh[1,2]", "dW_hh[1,2]", ["grads", "params", "W_hh"], [0, 1], null), kind: "dW", layer: null }] };
    const model = new FakeModel({ ...base, trace, homework: { ...hw, score: 0, max_score: 1, revealed: false }, show_grads: true });
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    await flush();
    const grid = el.querySelector('.rnnw-pgroup:has([data-ref="p:W_hh"]) .rnnw-ggrid');
    const items = [...grid.children];
    const cols = Number(grid.style.getPropertyValue("--rnnw-cols"));
    const at = items.findIndex((n) => n.matches('input[data-blank="dW_hh[1,2]"]'));
    expect([Math.floor(at / cols), at % cols]).toEqual([1, 0]);
    noBadText(el);
  });

  it("an exercise with gradient blanks: dL/dh slots in the diagram and the backward panel, nothing else breaks", async () => {
    const base = fixtureState("rnn_targets");
    const truth = unpack(base.trace);
    const trace = allNull(truth);
    const hw = {
      blanks: [
        { ...slot("dh2[1]", "dh2", ["grads", "dh", 0], [1, 0], 1), kind: "dh" },
        { ...slot("loss", "loss", ["loss"], [], null), kind: "loss", layer: null },
      ],
      score: 0,
      max_score: 2,
      revealed: false,
    };
    const model = new FakeModel({ ...base, trace, homework: hw, show_grads: true, focus_step: 1 });
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    await flush();
    expect(el.querySelector('.rnnw-diagram input[data-blank="dh2[1]"]')).toBeTruthy();
    expect(el.querySelector('.rnnw-backward input[data-blank="dh2[1]"]')).toBeTruthy();
    // the loss: an input where the total would be; dL/dh also on the sheet (the gradient view may be closed)
    expect(el.querySelector('.rnnw-loss input[data-blank="loss"]')).toBeTruthy();
    expect(el.querySelector(".rnnw-homework input[data-blank='dh2[1]']")).toBeTruthy();
    // an exercise does not train: no training panel, though there are targets
    expect(el.querySelector(".rnnw-training").hidden).toBe(true);
    noBadText(el);
  });
});

describe("the compact diagram (a large network)", () => {
  it("an open blank is an input over its canvas cell", async () => {
    const base = fixtureState("large_rnn");
    const truth = unpack(base.trace);
    const trace = structuredClone(truth);
    trace.layers[0].values.h[1] = trace.layers[0].values.h[1].map(() => null);
    const hw = { blanks: [slot("h2[3]", "h2[3]", H, [1, 2], 1)], score: 0, max_score: 1, revealed: false };
    const model = new FakeModel({ ...base, trace, homework: hw });
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    await flush();
    expect(el.querySelector(".rnnw-cdiagram")).toBeTruthy();
    const input = el.querySelector('.rnnw-cdiagram [data-ref="h:0:1"] input.rnnw-answer[data-blank="h2[3]"]');
    expect(input).toBeTruthy();
    noBadText(el);
  });
});

describe("gate blanks", () => {
  it("an LSTM's open f2 is an input in the gate block, the formula and the sheet; a right one is shown", async () => {
    const base = fixtureState("lstm_by_hand", { focus_step: 1 });
    const truth = unpack(base.trace);
    const trace = structuredClone(truth);
    for (const k of Object.keys(trace.layers[0].values)) trace.layers[0].values[k][1] = trace.layers[0].values[k][1].map(() => null);
    const f2 = { ...slot("f2", "f2", ["layers", 0, "values", "f"], [1, 0], 1), kind: "f" };
    const hw = { blanks: [f2], score: 0, max_score: 1, revealed: false };
    const model = new FakeModel({ ...base, trace, homework: hw });
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    await flush();
    expect(el.querySelector('.rnnw-gates [data-gate="f"] input.rnnw-answer[data-blank="f2"]')).toBeTruthy();
    expect(el.querySelector('.rnnw-formula input.rnnw-answer[data-blank="f2"]')).toBeTruthy();
    expect(el.querySelector('.rnnw-homework input.rnnw-answer[data-blank="f2"]')).toBeTruthy();
    noBadText(el);
    model.publish("homework", { ...hw, blanks: [{ ...f2, status: "right", value: truth.layers[0].values.f[1][0] }], score: 1 });
    model.publish("trace", truth);
    await flush();
    expect(el.querySelectorAll('input[data-blank="f2"]')).toHaveLength(0);
    const text = el.querySelector('.rnnw-gates[data-step="1"] [data-gate="f"] .rnnw-gate-value.is-right');
    expect(text?.textContent).not.toBe("");
    expect(progress(el)).toBe("1 of 1 right \u00b7 score 1/1");
  });
});
