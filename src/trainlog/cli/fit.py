"""`--help` that fits a narrow terminal (80 columns) in English and in zh-CN, cutting no word.

Typer lays an options panel out in six columns (option, short option, the flag's negative, its
short form, the value's type, the help), and Rich breaks lines at spaces only: at 80 columns the
help column is left 15 cells, and a run of Chinese (no spaces in it) or a long word ends in `…`.
`fit(typer.rich_utils)` changes three things there, once, when a help is shown:

- a boolean flag's two names stand one above the other, so the help gets the width they took;
- every column but the help is kept whole, and the help takes the rest of the width;
- help text breaks at spaces and, in Chinese, between any two characters (never before a closing
  mark such as ，。） nor after an opening one such as （), not inside a word of Latin letters.
"""

import re
from typing import Any

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.containers import Lines
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

_OPEN = "（「『“‘《〈【〔"
_CLOSE = "，。、；：！？）」』”’》〉】〕…·"
_WIDE = "\u2e80-\u33ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"
#: what a line may not break inside: Latin letters and signs up to a space or a Chinese character;
#: one Chinese character; each with the opening marks before it, the closing marks after it and the
#: spaces after it
_PIECE = re.compile(rf"[{_OPEN}]*(?:[^\s{_WIDE}]+|[{_WIDE}])[{_CLOSE}]*\s*|\s+")


def breaks(text: str, width: int) -> list[int]:
    """Where to break `text` into lines of at most `width` cells (rich._wrap.divide_line, with
    the pieces above for words): the offsets that start a new line."""
    out: list[int] = []
    used = 0
    for match in _PIECE.finditer(text):
        start, piece = match.start(), match.group()
        need = cell_len(piece.rstrip())
        if need <= width - used:
            used += cell_len(piece)
        elif need > width:  # longer than a line: folded, as Rich does
            parts = chop_cells(piece, width)
            for i, part in enumerate(parts):
                if start:
                    out.append(start)
                if i == len(parts) - 1:
                    used = cell_len(part)
                else:
                    start += len(part)
        elif used and start:
            out.append(start)
            used = cell_len(piece)
    return out


class HelpText(Text):
    """A help text that breaks lines by `breaks`."""

    __slots__ = ()

    def wrap(self, console: Console, width: int, *, justify: Any = None, overflow: Any = None,
             tab_size: int = 8, no_wrap: bool | None = None) -> Lines:
        if no_wrap or self.no_wrap:
            return super().wrap(console, width, justify=justify, overflow=overflow,
                                tab_size=tab_size, no_wrap=no_wrap)
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            parts = line.divide(breaks(line.plain, width))
            for part in parts:
                part.rstrip_end(width)
            parts.justify(console, width, justify=justify or self.justify or "default",
                          overflow="fold")
            for part in parts:
                part.truncate(width, overflow="fold")
            lines.extend(parts)
        return lines

    def __rich_measure__(self, console: Console, options: Any) -> Measurement:
        lines = self.plain.splitlines()
        widest = max(map(cell_len, lines), default=0)
        pieces = [cell_len(p.strip()) for p in _PIECE.findall(self.plain)]
        return Measurement(max(pieces, default=widest), widest)


def breaking(part: Any) -> Any:
    """A help's Text as a HelpText (in place; other renderables as they are)."""
    if type(part) is Text:
        part.__class__ = HelpText
    return part


class HelpTable(Table):
    """Typer's options and commands panels, fitted (see the module's doc)."""

    __slots__ = ()

    def add_row(self, *cells: Any, **options: Any) -> None:
        if len(cells) >= 6:  # an options panel: [required,] long, short, no-long, no-short, type, help
            *required, long, short, no_long, no_short, kind, text = cells
            cells = (*required, _stack(long, no_long), _stack(short, no_short), kind, text)
            if not self.columns:
                for _ in cells[:-1]:
                    self.add_column(no_wrap=True)
                self.add_column(ratio=1)
        super().add_row(*cells, **options)


def _stack(first: Any, second: Any) -> Any:
    """Two option names, one above the other (the one when the other is empty)."""
    if not isinstance(second, Text) or not second.plain:
        return first
    return Text.assemble(first, "\n", second)


def fit(rich_help: Any) -> None:
    """Fit typer.rich_utils' help panels (idempotent)."""
    if rich_help.Table is HelpTable:
        return
    rich_help.Table = HelpTable
    parameter_help = rich_help._get_parameter_help
    command_help = rich_help._make_command_help
    help_text = rich_help._get_help_text

    def _get_parameter_help(**kwargs: Any) -> Any:
        shown = parameter_help(**kwargs)
        for part in getattr(shown, "renderables", []):
            breaking(part)
        return shown

    def _make_command_help(*, help_text: str, **kwargs: Any) -> Any:
        # one paragraph per command: a docstring's line ends are spaces
        first = re.sub(r"(?<!\n)\n(?!\n)", " ", help_text)
        return breaking(command_help(help_text=first, **kwargs))

    def _get_help_text(**kwargs: Any) -> Any:
        shown = help_text(**kwargs)  # a rich Group
        for part in getattr(shown, "renderables", []):
            breaking(part)
        return shown

    rich_help._get_parameter_help = _get_parameter_help
    rich_help._make_command_help = _make_command_help
    rich_help._get_help_text = _get_help_text
