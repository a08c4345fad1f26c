// Edits carry what changed (docs/protocol.md, issue 11): entries, one message in flight, an
// overlay until the ack, refusals, several views on one model, and a view that says it is dead.
import { describe, it, expect, vi, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { applyEdits, mergeEdit, EDIT_FIELDS } from "../data/edits.js";
import { createEditChannel, WAIT_MS, DEAD_MS } from "../editing/edit_channel.js";

// Tom Yeh's exercise (seed 000) as Python publishes it (scripts/make_fixtures.py).
const tomYehState = () => fixtureState("tom_yeh");

const mounted = [];
const models = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  for (const model of models.splice(0)) {
    expect(model.set.mock.calls.filter(([k]) => EDIT_FIELDS.includes(k))).toEqual([]);
  }
  document.body.innerHTML = "";
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function view(model) {
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  return el;
}
function setup(options = {}, state = tomYehState()) {
  const model = new FakeModel(state, options);
  vi.spyOn(model, "set");
  models.push(model);
  return { model, el: view(model) };
}
const flush = () => new Promise((r) => queueMicrotask(r)).then(() => new Promise((r) => queueMicrotask(r)));
const cell = (el, label) => el.querySelector(`input[aria-label="${label}"]`);
const pointer = (target, type, clientX) => {
  const e = new MouseEvent(type, { bubbles: true, cancelable: true, clientX, button: 0 });
  Object.defineProperty(e, "pointerId", { value: 1 });
  target.dispatchEvent(e);
};
const type = (input, text) => {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
};
const entries = (model) => model.edits().flatMap((m) => m.edits);

describe("edit entries (pure)", () => {
  it("lay entries over the traits, sharing what they do not touch", () => {
    const st = tomYehState();
    const base = { params: st.params, inputs: st.inputs, h0: st.h0, c0: [], targets: null };
    const out = applyEdits(base, [
      { field: "params", name: "W_hh", index: [1, 0], value: 9 },
      { field: "inputs", index: [2, 0], value: 1 },
    ]);
    expect(out.params.W_hh).toEqual([
      [1, 1],
      [9, 1],
    ]);
    expect(out.params.W_xh).toBe(st.params.W_xh);
    expect(out.params.W_hh[0]).toBe(st.params.W_hh[0]);
    expect(out.inputs).toEqual([[3], [4], [1], [6]]);
    expect(out.h0).toBe(st.h0);
    expect(st.params.W_hh).toEqual([
      [1, 1],
      [-1, 1],
    ]);
    expect(applyEdits(base, [])).toBe(base);
    // out of range and unknown names change nothing
    expect(applyEdits(base, [{ field: "params", name: "nope", index: [0], value: 1 }]).params).toBe(st.params);
    expect(applyEdits(base, [{ field: "inputs", index: [9, 0], value: 1 }]).inputs).toBe(st.inputs);
  });

  it("resize steps and turn targets on and off", () => {
    const base = {
      params: {},
      inputs: [
        [1, 2],
        [3, 4],
      ],
      h0: [],
      c0: [],
      targets: [[5], [6]],
    };
    const more = applyEdits(base, [{ field: "inputs", steps: 3 }], { outputSize: 1 });
    expect(more.inputs).toEqual([
      [1, 2],
      [3, 4],
      [0, 0],
    ]);
    expect(more.targets).toEqual([[5], [6], [0]]);
    expect(applyEdits(base, [{ field: "inputs", steps: 1 }]).inputs).toEqual([[1, 2]]);
    expect(applyEdits(base, [{ field: "targets", on: false }]).targets).toBeNull();
    expect(applyEdits({ ...base, targets: null }, [{ field: "targets", on: true }], { outputSize: 2 }).targets).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it("merge keeps the newest value per entry, last; a resize drops entries it cuts", () => {
    const q = new Map();
    mergeEdit(q, { field: "params", name: "W_hh", index: [0, 0], value: 1 });
    mergeEdit(q, { field: "inputs", index: [3, 0], value: 2 });
    mergeEdit(q, { field: "params", name: "W_hh", index: [0, 0], value: 3 });
    expect([...q.values()]).toEqual([
      { field: "inputs", index: [3, 0], value: 2 },
      { field: "params", name: "W_hh", index: [0, 0], value: 3 },
    ]);
    mergeEdit(q, { field: "inputs", steps: 3 });
    expect([...q.values()]).toEqual([
      { field: "params", name: "W_hh", index: [0, 0], value: 3 },
      { field: "inputs", steps: 3 },
    ]);
    mergeEdit(q, { field: "targets", index: [0, 0], value: 1 });
    mergeEdit(q, { field: "targets", on: false });
    expect([...q.values()].filter((e) => e.field === "targets")).toEqual([{ field: "targets", on: false }]);
  });
});

describe("one edit message in flight", () => {
  it("during a slow ack, 50 scrub frames send at most 2 messages and the last value wins", async () => {
    vi.useFakeTimers();
    const { model, el } = setup({ latency: 300 });
    await vi.advanceTimersByTimeAsync(300); // the ping on render
    const input = cell(el, "A row 1 column 1");
    pointer(input, "pointerdown", 100);
    for (let i = 1; i <= 50; i++) pointer(input, "pointermove", 100 + 6 * i);
    expect(model.edits()).toHaveLength(1); // the first frame; the rest wait for its ack
    pointer(input, "pointerup", 400);
    expect(input.value).toBe("51");
    await vi.advanceTimersByTimeAsync(300);
    expect(model.edits()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(model.edits()).toHaveLength(2);
    expect(model.edits()[1].edits).toEqual([{ field: "params", name: "W_hh", index: [0, 0], value: 51 }]);
    expect(model.get("params").W_hh[0][0]).toBe(51);
    await flush();
    expect(input.value).toBe("51");
  });

  it("a release is always sent, even while an earlier frame is in flight", async () => {
    const { model, el } = setup({ answer: false });
    const input = cell(el, "B row 2 column 1");
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 112); // 4, in flight
    pointer(input, "pointerup", 130); // released at 2 + 30/6 = 7 after a move to 130
    expect(model.edits()).toHaveLength(1);
    model.answer = true;
    model.applyEdit(model.edits()[0]); // the kernel answers the first one
    expect(model.edits()).toHaveLength(2);
    expect(model.get("params").W_xh[0][1]).toBe(Number(input.value));
    expect(entries(model).at(-1).value).toBe(Number(input.value));
  });

  it("the overlay keeps the scrubbed value when an older trait update arrives", async () => {
    const { model, el } = setup({ answer: false });
    const a11 = cell(el, "A row 1 column 1");
    pointer(a11, "pointerdown", 100);
    pointer(a11, "pointermove", 136); // 1 + 6 = 7
    pointer(a11, "pointerup", 136);
    await flush();
    // training moved the weights meanwhile: Python publishes params without this edit yet
    model.publish("params", { ...tomYehState().params, W_xh: [[0.5, 2]] });
    await flush();
    expect(a11.value).toBe("7");
    expect(cell(el, "B row 1 column 1").value).toBe("0.5");
    // the ack (after Python applied it on top of training's weights) drops the overlay
    model.answer = true;
    model.applyEdit(model.edits()[0]);
    await flush();
    expect(model.get("params").W_hh[0][0]).toBe(7);
    expect(model.get("params").W_xh[0][0]).toBe(0.5);
    expect(a11.value).toBe("7");
  });

  it("a refused ack drops the overlay and shows Python's value and message", async () => {
    const { model, el } = setup();
    model.check = (e) => (e.value > 100 ? { field: e.name, message: "too large for this exercise" } : null);
    const input = cell(el, "A row 1 column 2");
    type(input, "500");
    await flush();
    expect(model.edits()).toHaveLength(1);
    input.blur();
    expect(input.value).toBe("\u22121");
    expect(el.querySelector(".rnnw-error").textContent).toContain("too large for this exercise");
    type(input, "5");
    await flush();
    expect(model.get("params").W_hh[1][0]).toBe(5);
    expect(el.querySelector(".rnnw-error").hidden).toBe(true);
  });

  it("two views of one model each handle only their own acks", async () => {
    const model = new FakeModel(tomYehState(), { answer: false });
    vi.spyOn(model, "set");
    models.push(model);
    const a = view(model);
    const b = view(model);
    type(cell(a, "A row 1 column 1"), "7");
    type(cell(b, "A row 2 column 2"), "8");
    const [ea, eb] = model.edits();
    expect(ea.id).not.toBe(eb.id);
    expect(ea.id.split(":")[0]).not.toBe(eb.id.split(":")[0]);
    await flush();
    // view a's ack arrives (Python applied a's edit only): a drops its overlay, b keeps its own
    model.publish("params", {
      ...model.get("params"),
      W_hh: [
        [7, 1],
        [-1, 1],
      ],
    });
    model.receive({ type: "ack", id: ea.id, ok: true });
    await flush();
    expect(cell(a, "A row 1 column 1").value).toBe("7");
    expect(cell(a, "A row 2 column 2").value).toBe("1"); // a shows Python's value
    expect(cell(b, "A row 2 column 2").value).toBe("8"); // b's edit is still pending: its overlay stays
    // a can send again at once; b is still waiting for its own ack
    type(cell(a, "A row 1 column 2"), "3");
    type(cell(b, "A row 2 column 1"), "4");
    expect(model.edits().map((m) => m.id.split(":")[0])).toEqual([ea.id, eb.id, ea.id].map((id) => id.split(":")[0]));
    model.receive({ type: "ack", id: eb.id, ok: true });
    expect(model.edits()).toHaveLength(4); // b's merged change goes on its own ack
  });
});

describe("packed traits", () => {
  const packedOf = (shape, values) => {
    const view = new DataView(new ArrayBuffer(values.length * 8));
    values.forEach((v, i) => view.setFloat64(i * 8, v, true));
    return { $packed: shape, data: view };
  };
  it("params, inputs and targets arriving packed are shown and edited like plain ones", async () => {
    const st = tomYehState();
    const { model, el } = setup(
      {},
      {
        ...st,
        params: { ...st.params, W_hh: packedOf([2, 2], [1, 1, -1, 1]) },
        inputs: packedOf([4, 1], [3, 4, 5, 6]),
        targets: packedOf([4, 1], [1, 2, 3, 4]),
      },
    );
    expect(cell(el, "A row 1 column 2").value).toBe("\u22121");
    expect(cell(el, "x3 entry 1").value).toBe("5");
    expect(cell(el, "target 4 entry 1").value).toBe("4");
    model.answer = false;
    type(cell(el, "A row 1 column 2"), "2");
    expect(model.edits()[0].edits).toEqual([{ field: "params", name: "W_hh", index: [1, 0], value: 2 }]);
    await flush();
    expect(cell(el, "A row 2 column 2").value).toBe("1");
    // Python publishes packed again: the overlay stays on top until the ack
    model.publish("params", { ...st.params, W_hh: packedOf([2, 2], [1, 1, -1, 3]) });
    await flush();
    expect(cell(el, "A row 2 column 2").value).toBe("3");
    cell(el, "A row 1 column 2").blur();
    expect(cell(el, "A row 1 column 2").value).toBe("2");
  });
});

describe("a view that gets no answer says so", () => {
  it("pings on render; waiting after 2 s, read-only after 10 s (busy or gone: not 'not connected'), live again when an answer arrives", async () => {
    vi.useFakeTimers();
    const { model, el } = setup({ answer: false });
    const ping = model.sent.find((m) => m.type === "ping");
    expect(ping).toBeTruthy();
    const banner = el.querySelector(".rnnw-link");
    expect(banner.hidden).toBe(true);
    await vi.advanceTimersByTimeAsync(WAIT_MS + 10);
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toBe("Waiting for the kernel\u2026");
    expect(cell(el, "A row 1 column 1").readOnly).toBe(false);
    await vi.advanceTimersByTimeAsync(DEAD_MS);
    expect(banner.textContent).toBe(
      "No answer from the kernel for 10 s: it may be busy (a running cell) or gone. Edits are paused; if it restarted, run the cell again.",
    );
    expect(banner.dataset.status).toBe("silent");
    expect(el.querySelector(".rnnw").classList.contains("is-readonly")).toBe(true);
    expect(cell(el, "A row 1 column 1").readOnly).toBe(true);
    expect(el.querySelector("[data-action=add-step]").disabled).toBe(true);
    expect(el.querySelector("[data-action=next]").disabled).toBe(false); // issue 8: stepping through needs no kernel
    // an edit now sends nothing
    const input = cell(el, "A row 1 column 1");
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 136);
    pointer(input, "pointerup", 136);
    expect(model.edits()).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(input.value).toBe("1");
    // the kernel answers after all
    model.receive({ type: "pong", id: ping.id });
    await vi.advanceTimersByTimeAsync(0);
    expect(banner.hidden).toBe(true);
    expect(cell(el, "A row 1 column 1").readOnly).toBe(false);
    expect(el.querySelector("[data-action=add-step]").disabled).toBe(false);
    expect(el.querySelector("[data-action=remove-step]").disabled).toBe(false);
    expect(el.querySelector("[data-action=all]").disabled).toBe(true); // its own rule: everything is shown already
    expect(el.querySelector("[data-action=next]").disabled).toBe(false);
  });

  it("a slow kernel: waiting while an edit has no ack, live again when it comes", async () => {
    vi.useFakeTimers();
    const { model, el } = setup({ latency: 3000 });
    await vi.advanceTimersByTimeAsync(3000); // the ping on render
    type(cell(el, "A row 1 column 1"), "3");
    await vi.advanceTimersByTimeAsync(WAIT_MS + 10);
    const banner = el.querySelector(".rnnw-link");
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toBe("Waiting for the kernel\u2026");
    await vi.advanceTimersByTimeAsync(1000); // the ack
    expect(model.get("params").W_hh[0][0]).toBe(3);
    expect(banner.hidden).toBe(true);
    await vi.advanceTimersByTimeAsync(DEAD_MS * 2);
    expect(banner.hidden).toBe(true);
    expect(cell(el, "A row 1 column 1").value).toBe("3");
  });

  it("an edit whose ack never comes while pings are answered is given up: Python's value shows, later edits go", async () => {
    vi.useFakeTimers();
    const { model, el } = setup({ answer: "pings" });
    const input = cell(el, "A row 1 column 1");
    type(input, "3");
    type(input, "4"); // merged while the first waits
    expect(model.edits()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(WAIT_MS + 10); // no ack: a ping goes, its pong comes back
    expect(model.edits()).toHaveLength(2); // the first is given up; the merged change is sent
    expect(model.edits()[1].edits).toEqual([{ field: "params", name: "W_hh", index: [0, 0], value: 4 }]);
    await vi.advanceTimersByTimeAsync(WAIT_MS + 10);
    expect(model.edits()).toHaveLength(2);
    // nothing is stuck: the view is live, the overlay is gone and the cell shows what Python has
    expect(el.querySelector(".rnnw-link").hidden).toBe(true);
    input.blur();
    expect(input.value).toBe("1");
  });

  it("a closed comm (ipywidgets' comm_live_update) makes the view read-only at once", async () => {
    const { model, el } = setup();
    el.classList.add("jupyter-widgets-disconnected"); // what the ipywidgets view does
    model.emit("comm_live_update");
    await flush();
    expect(el.querySelector(".rnnw-link").textContent).toBe(
      "Not connected to a kernel: this widget is read-only. Run the cell again to get a live one.",
    );
    expect(el.querySelector(".rnnw-link").dataset.status).toBe("dead");
    expect(cell(el, "A row 1 column 1").readOnly).toBe(true);
  });

  it("a silent kernel whose comm then closes says 'not connected'", async () => {
    vi.useFakeTimers();
    const { model, el } = setup({ answer: false });
    await vi.advanceTimersByTimeAsync(DEAD_MS + 10);
    const banner = el.querySelector(".rnnw-link");
    expect(banner.dataset.status).toBe("silent");
    el.classList.add("jupyter-widgets-disconnected");
    model.emit("comm_live_update");
    await vi.advanceTimersByTimeAsync(0);
    expect(banner.dataset.status).toBe("dead");
    expect(banner.textContent).toContain("Not connected to a kernel");
    expect(cell(el, "A row 1 column 1").readOnly).toBe(true);
  });

  it("comm_live_update on a live view only pings", async () => {
    const { model, el } = setup();
    const pings = () => model.sent.filter((m) => m.type === "ping").length;
    const before = pings();
    model.emit("comm_live_update");
    await flush();
    expect(pings()).toBe(before + 1);
    expect(el.querySelector(".rnnw-link").hidden).toBe(true);
  });

  it("cleanup clears every timer", async () => {
    vi.useFakeTimers();
    const model = new FakeModel(tomYehState(), { answer: false });
    const el = document.createElement("div");
    document.body.appendChild(el);
    const cleanup = widget.render({ model, el });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    cleanup();
    expect(vi.getTimerCount()).toBe(0);
    expect(model.listenerCount()).toBe(0);
  });

  it("a send that throws (closed comm) is read as dead", () => {
    const model = new FakeModel(tomYehState());
    model.send = () => {
      throw new Error("Cannot send on a closed comm");
    };
    const statuses = [];
    const ch = createEditChannel(model, { onStatus: (s) => statuses.push(s) });
    ch.start();
    expect(statuses).toEqual(["dead"]);
    expect(ch.edit([{ field: "inputs", index: [0, 0], value: 1 }])).toBe(false);
    ch.dispose();
  });
});
