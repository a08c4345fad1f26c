// What a parameter's or state's cells say about themselves: aria labels and the data-name/r/c hooks.

/** Row-convention index of a displayed cell (for data-name / data-r / data-c hooks). */
export const paramKey = (name, convention, isVector) => (r, c) => {
  const col = convention === "column";
  if (isVector) return { name, r: col ? r : c, c: null };
  return col ? { name, r: c, c: r } : { name, r, c };
};

export const ariaFor = (name, display, isVector) => (r, c) =>
  isVector ? `${name} entry ${(display.length === 1 ? c : r) + 1}` : `${name} row ${r + 1} column ${c + 1}`;
