// rnn-widget's front end: the anywidget entry. All state comes from the model's synced traits
// (docs/protocol.md); the page formats and draws the trace, sends edited entries to the kernel and
// sets the view traits. The tree: data/ and geometry/ are pure, view/ draws (view/mount.js lays
// out view/parts/), editing/ holds the editors and the edit channel.
import { mount } from "./view/mount.js";

export { mount };
export { TRAITS, shownNames, sameValue } from "./view/store.js";
export { diagramShapeKey } from "./view/parts/diagram.js";

export default {
  /** @type {import("@anywidget/types").Render} */
  render({ model, el }) {
    return mount(model, el);
  },
};
