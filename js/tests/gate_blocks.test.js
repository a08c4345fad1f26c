import { describe, it, expect, afterEach, vi } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { EDIT_FIELDS } from "../data/edits.js";
import { displayParam } from "../data/convention.js";
import { blockEntry, blockSplit, groupGates, stackRows } from "../data/gate_blocks.js";
import { fixtureState } from "./fixture.js";

// Seed 004 writes f_t = σ(W_f [h_{t-1}, x_t] + b_f): W_f is W_hf and W_xf side by side. The page
// shows that one matrix per gate; each cell must edit the stored entry it shows.

/** A stored (row form) matrix whose every entry says where it is: name * 1000 + 100 * i + j. */
const tagged = (code, rows, cols) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => code * 1000 + 100 * i + j));

describe("groupGates", () => {
  const lstm = ["W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xc", "W_hc", "b_c", "W_xo", "W_ho", "b_o", "W_hy", "b_y"];

  it("makes one block per LSTM gate, in order, with its bias; the readout stays separate", () => {
    const items = groupGates("lstm", lstm);
    expect(items.map((i) => (typeof i === "string" ? i : i.key))).toEqual(["W_i", "W_f", "W_c", "W_o", "W_hy", "b_y"]);
    expect(items[1]).toEqual({ key: "W_f", gate: "f", layer: 0, wh: "W_hf", wx: "W_xf", bias: ["b_f"] });
  });

  it("keeps layers apart, and a GRU's b_hn goes beside its candidate block", () => {
    const order = ["W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n", "b_hn", "W_xr@2", "W_hr@2", "b_r@2"];
    const items = groupGates("gru", order);
    expect(items.map((i) => (typeof i === "string" ? i : i.key))).toEqual(["W_r", "W_z", "W_n", "W_r@2"]);
    expect(items[2]).toMatchObject({ wh: "W_hn", wx: "W_xn", bias: ["b_n", "b_hn"] });
    expect(items[3]).toMatchObject({ wh: "W_hr@2", wx: "W_xr@2", layer: 1, bias: ["b_r@2"] });
  });

  it("an RNN is one block W = [W_hh | W_xh]; no bias, no bias beside it; a lone matrix stays a name", () => {
    expect(groupGates("rnn", ["W_xh", "W_hh", "W_hy"])).toEqual([
      { key: "W_h", gate: "h", layer: 0, wh: "W_hh", wx: "W_xh", bias: [] },
      "W_hy",
    ]);
    expect(groupGates("lstm", ["W_hi", "b_i"])).toEqual(["W_hi", "b_i"]);
  });
});

describe("blockEntry: every displayed cell maps to the stored entry it shows", () => {
  const block = groupGates("lstm", ["W_xf", "W_hf", "b_f"])[0];
  if (typeof block === "string") throw new Error("no block");
  // hidden 2, input 3: W_hf (2x2), W_xf (3x2) in row form
  const H = 2;
  const D = 3;
  const params = { W_hf: tagged(1, H, H), W_xf: tagged(2, D, H) };
  const at = (name, [i, j]) => params[name][i][j];

  it("column view: W_f = [W_hfᵀ | W_xfᵀ] is H x (H + D), the h part first", () => {
    const shown = displayParam(stackRows(params.W_hf, params.W_xf), "column");
    expect(shown.length).toBe(H);
    expect(shown[0].length).toBe(H + D);
    // as the notes write it: row r of W_f is unit r's weights on [h_1, h_2, x_1, x_2, x_3]
    expect(shown[1]).toEqual([params.W_hf[0][1], params.W_hf[1][1], params.W_xf[0][1], params.W_xf[1][1], params.W_xf[2][1]]);
    for (let r = 0; r < H; r++)
      for (let c = 0; c < H + D; c++) {
        const e = blockEntry(block, H, "column", r, c);
        expect(e.name).toBe(c < H ? "W_hf" : "W_xf");
        expect(at(e.name, e.index)).toBe(shown[r][c]);
      }
    expect(blockEntry(block, H, "column", 1, 3)).toEqual({ name: "W_xf", index: [1, 1] });
    expect(blockSplit(H, "column")).toEqual({ axis: "column", at: 2 });
  });

  it("row view: the transposes stacked, [W_hf ; W_xf], (H + D) x H", () => {
    const shown = displayParam(stackRows(params.W_hf, params.W_xf), "row");
    expect(shown.length).toBe(H + D);
    for (let r = 0; r < H + D; r++)
      for (let c = 0; c < H; c++) {
        const e = blockEntry(block, H, "row", r, c);
        expect(e.name).toBe(r < H ? "W_hf" : "W_xf");
        expect(at(e.name, e.index)).toBe(shown[r][c]);
      }
    expect(blockEntry(block, H, "row", 4, 0)).toEqual({ name: "W_xf", index: [2, 0] });
    expect(blockSplit(H, "row")).toEqual({ axis: "row", at: 2 });
  });
});

