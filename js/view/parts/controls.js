// The model controls (cell, activation, convention, sizes, layers, mode, emitted steps): a change
// sends a new spec.
import { createControls } from "../controls.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, send }) {
  const controls = createControls({
    onSpec: (spec) => send({ spec }),
    onConvention: (convention) => send({ convention }),
  });
  return {
    el: controls.el,
    render() {
      const steps = (get("inputs") || []).length;
      controls.update({ spec: get("spec"), convention: get("convention"), limits: get("limits") || {}, steps });
    },
  };
}
