"""The help in the language of the run: every command's and option's help text, and Typer's own
words (Options, [default: …]), in zh-CN from trainlog.vocab when the language is zh.

The language is known from the command line (`--lang`, wherever it is given) and the environment
before Click parses it, so `trainlog --lang zh cadre list --help` and `LANG=zh_CN.UTF-8 trainlog
--help` are Chinese too. Rich (through typer.rich_utils) is imported only for zh.
"""

import sys
from collections.abc import Sequence
from typing import Any

from typer.core import TyperCommand, TyperGroup

from trainlog.vocab import WORDS, set_lang

#: Typer's words (typer.rich_utils' constants) -> their key in trainlog.vocab.WORDS
TYPER_WORDS = {"ARGUMENTS_PANEL_TITLE": "typer.arguments", "OPTIONS_PANEL_TITLE": "typer.options",
               "COMMANDS_PANEL_TITLE": "typer.commands", "ERRORS_PANEL_TITLE": "typer.error",
               "DEFAULT_STRING": "typer.default", "REQUIRED_LONG_STRING": "typer.required",
               "ABORTED_TEXT": "typer.aborted", "RICH_HELP": "typer.try_help"}
_spoken = ["en"]


def lang_of(args: Sequence[str]) -> str:
    """The language a command line asks for: its last --lang, else the environment's."""
    from trainlog.output.render import detect_lang

    asked = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            asked = args[i + 1]
        elif arg.startswith("--lang="):
            asked = arg[len("--lang="):]
    return detect_lang(asked)


def zh_help() -> dict[str, str]:
    """English help text -> its zh-CN, of every help the catalogue holds."""
    return {en.strip(): zh for key, (en, zh) in WORDS.items() if key.startswith("help.")}


def speak(command: Any, lang: str) -> None:
    """Give the command tree under `command`, and Typer's words, the help of `lang`."""
    if lang != "zh" and _spoken[0] == "en":
        return
    import typer.rich_utils as words

    for name, key in TYPER_WORDS.items():
        setattr(words, name, WORDS[key][1 if lang == "zh" else 0])
    if _spoken[0] == "en" and lang == "zh":  # Click's usage errors, in zh-CN
        _show_error.append(words.rich_format_error)
        words.rich_format_error = _zh_error
    elif lang != "zh" and _show_error:
        words.rich_format_error = _show_error.pop()
    _spoken[0] = lang
    if lang != "zh":
        return
    table = zh_help()

    def walk(cmd: Any) -> None:
        if cmd.help and cmd.help.strip() in table:
            cmd.help = table[cmd.help.strip()]
            cmd.short_help = None
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text and text.strip() in table:
                param.help = table[text.strip()]
        made = cmd.get_help_option  # --help is made when asked for, with Click's English

        def help_option(ctx: Any, made: Any = made) -> Any:
            option = made(ctx)
            if option is not None and option.help in table:
                option.help = table[option.help]
            return option

        cmd.get_help_option = help_option
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(command)


_show_error: list[Any] = []


def usage_zh(text: str) -> str:
    """A usage error of Click's in zh-CN (the patterns of trainlog.vocab.WORDS "usage.*")."""
    import re

    for key, (pattern, zh) in WORDS.items():
        if key.startswith("usage."):
            text = re.sub(pattern, zh, text)
    return text


def _zh_error(error: Any) -> None:
    """Typer's printing of a usage error, its message in zh-CN."""
    said = error.format_message
    error.format_message = lambda: usage_zh(said())
    _show_error[0](error)


def fit_help() -> None:
    """Rich's help panels fitted to a narrow terminal (trainlog.cli.fit), once a help is shown
    (Rich is imported only then)."""
    import typer.rich_utils as rich_help

    from trainlog.cli.fit import fit

    fit(rich_help)


def _fitted(format_help: Any) -> Any:
    def fitted(self: Any, ctx: Any, formatter: Any) -> Any:
        fit_help()
        return format_help(self, ctx, formatter)
    return fitted


for _kind in (TyperCommand, TyperGroup):  # every command's --help, whatever its language
    _kind.format_help = _fitted(_kind.format_help)  # type: ignore[method-assign]


class Group(TyperGroup):
    """The root group: before it parses a command line, its tree speaks the line's language."""

    def main(self, args: Sequence[str] | None = None, *more: Any, **options: Any) -> Any:
        lang = lang_of(list(sys.argv[1:] if args is None else args))
        speak(self, lang)
        set_lang(lang)  # for what is said before the root callback's State (a usage error)
        try:
            return super().main(args, *more, **options)
        finally:
            set_lang("en")  # a library caller in the same process gets English
