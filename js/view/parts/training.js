// Training in place: options (train_options), Step / Train / Stop / Reset requests, progress
// (training) and the loss curve (loss_curve). Shown once there is a loss or a curve.
import { createTraining } from "../training_panel.js";
import { curveOf } from "../../geometry/chart_layout.js";
import { isExercise } from "../../data/homework.js";

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, current, send, request }) {
  const panel = createTraining({
    send: request,
    getOptions: () => current("train_options"),
    onOptions: (o) => send({ train_options: o }),
  });
  return {
    el: panel.el,
    render() {
      const trace = get("trace");
      const curve = curveOf(get("loss_curve"));
      const hasLoss = trace?.loss !== null && trace?.loss !== undefined;
      // an exercise does not train (its numbers are fixed)
      panel.el.hidden = (!hasLoss && !curve.loss.length) || isExercise(get("homework"));
      // the loss now (at the weights shown), not the curve's last point (the loss before the last step)
      const now = hasLoss ? /** @type {number} */ (trace.loss) : null;
      panel.update({ options: get("train_options") || {}, training: get("training") || {}, curve, canTrain: hasLoss, now });
    },
    destroy: panel.destroy,
  };
}
