"""The timeline reader: statement → promised date P (POLICY.md "The stated timeline").

`reader` decides which sentences count, `patterns` holds the date expressions and
`resolvers` turns each into a date; `dates` and `words` are their small helpers.
"""

from policy.timeline.reader import (
    Statement,
    find_return_date,
    find_statement,
    resolve_expression,
)

__all__ = ["Statement", "find_return_date", "find_statement", "resolve_expression"]
