// The page's line to the kernel for edits (docs/protocol.md, "Edits carry what changed"):
// {"type": "edit"} messages with only the changed entries, at most one in flight per view, newer
// changes merged while it waits and sent when its ack comes; the entries not acknowledged yet are
// laid over the traits so a scrub never jumps back. It also watches the kernel: an edit or ping
// without an answer turns the status to "waiting", then "silent" (a busy or lost kernel: the view
// says so and stops editing); a comm known closed (kernel restart, shutdown) is "dead". A page that
// never had a kernel (a standalone export: its model answers STATIC_KEY with true) is "static".
import { applyEdits, EDIT_FIELDS, fieldsOf, mergeEdit } from "../data/edits.js";

/** No answer for this long: "Waiting for the kernel". */
export const WAIT_MS = 2000;
/** No answer for this long: "silent" (busy or gone), read-only until an answer arrives. */
export const DEAD_MS = 10000;

/** @typedef {import("../data/edits.js").Edit} Edit */
/**
 * ok: answers come; waiting: no answer for 2 s; silent: none for 10 s (a running cell, or a kernel
 * gone without telling); dead: the comm is known closed. Silent and dead edit nothing.
 * static: there is no kernel at all (an exported page); nothing is ever sent.
 * @typedef {"ok" | "waiting" | "silent" | "dead" | "static"} LinkStatus
 */

/** The model of a standalone page (js/standalone.js) answers this key with true. */
export const STATIC_KEY = "_rnnw_static";

let views = 0;
const newViewId = () => `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${++views}`;

/**
 * @param {import("@anywidget/types").AnyModel} model
 * @param {{
 *   viewId?: string,
 *   onOverlay?: (fields: Set<string>) => void,
 *   onStatus?: (status: LinkStatus) => void,
 *   isDisconnected?: () => boolean,
 *   sizes?: () => {inputSize?: number, outputSize?: number},
 *   onAnswer?: (blank: string, ack: Record<string, any> | null) => void,
 *   timers?: {setTimeout: typeof setTimeout, clearTimeout: typeof clearTimeout},
 * }} [opts] onAnswer: the ack of an answer (docs/protocol.md, "Answers from the page"), or null
 *   when it will never come (a later request was answered first)
 */
