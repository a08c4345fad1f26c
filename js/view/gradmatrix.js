// A read-only matrix of gradient values dL/dW next to a parameter's editor, in the same layout as
// the parameter (transposed in the column view), diverging colours; below it the part that one
// time step contributes (grads.per_step).
import { h, setChildren, symbolEl } from "./dom.js";
import { formatNumber } from "../data/format.js";
import { maxAbs, paint } from "../geometry/colors.js";
import { displayParam } from "../data/convention.js";
import { isLargeMatrix } from "../geometry/heat_layout.js";
import { createHeatmapEditor } from "../editing/heatmap_editor.js";

/**
 * @param {any[][]} values
 * @param {number} scale
 * @param {(r: number, c: number, v: any) => string} label
 * @param {((r: number, c: number) => HTMLElement | null) | null} [answer] an exercise's answer input for an open dW blank at (r, c)
 */
function grid(values, scale, label, answer = null) {
  const cols = values[0]?.length ?? 0;
  return h(
    "div",
    { class: "rnnw-grid rnnw-ggrid", role: "group", style: { "--rnnw-cols": String(cols) } },
    values.flatMap((row, r) =>
      row.map((v, c) => {
        const input = answer?.(r, c);
        if (input) return input;
        const cell = h("span", { class: "rnnw-gcell", "aria-label": label(r, c, v) }, [formatNumber(v, { digits: 3 })]);
        paint(cell, v, scale);
        return cell;
      }),
    ),
  );
}

export function createGradMatrix() {
  const el = h("div", { class: "rnnw-gmatrix", role: "group" });
  let heat = null; // large gradients: two read-only heat maps (total, one step), kept between updates
  /**
   * @param {{grad: number[][]|number[]|null, perStep?: (number[][]|number[])|null, step?: number | null,
   *          symbol: object, convention: string, isVector: boolean, name: string,
   *          slot?: ((r: number, c: number) => HTMLElement | null) | null}} s
   *   slot: an exercise's answer input for an open blank at the displayed (r, c) of the total
   */
  function update({ grad, perStep, step, symbol, convention, isVector, name, slot = null }) {
    if (!grad) {
      el.hidden = true;
      el.removeAttribute("aria-label");
      setChildren(el, []);
      heat?.total.destroy?.();
      heat?.part.destroy?.();
      heat = null; // built anew (and put back in el) when gradients show again
      return;
    }
    el.hidden = false;
    const display = displayParam(grad, convention);
    if (isLargeMatrix(display.length, display[0]?.length ?? 0))
      return updateHeat(display, { perStep, step, symbol, convention, isVector, name });
    heat = null;
    const scale = maxAbs(display);
    const where = (r, c) => (isVector ? `entry ${(display.length === 1 ? c : r) + 1}` : `row ${r + 1} column ${c + 1}`);
    const dsym = { ...symbol, base: `\u2202L/\u2202${symbol.base}` };
    const parts = [
      h("div", { class: "rnnw-mtitle" }, [symbolEl(dsym, { class: "rnnw-mname rnnw-gname" })]),
      grid(display, scale, (r, c, v) => `dL/d${name} ${where(r, c)} = ${formatNumber(v)}`, slot),
    ];
    if (perStep && step !== undefined && step !== null && Number.isInteger(step)) {
      const part = displayParam(perStep, convention);
      parts.push(
        h("div", { class: "rnnw-gstep-title" }, [`from step ${step + 1}`]),
        grid(part, scale, (r, c, v) => `dL/d${name} from step ${step + 1} ${where(r, c)} = ${formatNumber(v)}`),
      );
    }
    setChildren(el, parts);
    el.setAttribute("aria-label", `gradient of the loss with respect to ${name}`);
  }
  function updateHeat(display, { perStep, step, symbol, convention, isVector, name }) {
    if (!heat) {
      heat = {
        total: createHeatmapEditor({ readOnly: true, className: "rnnw-gheat" }),
        part: createHeatmapEditor({ readOnly: true, className: "rnnw-gheat" }),
      };
      setChildren(el, [heat.total.el, heat.part.el]);
    }
    const where = (r, c) => (isVector ? `entry ${(display.length === 1 ? c : r) + 1}` : `row ${r + 1} column ${c + 1}`);
    const dsym = { ...symbol, base: `\u2202L/\u2202${symbol.base}`, text: `dL/d${name}` };
    heat.total.update({ values: display, symbol: dsym, ariaLabel: (r, c) => `dL/d${name} ${where(r, c)}` });
    const has = perStep && Number.isInteger(step);
    heat.part.el.hidden = !has;
    if (has) {
      heat.part.update({
        values: displayParam(perStep, convention),
        symbol: { base: `from step ${step + 1}`, sub: "", sup: "", text: `dL/d${name} from step ${step + 1}` },
        ariaLabel: (r, c) => `dL/d${name} from step ${step + 1} ${where(r, c)}`,
      });
    }
    el.setAttribute("aria-label", `gradient of the loss with respect to ${name}`);
  }
  return { el, update };
}
