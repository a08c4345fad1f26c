import { describe, it, expect, vi, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { formatNumber } from "../data/format.js";
import { fixture, fixtureState } from "./fixture.js";

// Python's states (scripts/make_fixtures.py): an LSTM with targets and round weights, and seed 003
// after 5 SGD steps with the page's training options (lr 0.02, momentum 0.5, 200 steps).
const lstmGrads = () => fixtureState("lstm_grads");
const nextNumber = () => fixtureState("next_number_trained");

const tick = () => new Promise((r) => setTimeout(r, 0));
const mounted = [];

/** @param {ConstructorParameters<typeof FakeModel>[1]} [options] */
function setup(state, options = {}) {
  const model = new FakeModel(state, options);
  const el = document.createElement("div");
  document.body.appendChild(el);
  const cleanup = widget.render({ model, el });
  mounted.push(cleanup);
  vi.spyOn(model, "set");
  return { model, el, cleanup };
}

afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});

describe("LSTM gates and cell state", () => {
  it("every gate of every step is drawn as a number with a bar", () => {
    const st = lstmGrads();
    const { el } = setup({ ...st, show_grads: false });
    const blocks = el.querySelectorAll(".rnnw-diagram .rnnw-gates");
    expect(blocks.length).toBe(3);
    const f2 = el.querySelector(".rnnw-gates[data-ref='g:0:1'] [data-gate='f']");
    const values = [...f2.querySelectorAll(".rnnw-gate-value")].map((n) => n.textContent);
    expect(values).toEqual(st.trace.layers[0].values.f[1].map((v) => formatNumber(v, { digits: 2 })));
    const fill = f2.querySelector(".rnnw-bar-fill");
    const track = f2.querySelector(".rnnw-bar-track");
    expect(Number(fill.getAttribute("width")) / Number(track.getAttribute("width"))).toBeCloseTo(st.trace.layers[0].values.f[1][0], 5);
    expect(f2.getAttribute("aria-label")).toMatch(/^f2 \(forget gate\) = \[0\.7569, 0\.7499\]$/);
    // the candidate and the cell state on its belt, c0 at the left
    expect(el.querySelector(".rnnw-gates[data-ref='g:0:0'] [data-gate='c'] .rnnw-gate-label").textContent).toBe("c\u0303");
    expect(el.querySelector(".rnnw-belt")).not.toBeNull();
    expect(el.querySelector(".rnnw-cnode[data-ref='c:0:-1']").getAttribute("aria-label")).toBe("c0 = [0, 0]");
    expect(el.querySelector(".rnnw-cnode[data-ref='c:0:1']").getAttribute("aria-label")).toBe("c2 = [0.4611, \u22120.2895]");
    // the h nodes keep their labels for the browser tests
    expect(el.querySelector("g.rnnw-node[data-ref='h:0:1']").getAttribute("aria-label")).toMatch(/^h2 = \[/);
  });

  it("the formula panel has both gate forms and a switch between them", () => {
    const { el } = setup({ ...lstmGrads(), show_grads: false });
    expect(el.querySelector(".rnnw-fblock[data-block='concat:0']").textContent.replace(/\s+/g, "")).toContain("Wg=[WhgT|WxgT]");
    expect(el.querySelector(".rnnw-fblock[data-block='f:0']").textContent.replace(/\s+/g, "")).toContain("\u03c3(Wf[h1,x2]+bf)");
    expect(el.querySelector(".rnnw-fmat")).not.toBeNull();
    const select = el.querySelector("select[data-control='gate-form']");
    select.value = "separate";
    select.dispatchEvent(new Event("change"));
    expect(el.querySelector(".rnnw-fmat")).toBeNull();
    expect(el.querySelector(".rnnw-fblock[data-block='concat:0']")).toBeNull();
    expect(el.querySelector(".rnnw-fblock[data-block='f:0']").textContent.replace(/\s+/g, "")).toContain("\u03c3(x2Wxf+h1Whf+bf)");
  });

  it("hides gates of steps not revealed yet", () => {
    const { el } = setup({ ...lstmGrads(), show_grads: false, reveal: 1 });
    expect(el.querySelector(".rnnw-gates[data-ref='g:0:0']").classList.contains("is-hidden")).toBe(false);
    expect(el.querySelector(".rnnw-gates[data-ref='g:0:1']").classList.contains("is-hidden")).toBe(true);
    expect(el.querySelector(".rnnw-gates[data-ref='g:0:1'] .rnnw-gate-value").textContent).toBe("");
  });
});

describe("the gradient view", () => {
  it("is off until Gradients is pressed; then shows dL/dW from the trace", async () => {
    const st = lstmGrads();
    const { el, model } = setup({ ...st, show_grads: false });
    expect(el.querySelector(".rnnw-gcell")).toBeNull();
    expect(el.querySelector(".rnnw-dhnode")).toBeNull();
    const toggle = el.querySelector("[data-action='grads']");
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    toggle.click();
    expect(model.set).toHaveBeenCalledWith("show_grads", true);
    await tick();
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    const cell = el.querySelector(".rnnw-gcell[aria-label^='dL/dW_hf row 2 column 1 ']");
    expect(cell.textContent).toBe(formatNumber(st.trace.grads.params.W_hf[1][0], { digits: 3 }));
    // per-step part for the focused step
    const step = el.querySelector(".rnnw-gcell[aria-label^='dL/dW_hf from step 2 row 1 column 1']");
    expect(step.textContent).toBe(formatNumber(st.trace.grads.per_step.W_hf[1][0][0], { digits: 3 }));
    // dL/dh along the diagram, the backward formula, the norm, the Jacobian chart
    expect(el.querySelectorAll(".rnnw-dhnode").length).toBe(3);
    expect(el.querySelectorAll(".rnnw-bwd").length).toBe(2);
    expect(el.querySelector(".rnnw-backward").textContent).toContain("Backward, step 2");
    expect(el.querySelector(".rnnw-gnorm").textContent).toBe(`\u2016\u2207\u2016 = ${formatNumber(st.trace.grads.norm)}`);
    expect(el.querySelectorAll(".rnnw-jacobian .rnnw-dot").length).toBe(4);
  });

  it("bptt_step hides dL/dh of the early steps and shows the chain rule of the focused one", async () => {
    const st = lstmGrads();
    const { el, model } = setup({ ...st, bptt_step: -1 });
    el.querySelector("[data-action='bptt-next']").click();
    expect(model.set).toHaveBeenLastCalledWith("bptt_step", 0);
    await tick();
    el.querySelector("[data-action='bptt-next']").click();
    expect(model.get("bptt_step")).toBe(1);
    await tick();
    const dh = (t) => el.querySelector(`.rnnw-dhnode[data-ref='dh:0:${t}']`);
    expect(dh(0).classList.contains("is-hidden")).toBe(true);
    expect(dh(0).querySelector(".rnnw-vtext")).toBeNull();
    expect(dh(1).classList.contains("is-focus")).toBe(true);
    expect(dh(1).getAttribute("aria-label")).toBe(`\u2202L/\u2202h2 = [${st.trace.grads.dh[0][1].map((v) => formatNumber(v)).join(", ")}]`);
    expect(el.querySelectorAll(".rnnw-bwd").length).toBe(1); // only 3 -> 2 is known yet
    expect(el.querySelector(".rnnw-backward .rnnw-panel-title").textContent).toBe("Backward, step 2");
    expect(el.querySelector(".rnnw-gradbar .rnnw-counter").textContent).toContain("t \u2265 2");
    el.querySelector("[data-action='bptt-all']").click();
    expect(model.get("bptt_step")).toBe(-1);
  });

  it("clip and truncate set bptt (and the clip Train uses); the readout says when it clipped", async () => {
    const st = lstmGrads();
    const { el, model } = setup(st);
    const clip = el.querySelector("input[data-control='clip_norm']");
    clip.value = "0.1";
    clip.dispatchEvent(new Event("change"));
    expect(model.get("bptt")).toEqual({ clip_norm: 0.1, truncate: null });
    expect(model.get("train_options").clip_norm).toBe(0.1);
    const trunc = el.querySelector("select[data-control='truncate']");
    expect([...trunc.options].map((o) => o.value)).toEqual(["off", "1", "2", "3"]);
    trunc.value = "2";
    trunc.dispatchEvent(new Event("change"));
    expect(model.get("bptt")).toEqual({ clip_norm: 0.1, truncate: 2 });
    clip.value = "abc";
    clip.dispatchEvent(new Event("change"));
    expect(clip.hasAttribute("aria-invalid")).toBe(true);
    expect(model.get("bptt").clip_norm).toBe(0.1);
    model.set("trace", { ...st.trace, grads: { ...st.trace.grads, scale: 0.36, truncate: 2 } });
    await tick();
    expect(el.querySelector(".rnnw-clipped").textContent).toBe("clipped \u00d70.36");
    expect(el.querySelectorAll(".rnnw-bwd.is-cut").length).toBe(1);
    expect(el.querySelector(".rnnw-cut-mark")).not.toBeNull();
  });

  it("shows the trace Python sends for the new options: a truncation really cuts", async () => {
    const truncated = fixtureState("lstm_grads_truncate1");
    const { el, model } = setup(lstmGrads(), { python: [truncated] });
    expect(el.querySelectorAll(".rnnw-bwd.is-cut").length).toBe(0);
    const trunc = el.querySelector("select[data-control='truncate']");
    trunc.value = "1";
    trunc.dispatchEvent(new Event("change"));
    await tick();
    await tick();
    expect(model.get("trace")).toEqual(truncated.trace); // Python's, for bptt = {truncate: 1}
    expect(el.querySelectorAll(".rnnw-bwd.is-cut").length).toBe(2);
  });
});

describe("scored steps and training", () => {
  it("many-to-one marks the scored output and its target", () => {
    const { el } = setup(nextNumber());
    expect(el.querySelectorAll(".rnnw-node-y.is-scored").length).toBe(1);
    expect(el.querySelector(".rnnw-node-y.is-scored").getAttribute("data-ref")).toBe("y:4");
    expect(el.querySelectorAll(".rnnw-node-y.is-unscored").length).toBe(4);
    expect(el.querySelector(".rnnw-target").getAttribute("aria-label")).toBe("target 5 = [11]");
    expect(el.querySelector(".rnnw-loss").hidden).toBe(false);
  });

  it("Train sends {type: train, steps: N}; Step, Stop and Reset send theirs", () => {
    const { el, model } = setup(nextNumber());
    const train = el.querySelector("[data-action='train']");
    expect(train.textContent).toBe("Train 200");
    train.click();
    el.querySelector("[data-action='train-step']").click();
    el.querySelector("[data-action='train-reset']").click();
    expect(model.sent.filter((m) => m.type !== "ping")).toEqual([{ type: "train", steps: 200 }, { type: "step" }, { type: "reset" }]);
    expect(el.querySelector("[data-action='train-stop']").disabled).toBe(true);
  });

  it("while running only Stop is enabled; progress and the loss curve follow the traits", async () => {
    const { el, model } = setup(nextNumber());
    model.set("training", { running: true, step: 40, total: 200, lr: 0.02, momentum: 0.5, message: "" });
    model.set("loss_curve", { step: [1, 2, 3, 4, 5, 6], loss: [44, 30, 12, 3, 0.5, 0.02] });
    await tick();
    expect(el.querySelector("[data-action='train']").disabled).toBe(true);
    expect(el.querySelector("[data-action='train-step']").disabled).toBe(true);
    expect(el.querySelector("[data-action='train-reset']").disabled).toBe(true);
    expect(el.querySelector("[data-action='train-stop']").disabled).toBe(false);
    expect(el.querySelector(".rnnw-progress").textContent).toContain("step 40 / 200 \u00b7 running");
    expect(el.querySelector(".rnnw-losscurve").classList.contains("is-log")).toBe(true);
    el.querySelector("[data-action='train-stop']").click();
    expect(model.sent.filter((m) => m.type !== "ping")).toEqual([{ type: "stop" }]);
  });

  it("editing the learning rate sets train_options; a bad value is refused in place", () => {
    const { el, model } = setup(nextNumber());
    const lr = el.querySelector("input[data-control='lr']");
    lr.value = "0.1";
    lr.dispatchEvent(new Event("change"));
    expect(model.get("train_options")).toEqual({ lr: 0.1, momentum: 0.5, steps: 200, clip_norm: null });
    lr.value = "-1";
    lr.dispatchEvent(new Event("change"));
    expect(model.get("train_options").lr).toBe(0.1);
    expect(el.querySelector(".rnnw-training .rnnw-msg").textContent).toMatch(/positive/);
  });

  it("follows what Python publishes while it trains: the curve grows", async () => {
    vi.useFakeTimers();
    const { replies } = fixture("next_number_trained"); // recorded from a real 200-step run
    const { el, model } = setup(nextNumber(), { replies });
    expect(el.querySelector(".rnnw-losscurve").getAttribute("aria-label")).toBe("Loss curve over 5 steps");
    el.querySelector("[data-action='train']").click();
    await vi.advanceTimersByTimeAsync(2000);
    vi.useRealTimers();
    await tick();
    expect(model.get("loss_curve").loss.length).toBe(205);
    expect(model.get("training")).toMatchObject({ running: false, step: 200, total: 200 });
    expect(el.querySelector(".rnnw-losscurve path.rnnw-series")).not.toBeNull();
    expect(el.querySelector(".rnnw-losscurve").getAttribute("aria-label")).toMatch(/^Loss curve over 205 steps/);
    expect(el.querySelector(".rnnw-progress").textContent).toContain("step 200 / 200");
  });

  it("the progress line gives the loss at the weights shown, not the curve's last point (the loss before the last step)", () => {
    const state = nextNumber(); // 5 steps trained: the curve holds the losses before steps 1..5
    const { el } = setup(state);
    const text = el.querySelector(".rnnw-progress").textContent;
    const curve = state.loss_curve.loss;
    expect(state.trace.loss).not.toBe(curve[curve.length - 1]);
    expect(text).toContain(`loss ${formatNumber(state.trace.loss)}`);
    expect(text).not.toContain(`loss ${formatNumber(curve[curve.length - 1])}`);
  });
});

describe("cleanup", () => {
  it("removes every listener, on the model and on the new controls", () => {
    const added = [];
    const removed = [];
    const origAdd = EventTarget.prototype.addEventListener;
    const origRemove = EventTarget.prototype.removeEventListener;
    vi.spyOn(EventTarget.prototype, "addEventListener").mockImplementation(function (type, f, o) {
      if (this instanceof Element && this.closest?.(".rnnw-gradbar, .rnnw-training, .rnnw-panel-head")) added.push([this, type, f]);
      else if (this instanceof HTMLSelectElement || this instanceof HTMLInputElement || this instanceof HTMLButtonElement)
        added.push([this, type, f]);
      return origAdd.call(this, type, f, o);
    });
    vi.spyOn(EventTarget.prototype, "removeEventListener").mockImplementation(function (type, f, o) {
      removed.push([this, type, f]);
      return origRemove.call(this, type, f, o);
    });
    const model = new FakeModel(lstmGrads());
    const el = document.createElement("div");
    document.body.appendChild(el);
    const cleanup = widget.render({ model, el });
    expect(model.listenerCount()).toBeGreaterThan(20);
    cleanup();
    expect(model.listenerCount()).toBe(0);
    expect(el.children.length).toBe(0);
    const mine = added.filter(([t]) => t.closest?.(".rnnw-gradbar, .rnnw-training") || t.getAttribute?.("data-control") === "gate-form");
    expect(mine.length).toBeGreaterThan(10);
    for (const [t, type, f] of mine) expect(removed.some(([t2, ty2, f2]) => t2 === t && ty2 === type && f2 === f)).toBe(true);
  });
});
