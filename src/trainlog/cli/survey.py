"""trainlog survey add|import|list|report: the training-needs survey (需求调研)."""

from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    DateOpt,
    DatesOpts,
    DryRunOpt,
    FileArg,
    Format,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PeriodOpts,
    QuietOpt,
    ReadOpts,
    RejectsOpt,
    State,
    command,
    finish_import,
    run_import,
    show,
)
from trainlog.vocab import own_labels, say

survey_app = typer.Typer(help="The training-needs survey (需求调研): what cadres ask to learn.",
                         no_args_is_help=True)
app.add_typer(survey_app, name="survey")

METHOD_HELP = ("visit, symposium, phone, interview or questionnaire "
               "(走访/座谈/电话问询/个别访谈/问卷调查).")
MethodOpt = Annotated[str | None, typer.Option("--method", help=METHOD_HELP)]
TierOpt = Annotated[str | None, typer.Option(
    "--tier", help="the class tier asked for: thematic/key/regular or 专题班/重点班/常规班.")]
#: zh-CN headers where the survey's differ from trainlog.vocab.WORDS (its detail is 其他内容).
LABELS = own_labels("survey")


@command(survey_app, "add")
def survey_add(
    st: State,
    date: DateOpt,
    method: Annotated[str, typer.Option("--method", help=METHOD_HELP)],
    topic: Annotated[list[str], typer.Option(
        "--topic", help="a topic asked for (key or zh-CN label); repeat for several; "
        "other:TEXT (其他:TEXT) for one of your own.")],
    cadre: Annotated[str | None, typer.Option("--cadre", help="the answering cadre's code.")
                     ] = None,
    respondent: Annotated[str | None, typer.Option(
        "--respondent", help="who answered, when not one registered cadre (对象).")] = None,
    tier: TierOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="备注: what else was said.")] = None,
    again: Annotated[bool, typer.Option(
        "--again", help="record it although an identical answer is stored.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Record one answer of the training-needs survey."""
    from trainlog.survey import add_answer

    with st.db.connect(write=True) as conn:
        result = add_answer(conn, date=date, method=method, topics=topic, cadre=cadre,
                            respondent=respondent, tier=tier, note=note, again=again)
    show(result, fmt, text=say("msg.added_answer", id=result["id"], date=result["date"],
                               method=result["method"], topics=", ".join(result["topic"])))


@command(survey_app, "import")
def survey_import(
    st: State,
    file: FileArg,
    options: ReadOpts,
    dry_run: DryRunOpt = False,
    rejects: RejectsOpt = None,
    fmt: FormatOpt = Format.table,
    quiet: QuietOpt = False,
) -> None:
    """Import survey answers (日期, 方式, 主题, 班次, 干部编号, 对象, 备注); safe to run again."""
    from trainlog.survey import import_answers

    result, rejected = run_import(st, import_answers, file, options, dry_run, rejects)
    verb = say("msg.would_import" if dry_run else "msg.imported")
    finish_import(result.as_dict(), fmt,
                  say("msg.survey_imported", verb=verb, rows=result.rows, created=result.created,
                      topics=result.topics, skipped=result.skipped), rejected, quiet)


@command(survey_app, "list")
def survey_list(
    st: State,
    period: DatesOpts,
    method: MethodOpt = None,
    topic: Annotated[str | None, typer.Option(
        "--topic", help="only answers asking for this topic (key or zh-CN label).")] = None,
    tier: TierOpt = None,
    cadre: Annotated[str | None, typer.Option("--cadre", help="only this cadre's answers.")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """List survey answers of a period (all dates when no period is given)."""
    from trainlog.output.render import listing
    from trainlog.survey import LIST_KEYS, list_answers, topic_cells

    with st.db.connect() as conn:
        rows: list[dict[str, Any]] = list_answers(conn, period, method, topic, tier, cadre)
    # CSV: the topics as `survey import` reads them back; a table: their labels
    show(rows, fmt, csv=lambda: (topic_cells(rows, "en", ";"), LIST_KEYS),
         table=lambda: listing(topic_cells(rows, st.lang, "、" if st.lang == "zh" else "; "),
                               LIST_KEYS, "table", st.lang),
         output=output, lang=st.lang, labels=LABELS)


@command(survey_app, "report")
def survey_report(
    st: State,
    period: PeriodOpts,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """Topics asked for, ranked, beside the special classes held on each (demand vs supply)."""
    from trainlog.survey import REPORT_KEYS
    from trainlog.survey import survey_report as report

    with st.db.connect() as conn:
        data = report(conn, period)

    def tables() -> list[Any]:
        from trainlog.output.render import table

        zh = st.lang == "zh"
        none = "（未指定）" if zh else "(none)"
        topics = [r | {"topic": r["topic"] or none} for r in data["topics"]]
        tiers = [r | {"tier": r["tier"] or none} for r in data["by_tier"]]
        untaught = [r["topic"] for r in data["topics"] if r["untaught"]]
        return [
            f"培训需求调研 {period.label}：答复 {data['answers']} 条" if zh
            else f"Training-needs survey {period.label}: {data['answers']} answers",
            table(data["by_method"], ["method", "answers"], st.lang, labels=LABELS),
            table(topics, REPORT_KEYS, st.lang, labels=LABELS,
                  title="需求与专题培训" if zh else "Demand and special classes held"),
            table(data["other"], ["detail", "asked"], st.lang, labels=LABELS,
                  title="其他需求" if zh else "Other topics") if data["other"] else None,
            table(tiers, ["tier", "asked", "sessions", "person_times"], st.lang,
                  labels=LABELS, title="班次" if zh else "Class tiers"),
            _untaught(untaught, st.lang) if untaught else None,
        ]

    show(data, fmt, csv=(data["topics"], REPORT_KEYS), table=tables, output=output,
         lang=st.lang, labels=LABELS)


def _untaught(topics: list[str], lang: str) -> str:
    from trainlog.vocab import label

    zh = lang == "zh"
    names = ("、" if zh else ", ").join(label(t, lang, field="topic") for t in topics)
    return f"尚未开班的需求主题：{names}" if zh else f"asked for but not yet taught: {names}"
