// Tom Yeh's "RNN by hand" exercise (seed 000) as the Python side publishes it, written by hand.
// Row convention storage: W_hh = A^T, W_xh = B^T (1x2), W_hy = C^T (2x1).

export function tomYehTrace() {
  return {
    T: 4,
    cell: "rnn",
    activation: "relu",
    x: [[3], [4], [5], [6]],
    input_mask: [true, true, true, true],
    scored: [true, true, true, true],
    layers: [
      {
        size: 2,
        h0: [0, 0],
        c0: null,
        values: {
          xw: [
            [3, 6],
            [4, 8],
            [5, 10],
            [6, 12],
          ],
          hw: [
            [0, 0],
            [-3, 9],
            [-16, 18],
            [-28, 28],
          ],
          a: [
            [3, 6],
            [1, 17],
            [-11, 28],
            [-22, 40],
          ],
          h: [
            [3, 6],
            [1, 17],
            [0, 28],
            [0, 40],
          ],
        },
      },
    ],
    y_pre: [[3], [16], [28], [40]],
    y: [[3], [16], [28], [40]],
    p: null,
    loss: null,
    loss_steps: null,
    grads: null,
  };
}

export function tomYehState() {
  return {
    spec: {
      cell: "rnn",
      activation: "relu",
      input_size: 1,
      hidden_sizes: [2],
      output_size: 1,
      output_activation: "identity",
      bias: false,
      output_bias: false,
      gru_variant: "torch",
      mode: "many-to-many",
      loss: "squared",
    },
    params: {
      W_hh: [
        [1, 1],
        [-1, 1],
      ],
      W_xh: [[1, 2]],
      W_hy: [[-1], [1]],
    },
    param_order: ["W_hh", "W_xh", "W_hy"],
    inputs: [[3], [4], [5], [6]],
    h0: [[0, 0]],
    targets: null,
    convention: "column",
    display_names: { W_hh: "A", W_xh: "B", W_hy: "C" },
    labels: ["3", "4", "5", "6"],
    title: "RNN by hand (Tom Yeh)",
    reveal: -1,
    focus_step: 1,
    error: "",
    error_field: "",
    limits: { max_hidden: 16, max_input: 16, max_output: 16, max_steps: 32, max_layers: 4 },
    trace: tomYehTrace(),
  };
}
