// An exercise's answer sheet (the `homework` trait): the progress line ("2 of 3 right · score 2/3"),
// and per blank its status, a Check button, the hints and refusal messages as text. Blanks whose
// number the diagram does not draw (pre-activations, gates, loss, gradients) get their inputs here
// too; h, y and c are answered where the diagram draws them. Hidden on a plain widget.
import { h, setChildren } from "../dom.js";
import { blankGroups, isExercise, isSpent, progressText, statusText } from "../../data/homework.js";

/** Kinds the page always draws (the diagram and formulas; the loss readout); gates are drawn as
 * numbers only for small layers and gradients only in the gradient view, so theirs are also here. */
const DRAWN = new Set(["h", "y", "c", "loss"]);

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, root, answers }) {
  const progress = h("div", { class: "rnnw-hw-progress", role: "status", "aria-live": "polite" });
  const list = h("div", { class: "rnnw-hw-list" });
  const el = h("section", { class: "rnnw-homework", "aria-label": "Homework", hidden: true }, [
    h("div", { class: "rnnw-hw-head" }, [
      h("span", { class: "rnnw-section-title" }, ["Homework"]),
      h("span", { class: "rnnw-hw-how" }, ["Type each blank's number and press Enter or Check."]),
    ]),
    progress,
    list,
  ]);
  return {
    el,
    render() {
      const hw = get("homework");
      answers.rev.value; // typed text, pending checks and refusals of this view
      const on = isExercise(hw);
      el.hidden = !on;
      root.classList.toggle("is-exercise", on);
      if (!on) {
        setChildren(list, []);
        progress.textContent = "";
        return;
      }
      progress.textContent = progressText(hw);
      const rows = blankGroups(hw).map((g) => {
        const checkable = g.slots.filter((s) => (s.status === "open" || s.status === "wrong") && !isSpent(hw, s));
        const waiting = g.slots.some((s) => answers.pending(s.name));
        const check = h(
          "button",
          { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "check", "data-blank-group": g.blank },
          [waiting ? "Checking\u2026" : "Check"],
        );
        check.disabled = !checkable.length || waiting;
        check.addEventListener("click", () => answers.check(checkable.map((s) => s.name)));
        const status = g.slots.length === 1 ? statusText(hw, g.slots[0]) : groupStatus(hw, g);
        const inputs = g.slots
          .filter((s) => !DRAWN.has(s.kind) && (s.status === "open" || s.status === "wrong"))
          .map((s) => h("label", { class: "rnnw-hw-slot" }, [h("span", {}, [s.name]), answers.input(s, { where: "panel" })]));
        const notes = g.slots.flatMap((s) => {
          const message = answers.message(s.name) || s.message;
          const out = [];
          if (message) out.push(h("div", { class: "rnnw-hw-msg", "data-blank": s.name }, [`${s.name}: ${message}`]));
          if (s.hint && s.status === "wrong") out.push(h("div", { class: "rnnw-hw-hint", "data-blank": s.name }, [s.hint]));
          return out;
        });
        return h("div", { class: ["rnnw-hw-row", `is-${g.status}`], "data-blank-group": g.blank }, [
          h("span", { class: "rnnw-hw-name" }, [g.blank]),
          h("span", { class: "rnnw-hw-status" }, [status]),
          inputs,
          check,
          notes.length ? h("div", { class: "rnnw-hw-notes" }, notes) : null,
        ]);
      });
      setChildren(list, rows);
    },
  };
}

/**
 * A blank of several entries: "right", "1 of 2 entries right", ...
 * @param {import("../../data/protocol.js").Homework} hw
 * @param {{slots: import("../../data/protocol.js").HomeworkSlot[], status: string}} g
 */
function groupStatus(hw, g) {
  if (g.status === "right" || g.status === "revealed") return g.status;
  const right = g.slots.filter((s) => s.status === "right").length;
  const wrong = g.slots.filter((s) => s.status === "wrong");
  const parts = [];
  if (right) parts.push(`${right} of ${g.slots.length} entries right`);
  if (wrong.length) parts.push(wrong.map((s) => `${s.name} ${statusText(hw, s)}`).join(", "));
  return parts.length ? parts.join("; ") : statusText(hw, g.slots[0]);
}
