import { describe, it, expect, vi, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { readsInput, emitsOutput, scoredSteps } from "../data/modes.js";
import { probsStep, classProbs } from "../data/probs.js";
import { stepFormula, tokensText } from "../data/step_formula.js";
import { buildSlides, slideCaption } from "../data/slides.js";
import { formatNumber } from "../data/format.js";
import { decoderStepOptions } from "../view/controls.js";

// Python's states (scripts/make_fixtures.py): encoder-decoder (3 steps read, 2 emitted), an LSTM
// in one-to-many, and seed 001's classifier preset.
const tick = () => new Promise((r) => setTimeout(r, 0));
const mounted = [];
function setup(state) {
  const model = new FakeModel(state, {});
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  vi.spyOn(model, "set");
  return { model, el };
}
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});
const text = (toks) => tokensText(toks, (v) => formatNumber(v));

describe("which steps read an input and which emit (pure)", () => {
  it("follows each mode, as core's Spec.step_roles", () => {
    expect(readsInput({ mode: "many-to-many" }, 3)).toEqual([true, true, true]);
    expect(readsInput({ mode: "one-to-many" }, 3)).toEqual([true, false, false]);
    expect(readsInput({ mode: "encoder-decoder", decoder_steps: 2 }, 5)).toEqual([true, true, true, false, false]);
    expect(emitsOutput({ mode: "encoder-decoder", decoder_steps: 2 }, 5)).toEqual([false, false, false, true, true]);
    expect(emitsOutput({ mode: "many-to-one" }, 3)).toEqual([true, true, true]);
    expect(scoredSteps({ mode: "many-to-one" }, 3)).toEqual([false, false, true]);
    expect(scoredSteps({ mode: "encoder-decoder", decoder_steps: 1 }, 3)).toEqual([false, false, true]);
  });

  it("the class probabilities are Python's, and the step whose class probabilities are shown", () => {
    const p = classProbs(fixtureState("lecture_classifier").trace, 1);
    expect(p.map((v) => Number(v.toFixed(4)))).toEqual([0.6786, 0.0955, 0.2259]);
    expect(classProbs({ p: [[1, null]] }, 0)).toBeNull();
    const trace = { T: 3, y: [[0], [0], [0]], scored: [false, false, true] };
    expect(probsStep(trace, { loss: "cross_entropy" }, 0)).toBe(2);
    expect(probsStep({ ...trace, scored: [true, true, true] }, { loss: "cross_entropy" }, 1)).toBe(1);
    expect(probsStep(trace, { loss: "squared" }, 2)).toBeNull();
    expect(classProbs({ y: [[1, 2]] }, 0)).toBeNull(); // no p sent: nothing of its own
  });
});

describe("encoder-decoder in the page", () => {
  it("encoder steps have inputs and no outputs, decoder steps outputs and no inputs", async () => {
    const st = fixtureState("encoder_decoder");
    expect(st.trace.mode).toBe("encoder-decoder");
    const { el } = setup(st);
    await tick();
    const ys = [...el.querySelectorAll(".rnnw-diagram .rnnw-node-y")];
    expect(ys.map((n) => n.classList.contains("is-absent"))).toEqual([true, true, true, false, false]);
    const xs = [...el.querySelectorAll(".rnnw-diagram .rnnw-node-x")];
    expect(xs.map((n) => n.classList.contains("is-noinput"))).toEqual([false, false, false, true, true]);
    expect(xs[3].getAttribute("aria-label")).toBe("x4: no input at this step");
    expect(xs[3].querySelector(".rnnw-vtext")).toBeNull(); // no old number printed
    const notes = [...el.querySelectorAll(".rnnw-noinput")].map((n) => n.getAttribute("display") !== "none");
    expect(notes).toEqual([false, false, false, true, true]);
    const arrows = (sel) => [...el.querySelectorAll(sel)].map((n) => n.getAttribute("display") !== "none");
    expect(arrows(".rnnw-edge-input")).toEqual([true, true, true, false, false]);
    expect(arrows(".rnnw-edge-output")).toEqual([false, false, false, true, true]);
    // the input editor: the decoder rows are empty and disabled
    const cells = [...el.querySelectorAll(".rnnw-cell[data-name='inputs']")];
    expect(cells.map((c) => c.disabled)).toEqual([false, false, false, true, true]);
    expect(cells[4].value).toBe("");
    const targets = [...el.querySelectorAll(".rnnw-cell[data-name='targets']")];
    expect(targets.map((c) => c.disabled)).toEqual([true, true, true, false, false]);
    expect(targets[0].getAttribute("aria-label")).toMatch(/not scored at this step$/);
    // the Mode control offers it
    const mode = el.querySelector("select[data-control='mode']");
    expect(mode.value).toBe("encoder-decoder");
  });

  it("the Emitted steps control: shown in encoder-decoder mode only, 1 to T - 1, sends a new spec", async () => {
    const st = fixtureState("encoder_decoder"); // T = 5, decoder_steps = 2
    const { model, el } = setup(st);
    await tick();
    const menu = el.querySelector("select[data-control='decoder-steps']");
    expect(menu.closest("label").hidden).toBe(false);
    expect(menu.closest("label").textContent).toContain("Emitted steps");
    expect([...menu.options].map((o) => o.value)).toEqual(["1", "2", "3", "4"]);
    expect(menu.value).toBe("2");
    menu.value = "3";
    menu.dispatchEvent(new Event("change"));
    await tick();
    expect(model.set).toHaveBeenCalledWith("spec", { ...st.spec, decoder_steps: 3 });
    // in another mode the control is not shown
    const other = setup(fixtureState("tom_yeh")).el;
    await tick();
    expect(other.querySelector("select[data-control='decoder-steps']").closest("label").hidden).toBe(true);
  });

  it("decoderStepOptions: 1 to T - 1, the current value kept when T shrank (pure)", () => {
    expect(decoderStepOptions(5, 2).map(([v]) => v)).toEqual(["1", "2", "3", "4"]);
    expect(decoderStepOptions(2, 1).map(([v]) => v)).toEqual(["1"]);
    expect(decoderStepOptions(1, 1).map(([v]) => v)).toEqual(["1"]);
    expect(decoderStepOptions(3, 4).map(([v]) => v)).toEqual(["1", "2", "3", "4"]);
  });

  it("the formula of a decoder step leaves the input term out and says so", () => {
    const st = fixtureState("encoder_decoder");
    const f = stepFormula(st.trace, { t: 3, params: st.params, spec: st.spec });
    const note = f.blocks.find((b) => b.key === "noinput");
    expect(text(note.rows[0])).toBe("no input at this step: the input term is left out");
    const h = f.blocks.find((b) => b.key === "h:0");
    expect(text(h.rows[0])).toBe("tanh(h3 W_hh + b_h)");
    const enc = stepFormula(st.trace, { t: 1, params: st.params, spec: st.spec });
    expect(text(enc.blocks.find((b) => b.key === "h:0").rows[0])).toBe("tanh(x2 W_xh + h1 W_hh + b_h)");
    expect(enc.blocks.find((b) => b.key === "y")).toBeUndefined(); // an encoder step emits nothing
    const slides = buildSlides(st.trace, "encoder-decoder");
    expect(slides.filter((s) => s.kind === "y").map((s) => s.t)).toEqual([3, 4]);
    const n = slides.findIndex((s) => s.kind === "h" && s.t === 3);
    expect(slideCaption(slides, n, st.trace)).toMatch(/^\[\d+\] No input at this step: h3 alone is multiplied by W_hh, then tanh/);
  });
});

