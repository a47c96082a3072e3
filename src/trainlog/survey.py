"""The training-needs survey (需求调研): answers, topics asked for, demand against classes held.

Every read and write is SQL text on a `trainlog.store.sql.Conn`: this module imports neither
SQLAlchemy nor SQLModel nor the models, so on a SQLite file `survey list` and `survey report`
answer through the standard library's sqlite3. The report counts in the database (GROUP BY).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.dates import Period, parse_date
from trainlog.errors import FieldError, TrainlogError
from trainlog.files import tables as imp
from trainlog.registry import cadre_ids
from trainlog.store.sql import Conn, as_date, fresh_statistics
from trainlog.vocab import METHODS, TIERS, TOPICS, label, parse_choice, say

LIST_KEYS = ["id", "date", "method", "topic", "tier", "cadre", "respondent", "note"]
REPORT_KEYS = ["topic", "asked", "share", "sessions", "person_times", "untaught"]
#: Topics of one answer are separated by these, in a file and in --topic alike.
TOPIC_SEPARATORS = re.compile(r"[;；、]")
#: `other:TEXT` (or 其他：TEXT) carries the text of an `other` topic.
DETAIL_SEPARATORS = re.compile(r"[:：]")
DETAIL_MAX = 200
_ANSWER_COLUMNS = ("date", "method", "cadre_id", "respondent", "tier", "note",
                   "created_at", "created_by", "updated_at", "updated_by", "office_id")
_TOPIC_COLUMNS = ("survey_id", "topic", "detail", "office_id")

#: (topic key, detail text or None)
Topic = tuple[str, str | None]


@dataclass
class SurveyImportResult:
    """What `survey import` did (or, with dry_run, would do)."""

    rows: int = 0
    created: int = 0
    skipped: int = 0
    topics: int = 0
    dry_run: bool = False
    #: what the file had that was left out (`Table.summary`): only what there was
    read: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.update(out.pop("read"))
        return out


@dataclass(frozen=True)
class _Answer:
    """One checked answer; equal answers are the same answer given again (see `import_answers`)."""

    date: date
    method: str
    cadre_id: int | None
    respondent: str | None
    tier: str | None
    note: str | None
    topics: tuple[Topic, ...]

    @property
    def signature(self) -> tuple[Any, ...]:
        return (self.date, self.method, self.cadre_id, self.respondent, self.tier, self.note,
                tuple(sorted(self.topics, key=lambda t: (t[0], t[1] or ""))))


def parse_topics(value: Any, field: str = "topic") -> list[Topic]:
    """Topics as keys or labels separated by `;`, `；` or `、`; `other:TEXT` keeps its text."""
    text = "" if value is None else str(value).strip()
    out: list[Topic] = []
    for piece in TOPIC_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        name, has_detail, detail_text = _split_detail(piece)
        key = parse_choice(name.strip(), TOPICS, field)
        detail = None
        if has_detail:
            if key != "other":
                raise FieldError(field, say("msg.detail_only_other", piece=repr(piece),
                                            other=TOPICS["other"]))
            detail = imp.text(detail_text, field, max_length=DETAIL_MAX)
        if (key, detail) not in out:  # the same topic twice is asked for once
            out.append((key, detail))
    if not out:
        raise FieldError(field, say("msg.topic_required"))
    return out


def _split_detail(piece: str) -> tuple[str, bool, str]:
    """`other:TEXT` -> ("other", True, "TEXT"); a topic with no text -> (topic, False, "")."""
    parts = DETAIL_SEPARATORS.split(piece, maxsplit=1)
    return (parts[0], True, parts[1].strip()) if len(parts) == 2 else (parts[0], False, "")


def topic_text(topic: str, detail: str | None, lang: str = "en") -> str:
    """One topic as a user writes it: `poverty-industry`, `other:TEXT`, or its zh-CN label."""
    name = label(topic, lang, field="topic")
    return f"{name}:{detail}" if detail else name


def _check_answer(raw: dict[str, Any], chk: imp.Checker, row: int,
                  cadres: dict[str, int]) -> _Answer | None:
    """Check one answer's fields given as text; problems go to `chk`, None when any is bad."""
    before = len(chk.problems)
    when = chk.check(row, "date", raw.get("date"), lambda v: parse_date(v, "date"))
    method = chk.check(row, "method", raw.get("method"),
                       lambda v: parse_choice(_str(v), METHODS, "method"))
    topics = chk.check(row, "topic", raw.get("topic"), parse_topics)
    tier = chk.check(row, "tier", raw.get("tier"),
                     lambda v: parse_choice(_str(v), TIERS, "tier") if _str(v) else None)
    code = chk.check(row, "cadre", raw.get("cadre"),
                     lambda v: imp.code(v, "cadre", required=False))
    respondent = chk.check(row, "respondent", raw.get("respondent"),
                           lambda v: imp.text(v, "respondent", max_length=200))
    note = chk.check(row, "note", raw.get("note"), lambda v: imp.text(v, "note", max_length=2000))
    cadre_id = None
    if code:
        cadre_id = cadres.get(code)
        if cadre_id is None:
            chk.add(row, "cadre", code, say("msg.no_such_cadre"))
        if respondent:
            chk.add(row, "respondent", respondent,
                    say("msg.cadre_or_respondent"))
    if len(chk.problems) > before:
        return None
    return _Answer(when, method, cadre_id, respondent, tier, note, tuple(topics))  # type: ignore[arg-type]


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _stored(conn: Conn, first: date, last: date) -> dict[tuple[Any, ...], list[int]]:
    """The ids of the stored answers of each signature between two dates (oldest id first)."""
    span = {"first": first, "last": last}
    answers = conn.all("SELECT id, date, method, cadre_id, respondent, tier, note "
                       "FROM survey_answer WHERE office_id = :office "
                       "AND date BETWEEN :first AND :last ORDER BY id", span)
    topics: dict[int, list[Topic]] = {row[0]: [] for row in answers}
    for sid, topic, detail in conn.all(
            "SELECT t.survey_id, t.topic, t.detail FROM survey_topic t "
            "JOIN survey_answer a ON a.id = t.survey_id "
            "WHERE a.office_id = :office AND a.date BETWEEN :first AND :last", span):
        topics[sid].append((topic, detail))
    out: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, when, method, cadre_id, respondent, tier, note in answers:
        out[_Answer(as_date(when), method, cadre_id, respondent, tier, note,  # type: ignore[arg-type]
                    tuple(topics[i])).signature].append(i)
    return out


