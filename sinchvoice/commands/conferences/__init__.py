"""The `conferences` area: a conference's participants, their selection and the --watch view."""
