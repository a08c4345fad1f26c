"""The tutorial served by Voila and opened in Notebook 7, in a real Chromium."""

import pytest
import tom_yeh
from conftest import NOTEBOOK, ConsoleLog
from jupyter_harness import hidden_and_outputs, open_notebook, run_all, type_into_cell, wait_until

pytestmark = pytest.mark.browser


def test_voila_shows_the_numbers_and_recomputes_an_edit(browser, voila_server, artifacts, shot):
    page = browser.new_page()
    log = ConsoleLog(page, artifacts / "voila-console.log")
    try:
        page.goto(voila_server.url + "/")
        page.wait_for_selector(".rnnw .rnnw-diagram", timeout=60_000)
        root = page.locator(".rnnw").first
        # Voila ran every cell, the last of which puts A back to the slide's values
        h = wait_until(
            lambda: tom_yeh.close(hidden_and_outputs(root)[0], tom_yeh.H) and hidden_and_outputs(root),
            timeout=30,
            what="the slide's numbers in Voila",
        )
        assert tom_yeh.close(h[1], tom_yeh.Y)
        shot("voila-widget", root)
        type_into_cell(page, root, "A row 2 column 2", "2")
        expected_h, expected_y = tom_yeh.forward(A=[[1, -1], [1, 2]])
        wait_until(
            lambda: (
                tom_yeh.close(hidden_and_outputs(root)[0], expected_h)
                and tom_yeh.close(hidden_and_outputs(root)[1], expected_y)
            ),
            what=f"h = {expected_h} in Voila after A[2,2] := 2",
        )
        shot("voila-after-typing", page)
    finally:
        log.save()
        page.close()


def test_notebook7_runs_the_tutorial(browser, notebook7_server, artifacts, shot):
    page = browser.new_page()
    log = ConsoleLog(page, artifacts / "notebook7-console.log")
    try:
        open_notebook(page, notebook7_server, NOTEBOOK)
        run_all(page)
        root = page.locator(".rnnw").first
        h, y = wait_until(lambda: hidden_and_outputs(root), what="a diagram in Notebook 7")
        assert tom_yeh.close(h, tom_yeh.H) and tom_yeh.close(y, tom_yeh.Y), (h, y)
        type_into_cell(page, root, "A row 2 column 2", "2")
        expected_h, _ = tom_yeh.forward(A=[[1, -1], [1, 2]])
        wait_until(lambda: tom_yeh.close(hidden_and_outputs(root)[0], expected_h), what="the recompute in Notebook 7")
        shot("notebook7-widget", root)
    finally:
        log.save()
        page.close()