export function createEditChannel(model, opts = {}) {
  const {
    viewId = newViewId(),
    onOverlay = () => {},
    onStatus = () => {},
    isDisconnected = () => false,
    sizes = () => ({}),
    onAnswer = () => {},
    timers = globalThis,
  } = opts;
  let count = 0;
  /** @type {Map<string, Edit>} */
  let pending = new Map(); // not sent yet, newest per entry
  /** @type {{id: string, edits: Edit[]} | null} */
  let inflight = null;
  /** @type {Map<string, number>} */
  const outstanding = new Map(); // id -> sequence number of each edit and ping without an answer
  /** @type {LinkStatus} */
  let status = "ok";
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let waitTimer = 0;
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let deadTimer = 0;
  let version = 0;
  let disposed = false;
  let everAnswered = false; // the kernel answered this view at least once (kernel_status.js: dead vs saved)
  /** @type {{version: number, raws: unknown[], value: Record<string, any>} | null} */
  let cache = null;

  const setStatus = (/** @type {LinkStatus} */ next) => {
    if (next === status || status === "static" || disposed) return;
    status = next;
    onStatus(status);
  };
  const clearTimers = () => {
    if (waitTimer) timers.clearTimeout(waitTimer);
    if (deadTimer) timers.clearTimeout(deadTimer);
    waitTimer = 0;
    deadTimer = 0;
  };
  // Timers run from the oldest unanswered request.
  const arm = () => {
    if (waitTimer || deadTimer || disposed) return;
    waitTimer = timers.setTimeout(() => {
      waitTimer = 0;
      if (status === "ok") setStatus("waiting");
      // Ask: its pong tells a busy kernel from a lost answer (the kernel answers in order).
      if (![...outstanding.keys()].some(isPing)) ping();
    }, WAIT_MS);
    deadTimer = timers.setTimeout(() => {
      deadTimer = 0;
      if (status !== "dead") setStatus("silent");
    }, DEAD_MS);
  };

  /** @type {Map<string, string>} */
  const answers = new Map(); // id -> blank of each answer without an ack

  /** @param {{type: string, id: string, edits?: Edit[], blank?: string, value?: number}} msg */
  const request = (msg) => {
    if (status === "static") return;
    outstanding.set(msg.id, count);
    arm();
    try {
      model.send(msg);
    } catch {
      // a closed comm throws: this view has no kernel any more
      setStatus("dead");
    }
  };

  const nextId = () => `${viewId}:${++count}`;
  const pings = new Set();
  const isPing = (/** @type {string} */ id) => pings.has(id);

  const pump = () => {
    if (inflight || !pending.size || disposed) return;
    const edits = [...pending.values()];
    pending = new Map();
    inflight = { id: nextId(), edits };
    request({ type: "edit", id: inflight.id, edits });
  };

  // The in-flight edit is answered (or will never be): the traits hold what Python has, so its
  // overlay goes, and what was merged meanwhile is sent.
  const settle = () => {
    const done = /** @type {{id: string, edits: Edit[]}} */ (inflight);
    inflight = null;
    version++;
    onOverlay(fieldsOf(done.edits));
    pump();
  };

  /** @param {any} msg */
  const onMessage = (msg) => {
    if (!msg || typeof msg !== "object" || (msg.type !== "ack" && msg.type !== "pong")) return;
    const seq = outstanding.get(msg.id);
    if (seq === undefined) return; // another view's answer, or one given up on
    outstanding.delete(msg.id);
    pings.delete(msg.id);
    everAnswered = true;
    // The kernel answers in order: a request older than this answer that has none never will
    // (its handler failed). Give up on it, so the view does not wait for ever.
    let lost = false;
    /** @type {string[]} */
    const lostAnswers = [];
    for (const [id, s] of outstanding) {
      if (s >= seq) continue;
      outstanding.delete(id);
      pings.delete(id);
      if (inflight?.id === id) lost = true;
      const blank = answers.get(id);
      if (blank !== undefined) lostAnswers.push(blank);
      answers.delete(id);
    }
    clearTimers();
    setStatus("ok");
    if (outstanding.size) arm();
    for (const blank of lostAnswers) onAnswer(blank, null);
    const answered = answers.get(msg.id);
    if (answered !== undefined) {
      answers.delete(msg.id);
      if (msg.type === "ack") onAnswer(answered, msg);
    }
    // An ack: the traits already hold the effect (or, refused, the old value).
    if ((msg.type === "ack" && inflight?.id === msg.id) || lost) settle();
  };

  const onLive = () => {
    // ipywidgets fires comm_live_update when the comm closes (kernel restart, shutdown); the
    // view's element then carries jupyter-widgets-disconnected. Anything else: ask.
    queueMicrotask(() => {
      if (disposed) return;
      if (isDisconnected()) setStatus("dead");
      else ping();
    });
  };

  const ping = () => {
    const id = nextId();
    pings.add(id);
    request({ type: "ping", id });
  };

  model.on("msg:custom", onMessage);
  model.on("comm_live_update", onLive);

  return {
    /**
     * Queue edits (newest value per entry) and send them as soon as nothing is in flight.
     * Returns false, sending nothing, when the view is not connected.
     * @param {Edit[]} edits
     */
    edit(edits) {
      if (!this.live || disposed) return false;
      for (const e of edits) mergeEdit(pending, e);
      version++;
      onOverlay(fieldsOf(edits));
      pump();
      return true;
    },
    ping,
    /**
     * Send a homework answer ({"type": "answer"}) on the same line: its id is this view's, its ack
     * keeps the kernel status like an edit's. Returns false, sending nothing, when not connected.
     * @param {string} blank a slot name from the homework trait, such as "h2[1]"
     * @param {number} value
     */
    answer(blank, value) {
      if (!this.live || disposed) return false;
      const id = nextId();
      answers.set(id, blank);
      request({ type: "answer", id, blank, value });
      if (status !== "dead") return true;
      answers.delete(id); // the send threw: nothing went
      return false;
    },
    /** Start watching: ping now (a saved notebook reopened with another kernel has a dead comm). */
    start() {
      if (model.get(STATIC_KEY) === true) return setStatus("static");
      if (isDisconnected()) setStatus("dead");
      ping();
    },
    get status() {
      return status;
    },
    /** Whether the kernel ever answered this view (a saved copy's dead comm never did). */
    get answered() {
      return everAnswered;
    },
    /** Whether edits go now (not silent, not dead). */
    get live() {
      return status === "ok" || status === "waiting";
    },
    /** Edits not acknowledged yet, in the order Python applies them. */
    unacknowledged() {
      return [...(inflight ? inflight.edits : []), ...pending.values()];
    },
    /**
     * The edit fields as the page shows them: the traits with the unacknowledged entries on top.
     * @param {(field: string) => any} read the trait values (decoded)
     * @returns {Record<string, any>}
     */
    overlaid(read) {
      const raws = EDIT_FIELDS.map(read);
      if (cache && cache.version === version && raws.every((r, i) => r === cache?.raws[i])) return cache.value;
      const base = Object.fromEntries(EDIT_FIELDS.map((f, i) => [f, raws[i]]));
      const value = applyEdits(base, this.unacknowledged(), sizes());
      cache = { version, raws, value };
      return value;
    },
    /** The view goes: what was not sent yet still goes (a drag in progress lands), timers stop. */
    dispose() {
      if (disposed) return;
      if (pending.size && this.live) {
        try {
          model.send({ type: "edit", id: nextId(), edits: [...pending.values()] });
        } catch {
          // nothing to send it on
        }
      }
      disposed = true;
      pending = new Map();
      clearTimers();
      model.off("msg:custom", onMessage);
      model.off("comm_live_update", onLive);
    },
  };
}
