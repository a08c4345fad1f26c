// The heading: user text, shown as text.
import { h } from "../dom.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get }) {
  const el = h("h2", { class: "rnnw-title" });
  return {
    el,
    render() {
      const text = get("title");
      el.textContent = text || "";
      el.hidden = !text;
    },
  };
}
