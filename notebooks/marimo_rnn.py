import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    from traitlets import TraitError

    from rnn_widget import RNNWidget

    return RNNWidget, TraitError, mo


@app.cell
def _(mo):
    mo.md(r"""
    # Predict the next number, in marimo

    Seed 003's task: a tanh RNN with three hidden units reads 1, 3, 5, 7, 9 and should say 11 at
    the last step. Edit any number in the widget, press **Train** here or in the widget, or give
    it another sequence: the table under the widget follows every change, wherever it was made.
    """)
    return


@app.cell
def _(RNNWidget, mo):
    w = mo.ui.anywidget(RNNWidget.from_preset("next_number"))
    w
    return (w,)


@app.cell
def _(mo, w):
    # reads w, so it runs again after every change: typed in the page, trained, or set from Python
    result = w.result()
    h_last = ", ".join(f"{v:.4f}" for v in result.layers[-1].h[-1])
    mo.md(
        f"""
        | what | now |
        |---|---|
        | loss ½(O₅ − 11)² | <span class="rnn-loss" data-value="{result.loss!r}">{result.loss:.6g}</span> |
        | prediction O₅ | <span class="rnn-prediction" data-value="{float(result.y[-1, 0])!r}">{result.y[-1, 0]:.4f}</span> |
        | last hidden state h₅ | <span class="rnn-hidden" data-value="{result.layers[-1].h[-1].tolist()}">[{h_last}]</span> |
        | SGD steps so far | <span class="rnn-steps">{len(w.loss_history)}</span> |
        """
    )
    return


@app.cell
def _(mo, w):
    # a marimo slider linked to one weight (ipywidgets sliders, w.slider(...), do not show in
    # marimo): dragging it sets the weight from Python; this cell reads w, so after any other
    # change it runs again and the slider shows the weight's new value
    w_hh_11 = mo.ui.slider(
        -2,
        2,
        step=0.01,
        value=min(2.0, max(-2.0, round(float(w.get("W_hh")[0, 0]), 2))),
        label="W_hh row 1, column 1",
        on_change=lambda v: w.set_entry("W_hh", (0, 0), v),
    )
    w_hh_11
    return


@app.cell
def _(mo):
    steps = mo.ui.slider(10, 500, step=10, value=50, label="steps", show_value=True)
    train = mo.ui.run_button(label="Train")
    reset = mo.ui.run_button(label="Reset the weights")
    sequence = mo.ui.text(value="1, 3, 5, 7, 9", label="sequence")
    use_sequence = mo.ui.run_button(label="Use this sequence")
    mo.vstack([mo.hstack([steps, train, reset], justify="start"), mo.hstack([sequence, use_sequence], justify="start")])
    return reset, sequence, steps, train, use_sequence


@app.cell
def _(TraitError, mo, reset, sequence, steps, train, use_sequence, w):
    # Python-side changes: training runs in the background on the kernel's event loop (the page
    # and the cell above follow it); Stop in the widget stops it.
    if train.value:
        w.train(steps.value)
    if reset.value:
        w.reset_training()
    refused = None
    if use_sequence.value:
        try:
            w.inputs = [[float(v)] for v in sequence.value.split(",")]
        except (ValueError, TraitError) as e:  # the widget's message says what was expected
            refused = mo.callout(mo.md(f"Not used: {e}"), kind="warn")
    refused
    return


if __name__ == "__main__":
    app.run()
