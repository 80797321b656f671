"""HTML mail bodies to plain text, so replies read the same whatever format they came in.

Standard library only (`html.parser`). Block elements and `<br>` become line breaks,
`<script>`/`<style>`/`<head>` are dropped, entities are decoded, and `<blockquote>` content
is prefixed with "> " per line so quote detection works on the result as on plain mail.
"""

from __future__ import annotations

from html.parser import HTMLParser

from policy.vocabulary import compile_re

__all__ = ["html_to_text"]

# Elements whose content is never shown.
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "object", "svg"})

# Elements that start and end a line of their own.
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hgroup",
        "li",
        "main",
        "nav",
        "ol",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)

# Blocks set off by a blank line, as a mail client renders paragraphs.
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"})

# Table cells: kept on one line, separated by a space.
_CELL = frozenset({"td", "th"})

_SPACES = compile_re(r"[ \t\r\n\f\v\u00a0\u200b]+")


class _TextParser(HTMLParser):
    """Collects visible text as lines, each with the blockquote depth it was written at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._line: list[str] = []
        self._hidden: list[str] = []
        self._quote_depth = 0
        self._pre_depth = 0

    # --- line building ------------------------------------------------------------------

    def _flush(self) -> None:
        """End the current line if it has text."""
        text = "".join(self._line).strip(" ")
        self._line = []
        if text:
            self.lines.append((self._quote_depth, text))

    def _break(self) -> None:
        """A `<br>`: end the current line, even an empty one."""
        text = "".join(self._line).strip(" ")
        self._line = []
        self.lines.append((self._quote_depth, text))

    def _blank(self) -> None:
        """End the current line and leave one blank line (never two)."""
        self._flush()
        if not self.lines:
            return
        depth, text = self.lines[-1]
        if text:
            self.lines.append((self._quote_depth, ""))
        elif depth > self._quote_depth:
            # A blank line that ends a quote belongs to the level around it.
            self.lines[-1] = (self._quote_depth, "")

    # --- parser callbacks ---------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden.append(tag)
            return
        if self._hidden:
            return
        if tag == "br":
            self._break()
        elif tag == "blockquote":
            self._blank()
            self._quote_depth += 1
        elif tag in _PARAGRAPH:
            self._blank()
            if tag == "pre":
                self._pre_depth += 1
        elif tag in _BLOCK:
            self._flush()
        elif tag in _CELL and self._line:
            self._line.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<br/>`, `<hr/>`, `<div/>`: a start tag with no content.
        if tag in _HIDDEN:
            return
        self.handle_starttag(tag, attrs)
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            if tag in self._hidden:
                # Close the innermost open hidden element of this name (and any inside it).
                while self._hidden and self._hidden.pop() != tag:
                    pass
            return
        if self._hidden:
            return
        if tag == "blockquote":
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)
            self._blank()
        elif tag in _PARAGRAPH:
            self._blank()
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._hidden or not data:
            return
        if self._pre_depth:
            parts = data.replace("\r\n", "\n").split("\n")
            for index, part in enumerate(parts):
                if index:
                    self._break()
                self._line.append(part.replace("\u00a0", " "))
            return
        text = _SPACES.sub(" ", data)
        if not self._line or "".join(self._line).endswith(" "):
            text = text.lstrip(" ")
        if text:
            self._line.append(text)

    def finish(self) -> list[tuple[int, str]]:
        self._flush()
        return self.lines


def _render(lines: list[tuple[int, str]]) -> str:
    out: list[str] = []
    for depth, text in lines:
        if depth:
            prefix = "> " * depth
            out.append(prefix + text if text else prefix.rstrip())
        else:
            out.append(text)
    while out and not out[-1].strip(" >"):
        out.pop()
    # No leading blank lines, and at most one blank line in a row.
    rendered: list[str] = []
    for line in out:
        if not line.strip(" >") and (not rendered or not rendered[-1].strip(" >")):
            continue
        rendered.append(line)
    return "\n".join(rendered)


def html_to_text(html: str) -> str:
    """Return the visible text of `html`; never raises, whatever the markup."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but broken markup must never stop a pass.
        pass
    return _render(parser.finish())
