// The toolbar's own tools: the Picture menu (save the diagram or the formula as SVG or PNG, light
// or dark: view/export_picture.js) and the Projector toggle (the projector trait). mount.js puts
// them in one row with the step controls and the Gradients toggle.
import { h } from "../dom.js";
import { savePicture } from "../export_picture.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, current, send, root }) {
  const projector = h("button", { type: "button", class: "rnnw-btn rnnw-toggle", "data-action": "projector", "aria-pressed": "false" }, [
    "Projector",
  ]);
  const theme = h("select", { class: "rnnw-select rnnw-select-small", "aria-label": "Picture colours", "data-control": "picture-theme" }, [
    h("option", { value: "light" }, ["light"]),
    h("option", { value: "dark" }, ["dark"]),
  ]);
  const status = h("div", { class: "rnnw-note", role: "status", "aria-live": "polite" });
  /** @param {"diagram" | "formula"} what @param {"svg" | "png"} format @param {string} text */
  const item = (what, format, text) =>
    h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": `picture-${what}-${format}` }, [text]);
  const items = [
    item("diagram", "svg", "Diagram SVG"),
    item("diagram", "png", "Diagram PNG"),
    item("formula", "svg", "Formula SVG"),
    item("formula", "png", "Formula PNG"),
  ];
  const summary = h("summary", { class: "rnnw-btn", "data-action": "picture", "aria-label": "Save a picture" }, ["Picture \u25be"]);
  const menu = h("details", { class: "rnnw-menu" }, [
    summary,
    h("div", { class: "rnnw-menu-pop", role: "group", "aria-label": "Save a picture" }, [
      h("label", { class: "rnnw-field rnnw-field-inline" }, [h("span", { class: "rnnw-flabel" }, ["Colours"]), theme]),
      h("div", { class: "rnnw-menu-items" }, items),
      status,
    ]),
  ]);
  const onItem = async (/** @type {Event} */ e) => {
    const btn = /** @type {HTMLElement} */ (e.currentTarget);
    const [, what, format] = String(btn.dataset.action).split("-");
    status.textContent = "";
    try {
      await savePicture({
        root,
        what: /** @type {"diagram" | "formula"} */ (what),
        format: /** @type {"svg" | "png"} */ (format),
        theme: /** @type {"light" | "dark"} */ (/** @type {HTMLSelectElement} */ (theme).value),
        title: current("title") || "rnn",
      });
      menu.removeAttribute("open");
    } catch (err) {
      status.textContent = `Could not save the picture: ${err instanceof Error ? err.message : err}`;
    }
  };
  const onProjector = () => send({ projector: !current("projector") });
  // a click outside closes the menu
  const onDocClick = (/** @type {Event} */ e) => {
    if (menu.hasAttribute("open") && !menu.contains(/** @type {Node} */ (e.target))) menu.removeAttribute("open");
  };
  items.forEach((b) => b.addEventListener("click", onItem));
  projector.addEventListener("click", onProjector);
  document.addEventListener("click", onDocClick);
  const el = h("div", { class: "rnnw-tools" }, [menu, projector]);
  return {
    el,
    render() {
      const on = Boolean(get("projector"));
      projector.setAttribute("aria-pressed", String(on));
      projector.classList.toggle("is-on", on);
      root.classList.toggle("is-projector", on);
    },
    destroy() {
      items.forEach((b) => b.removeEventListener("click", onItem));
      projector.removeEventListener("click", onProjector);
      document.removeEventListener("click", onDocClick);
    },
  };
}
