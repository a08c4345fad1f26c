// An exercise in the page (issue 7, docs/protocol.md "Exercises"): answer slots where the open
// blanks' numbers would be, the answer message, right/wrong from the ack and the homework trait,
// the score line, a view read-only for the model's numbers, and nulls anywhere in the trace.
//
// The state is Tom Yeh's fixture as Python wrote it (scripts/make_fixtures.py) made into
// `RNNWidget.exercise("tom_yeh", blanks=["h2", "y2", "h3"])` the way docs/protocol.md says Python
// does: the homework trait as Exercise sends it, the blanked values (and, with hide_downstream,
// what follows from them in one step) null in the trace. The fake kernel below answers "answer"
// messages as Exercise._on_answer_msg does: homework and trace first, then the ack.
import { describe, it, expect, vi, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { blankGroups, isExercise, progressText, slotAt, slotsOf, statusText } from "../data/homework.js";
import { unpack } from "../data/packed.js";
import { createEditChannel } from "../editing/edit_channel.js";

const tick = () => new Promise((r) => setTimeout(r, 0));
const flush = async () => {
  await tick();
  await tick();
};

/** One slot of the homework trait, as Exercise's Slot.to_json writes it. */
function slot(name, blank, path, index, step) {
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
const H = ["layers", 0, "values", "h"];
/** What Exercise sends for blanks=["h2", "y2", "h3"] on tom_yeh (captured from Python). */
function homework0() {
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

const read = (obj, path, index) => [...path, ...index].reduce((v, k) => v[k], obj);
const write = (obj, path, index, value) => {
  const keys = [...path, ...index];
  const last = keys.pop();
  keys.reduce((v, k) => v[k], obj)[last] = value;
};

/**
 * The trace as Exercise._page_trace sends it while slots are open: each open slot's step in its
 * layer (every value: a_t gives h_t away), with hide_downstream the next step and the readout
 * at that step; an open y_t: the readout at t. (Tom Yeh: one layer, no targets, no grads.)
 */
function pageTrace(truth, hw) {
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
function exerciseKernel(model, truth, { hint = (name, v) => `${name}: ${v} is not right; recompute A H1 + B x2, then apply ReLU` } = {}) {
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

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function setup({ hint, kernel = true, overrides = {}, attachLater = false } = {}) {
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

const answers = (model) => model.sent.filter((m) => m.type === "answer");
const slotIn = (el, name, where = "diagram") => el.querySelector(`input.rnnw-answer[data-blank="${name}"][data-where^="${where}"]`);
const type = (input, text, key = "Enter") => {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  if (key) input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
};
// the numbers a diagram node prints (its <text> elements, not its tooltip)
const nodeText = (el, ref) =>
  [...(el.querySelector(`.rnnw-diagram [data-ref="${ref}"]`)?.querySelectorAll("text") ?? [])].map((t) => t.textContent).join("");
const progress = (el) => el.querySelector(".rnnw-hw-progress").textContent;
const noBadText = (el) => {
  const text = el.querySelector(".rnnw").textContent;
  expect(text).not.toMatch(/NaN|null|undefined/);
};

describe("the homework trait, pure", () => {
  it("finds the slot at an entry of the trace, groups blanks, writes the progress line", () => {
    const hw = homework0();
    expect(isExercise(hw)).toBe(true);
    expect(isExercise(undefined)).toBe(false);
    expect(isExercise({ blanks: [] })).toBe(false);
    expect(slotAt(hw, H, [1, 1])?.name).toBe("h2[2]");
    expect(slotAt(hw, ["y"], [1, 0])?.name).toBe("y2");
    expect(slotAt(hw, H, [0, 0])).toBeNull();
    expect(slotsOf(hw, { path: H, row: 2 }, 2)?.map((s) => s?.name)).toEqual(["h3[1]", "h3[2]"]);
    expect(slotsOf(hw, { path: H, row: 0 }, 2)).toBeNull();
    expect(blankGroups(hw).map((g) => [g.blank, g.slots.length, g.status])).toEqual([
      ["h2", 2, "open"],
      ["y2", 1, "open"],
      ["h3", 2, "open"],
    ]);
    expect(progressText(hw)).toBe("0 of 3 right \u00b7 score 0/3");
    hw.blanks[0].status = "right";
    hw.blanks[1].status = "right";
    hw.blanks[2].status = "wrong";
    hw.blanks[2].attempts_left = 2;
    hw.blanks[3].status = "right";
    hw.score = 1.5;
    expect(blankGroups(hw).map((g) => g.status)).toEqual(["right", "wrong", "open"]);
    expect(progressText(hw)).toBe("1 of 3 right \u00b7 score 1.5/3");
    expect(statusText(hw, hw.blanks[2])).toBe("wrong: 2 attempts left");
    hw.blanks[2].attempts_left = 0;
    expect(statusText(hw, hw.blanks[2])).toBe("wrong: no attempts left");
  });

  it("a NaN in a packed array (a number an exercise keeps from the page) decodes to null", () => {
    const data = new DataView(new ArrayBuffer(3 * 8));
    [1, Number.NaN, -2].forEach((v, i) => data.setFloat64(i * 8, v, true));
    expect(unpack({ a: { $packed: [3], data } })).toEqual({ a: [1, null, -2] });
  });
});

describe("answer slots in the page", () => {
  it("the step bar does not say every value is shown while blanks are open", async () => {
    const { el } = setup();
    await flush();
    const caption = el.querySelector(".rnnw").textContent;
    expect(caption).toContain("except the blanks");
    expect(caption).not.toContain("Every value is shown. Press");
  });

  it("an empty input where each open blank's number would be: diagram and formula; no NaN, null or 0", async () => {
    const { el } = setup();
    await flush();
    for (const name of ["h2[1]", "h2[2]", "y2", "h3[1]", "h3[2]"]) {
      const input = slotIn(el, name);
      expect(input, name).toBeTruthy();
      expect(input.value).toBe("");
      expect(input.closest("foreignObject")).toBeTruthy();
    }
    // in the node of its value: h2's two entries in h:0:1, y2 in y:1
    expect(el.querySelectorAll('.rnnw-diagram [data-ref="h:0:1"] input.rnnw-answer')).toHaveLength(2);
    expect(el.querySelectorAll('.rnnw-diagram [data-ref="y:1"] input.rnnw-answer')).toHaveLength(1);
    expect(nodeText(el, "h:0:1")).toBe("");
    // h4 is hidden (it follows from h3 in one step) but no blank: an empty node, no input
    expect(el.querySelectorAll('.rnnw-diagram [data-ref="h:0:3"] input')).toHaveLength(0);
    expect(nodeText(el, "h:0:3")).toBe("");
    expect(el.querySelector('.rnnw-diagram [data-ref="h:0:3"]').getAttribute("data-value")).toBe("[null,null]");
    // the formula of step 2: h2 where the result is, and again in y2 = C H2; y2 itself
    const formula = el.querySelector(".rnnw-formula");
    expect(formula.querySelectorAll('input[data-blank="h2[1]"]').length).toBeGreaterThanOrEqual(2);
    expect(formula.querySelectorAll('input[data-blank="y2"]')).toHaveLength(1);
    expect(formula.textContent).not.toMatch(/NaN|null/);
    // the shown numbers around them are still there (x2 = 4, H1 = [3, 6])
    expect(formula.textContent).toContain("[3, 6]");
    expect(nodeText(el, "h:0:0")).toBe("36");
    // the progress line and the homework panel
    expect(progress(el)).toBe("0 of 3 right \u00b7 score 0/3");
    expect([...el.querySelectorAll(".rnnw-hw-row")].map((r) => r.getAttribute("data-blank-group"))).toEqual(["h2", "y2", "h3"]);
    noBadText(el);
  });

  it("garbage is refused with the usual message and nothing is sent: letters, NaN, a 10,000-character paste", async () => {
    const { el, model } = setup();
    await flush();
    const input = slotIn(el, "h2[1]");
    for (const [text, says] of [
      ["abc", "is not a number"],
      ["NaN", "is not a finite number"],
      ["1 2 ".repeat(2500), "is not a number"],
      ["1e9", "is too large"],
      ["1,5", "uses a comma"],
    ]) {
      type(input, text);
      await flush();
      expect(answers(model)).toEqual([]);
      expect(input.getAttribute("aria-invalid")).toBe("true");
      expect(input.value).toBe(text); // kept, to be corrected
      const msg = el.querySelector('.rnnw-hw-msg[data-blank="h2[1]"]');
      expect(msg.textContent).toContain(says);
      expect(model.get("homework").blanks[0].attempts_left).toBe(3);
    }
    // leaving the slot sends nothing either (every check costs an attempt), nor do the arrow keys
    // or a drag (no nudging, no scrubbing in an answer slot)
    type(input, "1", null);
    input.blur();
    await flush();
    input.focus();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keyup", { key: "ArrowUp", bubbles: true }));
    for (const [type, x] of [
      ["pointerdown", 100],
      ["pointermove", 140],
      ["pointerup", 140],
    ]) {
      const e = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, button: 0 });
      Object.defineProperty(e, "pointerId", { value: 1 });
      input.dispatchEvent(e);
    }
    await flush();
    expect(answers(model)).toEqual([]);
    expect(input.value).toBe("1");
  });

  it("slots work in a view put in the page after render (as JupyterLab does)", async () => {
    const { el, model } = setup({ attachLater: true });
    await flush();
    const input = slotIn(el, "h2[1]");
    type(input, "abc");
    await flush();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    type(input, "1");
    await flush();
    expect(answers(model)).toHaveLength(1);
    expect(progress(el)).toBe("0 of 3 right \u00b7 score 0.5/3");
  });

  it("Enter sends one answer message with an id of its own; a wrong ack shows the hint as text", async () => {
    const hint = (name, v) => `${name}: ${v} is A H1 + B x2 before <b>ReLU</b>; apply ReLU`;
    const { el, model } = setup({ hint });
    await flush();
    type(slotIn(el, "h2[1]"), "5");
    await flush();
    const sent = answers(model);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]).sort()).toEqual(["blank", "id", "type", "value"]);
    expect(sent[0]).toMatchObject({ type: "answer", blank: "h2[1]", value: 5 });
    // ids: the view's, never one the edit channel used (its pings)
    const others = model.sent.filter((m) => m.type !== "answer").map((m) => m.id);
    expect(others).not.toContain(sent[0].id);
    expect(sent[0].id.split(":")[0]).toBe(others[0].split(":")[0]);
    const row = el.querySelector('.rnnw-hw-row[data-blank-group="h2"]');
    const hintEl = row.querySelector('.rnnw-hw-hint[data-blank="h2[1]"]');
    expect(hintEl.textContent).toBe("h2[1]: 5 is A H1 + B x2 before <b>ReLU</b>; apply ReLU");
    expect(hintEl.querySelector("b")).toBeNull(); // text, never markup
    expect(row.querySelector(".rnnw-hw-status").textContent).toContain("h2[1] wrong: 2 attempts left");
    const input = slotIn(el, "h2[1]");
    expect(input.classList.contains("is-wrong")).toBe(true);
    expect(input.value).toBe("5"); // the last answer, to correct
    expect(input.title).toContain("apply ReLU");
    expect(progress(el)).toBe("0 of 3 right \u00b7 score 0/3");
    // the same answer again is not sent (it would only cost an attempt)
    type(input, "5");
    await flush();
    expect(answers(model)).toHaveLength(1);
  });

  it("a right answer closes its slot and shows the value; the score line follows", async () => {
    const { el, model } = setup();
    await flush();
    type(slotIn(el, "h2[1]"), "1");
    await flush();
    expect(slotIn(el, "h2[1]")).toBeNull();
    expect(el.querySelector('.rnnw-formula input[data-blank="h2[1]"]')).toBeNull();
    const text = el.querySelector('.rnnw-diagram [data-ref="h:0:1"] text.is-right');
    expect(text?.textContent).toBe("1");
    expect(progress(el)).toBe("0 of 3 right \u00b7 score 0.5/3");
    // the formula panel was drawn anew: the focus is back in a slot, and Enter there works
    type(slotIn(el, "h2[2]", "formula"), "17");
    await flush();
    expect(answers(model).map((m) => [m.blank, m.value])).toEqual([
      ["h2[1]", 1],
      ["h2[2]", 17],
    ]);
    expect(progress(el)).toBe("1 of 3 right \u00b7 score 1/3");
    expect(el.querySelector('.rnnw-hw-row[data-blank-group="h2"]').classList.contains("is-right")).toBe(true);
    expect(nodeText(el, "h:0:1")).toBe("117");
    noBadText(el);
  });

  it("a formula drawn anew after a check gives the focus back to the slot that had it", async () => {
    const { el } = setup();
    await flush();
    const input = slotIn(el, "y2", "formula");
    type(input, "15");
    await flush();
    expect(input.isConnected).toBe(false); // the new trace redrew the formula
    const again = slotIn(el, "y2", "formula");
    expect(again.value).toBe("15");
    expect(document.activeElement).toBe(again);
  });

  it("a right answer moves the focus to the next open slot in the same place", async () => {
    const { el } = setup();
    await flush();
    type(slotIn(el, "h2[1]"), "1");
    await flush();
    expect(document.activeElement).toBe(slotIn(el, "h2[2]"));
    type(document.activeElement, "17");
    await flush();
    expect(document.activeElement).toBe(slotIn(el, "y2"));
    // a wrong answer keeps the focus where it is
    type(document.activeElement, "15");
    await flush();
    expect(document.activeElement).toBe(slotIn(el, "y2"));
  });

  it("what is typed in one slot shows in its other inputs; Check sends a blank's typed entries", async () => {
    const { el, model } = setup();
    await flush();
    type(slotIn(el, "h3[1]"), "0", null);
    type(slotIn(el, "h3[2]"), "28", null);
    // h3 is also in step 3's formula
    const box = el.querySelector('.rnnw-diagram [data-step="2"]');
    box.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await flush();
    expect(slotIn(el, "h3[2]", "formula").value).toBe("28");
    const check = el.querySelector('[data-action="check"][data-blank-group="h3"]');
    check.click();
    await flush();
    expect(answers(model).map((m) => [m.blank, m.value])).toEqual([
      ["h3[1]", 0],
      ["h3[2]", 28],
    ]);
    expect(progress(el)).toBe("1 of 3 right \u00b7 score 1/3");
    // Check with an empty slot: the usual message, nothing sent
    el.querySelector('[data-action="check"][data-blank-group="y2"]').click();
    await flush();
    expect(answers(model)).toHaveLength(2);
    expect(el.querySelector('.rnnw-hw-msg[data-blank="y2"]').textContent).toContain("Empty entry");
  });

  it("a refused answer (ack ok: false) shows its message and costs nothing; a lost ack can be sent again", async () => {
    const { el, model } = setup({ kernel: false });
    await flush();
    const y2 = slotIn(el, "y2");
    type(y2, "16");
    await flush();
    expect(answers(model)).toHaveLength(1);
    expect(y2.classList.contains("is-pending")).toBe(true);
    expect(y2.readOnly).toBe(true);
    expect(el.querySelector('[data-action="check"][data-blank-group="y2"]').textContent).toBe("Checking\u2026");
    type(slotIn(el, "h2[1]"), "1");
    await flush();
    const [first, second] = answers(model);
    // the kernel answers in order: the ack of the later check means the first will never get one
    model.receive({ type: "ack", id: second.id, ok: false, blank: "h2[1]", error: "h2[1]: no attempts left" });
    await flush();
    expect(el.querySelector('.rnnw-hw-msg[data-blank="h2[1]"]').textContent).toBe("h2[1]: h2[1]: no attempts left");
    expect(el.querySelector('.rnnw-hw-msg[data-blank="y2"]').textContent).toContain("No answer came for this check");
    expect(y2.classList.contains("is-pending")).toBe(false);
    expect(y2.readOnly).toBe(false);
    expect(y2.value).toBe("16"); // kept
    // an ack for an id this view never sent changes nothing
    model.receive({ type: "ack", id: `${first.id}x`, ok: true, blank: "y2", status: "right" });
    await flush();
    expect(progress(el)).toBe("0 of 3 right \u00b7 score 0/3");
    // sent again with the Check button
    el.querySelector('[data-action="check"][data-blank-group="y2"]').click();
    await flush();
    expect(answers(model).map((m) => [m.blank, m.value])).toEqual([
      ["y2", 16],
      ["h2[1]", 1],
      ["y2", 16],
    ]);
  });

  it("a right slot shows the homework trait's value where the trace has none", async () => {
    const { el, model } = setup();
    await flush();
    const hw = structuredClone(model.get("homework"));
    Object.assign(hw.blanks[2], { status: "right", value: 16, answer: 16 });
    model.publish("homework", hw); // the trace still has y2 null
    await flush();
    expect(slotIn(el, "y2")).toBeNull();
    expect(nodeText(el, "y:1")).toBe("16");
    expect(el.querySelector(".rnnw-formula .rnnw-num.is-right")?.textContent).toBe("16");
  });

  it("no attempts left: the slot is read-only and Check is off; the teacher's reveal shows every value", async () => {
    const { el, model, truth } = setup();
    await flush();
    const hw = structuredClone(model.get("homework"));
    Object.assign(hw.blanks[2], { status: "wrong", attempts_left: 0, answer: 15, hint: "y2: 15 is not right" });
    model.publish("homework", hw);
    await flush();
    const y2 = slotIn(el, "y2");
    expect(y2.readOnly).toBe(true);
    expect(y2.classList.contains("is-spent")).toBe(true);
    expect(y2.value).toBe("15");
    expect(el.querySelector('[data-action="check"][data-blank-group="y2"]').disabled).toBe(true);
    expect(el.querySelector('.rnnw-hw-row[data-blank-group="y2"] .rnnw-hw-status').textContent).toBe("wrong: no attempts left");
    type(y2, "16");
    await flush();
    expect(answers(model)).toEqual([]);
    // reveal_answers(): every slot revealed, the whole trace published
    for (const b of hw.blanks) Object.assign(b, { status: "revealed", value: read(truth, b.path, b.index) });
    model.publish("homework", { ...hw, revealed: true });
    model.publish("trace", structuredClone(truth));
    await flush();
    expect(el.querySelectorAll("input.rnnw-answer")).toHaveLength(0);
    expect(nodeText(el, "h:0:1")).toBe("117");
    expect(el.querySelectorAll(".rnnw-diagram text.is-revealed")).toHaveLength(5);
    expect(progress(el)).toBe("0 of 3 right \u00b7 3 revealed \u00b7 score 0/3");
    noBadText(el);
  });

  it("the view is read-only for the model's numbers; the convention, steps and slots stay live", async () => {
    const { el } = setup();
    await flush();
    const cells = [...el.querySelectorAll(".rnnw-editors input")];
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => c.readOnly)).toBe(true);
    expect([...el.querySelectorAll(".rnnw-editors button")].every((b) => b.disabled)).toBe(true);
    expect(el.querySelector('[data-control="cell"]').disabled).toBe(true);
    expect(el.querySelector('[data-control="hidden"]').disabled).toBe(true);
    expect(el.querySelector('[data-control="convention"]').disabled).toBe(false);
    expect(el.querySelector("[data-action=next]").disabled).toBe(false);
    expect(slotIn(el, "h2[1]").readOnly).toBe(false);
    expect(el.querySelector(".rnnw").classList.contains("is-exercise")).toBe(true);
  });

  it("a plain widget has no homework panel, no slots, and stays editable", async () => {
    const model = new FakeModel(fixtureState("tom_yeh", { focus_step: 1 }));
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    await flush();
    expect(el.querySelector(".rnnw-homework").hidden).toBe(true);
    expect(el.querySelectorAll("input.rnnw-answer")).toHaveLength(0);
    expect(el.querySelector(".rnnw-editors input").readOnly).toBe(false);
    expect(el.querySelector('[data-control="cell"]').disabled).toBe(false);
  });
});

