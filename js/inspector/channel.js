// The TextInspector's messages to the kernel: the typed text (one message in flight at a time, the
// newest text waiting for the answer) and the requests for a quantity's exact values (once per state).
// Each view has its own id, so that it tells its own answers from another view's.

/**
 * @param {any} model the anywidget model
 */
export function createChannel(model) {
  const viewId = Math.random().toString(36).slice(2); // tells this view's answers from another view's
  let seq = 0;
  /** @type {number | null} */
  let inFlight = null;
  let inFlightAt = 0;
  /** @type {string | null} */
  let pending = null;
  let fetched = ""; // the last exact values asked for (quantity, from, message count)

  /** @param {string} text */
  function sendText(text) {
    const now = performance.now();
    if (inFlight !== null && now - inFlightAt < 3000) {
      pending = text; // one message at a time: the newest text goes when the kernel answers
      return;
    }
    pending = null;
    inFlight = ++seq;
    inFlightAt = now;
    model.send({ kind: "text", text, seq: inFlight, view: viewId });
  }

  /**
   * The kernel answered message `s` of view `view`: the waiting text, if any, goes now.
   * @param {number} s
   * @param {string} view
   */
  function answered(s, view) {
    if (view === viewId && s === inFlight) {
      inFlight = null;
      if (pending !== null) sendText(pending);
    }
  }

  /**
   * Ask the kernel for the exact values of `quantity` from step `from` on (once per state: `received`
   * counts the values messages taken).
   * @param {string} quantity
   * @param {number} from
   * @param {number} received
   */
  function fetchExact(quantity, from, received) {
    const want = `${quantity}|${from}|${received}`;
    if (want === fetched) return;
    fetched = want;
    model.send({ kind: "fetch", quantity, from, view: viewId });
  }

  return {
    viewId,
    sendText,
    answered,
    fetchExact,
    /** nothing sent is unanswered and no text is waiting */
    idle: () => pending === null && inFlight === null,
  };
}
