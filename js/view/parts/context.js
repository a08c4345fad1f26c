// What every part of the view gets from mount.js. A part is a file exporting create(ctx) that
// returns {el, render, destroy?}: render() draws from ctx.get(...) and re-runs whenever a trait it
// read changes (store.js tracks the reads); el is placed by mount.js.

/** @typedef {import("../../data/protocol.js").Traits} Traits */

/**
 * @typedef {object} PartContext
 * @property {<K extends keyof Traits>(trait: K) => Traits[K]} get a trait as drawn (decoded, with this view's unacknowledged edits on top); tracked inside render()
 * @property {<K extends keyof Traits>(trait: K) => Traits[K]} current the newest value of a trait, for event handlers (not tracked)
 * @property {(changes: Record<string, unknown>) => void} send set view traits (spec, reveal, focus_step, ...)
 * @property {(edits: import("../../data/edits.js").Edit[]) => void} edit send changed entries (edit_channel.js)
 * @property {(msg: Record<string, unknown>) => void} request a custom message (training requests)
 * @property {HTMLElement} root the view's root element (parts toggle its state classes)
 * @property {() => import("../../data/slides.js").Slide[]} slides the step-through slides of the trace
 * @property {() => any} gradsShown trace.grads when the gradient view is open, else null
 * @property {() => number | null} gradStep the step whose per-step gradient and chain rule are shown
 * @property {ReturnType<typeof import("../../editing/answer_slots.js").createAnswerSlots>} answers an exercise's answer slots (inputs, checks, acks)
 */

/**
 * @typedef {object} Part
 * @property {HTMLElement} el
 * @property {() => void} render
 * @property {() => void} [destroy]
 */

export {};
