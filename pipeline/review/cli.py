"""The commands of the review app: ``review``, ``users``, ``labelstudio`` and ``audit``.

budgetdoc users add li --role reviewer --db URL < password.txt
budgetdoc review --db URL [--host 127.0.0.1] [--port 8000]
budgetdoc labelstudio export ls/ --db URL          # tasks.json, label_config.xml, images/
budgetdoc labelstudio import ls-export.json --db URL
budgetdoc audit DOC_ID --db URL [--out audit.csv]
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cli_store import DEFAULT_DB, with_store
from pipeline.outcome import ExitCode

if TYPE_CHECKING:
    from pipeline.store import Store

@with_store
def review_command(args: argparse.Namespace, store: Store) -> ExitCode:
    import uvicorn

    from pipeline.config import ConfigError
    from pipeline.review import create_app
    from pipeline.review.options import load_review_options

    try:
        options = load_review_options(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.usage
    app = create_app(store, options)
    print(f"review: {args.db} at http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    # proxy_headers: behind a TLS proxy on this host, the scheme is https and the cookies are Secure.
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True, log_level="warning")
    return ExitCode.ok


@with_store
def users_command(args: argparse.Namespace, store: Store) -> ExitCode:
    from pipeline.review import auth

    if args.action == "list":
        for user in auth.users(store.engine):
            print(f"{user.name}\t{user.role}\t{'active' if user.active else 'inactive'}")
        return ExitCode.ok
    if not args.name:
        print(f"error: users {args.action}: give the user's NAME", file=sys.stderr)
        return ExitCode.usage
    if args.action in ("disable", "enable"):
        try:
            auth.set_active(store.writer, auth.user_id(store.engine, args.name), args.action == "enable")
        except auth.UserError as exc:
            print(f"error: users {args.action}: {exc}", file=sys.stderr)
            return ExitCode.usage
        print(f"{args.action}d: {args.name}")
        return ExitCode.ok
    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    try:
        auth.add_user(store.writer, args.name, args.role, password)
    except auth.UserError as exc:
        print(f"error: users add: {exc}", file=sys.stderr)
        return ExitCode.usage
    print(f"added: {args.name} ({args.role})")
    return ExitCode.ok


@with_store
def labelstudio_command(args: argparse.Namespace, store: Store) -> ExitCode:
    from pipeline.config import ConfigError
    from pipeline.review import labelstudio
    from pipeline.review.images import PageImages
    from pipeline.review.options import load_review_options
    from pipeline.store import StoreError

    if args.action == "export":
        try:
            options = load_review_options(args.config)
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.usage
        path = labelstudio.export_tasks(store, PageImages(store, options), Path(args.path), args.image_url, options)
        print(f"wrote: {path}")
        return ExitCode.ok
    try:
        outcome = labelstudio.import_annotations(store, Path(args.path), args.who)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.usage
    for problem in outcome.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    print(
        f"imported: {outcome.confirmed} confirmed, {outcome.corrected} corrected, {outcome.unchanged} unchanged, "
        f"{len(outcome.problems)} skipped"
    )
    return ExitCode.ok if not outcome.problems else ExitCode.partial


@with_store
def audit_command(args: argparse.Namespace, store: Store) -> ExitCode:
    from pipeline.review.documents import audit_csv, audit_trail
    from pipeline.review.queue import QueueError

    try:
        text = audit_csv(audit_trail(store, args.doc_id))
    except QueueError as exc:
        print(f"error: {args.doc_id}: {exc}", file=sys.stderr)
        return ExitCode.usage
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8-sig")
        print(f"wrote: {args.out}")
    else:
        sys.stdout.write(text)
    return ExitCode.ok


def add_review_commands(commands) -> None:
    review = commands.add_parser("review", help="the correction queue as a web app")
    review.add_argument("--db", default=DEFAULT_DB, help=f"store URL (default {DEFAULT_DB})")
    review.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    review.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    review.add_argument("--config", help="YAML overriding configs/review.yaml")
    review.set_defaults(command=review_command)
    users = commands.add_parser("users", help="the review app's users (the password is read from stdin)")
    users.add_argument(
        "action",
        choices=["add", "list", "disable", "enable"],
        help="disable: the user's sessions end and logins are refused; enable: let them in again",
    )
    users.add_argument("name", nargs="?", help="the user's name (add, disable, enable)")
    users.add_argument("--role", choices=["admin", "reviewer"], default="reviewer")
    users.add_argument("--db", default=DEFAULT_DB, help=f"store URL (default {DEFAULT_DB})")
    users.set_defaults(command=users_command)
    studio = commands.add_parser("labelstudio", help="queue items to Label Studio OCR tasks, and annotations back")
    studio.add_argument("action", choices=["export", "import"])
    studio.add_argument("path", help="export: a folder to write; import: Label Studio's JSON export")
    studio.add_argument("--db", default=DEFAULT_DB, help=f"store URL (default {DEFAULT_DB})")
    studio.add_argument(
        "--image-url",
        default="/data/local-files/?d=",
        help="prefix of the images' URLs in the tasks (Label Studio's local files by default)",
    )
    studio.add_argument("--who", help="name the corrections are recorded under (default: the annotator)")
    studio.add_argument("--config", help="YAML overriding configs/review.yaml (export: image resolution, spot checks)")
    studio.set_defaults(command=labelstudio_command)
    audit = commands.add_parser("audit", help="a document's audit trail as CSV")
    audit.add_argument("doc_id", help="sha256:… of the document")
    audit.add_argument("--db", default=DEFAULT_DB, help=f"store URL (default {DEFAULT_DB})")
    audit.add_argument("--out", help="a CSV file (default: stdout)")
    audit.set_defaults(command=audit_command)
