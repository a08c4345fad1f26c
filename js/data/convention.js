// Maps the model's arrays to what the matrix editors show, in either convention, and maps an
// edit at a displayed (row, column) back to the row-convention index Python stores. Pure.

export const transpose = (m) => (m.length ? m[0].map((_, c) => m.map((row) => row[c])) : []);
export const clone = (v) => (v === null || v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** A parameter as displayed: weights transposed in the column view; vectors as a column there, a row otherwise. */
export function displayParam(value, convention) {
  const col = convention === "column";
  if (!Array.isArray(value[0])) return col ? value.map((v) => [v]) : [value.slice()];
  return col ? transpose(value) : value.map((r) => r.slice());
}

/** Row-convention index of the displayed cell (r, c) of a parameter: a bias is a row in the row view, a column in the column view. */
export function paramIndex(value, convention, r, c) {
  const col = convention === "column";
  if (!Array.isArray(value[0])) return [col ? r : c];
  return col ? [c, r] : [r, c];
}

/** [step, entry] of the displayed cell (r, c) of a (T, n) sequence (inputs, targets). */
export function sequenceIndex(convention, r, c) {
  return convention === "column" ? [c, r] : [r, c];
}

/** A (T, n) sequence (inputs, targets) as displayed: one column per step in the column view. */
export function displaySequence(seq, convention) {
  return convention === "column" ? transpose(seq) : seq.map((r) => r.slice());
}

/** Shape text of a displayed matrix: "2\u00d71". */
export function shapeText(display) {
  return `${display.length}\u00d7${display[0]?.length ?? 0}`;
}
