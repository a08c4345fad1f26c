"""nbgrader course settings for the rnn-widget homework (run nbgrader from this folder)."""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "rnn-by-hand"
# The answer cells are optional (students answer in the widget); their two comment lines show how
# to answer there too. An unanswered cell must not stop Run All, so the solution leaves nothing
# behind (nbgrader's default stub raises NotImplementedError).
c.ClearSolutions.code_stub = {"python": ""}
# Students answer in the widget: every checked answer is saved in rnn_widget_answers.json beside
# the notebook, which nbgrader collects with it and autograde's re-run checks again. Never replace
# a student's answers file with one from source/ (e.g. left there by the teacher's own tries).
c.Autograde.exclude_overwriting = {"rnn_by_hand": ["rnn_widget_answers.json"]}
