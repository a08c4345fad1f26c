import { describe, it, expect, vi, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { EDIT_FIELDS } from "../data/edits.js";
import { fixtureState, fixtureTrace } from "./fixture.js";

// Tom Yeh's exercise (seed 000) as Python publishes it (scripts/make_fixtures.py), with the
// formula panel on step 2 as on the slides.
const tomYehState = () => fixtureState("tom_yeh", { focus_step: 1 });
const tomYehTrace = () => fixtureTrace("tom_yeh");

const tick = () => new Promise((r) => setTimeout(r, 0));
const mounted = [];

const models = [];
function setup(overrides = {}, options = {}) {
  const model = new FakeModel({ ...tomYehState(), ...overrides }, options);
  const el = document.createElement("div");
  document.body.appendChild(el);
  vi.spyOn(model, "set");
  const cleanup = widget.render({ model, el });
  mounted.push(cleanup);
  models.push(model);
  vi.spyOn(model, "save_changes");
  return { model, el, cleanup };
}
// entries of every edit message sent so far, in order
const sentEdits = (model) => model.edits().flatMap((m) => m.edits);

afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  // The page never writes the edited traits whole (protocol: "Edits carry what changed").
  for (const model of models.splice(0)) {
    const whole = model.set.mock.calls.filter(([k]) => EDIT_FIELDS.includes(k));
    expect(whole).toEqual([]);
  }
  document.body.innerHTML = "";
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const cell = (el, label) => el.querySelector(`input[aria-label="${label}"]`);
const type = (input, text, key = "Enter") => {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  if (key) input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
};
const pointer = (target, type, clientX, extra = {}) => {
  const e = new MouseEvent(type, { bubbles: true, cancelable: true, clientX, button: 0, ...extra });
  Object.defineProperty(e, "pointerId", { value: 1 });
  target.dispatchEvent(e);
};

describe("rendering Tom Yeh's exercise", () => {
  it("shows the numbers: matrices, diagram, formula", () => {
    const { el } = setup();
    expect(cell(el, "A row 1 column 2").value).toBe("\u22121");
    expect(cell(el, "B row 2 column 1").value).toBe("2");
    expect(cell(el, "x3 entry 1").value).toBe("5");
    const diagram = el.querySelector(".rnnw-diagram").textContent;
    for (const n of ["17", "28", "40", "16"]) expect(diagram).toContain(n);
    const formula = el.querySelector(".rnnw-formula").textContent.replace(/\s+/g, " ");
    expect(formula).toContain("ReLU([1, 17])");
    expect(formula).toContain("[16]");
    expect(el.querySelector(".rnnw-title").textContent).toBe("RNN by hand (Tom Yeh)");
  });

  it("typing a value sends only that entry, at the row-convention index (column view)", () => {
    const { el, model } = setup();
    type(cell(el, "A row 1 column 2"), "5");
    expect(model.edits()).toHaveLength(1);
    const msg = model.edits()[0];
    expect(Object.keys(msg).sort()).toEqual(["edits", "id", "type"]);
    // A = W_hh^T: A[0][1] is W_hh[1][0]
    expect(msg.edits).toEqual([{ field: "params", name: "W_hh", index: [1, 0], value: 5 }]);
    expect(model.save_changes).not.toHaveBeenCalled();
    expect(model.get("params").W_hh).toEqual([
      [1, 1],
      [5, 1],
    ]); // the (fake) kernel applied it
    expect(model.get("params").W_xh).toEqual([[1, 2]]);
    expect(tomYehState().params.W_hh).toEqual([
      [1, 1],
      [-1, 1],
    ]);
  });

  it("typing a value sends the same index in the row view", async () => {
    const { el, model } = setup(fixtureState("tom_yeh_row", { focus_step: 1 })); // Python's, after convention = "row", display_names = {}
    type(cell(el, "W_hh row 1 column 2"), "-2.5");
    type(cell(el, "W_xh row 1 column 2"), "\u22123");
    expect(sentEdits(model)).toEqual([
      { field: "params", name: "W_hh", index: [0, 1], value: -2.5 },
      { field: "params", name: "W_xh", index: [0, 1], value: -3 },
    ]);
    expect(model.get("params").W_hh).toEqual([
      [1, -2.5],
      [-1, 1],
    ]);
  });

  it("edits inputs and h0 at the right place, blur commits too", () => {
    const { el, model } = setup();
    type(cell(el, "x2 entry 1"), "7");
    expect(sentEdits(model)).toEqual([{ field: "inputs", index: [1, 0], value: 7 }]);
    expect(model.get("inputs")).toEqual([[3], [7], [5], [6]]);
    const h0 = cell(el, "H0 entry 2"); // the preset names the hidden state H
    type(h0, "1", null);
    h0.dispatchEvent(new FocusEvent("blur"));
    expect(sentEdits(model).at(-1)).toEqual({ field: "h0", index: [0, 1], value: 1 });
    expect(model.get("h0")).toEqual([[0, 1]]);
  });

  it("garbage shows a message, marks the cell and sends nothing", () => {
    const { el, model } = setup();
    const input = cell(el, "A row 1 column 2");
    type(input, "abc");
    expect(model.edits()).toEqual([]);
    expect(model.set).not.toHaveBeenCalled();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.value).toBe("-1"); // the previous value, as editable text while focused
    input.blur();
    expect(input.value).toBe("\u22121");
    const msg = input.closest(".rnnw-matrix").querySelector(".rnnw-msg").textContent;
    expect(msg).toBe("'abc' is not a number: type a finite number such as -0.5");
    expect(el.querySelector(".rnnw-diagram").textContent).toContain("17");
    type(input, "2");
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(input.closest(".rnnw-matrix").querySelector(".rnnw-msg").textContent).toBe("");
  });

  it("Escape reverts what was typed", () => {
    const { el, model } = setup();
    const input = cell(el, "B row 1 column 1");
    type(input, "9", "Escape");
    expect(input.value).toBe("1");
    input.dispatchEvent(new FocusEvent("blur"));
    expect(model.edits()).toEqual([]);
  });

  it("arrow keys nudge by the matrix step and commit on keyup", () => {
    const { el, model } = setup();
    const input = cell(el, "B row 2 column 1");
    input.focus();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keyup", { key: "ArrowUp", bubbles: true }));
    expect(sentEdits(model).at(-1)).toEqual({ field: "params", name: "W_xh", index: [0, 1], value: 3 });
    expect(model.get("params").W_xh).toEqual([[1, 3]]);
    expect(input.value).toBe("3");
  });

  it("scrubbing redraws the cell at once and sends the entry; the release lands", () => {
    const { el, model } = setup();
    const input = cell(el, "A row 1 column 1");
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 112);
    pointer(input, "pointermove", 124);
    pointer(input, "pointermove", 136);
    expect(input.value).toBe("7"); // 36 px at 6 px per step of 1
    pointer(input, "pointerup", 136);
    expect(sentEdits(model).every((e) => e.name === "W_hh" && e.index.join() === "0,0")).toBe(true);
    expect(sentEdits(model).at(-1).value).toBe(7);
    expect(model.get("params").W_hh[0][0]).toBe(7);
  });

  it("Shift scrubs finely", () => {
    const { el, model } = setup();
    const input = cell(el, "A row 1 column 1");
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 112, { shiftKey: true });
    pointer(input, "pointerup", 112);
    expect(model.get("params").W_hh[0][0]).toBe(1.2);
  });

  it("redraws when the model changes, and ignores an unchanged echo", async () => {
    const { el, model } = setup();
    const trace = tomYehTrace();
    trace.layers[0].values.h[1] = [1, 99];
    model.set("trace", trace);
    await tick();
    expect(el.querySelector(".rnnw-diagram").textContent).toContain("99");
    const before = el.querySelector(".rnnw-diagram");
    model.set("trace", JSON.parse(JSON.stringify(trace)));
    await tick();
    expect(el.querySelector(".rnnw-diagram")).toBe(before);
    model.publish("params", { ...model.get("params"), W_xh: [[4, 2]] }); // from Python
    await tick();
    expect(cell(el, "B row 1 column 1").value).toBe("4");
  });

  it("shows user text as text", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    const { el, model } = setup({ labels: [evil, "b", "c", "d"], title: evil });
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector(".rnnw-label").textContent).toContain(evil);
    expect(el.querySelector(".rnnw-title").textContent).toBe(evil);
    model.set("error", evil);
    model.set("error_field", "W_hh");
    await tick();
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector(".rnnw-error").textContent).toContain(evil);
    expect(el.querySelector(".rnnw-matrix[data-ref='p:W_hh'] .rnnw-msg").textContent).toBe(evil);
  });

  it("steps through with buttons and arrow keys", async () => {
    const { el, model } = setup();
    el.querySelector("[data-action=next]").click();
    expect(model.set).toHaveBeenCalledWith("reveal", 0);
    await tick();
    expect(el.querySelector(".rnnw-caption").textContent).toBe("[1] The hidden state is initialized to [0, 0].");
    const root = el.querySelector(".rnnw");
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    await tick();
    expect(model.get("reveal")).toBe(3);
    expect(model.get("focus_step")).toBe(1);
    expect(el.querySelector(".rnnw-caption").textContent).toBe("[4] x2 and H1 are combined with A and B, then ReLU \u2192 H2 = [1, 17]");
    const diagram = el.querySelector(".rnnw-diagram");
    expect(diagram.querySelector("[data-ref='h:0:1']").textContent).toContain("17");
    expect(diagram.querySelector("[data-ref='h:0:2']").classList.contains("is-hidden")).toBe(true);
    expect(diagram.querySelector("[data-ref='y:1'] .rnnw-vtext")).toBeNull();
    // arrow keys inside a cell stay with the cell
    cell(el, "A row 1 column 1").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    expect(model.get("reveal")).toBe(3);
    el.querySelector("[data-action=all]").click();
    expect(model.get("reveal")).toBe(-1);
  });

  it("clicking a step column sets focus_step", async () => {
    const { el, model } = setup();
    el.querySelector(".rnnw-col[data-step='3']").dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("focus_step")).toBe(3);
    await tick();
    expect(el.querySelector(".rnnw-panel-title").textContent).toBe("Step 4");
    expect(el.querySelector(".rnnw-formula").textContent).toContain("40");
  });

  it("hovering h2 lights up h1, x2, A, B and y2", () => {
    const { el } = setup();
    el.querySelector(".rnnw-diagram [data-ref='h:0:1']").dispatchEvent(new MouseEvent("pointerover", { bubbles: true }));
    const src = [...el.querySelectorAll(".is-src")].map((n) => n.getAttribute("data-ref"));
    const dst = [...el.querySelectorAll(".is-dst")].map((n) => n.getAttribute("data-ref"));
    for (const r of ["h:0:0", "x:1", "p:W_hh", "p:W_xh"]) expect(src).toContain(r);
    expect(dst).toContain("y:1");
    expect(el.querySelector(".rnnw-formula .is-src[data-ref='h:0:0']")).not.toBeNull();
  });

  it("controls send a whole new spec; step and target buttons send resizes", () => {
    const { el, model } = setup();
    const select = el.querySelector("select[data-control=cell]");
    select.value = "lstm";
    select.dispatchEvent(new Event("change"));
    expect(model.set).toHaveBeenLastCalledWith("spec", { ...tomYehState().spec, cell: "lstm" });
    const layers = el.querySelector("select[data-control=layers]");
    layers.value = "2";
    layers.dispatchEvent(new Event("change"));
    expect(model.get("spec").hidden_sizes).toEqual([2, 2]);
    el.querySelector("[data-action=add-step]").click();
    expect(sentEdits(model)).toEqual([{ field: "inputs", steps: 5 }]);
    expect(model.get("inputs")).toEqual([[3], [4], [5], [6], [0]]);
    el.querySelector("[data-action=add-targets]").click();
    expect(sentEdits(model).at(-1)).toEqual({ field: "targets", on: true });
    expect(model.get("targets")).toEqual([[0], [0], [0], [0], [0]]);
    const conv = el.querySelector("select[data-control=convention]");
    conv.value = "row";
    conv.dispatchEvent(new Event("change"));
    expect(model.get("convention")).toBe("row");
  });

  it("shows the loss when the trace has one", async () => {
    const { el, model } = setup();
    expect(el.querySelector(".rnnw-loss").hidden).toBe(true);
    model.set("trace", { ...tomYehTrace(), loss: 12.5, loss_steps: [1, 2, 3, 6.5] });
    await tick();
    expect(el.querySelector(".rnnw-loss").hidden).toBe(false);
    expect(el.querySelector(".rnnw-loss-value").textContent).toBe("12.5");
  });

  it("after an edit, shows the numbers Python recomputed (A[2,2] := 2, as in the browser tests)", async () => {
    const edited = fixtureState("tom_yeh_a22");
    const { el, model } = setup({}, { python: [edited] });
    const h = (t) => el.querySelector(`.rnnw-diagram [data-ref='h:0:${t}']`).getAttribute("data-value");
    expect(h(3)).toBe("[0,40]");
    type(cell(el, "A row 2 column 2"), "2");
    await tick();
    expect(sentEdits(model)).toEqual([{ field: "params", name: "W_hh", index: [1, 1], value: 2 }]);
    expect(model.get("trace")).toEqual(edited.trace);
    expect([0, 1, 2, 3].map(h)).toEqual(["[3,6]", "[1,23]", "[0,57]", "[0,126]"]);
    expect(el.querySelector(".rnnw-diagram").textContent).toContain("126");
    expect(el.querySelector(".rnnw-formula").textContent).toContain("[1, 23]");
  });

  it("two views of one model stay in step", async () => {
    const model = new FakeModel(tomYehState());
    const a = document.createElement("div");
    const b = document.createElement("div");
    document.body.append(a, b);
    mounted.push(widget.render({ model, el: a }), widget.render({ model, el: b }));
    type(cell(a, "A row 2 column 2"), "3");
    await tick();
    expect(cell(b, "A row 2 column 2").value).toBe("3");
  });

  it("cleanup removes every listener it added", () => {
    const addWin = vi.spyOn(window, "addEventListener");
    const addDoc = vi.spyOn(document, "addEventListener");
    const remWin = vi.spyOn(window, "removeEventListener");
    const remDoc = vi.spyOn(document, "removeEventListener");
    const model = new FakeModel(tomYehState());
    const el = document.createElement("div");
    document.body.appendChild(el);
    const cleanup = widget.render({ model, el });
    expect(model.listenerCount()).toBeGreaterThan(10);
    const input = cell(el, "A row 1 column 1");
    pointer(input, "pointerdown", 0);
    pointer(input, "pointermove", 30); // a drag in progress when the view goes away
    cleanup();
    expect(model.listenerCount()).toBe(0);
    expect(el.children.length).toBe(0);
    expect(model.get("params").W_hh[0][0]).toBe(6); // sent, not lost
    const added = addWin.mock.calls.length + addDoc.mock.calls.length;
    const removed = remWin.mock.calls.length + remDoc.mock.calls.length;
    expect(added).toBe(removed);
  });
});
