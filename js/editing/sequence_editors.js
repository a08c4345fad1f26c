// The sequence editors: inputs with add/remove step, h0 per layer, targets (add/remove). An edit
// sends the changed entry or the resize (edit_channel.js).
import { h, setChildren } from "../view/dom.js";
import { stateBase } from "../data/names.js";
import { ref } from "../data/refs.js";
import { displayParam, displaySequence, sequenceIndex } from "../data/convention.js";
import { createAutoEditor } from "./auto_editor.js";
import { ariaFor } from "./editor_labels.js";
import { readsInput, scoredSteps } from "../data/modes.js";
import { THIN_MAX_SIDE } from "../geometry/heat_layout.js";

/**
 * A note under the targets when the loss scores only some steps: which ones, and that the other
 * rows (blank, "\u2014") take no target. "" when every step is scored. Pure.
 * @param {boolean[]} scored per step
 */
export function scoredNote(scored) {
  const steps = scored.flatMap((on, t) => (on ? [t + 1] : []));
  if (!scored.length || steps.length === scored.length) return "";
  if (!steps.length) return "No step is scored.";
  const which =
    steps.length === 1
      ? `step ${steps[0]}`
      : steps.every((s, i) => i === 0 || s === steps[i - 1] + 1)
        ? `steps ${steps[0]}\u2013${steps.at(-1)}`
        : `steps ${steps.join(", ")}`;
  return `Only ${which} ${steps.length === 1 ? "is" : "are"} scored: the other steps take no target (\u2014).`;
}

/** @param {{current: import("../view/parts/context.js").PartContext["current"], edit: (edits: import("../data/edits.js").Edit[]) => void}} opts */
export function createSequenceEditors({ current, edit }) {
  let state = { convention: "row", spec: {}, limits: {} };
  const inputs = createAutoEditor({
    thin: THIN_MAX_SIDE,
    onEdit: (r, c, v) => edit([{ field: "inputs", index: sequenceIndex(state.convention, r, c), value: v }]),
  });
  const targets = createAutoEditor({
    thin: THIN_MAX_SIDE,
    onEdit: (r, c, v) => edit([{ field: "targets", index: sequenceIndex(state.convention, r, c), value: v }]),
  });
  const h0s = [];
  const addStep = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "add-step" }, ["+ step"]);
  const removeStep = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "remove-step" }, ["\u2212 step"]);
  const addTargets = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "add-targets" }, ["+ targets"]);
  const removeTargets = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "remove-targets" }, [
    "remove targets",
  ]);
  addStep.addEventListener("click", () => {
    const T = (current("inputs") || []).length;
    if (T < (state.limits.max_steps ?? Infinity)) edit([{ field: "inputs", steps: T + 1 }]);
  });
  removeStep.addEventListener("click", () => {
    const T = (current("inputs") || []).length;
    if (T > 1) edit([{ field: "inputs", steps: T - 1 }]);
  });
  addTargets.addEventListener("click", () => edit([{ field: "targets", on: true }]));
  removeTargets.addEventListener("click", () => edit([{ field: "targets", on: false }]));

  // built once: building it in update() would move the button out of the shown row each time
  // which steps the loss scores, when not every one (many-to-one, encoder-decoder): a plain note
  const targetNote = h("p", { class: "rnnw-note rnnw-target-note", hidden: true });
  const targetEditor = [targets.el, targetNote, h("div", { class: "rnnw-btnrow" }, [removeTargets])];
  const h0Box = h("div", { class: "rnnw-mrow" });
  const targetBox = h("div", { class: "rnnw-targets" });
  const el = h("div", { class: "rnnw-mrow" }, [
    h("div", { class: "rnnw-seq" }, [inputs.el, h("div", { class: "rnnw-btnrow" }, [removeStep, addStep])]),
    h0Box,
    targetBox,
  ]);

  const show = (box, key, children) => {
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      setChildren(box, children);
    }
  };

  function update({ inputs: seq, h0, targets: tg, spec, convention, names, limits, error, errorField }) {
    state = { convention, spec, limits };
    const x = stateBase("x", 0, names);
    if (seq.length) {
      const display = displaySequence(seq, convention);
      const reads = readsInput(spec, seq.length);
      inputs.update({
        values: display,
        symbol: { base: x === "x" ? "X" : x, sub: "", sup: "" },
        shape: `${seq.length} step${seq.length === 1 ? "" : "s"}`,
        ariaLabel: (r, c) => {
          const [t, i] = convention === "column" ? [c, r] : [r, c];
          return `${x}${t + 1} entry ${i + 1}`;
        },
        cellRef: (r, c) => ref.x(convention === "column" ? c : r),
        inactive: (r, c) => !reads[convention === "column" ? c : r],
        cellKey: (r, c) => (convention === "column" ? { name: "inputs", r: c, c: r } : { name: "inputs", r, c }),
        error: errorField === "inputs" ? error : "",
      });
    }
    addStep.disabled = seq.length >= (limits.max_steps ?? Infinity);
    removeStep.disabled = seq.length <= 1;

    while (h0s.length > h0.length) h0s.pop().destroy();
    while (h0s.length < h0.length) {
      const l = h0s.length;
      h0s.push(
        createAutoEditor({
          dataRef: ref.h(l, -1),
          onEdit: (r, c, v) => edit([{ field: "h0", index: [l, state.convention === "column" ? r : c], value: v }]),
        }),
      );
    }
    h0.forEach((vecL, l) => {
      const base = stateBase("h", l, names);
      const display = displayParam(vecL, convention);
      h0s[l].update({
        values: display,
        symbol: { base, sub: "0", sup: "" },
        ariaLabel: ariaFor(`${base}0`, display, true),
        cellKey: (r, c) => ({ name: "h0", r: l, c: convention === "column" ? r : c }),
        error: errorField === "h0" && l === 0 ? error : "",
      });
    });
    if (h0Box.childNodes.length !== h0s.length || h0s.some((e, i) => h0Box.childNodes[i] !== e.el)) {
      setChildren(
        h0Box,
        h0s.map((e) => e.el),
      );
    }

    if (spec.output_size) {
      if (Array.isArray(tg) && tg.length) {
        const display = displaySequence(tg, convention);
        // the target rows of steps the loss does not score (many-to-one, encoder-decoder) are not used
        const emits = tg.length === seq.length ? scoredSteps(spec, tg.length) : tg.map(() => true);
        targets.update({
          values: display,
          symbol: { base: "target", sub: "", sup: "" },
          ariaLabel: (r, c) => {
            const [t, i] = convention === "column" ? [c, r] : [r, c];
            return `target ${t + 1} entry ${i + 1}`;
          },
          cellRef: (r, c) => ref.y(convention === "column" ? c : r),
          inactive: (r, c) => !emits[convention === "column" ? c : r],
          inactiveTitle: "not scored at this step",
          cellKey: (r, c) => (convention === "column" ? { name: "targets", r: c, c: r } : { name: "targets", r, c }),
          error: errorField === "targets" ? error : "",
        });
        const note = scoredNote(emits);
        targetNote.hidden = !note;
        targetNote.textContent = note;
        show(targetBox, "editor", targetEditor);
      } else show(targetBox, "add", [addTargets]);
    } else show(targetBox, "none", []);
  }

  function destroy() {
    inputs.destroy();
    targets.destroy();
    h0s.forEach((e) => e.destroy());
  }
  return { el, update, destroy };
}
