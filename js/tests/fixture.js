// The states the JS tests render, written by Python: js/tests/fixtures/<name>.json is the synced
// state of a real RNNWidget as the page sees it (scripts/make_fixtures.py; the folder is
// git-ignored, scripts/test.sh writes it before `npm test`). Nothing here is written by hand, so
// a change in what Python sends shows in these tests, not only in the browser tests.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const MAKE_FIXTURES = ".venv/bin/python scripts/make_fixtures.py";

// (under jsdom import.meta.url is not a file URL; vitest's __dirname is this folder)
const DIR = join(__dirname, "fixtures");
const texts = new Map();

/**
 * The whole fixture `name`: `{name, state, slide_count, trace_packed?, replies?}`, a fresh copy on
 * every call (tests may change it).
 * @param {string} name
 */
export function fixture(name) {
  if (!texts.has(name)) {
    const file = join(DIR, `${name}.json`);
    if (!existsSync(file)) {
      throw new Error(`js/tests/fixtures/${name}.json is missing: run \`${MAKE_FIXTURES}\` first (it writes the fixtures from Python)`);
    }
    texts.set(name, readFileSync(file, "utf8"));
  }
  return JSON.parse(texts.get(name));
}

/**
 * The synced state of fixture `name`, with `overrides` on top (view traits a test sets, as the
 * page or a notebook would): a fresh copy on every call.
 * @param {string} name
 * @param {Record<string, any>} [overrides]
 */
export function fixtureState(name, overrides = {}) {
  return { ...fixture(name).state, ...overrides };
}

/** The trace Python published for fixture `name` (a fresh copy). */
export function fixtureTrace(name) {
  return fixture(name).state.trace;
}
