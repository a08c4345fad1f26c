// The widget protocol as types (docs/protocol.md): every synced trait, the trace, and the custom
// messages. Checked by `npm run typecheck` (tsc --checkJs); nothing here runs.

/** @typedef {number[]} Vector */
/** @typedef {number[][]} Matrix */
/** @typedef {Vector | Matrix} ParamValue a weight (rows) or a bias (vector), row convention */

/**
 * An array of 256+ numbers as it travels: little-endian float64 in a binary buffer (data/packed.js).
 * @typedef {{$packed: number[], data: DataView}} Packed
 */

/**
 * @typedef {object} Spec
 * @property {"rnn" | "lstm" | "gru"} cell
 * @property {"tanh" | "relu" | "sigmoid" | "identity"} activation
 * @property {number} input_size
 * @property {number[]} hidden_sizes
 * @property {number | null} output_size
 * @property {"identity" | "tanh" | "sigmoid" | "relu"} [output_activation]
 * @property {boolean} [bias]
 * @property {boolean} [output_bias]
 * @property {"torch" | "cho"} [gru_variant]
 * @property {"many-to-many" | "many-to-one" | "one-to-many" | "one-to-one" | "encoder-decoder"} mode
 * @property {"squared" | "mse" | "cross_entropy"} [loss]
 * @property {number} [decoder_steps] encoder-decoder: the steps emitted after the input ends (they take no input)
 */

/**
 * @typedef {object} Limits
 * @property {number} [max_hidden]
 * @property {number} [max_input]
 * @property {number} [max_output]
 * @property {number} [max_steps]
 * @property {number} [max_layers]
 */

/** @typedef {{clip_norm: number | null, truncate: number | null}} BpttOptions */
/** @typedef {{running: boolean, step: number, total: number, lr: number, momentum: number, message: string}} TrainingStatus */
/** @typedef {{lr: number, momentum: number, steps: number, clip_norm: number | null}} TrainOptions */
/** @typedef {{step: number[], loss: number[]}} LossCurve */

/**
 * One layer of the trace: every intermediate, each (T, size). rnn: xw hw a h; lstm: z_i z_f z_c
 * z_o i f o c_tilde c tanh_c h; gru: z_r z_z r z n_x n_h z_n n h.
 * @typedef {object} TraceLayer
 * @property {number} size
 * @property {Vector} h0
 * @property {Vector | null} c0
 * @property {Record<string, Matrix>} values
 */

/**
 * The backward pass (present when targets are set).
 * @typedef {object} TraceGrads
 * @property {Record<string, ParamValue>} params dL/dW after clipping
 * @property {Record<string, ParamValue[]> | null} [per_step] (T, *shape) per parameter; null when too large
 * @property {Matrix[]} dh dL/dh_t per layer
 * @property {Matrix[]} [dh_direct]
 * @property {Matrix[]} [dh_future]
 * @property {Record<string, Matrix>[]} [dpre]
 * @property {(Matrix | null)[]} [dc]
 * @property {Matrix | null} [dy]
 * @property {(Vector | null)[]} [jacobian_norms] ||dh_T/dh_k|| for k = 0..T per layer
 * @property {Vector[]} [dh0]
 * @property {number} norm
 * @property {number} [scale]
 * @property {number | null} [truncate]
 */

/**
 * The forward (and backward) trace, decoded (no Packed left).
 * @typedef {object} Trace
 * @property {number} T
 * @property {"rnn" | "lstm" | "gru"} cell
 * @property {string} activation
 * @property {string} [mode] the spec's mode (encoder-decoder draws no output at its encoder steps)
 * @property {Matrix} x
 * @property {boolean[]} input_mask
 * @property {boolean[]} scored
 * @property {TraceLayer[]} layers
 * @property {Matrix | null} y_pre
 * @property {Matrix | null} y
 * @property {Matrix | null} p
 * @property {Matrix | null} targets
 * @property {number | null} loss
 * @property {(number | null)[] | null} loss_steps
 * @property {TraceGrads | null} grads
 */

/**
 * Every synced trait, as the page reads it (after decoding).
 * @typedef {object} Traits
 * @property {Spec} spec
 * @property {Record<string, ParamValue>} params
 * @property {string[]} param_order
 * @property {Matrix} inputs
 * @property {Matrix} h0
 * @property {Matrix} c0
 * @property {Matrix | null} targets
 * @property {"row" | "column"} convention
 * @property {Record<string, string>} display_names
 * @property {"row" | "column"} names_convention
 * @property {"separate" | "concatenated"} weights_form each gate's weights as separate matrices or one W_g = [W_hg | W_xg]
 * @property {string[]} labels
 * @property {string} title
 * @property {number} reveal
 * @property {number} focus_step
 * @property {string} error
 * @property {string} error_field
 * @property {Limits} limits
 * @property {Trace | null} trace
 * @property {boolean} show_grads
 * @property {boolean} projector
 * @property {BpttOptions} bptt
 * @property {number} bptt_step
 * @property {TrainingStatus} training
 * @property {TrainOptions} train_options
 * @property {LossCurve} loss_curve
 * @property {Homework | undefined} homework an exercise's blanks and score (absent on a plain widget)
 * @property {Matrix[]} batch_inputs samples 2..n of a mini-batch, each (T, input size)
 * @property {Matrix[] | null} batch_targets their targets, or null
 * @property {number} batch_sample the sample (0-based) the diagram and formulas follow
 * @property {import("./batch.js").BatchTrace | Record<string, never>} batch_trace every sample's rows ({} without a batch)
 * @property {string[]} vocab text mode: the token of each input and output unit ([] for numbers)
 * @property {import("./tokens.js").Sampled} sampled text mode: the sampling run shown ({} when none)
 */

/**
 * One answer slot of an exercise (docs/protocol.md, "The homework trait").
 * @typedef {object} HomeworkSlot
 * @property {string} name what the answer message names: "h2[1]"
 * @property {string} blank the blank as the teacher named it ("h2"); its slots share one point
 * @property {string} kind h a y i f o c~ c r z n a_i ... loss dh dc dy dW
 * @property {(string | number)[]} path where the value lives in the trace
 * @property {number[]} index 0-based, row form, into the array at path
 * @property {number | null} layer
 * @property {number | null} step
 * @property {"open" | "right" | "wrong" | "revealed"} status
 * @property {number | null} attempts_left null: unlimited
 * @property {number | null} answer the student's last checked answer
 * @property {number | null} value the true value once right or revealed
 * @property {string} hint after a wrong answer (text)
 * @property {string} message why the last answer from the page was refused
 */

/**
 * The `homework` trait (py -> js, read-only).
 * @typedef {object} Homework
 * @property {HomeworkSlot[]} blanks
 * @property {number} score
 * @property {number} max_score
 * @property {boolean} revealed
 * @property {Record<string, any>} [settings]
 */

/**
 * Custom messages from the page: training requests, entry edits, pings.
 * @typedef {{type: "train", steps: number} | {type: "step"} | {type: "stop"} | {type: "reset"}
 *   | {type: "edit", id: string, edits: import("./edits.js").Edit[]} | {type: "ping", id: string}
 *   | {type: "answer", id: string, blank: string, value: number}} PageMessage
 */

/**
 * Custom messages from the kernel.
 * @typedef {{type: "ack", id: string, ok: boolean, error?: string, blank?: string, status?: string, hint?: string,
 *   attempts_left?: number | null} | {type: "pong", id: string}} KernelMessage
 */

export {};
