"""The command line: ``python -m trustcore [--db DB] {new,list,export,backup,archive,import,workspace-archive,
workspace-import} ...``.

A facilitator token (``export``, ``archive``), or an organisation workspace's token (``workspace-archive``), is read from ``$TRUSTCORE_TOKEN``, from standard input (``--token -``) or, at a
terminal, from a prompt that does not echo it: never from the command line, where every user of the machine
sees it in the process list and the shell keeps it in its history. ``--token TOKEN`` still works, with a
warning.

Expected problems (bad input, unknown session, a file that exists already, a malformed catalogue) are
reported on stderr as one message with exit code 2 and no traceback. Exit codes: 0 ok, 1 unexpected
error, 2 usage error, invalid input or not found.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import anonymity, archive, export, links, results, workspace_archive
from . import catalogue as catalogue_mod
from . import db as dbmod
from .errors import InvalidInput, TrustcoreError
from .model import Anonymity
from .rights import Action
from .store import RETENTION_ENV, Store
from .view import View

PROG = "trustcore"
TOKEN_ENV = "TRUSTCORE_TOKEN"
OK, UNEXPECTED, USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors raise instead of exiting, so ``main`` returns the code."""

    def exit(self, status=0, message=None):
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def _parser() -> argparse.ArgumentParser:
    db_help = (
        "the database: a SQLite file, or a postgresql://user:password@host:port/dbname URL "
        "(default: $TRUSTCORE_DB or data/trustcore.db)"
    )
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="DB", default=argparse.SUPPRESS, help=db_help)

    parser = _Parser(prog=PROG, description="Co-rank the elements of trustworthy data stewardship: session admin.")
    parser.add_argument("--db", metavar="DB", default=None, help=db_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    new = sub.add_parser("new", parents=[common], help="create a session and print its links")
    new.add_argument("--title", required=True, help="the session's title")
    new.add_argument(
        "--party", action="append", required=True, metavar="NAME", help="a party (organisation); give two or more"
    )
    new.add_argument(
        "--members",
        action="append",
        default=[],
        metavar="PARTY=a,b",
        help="the expected members of a party, comma-separated",
    )
    new.add_argument("--our-org", default="", metavar="X", help="our organisation (worksheet header)")
    new.add_argument("--partner", default="", metavar="Y", help="the partner organisation (worksheet header)")
    new.add_argument("--flows", default="", metavar="Z", help="the flows between the organisations")
    new.add_argument("--catalogue", metavar="FILE", help="another element catalogue (.csv or .json)")
    new.add_argument(
        "--live",
        action="store_true",
        help="show results to participants as they come in (default: blind until revealed)",
    )
    new.add_argument(
        "--names",
        choices=[a.value for a in Anonymity],
        default=Anonymity.NAMED.value,
        help="who sees people's names: named (everyone), hidden (hidden from other participants; the "
        "facilitator sees them) or anonymous (no names asked or stored); default: named",
    )
    new.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the app's address (default: ${links.BASE_URL_ENV} or {links.DEFAULT_BASE_URL})",
    )
    new.set_defaults(handler=_new)

    lst = sub.add_parser("list", parents=[common], help="list the sessions, newest first")
    lst.set_defaults(handler=_list)

    exp = sub.add_parser("export", parents=[common], help="write a session's results as CSV files")
    exp.add_argument("code", metavar="CODE", help="the session's share code")
    exp.add_argument("--out", required=True, metavar="DIR", help="the folder to write to (created if needed)")
    exp.add_argument("--round", type=int, metavar="N", help="export only this round")
    _token_argument(exp)
    exp.set_defaults(handler=_export)

    bak = sub.add_parser("backup", parents=[common], help="copy the database consistently, even while in use")
    bak.add_argument("target", metavar="TARGET", help="the new file (must not exist)")
    bak.set_defaults(handler=_backup)

    pur = sub.add_parser(
        "purge",
        parents=[common],
        help=f"delete the sessions older than ${RETENTION_ENV} days (or --days), with everything about them",
    )
    pur.add_argument("--days", type=int, metavar="N", help=f"the retention period (default: ${RETENTION_ENV})")
    pur.set_defaults(handler=_purge)

    arc = sub.add_parser(
        "archive",
        parents=[common],
        help="write one session, with everything about it, to a JSON file (to import elsewhere)",
    )
    arc.add_argument("code", metavar="CODE", help="the session's share code")
    _token_argument(arc)
    arc.add_argument("--out", required=True, metavar="FILE", help="the new file (must not exist)")
    arc.set_defaults(handler=_archive)

    imp = sub.add_parser("import", parents=[common], help="add a session from a file written by 'archive'")
    imp.add_argument("file", metavar="FILE", help="the archive file")
    imp.add_argument(
        "--new-code", action="store_true", help="give the session a new share code even if its old one is free here"
    )
    imp.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the app's address (default: ${links.BASE_URL_ENV} or {links.DEFAULT_BASE_URL})",
    )
    imp.set_defaults(handler=_import)

    warc = sub.add_parser(
        "workspace-archive",
        parents=[common],
        help="write one organisation workspace to a JSON file (to import elsewhere); its linked sessions are not in it",
    )
    warc.add_argument("workspace", metavar="ID", help="the workspace's number (workspace=ID in its link)")
    _token_argument(warc, "the workspace link's token (org=... in its link)")
    warc.add_argument("--out", required=True, metavar="FILE", help="the new file (must not exist)")
    warc.set_defaults(handler=_workspace_archive)

    wimp = sub.add_parser(
        "workspace-import", parents=[common], help="add a workspace, with a new link, from a 'workspace-archive' file"
    )
    wimp.add_argument("file", metavar="FILE", help="the archive file")
    wimp.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the app's address (default: ${links.BASE_URL_ENV} or {links.DEFAULT_BASE_URL})",
    )
    wimp.set_defaults(handler=_workspace_import)
    return parser


