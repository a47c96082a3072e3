"""trainlog office add|list|grant|revoke: the offices (单位) of a database, and who may use them."""

from typing import Annotated

import typer

from trainlog.cli import root as app
from trainlog.cli.common import Format, FormatOpt, LangOpt, State, command, show

office_app = typer.Typer(help="Offices (单位): the departments whose records a database keeps, "
                         "and the database roles that may use them.", no_args_is_help=True)
app.add_typer(office_app, name="office")

CodeArg = Annotated[str, typer.Argument(help="the office's code.", show_default=False)]
RoleArg = Annotated[str, typer.Argument(help="a PostgreSQL role.", show_default=False)]


@command(office_app, "add")
def office_add(
    st: State,
    code: CodeArg,
    name: Annotated[str, typer.Argument(help="the office's name, e.g. 召陵区委组织部.",
                                        show_default=False)],
    parent: Annotated[str | None, typer.Option(
        "--parent", help="the office above it (a city's or province's).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Add an office; on PostgreSQL, the database's owner does this."""
    from trainlog.offices import add_office

    with st.db.connect(write=True) as conn:
        added = add_office(conn, code, name, parent)
    from trainlog.vocab import say

    under = say("msg.under", parent=added["parent"]) if added["parent"] else ""
    show(added, fmt.value, text=say("msg.added_office", code=added["code"], name=added["name"],
                                    under=under))


@command(office_app, "list")
def office_list(st: State, fmt: FormatOpt = Format.table, lang: LangOpt = None) -> None:
    """List the offices you can see; the current one is marked."""
    from trainlog.offices import LIST_KEYS, list_offices
    from trainlog.output.render import listing
    from trainlog.store.offices import NoOffice

    with st.db.connect() as conn:
        try:
            current = conn.office.id
        except NoOffice:  # several offices, none chosen: list them all the same
            current = None
        rows = list_offices(conn, current)
    listing(rows, LIST_KEYS, fmt.value, st.lang)


@command(office_app, "grant")
def office_grant(
    st: State,
    role: RoleArg,
    code: CodeArg,
    read_only: Annotated[bool, typer.Option(
        "--read-only", help="the role may read the office's records, not change them.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """PostgreSQL: let a database role use an office's records (the server enforces it)."""
    from trainlog.offices import grant_office

    with st.db.connect(write=True) as conn:
        done = grant_office(conn, role, code, read_only)
    from trainlog.vocab import say

    how = say("msg.to_read" if read_only else "msg.to_read_write")
    show(done, fmt.value, text=say("msg.granted", role=done["role"], how=how,
                                   office=done["office"], name=done["name"]))


@command(office_app, "revoke")
def office_revoke(st: State, role: RoleArg, code: CodeArg, fmt: FormatOpt = Format.table) -> None:
    """PostgreSQL: take an office's records away from a database role."""
    from trainlog.offices import revoke_office

    with st.db.connect(write=True) as conn:
        done = revoke_office(conn, role, code)
    from trainlog.vocab import say

    show(done, fmt.value, text=say("msg.revoked", office=done["office"], role=done["role"]))
