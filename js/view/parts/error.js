// The message of the last refused edit, naming what it was about (error, error_field).
import { h } from "../dom.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get }) {
  const el = h("div", { class: "rnnw-error", role: "alert", hidden: true });
  return {
    el,
    render() {
      const msg = get("error");
      const field = get("error_field");
      el.hidden = !msg;
      const shown = get("display_names")?.[field];
      const where = field ? `${shown ? `${shown} (${field})` : field}: ` : "";
      el.textContent = msg ? `${where}${msg}` : "";
    },
  };
}