# ---------------------------------------------------------------------------------------- commands


def _parties(names: list[str], members: list[str]) -> list[dict]:
    parties = [{"name": n, "members": []} for n in names]
    by_name = {" ".join(n.split()).casefold(): p for n, p in zip(names, parties)}
    given = set()
    for spec in members:
        party, sep, people = spec.partition("=")
        key = " ".join(party.split()).casefold()
        if not sep or not key:
            raise InvalidInput(f'--members {spec!r} must look like "PARTY=name, name".')
        if key not in by_name:
            raise InvalidInput(f"--members names the party {party.strip()!r}, which is not one of the --party names.")
        if key in given:
            raise InvalidInput(f"--members is given twice for the party {party.strip()!r}: list all its members once.")
        given.add(key)
        by_name[key]["members"] = people
    return parties


def _new(store: Store, args, out) -> int:
    base = links.base_url(args.base_url)
    catalogue = None
    if args.catalogue:
        try:
            catalogue = catalogue_mod.load(args.catalogue)
        except OSError as exc:
            raise InvalidInput(f"Cannot read the catalogue file {args.catalogue}: {exc.strerror or exc}.") from None
    created = store.create_session(
        args.title,
        _parties(args.party, args.members),
        our_org=args.our_org,
        partner_org=args.partner,
        flows=args.flows,
        catalogue=catalogue,
        blind=not args.live,
        anonymity=args.names,
    )
    s = created.session
    print(f"Created session: {s.title}", file=out)
    print(
        f"Code: {s.code} ({len(s.parties)} parties, {len(s.catalogue)} elements, "
        f"{'live results' if not s.blind else 'results hidden until revealed'}; "
        f"{anonymity.LABELS[s.anonymity].lower()})",
        file=out,
    )
    print(f"Share link (for everyone taking part): {links.share_link(base, s.code)}", file=out)
    print(f"Facilitator link: {links.facilitator_link(base, s.code, created.facilitator_token)}", file=out)
    print(
        "Warning: the facilitator link is shown only this once and grants control of the session; keep it private.",
        file=out,
    )
    return OK


