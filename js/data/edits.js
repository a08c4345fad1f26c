// The entries of an edit message (docs/protocol.md, "Edits carry what changed") and how the page
// shows them before Python has answered: merged newest-per-entry, and laid over the traits. Pure.

/** The traits an edit message can change; the page never writes them whole. */
export const EDIT_FIELDS = ["params", "inputs", "h0", "c0", "targets", "batch_inputs", "batch_targets"];

/**
 * One edit entry, as sent. `index` is the row-convention index; `steps` resizes the inputs;
 * `on` turns targets on (zeros) or off; `samples` resizes a mini-batch (batch_inputs, data/batch.js).
 * @typedef {{field: string, name?: string, index?: number[], value?: number, steps?: number, on?: boolean, samples?: number}} Edit
 */

/** @param {Edit} e @returns {string} what an entry changes: a newer edit with the same key replaces it */
export function editKey(e) {
  if (e.steps !== undefined) return `${e.field}#steps`;
  if (e.samples !== undefined) return `${e.field}#samples`;
  if (e.on !== undefined) return `${e.field}#on`;
  return JSON.stringify([e.field, e.name ?? null, e.index]);
}

/**
 * Add `edit` to `queue` (a Map key -> edit, in the order Python applies them): the newest value per
 * entry wins and moves to the end; a resize drops queued entries of steps it cuts, and turning
 * targets on or off drops queued target entries (they referred to the old targets).
 * @param {Map<string, Edit>} queue
 * @param {Edit} edit
 */
export function mergeEdit(queue, edit) {
  if (edit.steps !== undefined) {
    for (const [k, e] of queue) {
      if ((e.field === "inputs" || e.field === "targets") && e.index && e.index[0] >= edit.steps) queue.delete(k);
    }
  }
  if (edit.on !== undefined) {
    for (const [k, e] of queue) if (e.field === edit.field && e.index) queue.delete(k);
  }
  const key = editKey(edit);
  queue.delete(key);
  queue.set(key, edit);
}

/**
 * A copy of nested arrays `value` with the entry at `index` set to v (untouched rows shared), or
 * `value` itself when out of range or when the entry already holds v (Python's answer to an edit
 * still in flight: the overlay then changes nothing, and nothing is redrawn).
 */
function setAt(value, index, v) {
  if (!Array.isArray(value) || index.length === 0) return value;
  const [i, ...rest] = index;
  if (!Number.isInteger(i) || i < 0 || i >= value.length) return value;
  const inner = rest.length ? setAt(value[i], rest, v) : v;
  if (Object.is(inner, value[i])) return value;
  const out = value.slice();
  out[i] = inner;
  return out;
}

const zeros = (n) => Array(n).fill(0);

/** Resize a (T, n) sequence to `steps` rows: cut, or pad with rows of zeros. */
function resize(seq, steps, width) {
  if (!Array.isArray(seq)) return seq;
  if (seq.length >= steps) return seq.slice(0, steps);
  const n = seq[0]?.length ?? width;
  return [...seq, ...Array.from({ length: steps - seq.length }, () => zeros(n))];
}

/**
 * The traits as they will be once Python has applied `edits`: a new object for every field an
 * edit touches (rows it does not touch are shared), the same objects otherwise.
 * @param {{params?: object, inputs?: number[][], h0?: number[][], c0?: number[][], targets?: number[][] | null}} values
 * @param {Edit[]} edits
 * @param {{inputSize?: number, outputSize?: number}} [sizes] for padded rows and zero targets
 */
export function applyEdits(values, edits, sizes = {}) {
  if (!edits.length) return values;
  const out = { ...values };
  for (const e of edits) {
    if (e.steps !== undefined) {
      const before = out.inputs?.length ?? 0;
      out.inputs = resize(out.inputs, e.steps, sizes.inputSize ?? 1);
      // targets follow the steps when they have one row per step
      if (Array.isArray(out.targets) && out.targets.length === before) out.targets = resize(out.targets, e.steps, sizes.outputSize ?? 1);
    } else if (e.on !== undefined) {
      const T = out.inputs?.length ?? 0;
      out.targets = e.on ? Array.from({ length: T }, () => zeros(sizes.outputSize ?? 1)) : null;
    } else if (e.field === "params") {
      const params = out.params || {};
      const name = e.name ?? "";
      if (params[name] === undefined || !e.index) continue;
      const next = setAt(params[name], e.index, e.value);
      if (next !== params[name]) out.params = { ...params, [name]: next };
    } else if (e.index) {
      const field = /** @type {"inputs"|"h0"|"c0"|"targets"} */ (e.field);
      out[field] = setAt(out[field], e.index, e.value);
    }
  }
  return out;
}

/** The fields a list of edits touches (a resize touches targets too). */
export function fieldsOf(edits) {
  const fields = new Set();
  for (const e of edits) {
    fields.add(e.field);
    if (e.steps !== undefined) fields.add("targets");
  }
  return fields;
}
