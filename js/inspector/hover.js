// The TextInspector's pointer and keyboard on the heat map and the text: which step and unit are
// hovered (a hovered unit is followed until the pointer leaves), a click or the arrow keys choose
// the model's unit, hovering a character or a top step marks its step.

/**
 * @param {{model: any, heat: HTMLCanvasElement, textmap: HTMLElement, topList: HTMLElement, hidden: number,
 *   steps: () => number, geometry: () => {cw: number, rh: number}, redraw: () => void}} o
 *   steps: the characters shown; redraw: called when the hovered step or unit changed
 */
export function createHover({ model, heat, textmap, topList, hidden, steps, geometry, redraw }) {
  const state = {
    /** @type {number | null} */
    step: null,
    /** @type {number | null} */
    unit: null,
  };

  const pointerStep = (ev) => {
    const box = heat.getBoundingClientRect();
    const g = geometry();
    const t = Math.floor((ev.clientX - box.left) / g.cw);
    const u = Math.floor((ev.clientY - box.top) / g.rh);
    return { t: t >= 0 && t < steps() ? t : null, u: u >= 0 && u < hidden ? u : null };
  };
  const onHeatMove = (ev) => {
    const { t, u } = pointerStep(ev);
    if (t === state.step && u === state.unit) return;
    state.step = t;
    state.unit = u;
    redraw();
  };
  const onHeatLeave = () => {
    state.unit = null;
    state.step = null;
    redraw();
  };
  const onHeatClick = (ev) => {
    const { u } = pointerStep(ev);
    if (u === null) return;
    model.set("unit", u);
    model.save_changes();
  };
  const onHeatKey = (ev) => {
    const u = model.get("unit");
    const d = { ArrowUp: -1, ArrowDown: 1, PageUp: -16, PageDown: 16 }[ev.key];
    if (d === undefined) return;
    ev.preventDefault();
    ev.stopPropagation();
    model.set("unit", Math.max(0, Math.min(hidden - 1, u + d)));
    model.save_changes();
  };
  const onTextHover = (ev) => {
    const t = ev.target?.closest?.(".rnnw-insp-char, .rnnw-insp-top-item");
    const step = t ? Number(t.getAttribute("data-step")) : null;
    if (step === state.step) return;
    state.step = step;
    redraw();
  };

  heat.addEventListener("pointermove", onHeatMove);
  heat.addEventListener("pointerleave", onHeatLeave);
  heat.addEventListener("click", onHeatClick);
  heat.addEventListener("keydown", onHeatKey);
  textmap.addEventListener("pointerover", onTextHover);
  topList.addEventListener("pointerover", onTextHover);

  return {
    state,
    /** the listeners off */
    detach() {
      heat.removeEventListener("pointermove", onHeatMove);
      heat.removeEventListener("pointerleave", onHeatLeave);
      heat.removeEventListener("click", onHeatClick);
      heat.removeEventListener("keydown", onHeatKey);
      textmap.removeEventListener("pointerover", onTextHover);
      topList.removeEventListener("pointerover", onTextHover);
    },
  };
}