def _list(store: Store, args, out) -> int:
    sessions = store.sessions()
    if not sessions:
        print("No sessions yet.", file=out)
        return OK
    header = ("code", "created", "round", "parties", "participants", "title")
    rows = [
        (s.code, s.created_at, str(s.current_round), str(s.parties), str(s.participants), s.title) for s in sessions
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        print("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]), file=out)
    return OK


def _token_argument(parser: argparse.ArgumentParser, what: str = "the session's facilitator token") -> None:
    parser.add_argument(
        "--token",
        metavar="TOKEN",
        help=f"{what}: give it in ${TOKEN_ENV}, or write --token - and pipe it to "
        "standard input; without either, a terminal asks for it. Discouraged: --token=TOKEN itself (the "
        "process list shows it to every user of the machine and the shell history keeps it)",
    )


def _facilitator_view(store: Store, args) -> View:
    """The session through its facilitator link: the code first (an unknown one is said as such before a token
    is asked for), then the token (``_facilitator_token``)."""
    store.open(args.code, None)
    view = store.open(args.code, _facilitator_token(args.token))
    view.require(Action.DOWNLOAD)
    return view


def _export(store: Store, args, out) -> int:
    view = _facilitator_view(store, args)
    session = view.session
    numbers = [r.number for r in session.rounds]
    if args.round is not None and args.round not in numbers:
        raise InvalidInput(
            f"Round {args.round} does not exist in this session (rounds: {', '.join(map(str, numbers))})."
        )
    rankings = view.visible_rankings(args.round)
    suffix = f"-round-{args.round}" if args.round is not None else ""
    files = {
        export.file_name(session, "results" + suffix): export.results_csv(session, rankings),
        export.file_name(session, "start-orders" + suffix): export.start_orders_csv(session, rankings),
    }
    for number in [args.round] if args.round is not None else numbers:
        res = results.round_results(session, rankings, number)
        files[export.file_name(session, f"comparison-round-{number}")] = export.comparison_csv(res)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        print(path, file=out)
    return OK


def _backup(store: Store, args, out) -> int:
    if dbmod.dialect(store.path) == "postgresql":
        raise InvalidInput(
            "This database is PostgreSQL: back it up with pg_dump, for example "
            "pg_dump --format=custom --file=trustcore.dump 'postgresql://user@host/dbname', and restore it "
            "with pg_restore (see docs/deploy.md). This command copies SQLite files."
        )
    target = Path(args.target)
    if not target.parent.is_dir():
        raise InvalidInput(f"The folder {target.parent} does not exist; create it first.")
    dbmod.backup(store.path, target)
    print(f"Backed up {store.path} to {target}", file=out)
    return OK


def _purge(store: Store, args, out) -> int:
    days = args.days if args.days is not None else store.retention_days
    if not days or days < 1:
        raise InvalidInput(f"Give the retention period: --days N (1 or more), or set ${RETENTION_ENV}.")
    store.retention_days = days
    print(f"Deleted {store.purge_expired()} session(s) created more than {days} days ago.", file=out)
    return OK


def _facilitator_token(
    given: str | None, what: str = "the session's facilitator token", prompt: str = "Facilitator token"
) -> str:
    """The facilitator token (or ``what``): ``--token -`` reads standard input's first line, ``--token TOKEN`` is
    taken with a warning, otherwise ``$TRUSTCORE_TOKEN``, otherwise a prompt that does not echo (at a terminal
    only)."""
    if given == "-":
        token = sys.stdin.readline().strip()
        if not token:
            raise InvalidInput(f"--token - reads {what} from standard input, and it was empty.")
        return token
    if given is not None:
        _warning(
            "a token on the command line is visible to every user of this machine (in the process list) and "
            f"stays in your shell history: set ${TOKEN_ENV} or write --token - and pipe the token in instead"
        )
        return given
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token and sys.stdin is not None and sys.stdin.isatty():
        token = getpass.getpass(f"{prompt} (not shown): ").strip()
    if not token:
        raise InvalidInput(
            f"Give {what}: set ${TOKEN_ENV}, or write --token - and pipe it to standard "
            "input (for example from a password manager)."
        )
    return token


def _write_private(out: str, data: bytes) -> Path:
    """Write ``data`` to a new file ``out``, readable by its owner only; never over an existing file."""
    target = Path(out)
    if not target.parent.is_dir():
        raise InvalidInput(f"The folder {target.parent} does not exist; create it first.")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        raise FileExistsError(f"{target} exists already; choose a new file name") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return target


def _archive(store: Store, args, out) -> int:
    data = archive.export_session(_facilitator_view(store, args))
    target = _write_private(args.out, data)  # the archive holds the token hashes
    print(f"Archived the session to {target}", file=out)
    print(
        "Warning: the archive lets whoever holds it restore the session with its facilitator and personal "
        "links; keep it as private as the facilitator link.",
        file=out,
    )
    return OK


def _import(store: Store, args, out) -> int:
    base = links.base_url(args.base_url)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read the archive file {args.file}: {exc.strerror or exc}.") from None
    done = archive.import_archive(store, data, new_code=args.new_code)
    print(f"Imported session: {done.title}", file=out)
    print(f"Code: {done.code}", file=out)
    print(f"Share link (for everyone taking part): {links.share_link(base, done.code)}", file=out)
    if done.code_changed:
        print(
            f"Note: the session's code was {done.original_code}; it is now {done.code}. The facilitator and "
            "personal links work with the new code in place of the old one.",
            file=out,
        )
    if done.links_reset:
        print(
            f"Note: {done.links_reset} personal link(s) were already in use in this database (the session was "
            "imported here before) and do not work for this copy.",
            file=out,
        )
    return OK


def _workspace_archive(store: Store, args, out) -> int:
    token = _facilitator_token(args.token, "the workspace link's token", "Workspace link's token")
    data = workspace_archive.export_workspace(store.open_workspace(args.workspace, token))
    target = _write_private(args.out, data)  # it holds the organisation's own side of the guidebook
    print(f"Archived the workspace to {target}", file=out)
    print(
        "It holds no link (an import makes a new one) and not the sessions linked to the workspace, only their titles.",
        file=out,
    )
    return OK


def _workspace_import(store: Store, args, out) -> int:
    base = links.base_url(args.base_url)
    try:
        size = Path(args.file).stat().st_size
        if size > workspace_archive.MAX_BYTES:  # refused before the file is read
            raise InvalidInput(
                f"This file is too large for a workspace archive ({size / 2**20:.1f} MB; "
                f"at most {workspace_archive.MAX_BYTES // 2**20} MB)."
            )
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read the archive file {args.file}: {exc.strerror or exc}.") from None
    done = workspace_archive.import_workspace(store, data)
    print(f"Imported workspace: {done.workspace.name}", file=out)
    print(
        f"Workspace link (shown once; keep it like a facilitator link): "
        f"{links.workspace_link(base, done.workspace.id, done.token)}",
        file=out,
    )
    if done.linked_sessions:
        print(
            "Sessions that were linked to it (not imported; link each again from its console): "
            + "; ".join(done.linked_sessions),
            file=out,
        )
    return OK


# ---------------------------------------------------------------------------------------- entry point


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")


def _warning(message: str) -> None:
    sys.stderr.write(f"{PROG}: warning: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]); returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _Exit as exc:
        return exc.status
    try:
        store = Store(args.db).initialise()
        return args.handler(store, args, sys.stdout)
    except (TrustcoreError, FileExistsError) as exc:
        _error(str(exc))
        return USAGE
    except OSError as exc:
        _error(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        return UNEXPECTED
    except Exception:
        _error("unexpected problem (details below)")
        traceback.print_exc(file=sys.stderr)
        return UNEXPECTED