/** Every computed number null: the exercise's first publication (docs/protocol.md). */
function allNull(trace) {
  const nulls = (v) => (Array.isArray(v) ? v.map(nulls) : typeof v === "number" ? null : v);
  const out = structuredClone(trace);
  for (const ly of out.layers) for (const k of Object.keys(ly.values)) ly.values[k] = nulls(ly.values[k]);
  for (const k of ["y_pre", "y", "p", "loss", "loss_steps"]) out[k] = nulls(out[k]);
  if (out.grads) {
    for (const [k, v] of Object.entries(out.grads)) if (k !== "truncate") out.grads[k] = nulls(v);
  }
  return out;
}

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

describe("the edit channel carries answers", () => {
  it("answer() sends {type: answer} with the channel's ids; its ack goes to onAnswer; refused when not connected", () => {
    const model = new FakeModel(fixtureState("tom_yeh"), { answer: false });
    const acks = [];
    const ch = createEditChannel(model, { onAnswer: (blank, ack) => acks.push([blank, ack?.ok ?? null]) });
    ch.start();
    expect(ch.answer("h2[1]", 1)).toBe(true);
    const [ping, ans] = model.sent;
    expect(ans).toMatchObject({ type: "answer", blank: "h2[1]", value: 1 });
    expect(ans.id).not.toBe(ping.id);
    model.receive({ type: "ack", id: ans.id, ok: true, blank: "h2[1]", status: "right", hint: "", attempts_left: 2 });
    expect(acks).toEqual([["h2[1]", true]]);
    // an answer whose ack is overtaken by a later one will never get it: reported as lost
    ch.answer("y2", 16);
    ch.answer("y2", 17);
    const [a1, a2] = model.sent.slice(-2);
    model.receive({ type: "ack", id: a2.id, ok: false, blank: "y2", error: "y2 is already right" });
    expect(acks.slice(1)).toEqual([
      ["y2", null],
      ["y2", false],
    ]);
    expect(a1.id).not.toBe(a2.id);
    ch.dispose();
    const dead = new FakeModel(fixtureState("tom_yeh"));
    dead.send = () => {
      throw new Error("closed");
    };
    const ch2 = createEditChannel(dead);
    ch2.start();
    expect(ch2.answer("y2", 1)).toBe(false);
    ch2.dispose();
  });
});
