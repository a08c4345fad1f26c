// The mini-batch (seed 003): X_t, H_t, O_t of the focused step as n-row matrices, one row per
// sample, the inputs editable per sample (entry edits), a sample picker whose choice the diagram
// and the formulas follow (the `batch_sample` trait), the batch loss written out, and + / − sample.
import { h, setChildren, symbolEl } from "../dom.js";
import { formatNumber, formatForEditing } from "../../data/format.js";
import { hasBatch, inputEdit, MAX_BATCH, MAX_COLUMNS, lossText, resizeEdit, sampleName, shownColumns, stepRows } from "../../data/batch.js";
import { maxAbs, paint } from "../../geometry/colors.js";
import { attachNumberField } from "../../editing/number_field.js";
import { scrubStep } from "../../editing/drag.js";

const fmt = (/** @type {number} */ v) => formatNumber(v, { digits: 3 });
const FIELDS = ["batch_inputs", "batch_targets", "batch_sample"];

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, current, send, edit }) {
  const caption = h("span", { class: "rnnw-batch-caption" });
  const remove = h("button", { type: "button", class: "rnnw-btn rnnw-btn-small", "data-action": "remove-sample" }, ["\u2212 sample"]);
  const add = h(
    "button",
    {
      type: "button",
      class: "rnnw-btn rnnw-btn-small",
      "data-action": "add-sample",
      title: "Run several sequences at once with the same weights: X\u209c becomes an n \u00d7 d matrix, one row per sample (seed 003)",
    },
    ["+ sample"],
  );
  const table = h("div", { class: "rnnw-batch-table", role: "table", "aria-label": "The batch at the focused step" });
  const note = h("div", { class: "rnnw-batch-note" });
  const loss = h("div", { class: "rnnw-batch-loss", "data-ref": "batch-loss" });
  const msg = h("div", { class: "rnnw-msg", role: "status", "aria-live": "polite" });
  const el = h("section", { class: "rnnw-section rnnw-batch", "aria-label": "Mini-batch" }, [
    h("div", { class: "rnnw-batch-head" }, [
      h("div", { class: "rnnw-section-title" }, ["Mini-batch"]),
      caption,
      h("div", { class: "rnnw-btnrow" }, [remove, add]),
    ]),
    table,
    note,
    loss,
    msg,
  ]);
  let n = 1;
  let shownStep = 0; // the step the X cells edit: the focused one when they were last drawn
  let localError = "";
  /** @type {{key: string, cells: {input: HTMLInputElement, value: number, field: ReturnType<typeof attachNumberField>}[][]}} */
  let grid = { key: "", cells: [] };

  const resize = (/** @type {number} */ to) => {
    const e = resizeEdit(to, MAX_BATCH);
    if (e) edit([e]);
  };
  const onAdd = () => resize(n + 1);
  const onRemove = () => resize(n - 1);
  add.addEventListener("click", onAdd);
  remove.addEventListener("click", onRemove);

  const detachCells = () => grid.cells.flat().forEach((c) => c.field.detach());

  /** An input cell of X_t: sample k, entry i (the step is read when it is edited). */
  const makeCell = (/** @type {number} */ k, /** @type {number} */ i, /** @type {() => number} */ step) => {
    const input = /** @type {HTMLInputElement} */ (
      h("input", {
        class: "rnnw-cell rnnw-batch-cell",
        type: "text",
        inputmode: "decimal",
        autocomplete: "off",
        spellcheck: "false",
        "data-sample": k,
        "data-c": i,
        role: "cell",
      })
    );
    const cell = { input, value: 0, field: /** @type {any} */ (null) };
    cell.field = attachNumberField(input, {
      value: () => cell.value,
      set: (v) => {
        cell.value = v;
      },
      format: (v) => (document.activeElement === input ? formatForEditing(v) : fmt(/** @type {number} */ (v))),
      step: () => scrubStep([[cell.value]]),
      onEdit: (v) => edit([inputEdit(k, step(), i, v)]),
      onMessage: (text) => {
        localError = text;
        msg.textContent = text;
      },
      onBlur: () => {
        input.value = fmt(cell.value);
      },
      onClick: () => input.focus(),
    });
    input.addEventListener("focus", () => {
      if (input.dataset.editing !== "1") input.value = formatForEditing(cell.value);
      input.select();
    });
    return cell;
  };

  /** A read-only row of numbers (H_t or O_t of one sample), painted like the matrices. */
  const numbers = (/** @type {number[]} */ row, /** @type {number} */ scale, /** @type {string} */ what) => {
    const { values, cut } = shownColumns(row);
    return h("span", { class: "rnnw-batch-vals", "data-what": what }, [
      ...values.map((v) => {
        const span = h("span", { class: "rnnw-batch-val", "data-value": String(v) }, [fmt(v)]);
        paint(span, v, scale);
        return span;
      }),
      cut ? h("span", { class: "rnnw-batch-more" }, ["\u2026"]) : null,
    ]);
  };

  return {
    el,
    render() {
      const bt = get("batch_trace");
      el.hidden = Boolean(get("homework")); // an exercise's numbers are fixed: no batch
      const error = get("error");
      const external = FIELDS.includes(get("error_field")) ? error : "";
      msg.textContent = localError || external;
      el.classList.toggle("has-error", Boolean(localError || external));
      if (!hasBatch(bt)) {
        n = 1;
        // one line without a batch: the explanation is the button's tooltip, not a paragraph
        caption.textContent = "one sequence";
        remove.hidden = true;
        add.disabled = false;
        detachCells();
        grid = { key: "", cells: [] };
        setChildren(table, []);
        note.textContent = "";
        setChildren(loss, []);
        return;
      }
      n = bt.n;
      remove.hidden = false;
      add.disabled = n >= MAX_BATCH;
      const followed = Math.min(get("batch_sample") ?? 0, n - 1);
      const rows = stepRows(bt, get("focus_step") ?? 0, { inputs: get("inputs"), batchInputs: get("batch_inputs") });
      const t = rows.step;
      caption.textContent = `n = ${n} samples \u00b7 step ${t + 1} of ${bt.T} \u00b7 the diagram follows ${sampleName(followed)}`;
      const d = rows.X[0]?.length ?? 0;
      const key = `${n}x${d}`;
      if (grid.key !== key) {
        detachCells();
        // the first MAX_COLUMNS inputs of each sample are editable here; wider inputs end in "…"
        grid = { key, cells: rows.X.map((row, k) => shownColumns(row).values.map((_, i) => makeCell(k, i, () => shownStep))) };
      }
      shownStep = t;
      const xScale = maxAbs(rows.X);
      rows.X.forEach((row, k) =>
        shownColumns(row).values.forEach((v, i) => {
          const cell = grid.cells[k][i];
          cell.input.setAttribute("aria-label", `X${t + 1}: ${sampleName(k)}, input ${i + 1}`);
          if (!cell.field.busy()) {
            cell.value = v;
            cell.input.value = document.activeElement === cell.input ? formatForEditing(v) : fmt(v);
          }
          paint(cell.input, cell.value, xScale);
        }),
      );
      const layers = rows.H.length;
      const scoredStep = get("trace")?.scored?.[t] !== false; // many-to-one scores the last step only
      const hScales = rows.H.map((Ht) => maxAbs(Ht));
      const oScale = rows.O ? maxAbs(rows.O) : 1;
      const head = (/** @type {string} */ base, /** @type {number} */ cols, /** @type {string} */ sup = "") =>
        h("span", { class: "rnnw-batch-th", role: "columnheader" }, [
          symbolEl({ base, sub: String(t + 1), sup }),
          h("span", { class: "rnnw-shape" }, [`${n}\u00d7${cols}`]),
        ]);
      const header = h("div", { class: "rnnw-batch-tr rnnw-batch-headrow", role: "row" }, [
        h("span", { class: "rnnw-batch-th", role: "columnheader" }, ["follow"]),
        head("X", d),
        ...rows.H.map((Ht, l) => head("H", Ht[0]?.length ?? 0, layers > 1 ? `(${l + 1})` : "")),
        rows.O ? head("O", rows.O[0]?.length ?? 0) : null,
        rows.targets ? h("span", { class: "rnnw-batch-th", role: "columnheader" }, ["target"]) : null,
        bt.sample_losses ? h("span", { class: "rnnw-batch-th", role: "columnheader" }, [symbolEl({ base: "L", sub: "k" })]) : null,
      ]);
      const body = rows.X.map((_, k) => {
        const pick = h(
          "button",
          {
            type: "button",
            class: "rnnw-btn rnnw-btn-small rnnw-batch-pick",
            "data-sample": k,
            "aria-pressed": String(k === followed),
            title: `Follow ${sampleName(k)} in the diagram and the formulas`,
          },
          [sampleName(k)],
        );
        pick.addEventListener("click", () => {
          if (current("batch_sample") !== k) send({ batch_sample: k });
        });
        const target = rows.targets?.[k];
        return h("div", { class: ["rnnw-batch-tr", k === followed && "is-followed"], role: "row", "data-sample": k }, [
          h("span", { class: "rnnw-batch-td", role: "rowheader" }, [pick]),
          h("span", { class: "rnnw-batch-td rnnw-batch-x" }, [
            ...grid.cells[k].map((c) => c.input),
            d > MAX_COLUMNS ? h("span", { class: "rnnw-batch-more" }, ["\u2026"]) : null,
          ]),
          ...rows.H.map((Ht, l) => h("span", { class: "rnnw-batch-td" }, [numbers(Ht[k], hScales[l], `h${l}`)])),
          rows.O ? h("span", { class: "rnnw-batch-td" }, [numbers(rows.O[k], oScale, "y")]) : null,
          rows.targets && target
            ? h("span", { class: "rnnw-batch-td rnnw-batch-muted" }, [scoredStep ? target.map(fmt).join(", ") : "\u2014"])
            : null,
          bt.sample_losses ? h("span", { class: "rnnw-batch-td rnnw-batch-muted", "data-what": "loss" }, [fmt(bt.sample_losses[k])]) : null,
        ]);
      });
      setChildren(table, [header, ...body]);
      note.textContent =
        "Row k of every matrix is sample k: H\u209c = \u03c6(X\u209c W\u2093\u2095 + H\u209c\u208b\u2081 W\u2095\u2095 + b\u2095), O\u209c = H\u209c W\u2095\u2092 + b\u2092, the same weights for every row. Sample 1 is the Sequence above; edit the others' inputs here. The loss is the mean over the samples (PyTorch's reduction), and every gradient shown is of that loss.";
      const text = lossText(bt, fmt);
      setChildren(loss, text ? [h("span", { class: "rnnw-flabel" }, ["Batch loss"]), h("span", {}, [text])] : []);
    },
    destroy() {
      detachCells();
      add.removeEventListener("click", onAdd);
      remove.removeEventListener("click", onRemove);
    },
  };
}
