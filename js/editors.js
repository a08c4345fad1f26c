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

/** Return a copy of a parameter with the displayed cell (r, c) set to v. */
export function editParam(value, convention, r, c, v) {
  const next = clone(value);
  const col = convention === "column";
  if (!Array.isArray(next[0])) next[col ? r : c] = v;
  else if (col) next[c][r] = v;
  else next[r][c] = v;
  return next;
}

/** A (T, n) sequence (inputs, targets) as displayed: one column per step in the column view. */
export function displaySequence(seq, convention) {
  return convention === "column" ? transpose(seq) : seq.map((r) => r.slice());
}

export function editSequence(seq, convention, r, c, v) {
  const next = clone(seq);
  if (convention === "column") next[c][r] = v;
  else next[r][c] = v;
  return next;
}

/** Shape text of a displayed matrix: "2\u00d71". */
export function shapeText(display) {
  return `${display.length}\u00d7${display[0]?.length ?? 0}`;
}
