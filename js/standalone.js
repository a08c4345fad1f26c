// A page with no kernel (rnn_widget/export: `w.save_html(path)`, `jupyter nbconvert --to
// rnn_widget_html`): every <div data-rnnw-model="id"> is drawn from the saved state in the
// <script type="application/vnd.rnn-widget.state+json" data-rnnw-state="id"> beside it, by the
// same view as in Jupyter, over a small in-page model (the anywidget model interface). The model
// answers STATIC_KEY, so the view says it is read-only and keeps what needs no Python: the
// step-through (buttons and keys), hover linking and the formula form.
import { mount } from "./view/mount.js";
import { STATIC_KEY } from "./editing/edit_channel.js";

/** base64 -> DataView, what ipywidgets hands the page for a binary buffer. */
function dataView(/** @type {string} */ b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new DataView(bytes.buffer);
}

/**
 * Put each saved buffer back at its path (ipywidgets' widget-state format).
 * @param {Record<string, any>} state
 * @param {{path: (string | number)[], data: string}[]} buffers
 */
export function restoreBuffers(state, buffers = []) {
  for (const { path, data } of buffers) {
    /** @type {any} */
    let obj = state;
    for (const key of path.slice(0, -1)) obj = obj[key];
    obj[path[path.length - 1]] = dataView(data);
  }
  return state;
}

/** The anywidget model interface over a saved state, with nothing behind it. */
export class StaticModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    this.state = { ...state, [STATIC_KEY]: true };
    /** @type {Map<string, Set<Function>>} */
    this.handlers = new Map();
  }
  /** @param {string} k */
  get(k) {
    return this.state[k];
  }
  /** @param {string} k @param {any} v */
  set(k, v) {
    this.state[k] = v;
    for (const cb of [...(this.handlers.get(`change:${k}`) ?? [])]) cb(this, v);
  }
  /** @param {string} ev @param {Function} cb */
  on(ev, cb) {
    if (!this.handlers.has(ev)) this.handlers.set(ev, new Set());
    this.handlers.get(ev)?.add(cb);
  }
  /** @param {string} [ev] @param {Function} [cb] */
  off(ev, cb) {
    if (!ev) return this.handlers.clear();
    if (!cb) return void this.handlers.delete(ev);
    this.handlers.get(ev)?.delete(cb);
  }
  save_changes() {}
  send() {
    throw new Error("no kernel: this is a saved page");
  }
}

/** Draw every widget of the page; returns the cleanups. */
export function mountAll(doc = document) {
  /** @type {(() => void)[]} */
  const cleanups = [];
  doc.querySelectorAll("[data-rnnw-model]").forEach((el) => {
    const id = el.getAttribute("data-rnnw-model");
    const script = doc.querySelector(`script[data-rnnw-state="${id}"]`);
    if (!script?.textContent) return;
    const saved = JSON.parse(script.textContent);
    const model = new StaticModel(restoreBuffers(saved.state, saved.buffers));
    el.textContent = "";
    cleanups.push(mount(/** @type {any} */ (model), /** @type {HTMLElement} */ (el)));
  });
  return cleanups;
}

if (typeof document !== "undefined" && !(/** @type {any} */ (globalThis).__RNNW_NO_AUTOMOUNT__)) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => mountAll());
  else mountAll();
}
