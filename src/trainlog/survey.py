"""The training-needs survey (需求调研): answers, topics asked for, demand against classes held."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlmodel import Session

from trainlog.dates import Period, parse_date
from trainlog.errors import TrainlogError
from trainlog.files import tables as imp
from trainlog.registry import cadre_ids
from trainlog.store.schema import Cadre, SurveyAnswer, SurveyTopic, TrainingSession
from trainlog.store.sql import actor, now
from trainlog.vocab import METHODS, TIERS, TOPICS, label, parse_choice

LIST_KEYS = ["id", "date", "method", "topic", "tier", "cadre", "respondent", "note"]
REPORT_KEYS = ["topic", "asked", "share", "sessions", "person_times", "untaught"]
#: Topics of one answer are separated by these, in a file and in --topic alike.
TOPIC_SEPARATORS = re.compile(r"[;；、]")
#: `other:TEXT` (or 其他：TEXT) carries the text of an `other` topic.
DETAIL_SEPARATORS = re.compile(r"[:：]")
DETAIL_MAX = 200
CHUNK = 1_000

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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


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
                raise TrainlogError(f"{field}: {piece!r}: only other ({TOPICS['other']}) takes a "
                                    "text after ':'")
            detail = imp.text(detail_text, field, max_length=DETAIL_MAX)
        if (key, detail) not in out:  # the same topic twice is asked for once
            out.append((key, detail))
    if not out:
        raise TrainlogError(f"{field}: is required (one topic or more)")
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
            chk.add(row, "cadre", code, "no such cadre")
        if respondent:
            chk.add(row, "respondent", respondent,
                    "give the cadre's code or a respondent, not both")
    if len(chk.problems) > before:
        return None
    return _Answer(when, method, cadre_id, respondent, tier, note, tuple(topics))  # type: ignore[arg-type]


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _stored(session: Session, first: date, last: date) -> dict[tuple[Any, ...], list[int]]:
    """The ids of the stored answers of each signature between two dates."""
    answers = {
        a.id: a for a in session.scalars(select(SurveyAnswer)
                                         .where(SurveyAnswer.date.between(first, last)))
    }
    topics: dict[int, list[Topic]] = {i: [] for i in answers}
    for sid, topic, detail in session.execute(
            select(SurveyTopic.survey_id, SurveyTopic.topic, SurveyTopic.detail)
            .join(SurveyAnswer, SurveyAnswer.id == SurveyTopic.survey_id)
            .where(SurveyAnswer.date.between(first, last))):
        topics[sid].append((topic, detail))
    out: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, a in answers.items():
        out[_Answer(a.date, a.method, a.cadre_id, a.respondent, a.tier, a.note,
                    tuple(topics[i])).signature].append(i)
    return out


def _write(session: Session, answers: Sequence[_Answer]) -> list[int]:
    """Insert answers and their topics, in chunks; the answers' ids in order."""
    if not answers:
        return []
    conn = session.connection()
    stamp, who = now(), actor()
    table, topic_table = SurveyAnswer.__table__, SurveyTopic.__table__
    written: list[int] = []
    for i in range(0, len(answers), CHUNK):
        chunk = answers[i:i + CHUNK]
        rows = [{"date": a.date, "method": a.method, "cadre_id": a.cadre_id,
                 "respondent": a.respondent, "tier": a.tier, "note": a.note,
                 "created_at": stamp, "created_by": who, "updated_at": stamp, "updated_by": who}
                for a in chunk]
        ids = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                           rows).scalars().all()
        topic_rows = [{"survey_id": sid, "topic": t, "detail": d}
                      for sid, a in zip(ids, chunk, strict=True) for t, d in a.topics]
        conn.execute(topic_table.insert(), topic_rows)
        written += ids
    return written


