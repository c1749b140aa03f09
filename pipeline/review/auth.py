"""People of the review app: users with argon2id passwords, sessions behind
an HttpOnly cookie, a CSRF token per session, and a login rate limit.

The cookie carries a random token; the store keeps only its sha256, so a
copy of the database opens no session.  Failed logins are counted per name
and per client address in the store, so the limit holds across restarts and
across the app's processes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pipeline.review.options import ReviewOptions
from pipeline.store.rows import now
from pipeline.store.schema import LoginFailureRow, SessionRow, UserRow

ROLES = ("admin", "reviewer")
MIN_PASSWORD = 8
CLIENT_SHARE = 4  # failed logins allowed from one address, in multiples of those allowed for one name
_HASHER = PasswordHasher()


class UserError(ValueError):
    """A user that cannot be added or changed as asked."""


class LoginRefused(Exception):
    """A login that did not open a session; ``retry_after`` seconds when rate-limited."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Reviewer:
    """The person behind a request's session."""

    user_id: int
    name: str
    role: str
    csrf_token: str
    token_hash: str
    skipped: list[int] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def add_user(engine: Engine, name: str, role: str, password: str) -> int:
    """A new user; its id."""
    name = name.strip()
    if not name or len(name) > 80 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise UserError(f"{name!r}: a user name is 1 to 80 printable characters without spaces")
    if role not in ROLES:
        raise UserError(f"{role!r}: a role is one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password has at least {MIN_PASSWORD} characters")
    with Session(engine) as session, session.begin():
        if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
            raise UserError(f"{name}: there is a user of that name already")
        user = UserRow(name=name, role=role, password_hash=_HASHER.hash(password), active=True, created_at=now())
        session.add(user)
        session.flush()
        return user.id


def set_active(engine: Engine, user_id: int, active: bool) -> None:
    """Let a user in again, or keep them out (their sessions end)."""
    with Session(engine) as session, session.begin():
        user = session.get(UserRow, user_id)
        if user is None:
            raise UserError(f"no user {user_id}")
        user.active = active
        if not active:
            session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


def user_id(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(UserRow.id).where(UserRow.name == name.strip()))
    if found is None:
        raise UserError(f"{name}: no such user")
    return found


def users(engine: Engine) -> list[UserRow]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(UserRow).order_by(UserRow.name)))


def log_in(engine: Engine, name: str, password: str, client: str, options: ReviewOptions) -> tuple[str, Reviewer]:
    """A new session's cookie token and its reviewer, or LoginRefused.

    The attempt is recorded before it is counted or its password checked,
    each in a committed transaction of its own: parallel guesses each count
    the others, so no more than the limit get to a password check, and no
    lock is held while argon2 works."""
    name, client = name.strip()[:80], client[:64]
    since = now() - timedelta(seconds=options.login_window_seconds)
    with Session(engine) as session, session.begin():
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < since))
        attempt = LoginFailureRow(name=name, client=client, at=now())
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    with Session(engine) as session:
        by_name, by_client = (
            session.scalar(select(func.count()).where(column == value, LoginFailureRow.at >= since))
            for column, value in ((LoginFailureRow.name, name), (LoginFailureRow.client, client))
        )
        user = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        account = (user.id, user.name, user.role, user.password_hash, user.active) if user else None
    # One address may be an office behind one gateway: it gets more tries than one name, not unlimited ones.
    if by_name > options.login_attempts or by_client > CLIENT_SHARE * options.login_attempts:
        raise LoginRefused(
            f"too many failed logins; try again in {options.login_window_seconds // 60} minutes",
            retry_after=options.login_window_seconds,
        )
    matches = _password_matches(account[3] if account else _dummy_hash(), password)
    if not (matches and account and account[4]):
        raise LoginRefused("wrong name or password")  # the attempt stays recorded: a failure
    user_id, name, role = account[:3]
    with Session(engine) as session, session.begin():
        # A login that succeeds clears the name's failures, its own attempt among them.
        session.execute(delete(LoginFailureRow).where(or_(LoginFailureRow.name == name,
                                                          LoginFailureRow.id == attempt_id)))  # fmt: skip
        token = secrets.token_urlsafe(32)
        row = SessionRow(
            token_hash=_digest(token), user_id=user_id, csrf_token=secrets.token_urlsafe(32), created_at=now(),
            expires_at=now() + timedelta(hours=options.session_hours), skipped=[],
        )  # fmt: skip
        session.add(row)
        return token, Reviewer(user_id, name, role, row.csrf_token, row.token_hash, [])


def reviewer_of(engine: Engine, token: str | None) -> Reviewer | None:
    """The reviewer of a live session, or None."""
    if not token:
        return None
    with Session(engine) as session:
        row = session.get(SessionRow, _digest(token))
        if row is None or row.expires_at < now():
            return None
        user = session.get(UserRow, row.user_id)
        return _reviewer(user, row) if user is not None and user.active else None


def log_out(engine: Engine, token: str | None) -> None:
    if token:
        with Session(engine) as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))


def remember_skip(engine: Engine, reviewer: Reviewer, field_id: int) -> None:
    """A skipped item is not given to the same session again."""
    with Session(engine) as session, session.begin():
        row = session.get(SessionRow, reviewer.token_hash)
        if row is not None and field_id not in row.skipped:
            row.skipped = [*row.skipped, field_id][-1000:]
            reviewer.skipped = row.skipped


def tokens_match(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected.encode(), given.encode())


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that a wrong name costs the time a wrong password does."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _reviewer(user: UserRow, row: SessionRow) -> Reviewer:
    return Reviewer(user.id, user.name, user.role, row.csrf_token, row.token_hash, list(row.skipped or []))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