def _write(conn: Conn, answers: Sequence[_Answer]) -> list[int]:
    """Insert answers and their topics; the answers' ids in order.

    The write lock is held (BEGIN IMMEDIATE on SQLite, the advisory lock on PostgreSQL) and ids
    only grow, so the answers with a higher id than the highest before are these, in order.
    """
    if not answers:
        return []
    stamp, who = conn.stamp()
    last = conn.scalar("SELECT max(id) FROM survey_answer") or 0
    office = conn.office.id
    marks = ", ".join("?" * len(_ANSWER_COLUMNS))
    conn.executemany(
        f"INSERT INTO survey_answer ({', '.join(_ANSWER_COLUMNS)}) VALUES ({marks})",
        ((conn.value(a.date), a.method, a.cadre_id, a.respondent, a.tier, a.note,
          stamp, who, stamp, who, office) for a in answers))
    ids = [int(i) for (i,) in conn.all("SELECT id FROM survey_answer WHERE office_id = :office "
                                        "AND id > :last ORDER BY id", {"last": last})]
    if len(ids) != len(answers):  # another writer without trainlog's lock
        raise TrainlogError(say("msg.answers_raced", n=len(answers), found=len(ids)))
    conn.insert_rows("survey_topic", _TOPIC_COLUMNS,
                     ((sid, t, d, office) for sid, a in zip(ids, answers, strict=True)
                      for t, d in a.topics))
    return ids


def add_answer(
    conn: Conn,
    *,
    date: str | date,
    method: str,
    topics: Sequence[str],
    cadre: str | None = None,
    respondent: str | None = None,
    tier: str | None = None,
    note: str | None = None,
    again: bool = False,
) -> dict[str, Any]:
    """Record one survey answer; refuses one identical to a stored answer unless `again`.

    `db` is a `trainlog.store.sql.Conn` in a write transaction.
    """
    chk = imp.Checker()
    code = _str(cadre)
    cadres = cadre_ids(conn, [code]) if code else {}
    joined = ";".join(str(t) for t in topics)
    answer = _check_answer({"date": date, "method": method, "topic": joined, "tier": tier,
                            "cadre": cadre, "respondent": respondent, "note": note},
                           chk, 0, cadres)
    chk.raise_if_any("survey add")
    assert answer is not None
    same = _stored(conn, answer.date, answer.date).get(answer.signature)
    if same and not again:
        raise TrainlogError(say("msg.answer_identical", id=same[0]))
    (new_id,) = _write(conn, [answer])
    return {"id": new_id, "date": answer.date.isoformat(), "method": answer.method,
            "topic": [topic_text(t, d) for t, d in answer.topics], "tier": answer.tier,
            "cadre": code or None, "respondent": answer.respondent, "note": answer.note}


