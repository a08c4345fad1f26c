// What each sequence mode does at each step: whether the step reads an input and whether it has
// an output. Mirrors rnn_widget/core Spec.step_roles. Pure.

/**
 * Per step, whether it reads an input: one-to-many reads step 1 only; encoder-decoder's last
 * `decoder_steps` steps read nothing (they emit).
 * @param {{mode?: string, decoder_steps?: number} | null | undefined} spec
 * @param {number} T
 * @returns {boolean[]}
 */
export function readsInput(spec, T) {
  const mode = spec?.mode;
  const D = spec?.decoder_steps ?? 1;
  return Array.from({ length: T }, (_, t) => {
    if (mode === "one-to-many") return t === 0;
    if (mode === "encoder-decoder") return t < T - D;
    return true;
  });
}

/**
 * Per step, whether it has an output drawn: encoder-decoder's encoder steps emit nothing.
 * @param {{mode?: string, decoder_steps?: number} | null | undefined} spec
 * @param {number} T
 * @returns {boolean[]}
 */
export function emitsOutput(spec, T) {
  const D = spec?.decoder_steps ?? 1;
  return Array.from({ length: T }, (_, t) => spec?.mode !== "encoder-decoder" || t >= T - D);
}

/**
 * Per step, whether the loss scores its output: many-to-one the last step, encoder-decoder the
 * last `decoder_steps`, every step otherwise (a target row of an unscored step is not used).
 * @param {{mode?: string, decoder_steps?: number} | null | undefined} spec
 * @param {number} T
 * @returns {boolean[]}
 */
export function scoredSteps(spec, T) {
  if (spec?.mode === "many-to-one") return Array.from({ length: T }, (_, t) => t === T - 1);
  return emitsOutput(spec, T);
}
