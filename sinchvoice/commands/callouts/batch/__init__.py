"""`callouts batch`: one callout per row of a file, checked first, paced, journaled so a re-run resumes.

source (rows) -> template, shape (each row's request) -> plan (first pass: every row checked) -> journal ->
runner (second pass: send, paced by sinchvoice.pacing) -> follow (--wait) -> report; command.py runs the steps.
"""

from enum import Enum

KINDS = ("tts", "conference")
# The --kind option's choices; here rather than in shape.py, which the command tree need not import to start.
Kind = Enum("Kind", {name: name for name in KINDS}, type=str)