def add_answer(
    session: Session,
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
    """Record one survey answer; refuses one identical to a stored answer unless `again`."""
    chk = imp.Checker()
    code = _str(cadre)
    cadres = cadre_ids(session, [code]) if code else {}
    joined = ";".join(str(t) for t in topics)
    answer = _check_answer({"date": date, "method": method, "topic": joined, "tier": tier,
                            "cadre": cadre, "respondent": respondent, "note": note},
                           chk, 0, cadres)
    chk.raise_if_any("survey add")
    assert answer is not None
    same = _stored(session, answer.date, answer.date).get(answer.signature)
    if same and not again:
        raise TrainlogError(f"survey answer {same[0]} is identical (same date, method, cadre or "
                            "respondent, tier, note and topics); give --again to record it "
                            "once more")
    (new_id,) = _write(session, [answer])
    return {"id": new_id, "date": answer.date.isoformat(), "method": answer.method,
            "topic": [topic_text(t, d) for t, d in answer.topics], "tier": answer.tier,
            "cadre": code or None, "respondent": answer.respondent, "note": answer.note}


def import_answers(session: Session, path: str | Path, encoding: str | None = None,
                   dry_run: bool = False) -> SurveyImportResult:
    """Import survey answers from a file; all or nothing, and safe to run again.

    Survey answers have no natural key, so an answer identical in every field (date, method,
    cadre, respondent, tier, note and its set of topics) to a stored one is taken as that
    answer: a file holding an answer N times ends with N stored, however often it is imported.
    """
    table = imp.open_table(path, imp.SURVEY_COLUMNS, {"date", "method", "topic"}, encoding)
    rows = list(table.rows())
    # A code with a NUL byte is refused row by row below; PostgreSQL refuses it as a parameter.
    codes = {c for _, r in rows if (c := _str(r.get("cadre"))) and "\x00" not in c}
    cadres = cadre_ids(session, codes)
    chk = imp.Checker()
    answers = [_check_answer(r, chk, n, cadres) for n, r in rows]
    chk.problems.extend(table.problems)
    chk.problems.sort(key=lambda p: p.row)
    chk.raise_if_any(str(path))
    checked = [a for a in answers if a is not None]
    result = SurveyImportResult(rows=len(rows), dry_run=dry_run)
    if not checked:
        return result
    stored = _stored(session, min(a.date for a in checked), max(a.date for a in checked))
    left = Counter({sig: len(ids) for sig, ids in stored.items()})
    new: list[_Answer] = []
    for a in checked:
        if left[a.signature] > 0:
            left[a.signature] -= 1
            result.skipped += 1
        else:
            new.append(a)
    result.created = len(new)
    result.topics = sum(len(a.topics) for a in new)
    if not dry_run:
        _write(session, new)
    return result


def _filtered(period: Period | None, method: str | None, topic: str | None, tier: str | None,
              cadre_id: int | None):  # type: ignore[no-untyped-def]
    """The conditions on survey_answer that the listing's options give."""
    conditions = []
    if period is not None:
        conditions.append(SurveyAnswer.date.between(period.start, period.end))
    if method:
        conditions.append(SurveyAnswer.method == parse_choice(method, METHODS, "--method"))
    if tier:
        conditions.append(SurveyAnswer.tier == parse_choice(tier, TIERS, "--tier"))
    if topic:
        key = parse_choice(topic, TOPICS, "--topic")
        conditions.append(exists().where(and_(SurveyTopic.survey_id == SurveyAnswer.id,
                                              SurveyTopic.topic == key)))
    if cadre_id is not None:
        conditions.append(SurveyAnswer.cadre_id == cadre_id)
    return conditions


def list_answers(session: Session, period: Period | None = None, method: str | None = None,
                 topic: str | None = None, tier: str | None = None,
                 cadre: str | None = None) -> list[dict[str, Any]]:
    """Answers by date, filtered; each `topic` is a list: ["poverty-industry", "other:TEXT"]."""
    cadre_id = None
    if cadre:
        cadre_id = cadre_ids(session, [cadre.strip()]).get(cadre.strip())
        if cadre_id is None:
            raise TrainlogError(f"--cadre: no cadre with code {cadre.strip()!r}")
    conditions = _filtered(period, method, topic, tier, cadre_id)
    stmt = (select(SurveyAnswer, Cadre.code).outerjoin(Cadre, SurveyAnswer.cadre_id == Cadre.id)
            .where(*conditions).order_by(SurveyAnswer.date, SurveyAnswer.id))
    rows = {a.id: {"id": a.id, "date": a.date.isoformat(), "method": a.method, "topic": [],
                   "tier": a.tier, "cadre": code, "respondent": a.respondent, "note": a.note}
            for a, code in session.execute(stmt)}
    if rows:
        ids = select(SurveyAnswer.id).where(*conditions)
        for sid, t, d in session.execute(
                select(SurveyTopic.survey_id, SurveyTopic.topic, SurveyTopic.detail)
                .where(SurveyTopic.survey_id.in_(ids)).order_by(SurveyTopic.id)):
            rows[sid]["topic"].append(topic_text(t, d))
    return list(rows.values())


def survey_report(session: Session, period: Period) -> dict[str, Any]:
    """Answers by method, topics ranked by demand, and the special classes held on each.

    Demand and supply are counted over the same period: the answers dated in it, and the
    special-track sessions (void excluded) held in it.
    """
    in_period = SurveyAnswer.date.between(period.start, period.end)
    methods = dict(session.execute(select(SurveyAnswer.method, func.count(SurveyAnswer.id))
                                   .where(in_period).group_by(SurveyAnswer.method)).all())
    answers = sum(methods.values())
    asked = dict(session.execute(
        select(SurveyTopic.topic, func.count(SurveyTopic.survey_id.distinct()))
        .join(SurveyAnswer, SurveyAnswer.id == SurveyTopic.survey_id)
        .where(in_period).group_by(SurveyTopic.topic)).all())
    others = [
        {"detail": d, "asked": n} for d, n in session.execute(
            select(SurveyTopic.detail, func.count(SurveyTopic.survey_id.distinct()))
            .join(SurveyAnswer, SurveyAnswer.id == SurveyTopic.survey_id)
            .where(in_period, SurveyTopic.topic == "other", SurveyTopic.detail.is_not(None))
            .group_by(SurveyTopic.detail)
            .order_by(func.count(SurveyTopic.survey_id.distinct()).desc(),
                      SurveyTopic.detail))
    ]
    special = (TrainingSession.track == "special", TrainingSession.void.is_(False),
               TrainingSession.date.between(period.start, period.end))
    person_times = func.coalesce(func.sum(TrainingSession.attendee_count
                                          + TrainingSession.headcount), 0)
    supply = {t: (n, int(p)) for t, n, p in session.execute(
        select(TrainingSession.topic, func.count(TrainingSession.id), person_times)
        .where(*special).group_by(TrainingSession.topic))}
    tier_asked = dict(session.execute(select(SurveyAnswer.tier, func.count(SurveyAnswer.id))
                                      .where(in_period).group_by(SurveyAnswer.tier)).all())
    tier_held = {k: (n, int(p)) for k, n, p in session.execute(
        select(TrainingSession.kind, func.count(TrainingSession.id), person_times)
        .where(*special).group_by(TrainingSession.kind))}

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

