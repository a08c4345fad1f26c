// Answer slots in the page (issue 7, docs/protocol.md "Exercises"): where the open blanks' numbers
// would be, the answer message, right/wrong from the ack and the homework trait, the score line,
// a view read-only for the model's numbers. Setup and the fake kernel: homework_helpers.js.
import { describe, it, expect } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { flush, read, mounted, setup, answers, slotIn, type, nodeText, progress, noBadText } from "./homework_helpers.js";

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