describe("the compact (canvas) diagram", () => {
  it("marks the decoder steps' inputs and the encoder steps' outputs, and hides their token labels", async () => {
    const { el } = setup(fixtureState("encoder_decoder_long"));
    await tick();
    expect(el.querySelector(".rnnw-cdiagram")).not.toBeNull();
    const xs = [...el.querySelectorAll(".rnnw-cdiagram .rnnw-node-x")];
    expect(xs.filter((n) => n.classList.contains("is-noinput")).map((n) => n.getAttribute("data-ref"))).toEqual([
      "x:15",
      "x:16",
      "x:17",
      "x:18",
      "x:19",
    ]);
    expect(el.querySelectorAll(".rnnw-cdiagram .rnnw-node-y.is-absent").length).toBe(15);
    const hidden = [...el.querySelectorAll(".rnnw-cdiagram .rnnw-label")].filter((n) => n.getAttribute("display") === "none");
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every((n) => Number(n.getAttribute("data-step")) >= 15)).toBe(true);
  });
});

describe("one-to-many shows the steps after the first as taking no input", () => {
  it("diagram, editor and formula (LSTM gates without the x term)", async () => {
    const st = fixtureState("one_to_many");
    const { el } = setup(st);
    await tick();
    const xs = [...el.querySelectorAll(".rnnw-diagram .rnnw-node-x")];
    expect(xs.map((n) => n.classList.contains("is-noinput"))).toEqual([false, true, true, true, true]);
    const ys = [...el.querySelectorAll(".rnnw-diagram .rnnw-node-y.is-absent")];
    expect(ys.length).toBe(0);
    const cells = [...el.querySelectorAll(".rnnw-cell[data-name='inputs']")];
    expect(cells.filter((c) => c.disabled).length).toBe(8); // 4 steps x 2 inputs
    const f = stepFormula(st.trace, { t: 2, params: st.params, spec: st.spec, gateForm: "both" });
    const i = f.blocks.find((b) => b.key === "i:0");
    expect(text(i.rows[0])).toBe("\u03c3(h2 W_hi + b_i)");
    expect(f.blocks.some((b) => b.key === "concat:0")).toBe(false);
  });
});

describe("a classifier shows its class probabilities", () => {
  it("a bar per class with the number, at the scored step", async () => {
    const st = fixtureState("lecture_classifier");
    const { el } = setup(st);
    await tick();
    const box = el.querySelector(".rnnw-probs");
    expect(box.hidden).toBe(false);
    expect(box.querySelector(".rnnw-probs-formula").textContent).toBe("p = softmax(y2) at t = 2");
    const values = [...box.querySelectorAll(".rnnw-prob-value")].map((n) => n.textContent);
    expect(values).toEqual(["0.6786", "0.0955", "0.2259"]); // tests/test_classifier_preset.py checks these against torch
    expect(box.querySelector(".rnnw-prob.is-target").getAttribute("data-class")).toBe("0");
    const bar = box.querySelector(".rnnw-prob-bar");
    expect(bar.style.width).toBe("67.9%");
  });

  it("shows nothing for a network that is not a classifier", async () => {
    const { el } = setup(fixtureState("tom_yeh"));
    await tick();
    expect(el.querySelector(".rnnw-probs").hidden).toBe(true);
  });

  it("x is printed once: no input numbers repeated as labels under the diagram", async () => {
    const { el } = setup(fixtureState("tom_yeh"));
    await tick();
    expect(el.querySelectorAll(".rnnw-diagram .rnnw-label").length).toBe(0);
    expect([...el.querySelectorAll(".rnnw-node-x .rnnw-vtext")].map((n) => n.textContent)).toEqual(["3", "4", "5", "6"]);
  });
});
