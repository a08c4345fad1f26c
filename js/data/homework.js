// The `homework` trait of an exercise (docs/protocol.md, "Exercises"): which entries of the trace
// are answer slots, the blanks they make up, and the progress line. Pure.

/** @typedef {import("./protocol.js").Homework} Homework */
/** @typedef {import("./protocol.js").HomeworkSlot} HomeworkSlot */

/**
 * Whether a view shows an exercise: the trait is there with at least one blank. Its numbers are
 * fixed (Python refuses edits), so the view is read-only for them.
 * @param {Homework | null | undefined} hw
 * @returns {hw is Homework}
 */
export function isExercise(hw) {
  return Boolean(hw && Array.isArray(hw.blanks) && hw.blanks.length);
}

/**
 * The key of one entry of the trace: its path (["layers", 0, "values", "h"]) and index ([1, 0]).
 * @param {(string | number)[]} path
 * @param {number[]} index
 */
export const entryKey = (path, index) => `${path.join("/")}|${index.join(",")}`;

/** @type {WeakMap<object, Map<string, HomeworkSlot>>} */
const indexes = new WeakMap();

/**
 * The slot at an entry of the trace, or null.
 * @param {Homework | null | undefined} hw
 * @param {(string | number)[]} path
 * @param {number[]} index
 * @returns {HomeworkSlot | null}
 */
export function slotAt(hw, path, index) {
  if (!isExercise(hw)) return null;
  let map = indexes.get(hw);
  if (!map) {
    map = new Map(hw.blanks.map((b) => [entryKey(b.path, b.index), b]));
    indexes.set(hw, map);
  }
  return map.get(entryKey(path, index)) ?? null;
}

/**
 * The slots of one vector of the trace, entry by entry (null where there is none): the vector at
 * `path` and step `row` (index [row, j]), or a vector with no step (a bias's gradient: [j]).
 * @param {Homework | null | undefined} hw
 * @param {{path: (string | number)[], row?: number | null} | null | undefined} src
 * @param {number} n entries
 * @returns {(HomeworkSlot | null)[] | null} null when the vector holds no slot
 */
export function slotsOf(hw, src, n) {
  if (!src || !isExercise(hw)) return null;
  const row = src.row ?? null;
  const out = Array.from({ length: n }, (_, j) => slotAt(hw, src.path, row === null ? [j] : [row, j]));
  return out.some(Boolean) ? out : null;
}

/** A slot the student may still answer: open or wrong (then its input shows again). */
export const isOpen = (/** @type {HomeworkSlot | null | undefined} */ s) => Boolean(s) && (s?.status === "open" || s?.status === "wrong");

/** Whether an open slot takes no more answers (attempts used up, or the answers revealed). */
export function isSpent(/** @type {Homework} */ hw, /** @type {HomeworkSlot} */ s) {
  return Boolean(hw.revealed) || s.attempts_left === 0;
}

/**
 * The blanks as the teacher named them ("h2" with its slots h2[1], h2[2]), in order, each with one
 * status: right when every slot is, revealed when no slot is open and one was revealed, wrong when
 * a slot is wrong, else open.
 * @param {Homework | null | undefined} hw
 * @returns {{blank: string, slots: HomeworkSlot[], status: "open" | "right" | "wrong" | "revealed"}[]}
 */
export function blankGroups(hw) {
  if (!isExercise(hw)) return [];
  /** @type {Map<string, HomeworkSlot[]>} */
  const groups = new Map();
  for (const s of hw.blanks) {
    const list = groups.get(s.blank) ?? [];
    list.push(s);
    groups.set(s.blank, list);
  }
  return [...groups].map(([blank, slots]) => {
    const all = (/** @type {string} */ st) => slots.every((s) => s.status === st);
    const any = (/** @type {string} */ st) => slots.some((s) => s.status === st);
    /** @type {"open" | "right" | "wrong" | "revealed"} */
    let status = "open";
    if (all("right")) status = "right";
    else if (any("wrong")) status = "wrong";
    else if (!any("open") && any("revealed")) status = "revealed";
    return { blank, slots, status };
  });
}

/** A score as people write it: 2, 1.5, 0.33. */
export function scoreText(/** @type {number} */ v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "0";
  return String(Math.round(v * 100) / 100);
}

/**
 * The progress line: "2 of 3 right · score 2/3" (and how many were revealed).
 * @param {Homework | null | undefined} hw
 */
export function progressText(hw) {
  if (!isExercise(hw)) return "";
  const groups = blankGroups(hw);
  const right = groups.filter((g) => g.status === "right").length;
  const revealed = groups.filter((g) => g.status === "revealed").length;
  const max = hw.max_score ?? groups.length;
  const parts = [`${right} of ${groups.length} right`];
  if (revealed) parts.push(`${revealed} revealed`);
  parts.push(`score ${scoreText(hw.score)}/${scoreText(max)}`);
  return parts.join(" \u00b7 ");
}

/**
 * What a slot's status says in words: "right", "wrong: 2 attempts left", "no attempts left", ...
 * @param {Homework} hw
 * @param {HomeworkSlot} s
 */
export function statusText(hw, s) {
  if (s.status === "right") return "right";
  if (s.status === "revealed") return "revealed";
  const left = s.attempts_left;
  const tries = left === null || left === undefined ? "" : left === 1 ? "1 attempt left" : `${left} attempts left`;
  if (hw.revealed) return "answers revealed";
  if (left === 0) return s.status === "wrong" ? "wrong: no attempts left" : "no attempts left";
  if (s.status === "wrong") return tries ? `wrong: ${tries}` : "wrong";
  return tries ? `open: ${tries}` : "open";
}
