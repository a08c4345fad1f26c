"""nbgrader course settings for the rnn-widget homework (run nbgrader from this folder)."""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "rnn-by-hand"
# Students answer in the widget and write the same numbers in the answer cell, whose two comment
# lines show how; an unanswered cell must not stop Run All, so the solution leaves nothing behind
# (nbgrader's default stub raises NotImplementedError).
c.ClearSolutions.code_stub = {"python": ""}