// ---- in the widget, on Python's states (scripts/make_fixtures.py) ----
const mounted = [];
const models = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  for (const model of models.splice(0)) {
    // the page never writes a parameter whole: an edit names one entry
    expect(model.set.mock.calls.filter(([k]) => EDIT_FIELDS.includes(k))).toEqual([]);
  }
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});
function mount(state) {
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.appendChild(el);
  vi.spyOn(model, "set");
  mounted.push(widget.render({ model, el }));
  models.push(model);
  return { model, el };
}
const sentEdits = (model) => model.edits().flatMap((m) => m.edits);
const type = (input, text) => {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
};
const key = (target, k) => target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

describe("the concatenated form in the page", () => {
  it("seed 004's LSTM preset opens with one matrix per gate, its bias beside it, labelled as the notes", () => {
    const { el } = mount(fixtureState("lstm_by_hand", { convention: "column" }));
    const blocks = [...el.querySelectorAll(".rnnw-gateblock")].map((b) => b.getAttribute("data-block"));
    expect(blocks).toEqual(["W_i", "W_f", "W_c", "W_o"]);
    const f = el.querySelector('.rnnw-gateblock[data-block="W_f"]');
    expect(f.querySelector(".rnnw-mtitle").textContent).toContain("[W_hfᵀ | W_xfᵀ]");
    expect(f.querySelector(".rnnw-shape").textContent).toBe("1\u00d72");
    // W_hf = 0, W_xf = 0.5 in the preset; b_f = 1 beside the block
    const cells = [...f.querySelectorAll("input.rnnw-cell")];
    expect(cells.map((c) => c.value)).toEqual(["0", "0.5"]);
    expect(cells.map((c) => c.getAttribute("data-ref"))).toEqual(["p:W_hf", "p:W_xf"]);
    expect(cells[1].classList.contains("is-split-col")).toBe(true);
    expect(f.parentElement.querySelector('[data-ref="p:b_f"] input').value).toBe("1");
    // 4 blocks + 4 biases + W_hy: no separate W_hf/W_xf editors
    expect(el.querySelectorAll('.rnnw-matrix[data-ref="p:W_xf"]').length).toBe(0);
  });

  it("typing into a cell sends that one entry of W_hg or W_xg, in either view", () => {
    const { el, model } = mount(fixtureState("lstm_targets", { convention: "column", weights_form: "concatenated" }));
    // hidden 2, input 1: W_f is 2x3, [W_hfᵀ | W_xfᵀ]
    type(el.querySelector('input[aria-label="W_f row 2 column 3 (W_xfᵀ row 2 column 1)"]'), "0.75");
    type(el.querySelector('input[aria-label="W_o row 1 column 2 (W_hoᵀ row 1 column 2)"]'), "-2");
    expect(sentEdits(model)).toEqual([
      { field: "params", name: "W_xf", index: [0, 1], value: 0.75 },
      { field: "params", name: "W_ho", index: [1, 0], value: -2 },
    ]);
  });

  it("switching the form from the page sets weights_form; separate brings the separate editors back", async () => {
    const { el, model } = mount(fixtureState("lstm_targets", { weights_form: "concatenated" }));
    const menu = el.querySelector('select[aria-label="How the weights are shown"]');
    expect(menu.value).toBe("concatenated");
    menu.value = "separate";
    menu.dispatchEvent(new Event("change", { bubbles: true }));
    expect(model.set).toHaveBeenCalledWith("weights_form", "separate");
    await new Promise((r) => setTimeout(r, 0));
    expect(el.querySelectorAll(".rnnw-gateblock").length).toBe(0);
    expect(el.querySelector('.rnnw-matrix[data-ref="p:W_xf"]')).not.toBeNull();
  });

  it("hovering a cell of the block links the weight it shows: every h_t of its layer lights up", () => {
    const { el } = mount(fixtureState("lstm_by_hand", { convention: "column" }));
    const cell = el.querySelector('.rnnw-gateblock[data-block="W_f"] input[data-name="W_xf"]');
    cell.dispatchEvent(new MouseEvent("pointerover", { bubbles: true }));
    expect(cell.classList.contains("is-hot")).toBe(true);
    const lit = [...el.querySelectorAll(".rnnw-diagram .is-dst")].map((n) => n.getAttribute("data-ref"));
    for (const t of [0, 1, 2]) expect(lit).toContain(`h:0:${t}`);
    // and the other way: hovering h2 marks the whole block (its cells' weights) as a source
    el.querySelector('.rnnw-diagram [data-ref="h:0:1"]').dispatchEvent(new MouseEvent("pointerover", { bubbles: true }));
    expect(cell.classList.contains("is-src")).toBe(true);
    expect(el.querySelector('.rnnw-gateblock[data-block="W_f"] input[data-name="W_hf"]').classList.contains("is-src")).toBe(true);
  });

  it("gradients beside a block are laid out as the block", () => {
    const state = fixtureState("lstm_grads", { convention: "column", weights_form: "concatenated", show_grads: true });
    const { el } = mount(state);
    const group = el.querySelector('.rnnw-gateblock[data-block="W_f"]').parentElement;
    const g = group.querySelector(".rnnw-gmatrix");
    expect(g.hidden).toBe(false);
    const H = state.params.W_hf.length;
    const D = state.params.W_xf.length;
    const total = g.querySelector(".rnnw-ggrid");
    expect(total.style.getPropertyValue("--rnnw-cols")).toBe(String(H + D));
    expect(total.querySelectorAll(".rnnw-gcell").length).toBe(H * (H + D));
    // cell (1, H) is dL/dW_xf[0][1] (the x part starts at column H)
    expect(total.querySelectorAll(".rnnw-gcell")[H + D + H].getAttribute("aria-label")).toMatch(/^dL\/dW_f row 2 column 3 = /);
  });

  it("a large block is a heat map whose edit still names one stored entry", () => {
    const { el, model } = mount({ ...fixtureState("large_lstm"), weights_form: "concatenated" });
    // hidden 10, input 2, row view: W_fᵀ = [W_hf ; W_xf] is 12 x 10
    const block = el.querySelector('.rnnw-gateblock[data-block="W_f"] .rnnw-heat');
    expect(block).not.toBeNull();
    expect(block.querySelector(".rnnw-shape").textContent).toBe("12\u00d710");
    const canvas = block.querySelector("canvas");
    canvas.focus();
    for (let i = 0; i < 11; i++) key(canvas, "ArrowDown");
    key(canvas, "ArrowRight");
    key(canvas, "Enter");
    const input = block.querySelector("input.rnnw-heat-input");
    expect(input.hidden).toBe(false);
    expect(input.dataset.name).toBe("W_xf");
    expect(input.getAttribute("aria-label")).toBe("W_fᵀ row 12 column 2 (W_xf row 2 column 2)");
    type(input, "1.5");
    expect(sentEdits(model)).toEqual([{ field: "params", name: "W_xf", index: [1, 1], value: 1.5 }]);
  });
});
