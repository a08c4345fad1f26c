// Without a kernel (issue 8): a dead comm (a notebook reopened, a kernel gone) and a page that never
// had one (js/standalone.js) are read-only and say so, while the step-through (buttons and keys),
// hover linking and the formula form keep working.
import { describe, it, expect, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { StaticModel, mountAll, restoreBuffers } from "../standalone.js";
import { KERNEL_TEXT } from "../view/kernel_status.js";

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
});
const tick = () => new Promise((r) => setTimeout(r, 0));
const cell = (el, label) => el.querySelector(`input[aria-label="${label}"]`);
const key = (root, k) => root.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));

function deadView() {
  const model = new FakeModel(fixtureState("tom_yeh"));
  model.send = () => {
    throw new Error("Cannot send on a closed comm");
  };
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  return { model, el };
}

function staticPage(state = fixtureState("tom_yeh")) {
  const el = document.createElement("div");
  el.setAttribute("data-rnnw-model", "m1");
  const script = document.createElement("script");
  script.setAttribute("type", "application/vnd.rnn-widget.state+json");
  script.setAttribute("data-rnnw-state", "m1");
  script.textContent = JSON.stringify({ state, buffers: [] });
  document.body.append(el, script);
  mounted.push(...mountAll(document));
  return el;
}

describe.each([
  ["a saved copy (a dead comm that never answered)", () => deadView().el, KERNEL_TEXT.saved],
  ["a page without a kernel", () => staticPage(), KERNEL_TEXT.static],
])("%s", (_name, make, text) => {
  it("says it is read-only and locks every editor", async () => {
    const el = make();
    await tick();
    const banner = el.querySelector(".rnnw-link");
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toBe(text);
    expect(banner.textContent).toContain("read-only");
    expect(cell(el, "A row 1 column 1").readOnly).toBe(true);
    expect(el.querySelector("select:not([data-control=gate-form])").disabled).toBe(true);
    expect(el.querySelector(".rnnw").classList.contains("is-readonly")).toBe(true);
  });

  it("still steps through with Prev / Next and the arrow keys", async () => {
    const el = make();
    await tick();
    const next = el.querySelector("[data-action=next]");
    expect(next.disabled).toBe(false);
    next.click();
    await tick();
    expect(el.querySelector(".rnnw-caption").textContent).toBe("[1] The hidden state is initialized to [0, 0].");
    const root = el.querySelector(".rnnw");
    key(root, "ArrowRight");
    key(root, "ArrowRight");
    key(root, "ArrowRight");
    await tick();
    // seed 000: slide 4 computes H2 = [1, 17]
    expect(el.querySelector(".rnnw-caption").textContent).toBe("[4] x2 and H1 are combined with A and B, then ReLU \u2192 H2 = [1, 17]");
    expect(el.querySelector(".rnnw-diagram [data-ref='h:0:2']").classList.contains("is-hidden")).toBe(true);
    key(root, "ArrowLeft");
    await tick();
    expect(el.querySelector(".rnnw-caption").textContent).toMatch(/^\[3\]/);
    el.querySelector("[data-action=all]").click();
    await tick();
    expect(el.querySelector(".rnnw-diagram [data-ref='h:0:3']").textContent).toContain("40");
    expect(el.querySelector("[data-action=next]").disabled).toBe(false);
  });

  it("a click on a step column explains that step", async () => {
    const el = make();
    await tick();
    el.querySelector(".rnnw-col[data-step='1']").dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await tick();
    expect(el.querySelector(".rnnw-formula").textContent).toContain("17");
  });
});

describe("the standalone page's model", () => {
  it("sends nothing and keeps view changes in the page", () => {
    const model = new StaticModel({ reveal: -1 });
    const seen = [];
    model.on("change:reveal", (_m, v) => seen.push(v));
    model.set("reveal", 2);
    model.save_changes();
    expect(seen).toEqual([2]);
    expect(() => model.send({ type: "ping" })).toThrow(/no kernel/);
  });

  it("puts saved buffers back as DataViews at their paths", () => {
    const bytes = new Float64Array([1.5, -2]);
    const b64 = btoa(String.fromCharCode(...new Uint8Array(bytes.buffer)));
    const state = restoreBuffers({ trace: { x: { $packed: [2], data: null } } }, [{ path: ["trace", "x", "data"], data: b64 }]);
    const view = state.trace.x.data;
    expect(view).toBeInstanceOf(DataView);
    expect([view.getFloat64(0, true), view.getFloat64(8, true)]).toEqual([1.5, -2]);
  });

  it("an edit typed into a static page is not sent and the value goes back", async () => {
    const el = staticPage();
    await tick();
    const input = cell(el, "A row 1 column 1");
    input.value = "5";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    input.blur();
    await tick();
    expect(cell(el, "A row 1 column 1").value).toBe("1");
    expect(el.querySelector(".rnnw-diagram [data-ref='h:0:1']").textContent).toContain("17");
  });
});
