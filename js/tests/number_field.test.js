// The one number editor (issue 9): the matrix cells and the heat map's input use it; so will a
// homework answer slot. Tested on a bare <input>.
import { describe, it, expect, afterEach } from "vitest";
import { attachNumberField } from "../editing/number_field.js";

const fields = [];
afterEach(() => {
  fields.splice(0).forEach((f) => f.detach());
  document.body.innerHTML = "";
});

function setup(initial = 2, extra = {}) {
  const input = document.createElement("input");
  document.body.appendChild(input);
  const log = { edits: [], messages: [], value: initial };
  input.value = String(initial);
  const field = attachNumberField(input, {
    value: () => log.value,
    set: (v) => {
      log.value = v;
    },
    format: (v) => String(v),
    step: () => 1,
    onEdit: (v, phase) => log.edits.push([v, phase]),
    onMessage: (m) => log.messages.push(m),
    ...extra,
  });
  fields.push(field);
  return { input, field, log };
}
const key = (input, k, type = "keydown", init = {}) =>
  input.dispatchEvent(new KeyboardEvent(type, { key: k, bubbles: true, cancelable: true, ...init }));
const typeText = (input, text) => {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
};

describe("a number field", () => {
  it("Enter commits a typed number", () => {
    const { input, log } = setup();
    typeText(input, "\u22123.5");
    key(input, "Enter");
    expect(log.edits).toEqual([[-3.5, "commit"]]);
    expect(log.value).toBe(-3.5);
    expect(input.value).toBe("-3.5");
  });

  it("refuses garbage: marks the input, says why, keeps the value, sends nothing", () => {
    const { input, log, field } = setup();
    typeText(input, "1,5");
    expect(field.busy()).toBe(true);
    key(input, "Enter");
    expect(log.edits).toEqual([]);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(log.messages.at(-1)).toBe("'1,5' uses a comma: use a dot for decimals, such as 1.5");
    expect(input.value).toBe("2");
    expect(log.value).toBe(2);
    typeText(input, "4");
    key(input, "Enter");
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(log.messages.at(-1)).toBe("");
  });

  it("leaving commits; Escape puts the previous value back and sends nothing", () => {
    const { input, log } = setup();
    typeText(input, "9");
    key(input, "Escape");
    expect(input.value).toBe("2");
    input.dispatchEvent(new FocusEvent("blur"));
    expect(log.edits).toEqual([]);
    typeText(input, "7");
    input.dispatchEvent(new FocusEvent("blur"));
    expect(log.edits).toEqual([[7, "commit"]]);
  });

  it("Up/Down nudge by the step (Shift: a tenth) and commit when the key goes up", () => {
    const { input, log, field } = setup();
    key(input, "ArrowUp");
    expect(field.busy()).toBe(true);
    key(input, "ArrowUp", "keydown", { shiftKey: true });
    key(input, "ArrowUp", "keyup");
    expect(log.edits).toEqual([
      [3, "preview"],
      [3.1, "preview"],
      [3.1, "commit"],
    ]);
    expect(field.busy()).toBe(false);
  });

  it("a read-only input is not nudged, and an inactive field edits nothing", () => {
    const { input, log } = setup(2);
    input.readOnly = true;
    key(input, "ArrowDown");
    expect(log.edits).toEqual([]);
    const closed = setup(5, { active: () => false });
    typeText(closed.input, "8");
    key(closed.input, "Enter");
    key(closed.input, "ArrowUp");
    expect(closed.log.edits).toEqual([]);
  });

  it("detach removes its listeners", () => {
    const { input, log, field } = setup();
    field.detach();
    typeText(input, "6");
    key(input, "Enter");
    expect(log.edits).toEqual([]);
  });
});
