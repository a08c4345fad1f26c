// The layout (issue 8): one toolbar (step controls, Gradients, Picture, Projector), the caption,
// then the stage (diagram and formula), the editors after it; the gradient options only while
// gradients show; projector mode from the trait and the toggle.
import { afterEach, describe, expect, it } from "vitest";
import { FakeModel } from "../dev/fake_model.js";
import widget from "../widget.js";
import { fixtureState } from "./fixture.js";

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
});
const settle = () => new Promise((r) => setTimeout(r, 0));
async function mount(state) {
  const el = document.createElement("div");
  document.body.appendChild(el);
  const model = new FakeModel(state);
  mounted.push(widget.render({ model, el }));
  await settle();
  return { root: /** @type {HTMLElement} */ (el.querySelector(".rnnw")), model };
}
const precedes = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);

describe("the layout", () => {
  it("puts the toolbar, the caption and the stage before the editors", async () => {
    const { root } = await mount(fixtureState("tom_yeh"));
    const bar = root.querySelector(".rnnw-toolbar");
    for (const action of ["prev", "next", "all", "grads", "picture", "projector"])
      expect(bar.querySelector(`[data-action="${action}"]`), action).not.toBe(null);
    const caption = root.querySelector(".rnnw-caption");
    const stage = root.querySelector(".rnnw-stage");
    expect([...stage.children].map((c) => c.className)).toEqual(["rnnw-diagram-box", "rnnw-fcol"]);
    expect(precedes(bar, caption) && precedes(caption, stage)).toBe(true);
    expect(precedes(stage, root.querySelector(".rnnw-editors"))).toBe(true);
    // a refused spec shows right under the model controls, above the toolbar
    expect(precedes(root.querySelector(".rnnw-controls"), root.querySelector(".rnnw-error"))).toBe(true);
    expect(precedes(root.querySelector(".rnnw-error"), bar)).toBe(true);
  });

  it("gives the gradient options a row only while gradients show", async () => {
    const { root, model } = await mount(fixtureState("tom_yeh", { show_grads: false }));
    expect(root.querySelector(".rnnw-gradbar").hidden).toBe(true);
    root.querySelector('[data-action="grads"]').click();
    await settle();
    expect(model.get("show_grads")).toBe(true);
    expect(root.querySelector(".rnnw-gradbar").hidden).toBe(false);
  });

  it("tells the diagram's size to the stage's CSS (it scales down to 65%, then scrolls)", async () => {
    const { root } = await mount(fixtureState("tom_yeh"));
    const box = root.querySelector(".rnnw-diagram-box");
    const svg = box.querySelector("svg.rnnw-diagram");
    expect(box.style.getPropertyValue("--rnnw-diagram-w")).toBe(`${svg.getAttribute("width")}px`);
  });
});

describe("projector mode", () => {
  it("follows the projector trait and the toolbar toggle sets it", async () => {
    const { root, model } = await mount(fixtureState("tom_yeh"));
    expect(root.classList.contains("is-projector")).toBe(false);
    const toggle = root.querySelector('[data-action="projector"]');
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    toggle.click();
    await settle();
    expect(model.get("projector")).toBe(true);
    expect(root.classList.contains("is-projector")).toBe(true);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    model.publish("projector", false);
    await settle();
    expect(root.classList.contains("is-projector")).toBe(false);
  });
});

describe("the Picture menu", () => {
  it("offers the diagram and the formula as SVG and PNG, light or dark, and cleans up", async () => {
    const { root } = await mount(fixtureState("tom_yeh"));
    const menu = root.querySelector(".rnnw-menu");
    const items = [...menu.querySelectorAll("[data-action^='picture-']")].map((b) => b.getAttribute("data-action"));
    expect(items).toEqual(["picture-diagram-svg", "picture-diagram-png", "picture-formula-svg", "picture-formula-png"]);
    expect([...menu.querySelectorAll("[data-control='picture-theme'] option")].map((o) => o.value)).toEqual(["light", "dark"]);
    menu.setAttribute("open", "");
    document.body.click(); // a click elsewhere closes it
    expect(menu.hasAttribute("open")).toBe(false);
  });
});

describe("without a kernel (a static page)", () => {
  it("keeps the Picture menu and the Projector toggle working", async () => {
    const { mountAll } = await import("../standalone.js");
    const el = document.createElement("div");
    el.setAttribute("data-rnnw-model", "m1");
    const script = document.createElement("script");
    script.setAttribute("type", "application/vnd.rnn-widget.state+json");
    script.setAttribute("data-rnnw-state", "m1");
    script.textContent = JSON.stringify({ state: fixtureState("tom_yeh"), buffers: [] });
    document.body.append(el, script);
    mounted.push(...mountAll(document));
    await settle();
    const root = el.querySelector(".rnnw");
    expect(root.classList.contains("is-readonly")).toBe(true);
    for (const b of root.querySelectorAll("[data-action^='picture-'], [data-control='picture-theme']")) expect(b.disabled).toBe(false);
    const toggle = root.querySelector('[data-action="projector"]');
    expect(toggle.disabled).toBe(false);
    toggle.click();
    await settle();
    expect(root.classList.contains("is-projector")).toBe(true);
  });
});
