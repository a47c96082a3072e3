"""Every message comes from the catalogue (issue 20): no English sentence is written into the code
where a user would read it untranslated. tests/test_zh.py triggers the messages under --lang zh;
this reads the source, so the rare ones (a damaged database, a failed pg_dump…) are kept too.

A string in the source is a message unless it is a docstring, SQL, the `help=` of an option
(tests/test_zh.py checks each against the catalogue's help), one side of a choice whose other side
is Chinese (`"无记录" if zh else "nothing to list"`, or `if zh: … else: …`), the English of an
(en, zh) pair, a help text of the catalogue, a command's name, a Rich style, an exception a user
never sees (a bug's: RuntimeError, AssertionError…), or one of ENGLISH_ONLY."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "trainlog"
#: two English words in a row
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+[,;:]?\s+[a-z]{2,}\b")
#: Rich's styles ("bold red")
STYLE = re.compile(r"^(?:(?:bold|dim|italic|underline|reverse|not|on|red|green|blue|yellow|cyan|"
                   r"magenta|white|black|grey\d*)\b\s*)+$")
#: a command's name, as the `what` of its problems or the label of its progress meter
COMMAND = re.compile(r"^[a-z]+ (?:add|grant|revoke|import|list|show|edit|void|set|unset)$")


def _help_texts() -> set[str]:
    from trainlog.vocab import HELP

    return {en.strip() for en, _ in HELP.values()}


HELP_TEXTS = _help_texts()
CJK = re.compile("[\u4e00-\u9fff]")
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|PRAGMA|REVOKE|GRANT|"
                 r"BEGIN|SET|LOCK|COMMENT|VACUUM)\b")
#: exceptions a user never reads: they are bugs, caught by the CLI as an unexpected error
BUGS = {"RuntimeError", "AssertionError", "ValueError", "AttributeError", "TypeError",
        "NotImplementedError", "KeyError"}
#: files that are English by design: the English of the notice and of the Word document
#: (their zh-CN is written beside it, paragraph by paragraph), and the catalogue itself
SKIP_FILES = {"vocab.py", "errors.py", "output/notice.py", "output/document.py"}
#: (file, the text's start): strings kept English on purpose, each with why
ENGLISH_ONLY: dict[tuple[str, str], str] = {
    ("__main__.py", "interrupted; nothing"): "said before anything is imported, the catalogue too",
    ("store/database.py", "database is locked"): "SQLite's words, recognised",
    ("store/database.py", "database is busy"): "SQLite's words, recognised",
    ("store/database.py", "table is locked"): "SQLite's words, recognised",
    ("store/database.py", "unable to open"): "SQLite's words, recognised",
    ("store/database.py", "readonly database"): "SQLite's words, recognised",
    ("store/database.py", "disk is full"): "SQLite's words, recognised",
    ("store/checks.py", "disk I/O error"): "SQLite's words, recognised",
    ("store/postgres.py", "not read back"): "a value of `db backup -f json` (integrity)",
    ("output/tables.py", "trailing space"): "the name of a pattern",
    ("sessions/roster.py", "session import: writing"): "a progress meter's label",
    ("study/records.py", "cadre_id, platform"): "SQL",
    ("study/records.py", "ON CONFLICT"): "SQL",
    ("cli/demo.py", "trainlog "): "command lines to try",
    ("store/schema_keys.py", "# -- "): "the source lines around the part the generator rewrites",
}


def _chinese(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)
               for n in ast.walk(node))


def _text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return ""


def _other_language(block: list[ast.stmt]) -> set[int]:
    """The strings of the English side of `if zh: <Chinese> else: <English>` in a block of
    statements, and of `if zh: return <Chinese>` followed by `return <English>`."""
    out: set[int] = set()
    for i, stmt in enumerate(block):
        if not (isinstance(stmt, ast.If) and "zh" in ast.unparse(stmt.test)):
            continue
        if not any(_chinese(n) for n in stmt.body):
            continue
        english = list(stmt.orelse)
        if not english and isinstance(stmt.body[-1], ast.Return) and i + 1 < len(block):
            english = [block[i + 1]]
        out |= {id(n) for e in english for n in ast.walk(e)}
    return out


def messages(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each English string of `path` a user may read."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        elif isinstance(node, ast.keyword) and node.arg == "help":
            skip |= {id(n) for n in ast.walk(node.value)}
        elif isinstance(node, ast.IfExp) and (_chinese(node.body) or _chinese(node.orelse)):
            skip |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _chinese(node.elts[1]):
            skip |= {id(n) for n in ast.walk(node.elts[0])}
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = node.exc.func
            if isinstance(name, ast.Name) and name.id in BUGS:
                skip |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id == "say"):
            skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.JoinedStr):
            skip |= {id(v) for v in node.values}
        for block in (getattr(node, f, None) for f in ("body", "orelse")):
            if isinstance(block, list):
                skip |= _other_language(block)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Constant | ast.JoinedStr):
            continue
        text = _text(node)
        if (text and ENGLISH.search(text) and not SQL.match(text) and not STYLE.match(text)
                and not COMMAND.match(text) and text.strip() not in HELP_TEXTS):
            found.append((node.lineno, text))
    return found


FILES = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts
               and p.relative_to(SRC).as_posix() not in SKIP_FILES)


def test_the_search_can_fail(tmp_path: Path) -> None:
    code = tmp_path / "m.py"
    code.write_text('def f(zh):\n    """Docs."""\n    x = "无" if zh else "none at all"\n'
                    '    raise TrainlogError(f"{x}: no such cadre")\n', encoding="utf-8")
    assert messages(code) == [(4, "{}: no such cadre")]


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(SRC).as_posix() for p in FILES])
def test_no_english_outside_the_catalogue(path: Path) -> None:
    name = path.relative_to(SRC).as_posix()
    left = [f"{name}:{line}: {text!r}" for line, text in messages(path)
            if not any(f == name and text.startswith(start) for f, start in ENGLISH_ONLY)]
    assert not left, "\n".join(left)


def test_the_catalogue_has_no_key_twice() -> None:
    """A key given twice in vocab.py's dicts: the second silently replaces the first."""
    tree = ast.parse((SRC / "vocab.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), {k for k in keys if keys.count(k) > 1}
