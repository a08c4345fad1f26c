"""The tutorial notebook in a real JupyterLab + Chromium: numbers on the page, edits by typing,
scrubbing with the mouse, assignment from Python, refused garbage, two views of one widget."""

import pytest
import tom_yeh
from jupyter_harness import cell_input, cell_number, hidden_and_outputs, py_value, run_cell, type_into_cell, wait_until

pytestmark = pytest.mark.browser

A_MATRIX = '.rnnw-matrix[data-ref="p:W_hh"]'


def shows(root, hs, ys=None):
    """A predicate for wait_until: the widget root shows these hidden states (and outputs)."""

    def check():
        page_h, page_y = hidden_and_outputs(root)
        return tom_yeh.close(page_h, hs) and (ys is None or tom_yeh.close(page_y, ys))

    return check


@pytest.fixture
def widget(lab_notebook):
    """The first widget view, with the slide's parameters put back from Python."""
    page = lab_notebook
    run_cell(page, 'w.set("A", [[1, -1], [1, 1]]); w.set("B", [[1], [2]]); w.set("C", [[-1, 1]])')
    root = page.locator(".rnnw").first
    wait_until(shows(root, tom_yeh.H, tom_yeh.Y), what="the slide's numbers after a reset")
    return page, root


def test_page_shows_tom_yeh_numbers(widget, shot):
    page, root = widget
    h, y = hidden_and_outputs(root)
    assert tom_yeh.close(h, tom_yeh.H), h
    assert tom_yeh.close(y, tom_yeh.Y), y
    # the parameter cells show the slide's matrices (column form)
    assert [cell_number(root, f"A row {r} column {c}") for r in (1, 2) for c in (1, 2)] == [1, -1, 1, 1]
    assert [cell_number(root, f"B row {r} column 1") for r in (1, 2)] == [1, 2]
    shot("lab-widget", root)
    shot("lab-page", page)


def test_typing_a_weight_recomputes(widget, shot):
    page, root = widget
    type_into_cell(page, root, "A row 2 column 2", "2")
    expected_h, expected_y = tom_yeh.forward(A=[[1, -1], [1, 2]])
    wait_until(shows(root, expected_h, expected_y), what=f"h = {expected_h} after A[2,2] := 2")
    assert cell_number(root, "A row 2 column 2") == 2
    assert tom_yeh.close(py_value(page, "w.hidden_states().tolist()"), expected_h)
    shot("lab-after-typing", root)


def test_scrubbing_with_the_mouse_matches_python(widget, shot):
    page, root = widget
    cell = cell_input(root, "B row 1 column 1")
    cell.scroll_into_view_if_needed()
    # where the cell is once the layout has settled (the stage sizes itself to the window and the
    # formula panel scrolls to the current slide after a frame): two equal readings in a row
    box, last = cell.bounding_box(), None
    while box != last:
        page.wait_for_timeout(100)
        last, box = box, cell.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):  # 40 px to the right, in 4 px moves
        page.mouse.move(x + 4 * i, y)
        page.wait_for_timeout(16)
    page.mouse.up()

    def settled():
        b = cell_number(root, "B row 1 column 1")
        return b != 1 and tom_yeh.close(hidden_and_outputs(root)[0], tom_yeh.forward(B=[[b], [2]])[0]) and b

    b = wait_until(settled, what="the scrubbed value's hidden states")
    assert b > 1, "dragging right increases the number"

    # the page equals the Python model once the last coalesced save has landed (an intermediate
    # value can be self-consistent on the page for a moment), and both equal numpy
    def agreed():
        b = cell_number(root, "B row 1 column 1")
        return py_value(page, 'w.get("B").tolist()') == [[b], [2.0]] and b

    b = wait_until(agreed, what="Python holding the value the cell shows")
    py_h = py_value(page, "w.hidden_states().tolist()")
    assert tom_yeh.close(hidden_and_outputs(root)[0], py_h)
    assert tom_yeh.close(py_h, tom_yeh.forward(B=[[b], [2]])[0])
    shot("lab-after-scrub", root)


def test_assigning_from_python_updates_the_page(widget):
    page, root = widget
    run_cell(page, 'w.set("A", [[1, -1], [1, 0.5]])')
    expected_h, expected_y = tom_yeh.forward(A=[[1, -1], [1, 0.5]])
    wait_until(shows(root, expected_h, expected_y), what="the page after w.set(A[2,2] = 0.5)")
    assert cell_number(root, "A row 2 column 2") == 0.5
    run_cell(page, 'w.set("A", [[1, -1], [1, 1]])')
    wait_until(shows(root, tom_yeh.H, tom_yeh.Y), what="the slide's numbers after w.set(A) back")
    assert cell_number(root, "A row 2 column 2") == 1


@pytest.mark.parametrize("garbage", ["abc", "NaN", "1e999", ""])
def test_garbage_is_refused_and_nothing_changes(widget, garbage, shot):
    page, root = widget
    msg = root.locator(f"{A_MATRIX} .rnnw-msg")
    type_into_cell(page, root, "A row 1 column 1", garbage)
    text = wait_until(lambda: msg.inner_text().strip(), what="an error message under A")
    if garbage:
        assert garbage in text, text
    assert cell_input(root, "A row 1 column 1").get_attribute("aria-invalid") == "true"
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)  # give any (wrong) round trip time to land
    assert cell_number(root, "A row 1 column 1") == 1
    h, y = hidden_and_outputs(root)
    assert tom_yeh.close(h, tom_yeh.H) and tom_yeh.close(y, tom_yeh.Y), (h, y)
    assert py_value(page, 'w.get("A").tolist()') == [[1.0, -1.0], [1.0, 1.0]]
    if garbage == "abc":
        type_into_cell(page, root, "A row 1 column 1", "abc")
        wait_until(lambda: msg.inner_text().strip(), what="an error message under A")
        shot("lab-refused-garbage", root.locator(A_MATRIX))
        page.keyboard.press("Escape")


def test_two_views_of_one_widget_agree(widget, shot):
    page, _ = widget
    run_cell(page, "display(w)\ndisplay(w)")
    views = page.locator(".rnnw")
    wait_until(lambda: views.count() == 3, what="three views of w")
    type_into_cell(page, views.nth(2), "A row 2 column 2", "1.5")
    expected_h, expected_y = tom_yeh.forward(A=[[1, -1], [1, 1.5]])
    for i in range(3):
        wait_until(shows(views.nth(i), expected_h, expected_y), what=f"view {i} after A[2,2] := 1.5 in view 2")
        assert cell_number(views.nth(i), "A row 2 column 2") == 1.5
    # the linked ipywidgets slider of cell 12 (range -2..2) follows too
    # (textContent: Lab may skip layout of cells scrolled far away, and innerText is then empty)
    wait_until(
        lambda: page.locator(".widget-readout").first.text_content().strip() == "1.50",
        what="slider A[2, 2] readout 1.50",
    )
    shot("lab-two-views", page.locator(".jp-Cell").last)