def import_answers(conn: Conn, path: str | Path, encoding: str | None = None,
                   dry_run: bool = False, options: imp.ReadOptions | None = None,
                   ) -> SurveyImportResult:
    """Import survey answers from a file; all or nothing, and safe to run again.

    Survey answers have no natural key, so an answer identical in every field (date, method,
    cadre, respondent, tier, note and its set of topics) to a stored one is taken as that
    answer: a file holding an answer N times ends with N stored, however often it is imported.

    The file is read twice, so that no row is held in memory: once to check every row, then
    to write the answers in chunks.

    `db` is a `trainlog.store.sql.Conn` in a write transaction. The
    answers are always written; a dry run is a connection that rolls back
    (`Database.connect(write=True, dry_run=True)`), and `dry_run` only says so in the result.
    """
    def answers(chk: imp.Checker) -> tuple[imp.Table, Iterable[tuple[int, _Answer | None]]]:
        table = imp.open_table(path, imp.SURVEY_COLUMNS, {"date", "method", "topic"}, encoding,
                               options)
        return table, ((n, _check_answer(r, chk, n, cadres)) for n, r in table.rows())

    cadres = cadre_ids(conn)
    chk = imp.Checker()
    table, checked = answers(chk)
    rows = 0
    first: date | None = None
    last: date | None = None
    for _, a in checked:
        rows += 1
        if a is not None:
            first = a.date if first is None or a.date < first else first
            last = a.date if last is None or a.date > last else last
    chk.problems.extend(table.problems)
    chk.problems.sort(key=lambda p: p.row)
    chk.raise_if_any(str(path))
    result = SurveyImportResult(rows=rows, dry_run=dry_run, read=table.summary)
    if first is None or last is None:
        return result
    stored = _stored(conn, first, last)
    left = Counter({sig: len(ids) for sig, ids in stored.items()})
    del stored
    new: list[_Answer] = []
    _, again = answers(imp.Checker())
    for _, a in again:
        assert a is not None
        if left[a.signature] > 0:
            left[a.signature] -= 1
            result.skipped += 1
            continue
        new.append(a)
        if len(new) >= WRITE_CHUNK:
            _write_counted(conn, new, result)
            new = []
    _write_counted(conn, new, result)
    if not dry_run:
        fresh_statistics(conn, ["survey_answer", "survey_topic"], result.created + result.topics)
    return result


#: Answers written at once by an import.
WRITE_CHUNK = 5000


def _write_counted(conn: Conn, answers: list[_Answer], result: SurveyImportResult) -> None:
    result.created += len(answers)
    result.topics += sum(len(a.topics) for a in answers)
    _write(conn, answers)


