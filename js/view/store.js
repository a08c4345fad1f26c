// What a view draws from: one signal per synced trait (@preact/signals-core). A part reads traits
// through get(); it re-runs exactly when a trait it read changed, whatever it read (no table of who
// reads what). Changes are batched per microtask, and a value equal to what the view already drew
// (our own edit coming back, an unchanged trait in a multi-trait message) redraws nothing.
import { batch, computed, signal } from "@preact/signals-core";

/** Every synced trait a view reads (docs/protocol.md). */
export const TRAITS = [
  "spec",
  "params",
  "param_order",
  "inputs",
  "h0",
  "targets",
  "convention",
  "display_names",
  "labels",
  "title",
  "reveal",
  "focus_step",
  "error",
  "error_field",
  "limits",
  "trace",
  "names_convention",
  "weights_form",
  "show_grads",
  "projector",
  "bptt",
  "bptt_step",
  "training",
  "train_options",
  "loss_curve",
  "homework",
  "batch_inputs",
  "batch_sample",
  "batch_trace",
  "vocab",
  "sampled",
];

/**
 * Whether two values of a trait are the same for drawing (deep equality of plain data).
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function sameValue(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === /** @type {unknown[]} */ (b).length && a.every((v, i) => sameValue(v, /** @type {unknown[]} */ (b)[i]));
  const ka = Object.keys(a);
  const ob = /** @type {Record<string, unknown>} */ (b);
  return (
    ka.length === Object.keys(ob).length &&
    ka.every((k) => Object.hasOwn(ob, k) && sameValue(/** @type {Record<string, unknown>} */ (a)[k], ob[k]))
  );
}

/**
 * Display names as the current view needs them. A preset's names describe its own convention
 * (`names_convention`: Tom Yeh's A = W_hh^T is a column-form name); in the other convention the
 * page shows the transpose of that matrix, so it is called "Aᵀ".
 * @param {(trait: string) => any} get
 * @returns {Record<string, string>}
 */
export function shownNames(get) {
  const names = get("display_names") || {};
  const home = get("names_convention");
  if (!home || home === get("convention")) return names;
  const params = get("params") || {};
  /** @type {Record<string, string>} */
  const out = {};
  for (const [key, shown] of Object.entries(names)) {
    const value = params[key];
    out[key] = Array.isArray(value) && Array.isArray(value[0]) ? `${shown}\u1d40` : shown;
  }
  return out;
}

/**
 * @param {(trait: string) => any} read the newest value of a trait as the view shows it
 * @param {{afterFlush?: (info: {traceChanged: boolean}) => void}} [opts] runs after each burst is drawn
 */
export function createStore(read, { afterFlush = () => {} } = {}) {
  const traits = Object.fromEntries(TRAITS.map((k) => [k, signal(read(k))]));
  // Display names as shown. They read params (a transposed matrix is marked) but change only when
  // a shape does: an equal value keeps the old object, so a weight edit redraws no name.
  /** @type {Record<string, string> | null} */
  let lastNames = null;
  const names = computed(() => {
    const value = shownNames((k) => traits[k].value);
    if (lastNames === null || !sameValue(value, lastNames)) lastNames = value;
    return lastNames;
  });
  // read by every part: bumping it redraws everything (after a refused edit, after read-only)
  const epoch = signal(0);
  const pending = new Set();
  let queued = false;
  let everything = false;
  let disposed = false;

  const flush = () => {
    queued = false;
    if (disposed) return;
    let traceChanged = false;
    batch(() => {
      for (const k of pending) {
        const value = read(k);
        // The trace is large and always replaced whole: identity. Every other trait: by value.
        if (k === "trace" ? value === traits.trace.peek() : sameValue(value, traits[k].peek())) continue;
        traits[k].value = value;
        if (k === "trace") traceChanged = true;
      }
      pending.clear();
      if (everything) epoch.value++;
      everything = false;
    });
    afterFlush({ traceChanged });
  };
  const schedule = () => {
    if (!queued) {
      queued = true;
      queueMicrotask(flush);
    }
  };

  return {
    /**
     * A trait as drawn; tracked when called inside a part's render.
     * @template {keyof import("../data/protocol.js").Traits} K
     * @param {K} k
     * @returns {import("../data/protocol.js").Traits[K]}
     */
    get: (k) => (k === "display_names" ? /** @type {any} */ (names.value) : traits[k].value),
    /** Every part reads this: it is how "redraw everything" reaches them. */
    track: () => epoch.value,
    /** @param {string} k a trait may have changed (a model event, or this view's overlay) */
    changed(k) {
      if (!(k in traits)) return;
      pending.add(k);
      schedule();
    },
    redrawAll() {
      everything = true;
      schedule();
    },
    dispose() {
      disposed = true;
    },
  };
}