def _filtered(period: Period | None, method: str | None, topic: str | None, tier: str | None,
              cadre_id: int | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (or none) on survey_answer `a` that the listing's options give, and its
    values."""
    conditions: list[str] = ["a.office_id = :office"]
    params: dict[str, Any] = {}
    if period is not None:
        conditions.append("a.date BETWEEN :start AND :end")
        params |= {"start": period.start, "end": period.end}
    if method:
        conditions.append("a.method = :method")
        params["method"] = parse_choice(method, METHODS, "--method")
    if tier:
        conditions.append("a.tier = :tier")
        params["tier"] = parse_choice(tier, TIERS, "--tier")
    if topic:
        conditions.append("EXISTS (SELECT 1 FROM survey_topic x "
                          "WHERE x.survey_id = a.id AND x.topic = :topic)")
        params["topic"] = parse_choice(topic, TOPICS, "--topic")
    if cadre_id is not None:
        conditions.append("a.cadre_id = :cadre_id")
        params["cadre_id"] = cadre_id
    return f"WHERE {' AND '.join(conditions)}", params


def list_answers(conn: Conn, period: Period | None = None, method: str | None = None,
                 topic: str | None = None, tier: str | None = None,
                 cadre: str | None = None) -> list[dict[str, Any]]:
    """Answers by date, filtered; each `topic` is a list: ["poverty-industry", "other:TEXT"]."""
    cadre_id = None
    if cadre:
        cadre = imp.norm_code(cadre)
        cadre_id = cadre_ids(conn, [cadre]).get(cadre)
        if cadre_id is None:
            raise TrainlogError("--cadre: " + say("msg.no_cadre", code=repr(cadre.strip())))
    where, params = _filtered(period, method, topic, tier, cadre_id)
    rows = {i: {"id": i, "date": as_date(when).isoformat(),  # type: ignore[union-attr]
                "method": m, "topic": [], "tier": t, "cadre": code, "respondent": r, "note": n}
            for i, when, m, t, code, r, n in conn.all(
                "SELECT a.id, a.date, a.method, a.tier, c.code, a.respondent, a.note "
                "FROM survey_answer a LEFT JOIN cadre c ON c.id = a.cadre_id "
                f"{where} ORDER BY a.date, a.id", params)}
    if rows:
        for sid, t, d in conn.all(
                "SELECT survey_id, topic, detail FROM survey_topic "
                f"WHERE survey_id IN (SELECT a.id FROM survey_answer a {where}) "
                "ORDER BY id", params):
            rows[sid]["topic"].append(topic_text(t, d))
    return list(rows.values())


def survey_report(conn: Conn, period: Period) -> dict[str, Any]:
    """Answers by method, topics ranked by demand, and the special classes held on each.

    Demand and supply are counted over the same period: the answers dated in it, and the
    special-track sessions (void excluded) held in it.
    """
    span = {"start": period.start, "end": period.end}
    in_period = "a.office_id = :office AND a.date BETWEEN :start AND :end"
    methods = {m: int(n) for m, n in conn.all(
        f"SELECT a.method, count(a.id) FROM survey_answer a WHERE {in_period} "
        "GROUP BY a.method", span)}
    answers = sum(methods.values())
    asked = {t: int(n) for t, n in conn.all(
        "SELECT t.topic, count(DISTINCT t.survey_id) FROM survey_topic t "
        f"JOIN survey_answer a ON a.id = t.survey_id WHERE {in_period} GROUP BY t.topic", span)}
    others = [
        {"detail": d, "asked": int(n)} for d, n in conn.all(
            "SELECT t.detail, count(DISTINCT t.survey_id) FROM survey_topic t "
            f"JOIN survey_answer a ON a.id = t.survey_id WHERE {in_period} "
            "AND t.topic = 'other' AND t.detail IS NOT NULL GROUP BY t.detail "
            "ORDER BY count(DISTINCT t.survey_id) DESC, t.detail", span)
    ]
    special = ("FROM training_session s WHERE s.office_id = :office AND s.track = 'special' "
               "AND NOT s.void "
               "AND s.date BETWEEN :start AND :end")
    held = "count(s.id), coalesce(sum(s.attendee_count + s.headcount), 0)"
    supply = {t: (int(n), int(p)) for t, n, p in conn.all(
        f"SELECT s.topic, {held} {special} GROUP BY s.topic", span)}
    tier_asked = {t: int(n) for t, n in conn.all(
        f"SELECT a.tier, count(a.id) FROM survey_answer a WHERE {in_period} GROUP BY a.tier",
        span)}
    tier_held = {k: (int(n), int(p)) for k, n, p in conn.all(
        f"SELECT s.kind, {held} {special} GROUP BY s.kind", span)}

    keys: list[str | None] = list(TOPICS)
    if None in supply:  # special classes recorded without a topic
        keys.append(None)
    topics = [_topic_row(t, asked.get(t, 0), supply.get(t, (0, 0)), answers) for t in keys]
    # Most asked first, then most taught; ties keep the vocabulary's order (sort is stable).
    topics.sort(key=lambda r: (-r["asked"], -r["sessions"]))
    tiers: list[str | None] = list(TIERS)
    if tier_asked.get(None) or None in tier_held:
        tiers.append(None)
    return {
        "period": period.as_dict(),
        "answers": answers,
        "by_method": [{"method": m, "answers": methods.get(m, 0)} for m in METHODS],
        "topics": topics,
        "other": others,
        "by_tier": [{"tier": t, "asked": tier_asked.get(t, 0),
                     "sessions": tier_held.get(t, (0, 0))[0],
                     "person_times": tier_held.get(t, (0, 0))[1]} for t in tiers],
    }


def _topic_row(topic: str | None, asked: int, held: tuple[int, int],
               answers: int) -> dict[str, Any]:
    sessions, person_times = held
    return {"topic": topic, "asked": asked,
            "share": round(asked / answers, 4) if answers else 0.0,
            "sessions": sessions, "person_times": person_times,
            "untaught": asked > 0 and sessions == 0}


def topic_cells(rows: Iterable[dict[str, Any]], lang: str, sep: str) -> list[dict[str, Any]]:
    """Listing rows with their topic list as one text (labels in zh), for a table or CSV."""
    out = []
    for row in rows:
        texts = []
        for item in row["topic"]:
            name, _, detail = _split_detail(item)
            texts.append(topic_text(name, detail or None, lang))
        out.append(row | {"topic": sep.join(texts)})
    return out

