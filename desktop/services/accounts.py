"""Signing in, staff accounts, passwords and the owner's recovery code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop.models import LoginThrottle, User
from desktop.models.base import utc_now
from desktop.services import audit
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import (
    AuthenticationFailed,
    LoginThrottled,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from desktop.services.passwords import (
    hash_secret,
    new_recovery_code,
    normalise_recovery_code,
    password_problem,
    verify_secret,
)
from desktop.services.permissions import Permission, Role, allowed
from desktop.services.setup import check_username
from desktop.services.text import FieldChecker

FREE_ATTEMPTS = 3
BASE_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    active: bool
    must_change_password: bool
    created_at: datetime


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    must_change_password: bool


def _info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        active=user.active,
        must_change_password=user.must_change_password,
        created_at=user.created_at,
    )


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, user.role)


def lock_seconds(failures: int) -> int:
    """Seconds a user name stays locked after ``failures`` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS)))


class AccountService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- signing in -------------------------------------------------------------------

    def _check_throttle(self, session: Session, key: str, now: datetime) -> LoginThrottle:
        """The throttle row for ``key``; raises ``LoginThrottled`` while it is locked."""
        throttle = session.get(LoginThrottle, key) or LoginThrottle(username=key, failures=0)
        if throttle.locked_until and throttle.locked_until > now:
            left = int((throttle.locked_until - now).total_seconds()) + 1
            raise LoginThrottled(left)
        return throttle

    def _record_failure(
        self, session: Session, throttle: LoginThrottle, now: datetime, action: str, **details: str
    ) -> None:
        """Count a wrong secret (locking the name after a few) and audit it; commits."""
        throttle.failures += 1
        seconds = lock_seconds(throttle.failures)
        throttle.locked_until = now + timedelta(seconds=seconds) if seconds else None
        session.add(throttle)
        name = throttle.username
        audit.record(
            session,
            self.ctx,
            action,
            "user",
            name,
            username=name,
            failures=throttle.failures,
            **details,
        )
        session.commit()

    def login(self, username: str, password: str, now: datetime | None = None) -> LoginResult:
        """Check the password and make the user the current actor.

        Raises ``LoginThrottled`` while the name is locked after repeated failures and
        ``AuthenticationFailed`` for a wrong name/password or an inactive account. Every
        failure is written to the audit log.
        """
        now = now or utc_now()
        name = username.strip().lower()[:50]
        with self.ctx.uow() as tx:
            throttle = self._check_throttle(tx.session, name, now)
            user, password_ok = _matching_user(tx.session, name, password)
            if user is None or not user.active or not password_ok:
                reason = "inactive" if user is not None and not user.active else "bad_password"
                self._record_failure(tx.session, throttle, now, "login_failed", reason=reason)
                if user is not None and not user.active and password_ok:
                    raise AuthenticationFailed("This account is deactivated. Ask a manager.")
                raise AuthenticationFailed("Wrong user name or password.")
            tx.session.execute(delete(LoginThrottle).where(LoginThrottle.username == name))
            audit.record(tx.session, self.ctx, "login", "user", str(user.id), username=name)
            tx.commit()
            actor = _actor(user)
            must_change = user.must_change_password
        self.ctx.actor = actor
        return LoginResult(actor, must_change)

    def verify_current_password(self, password: str, now: datetime | None = None) -> bool:
        """For the lock screen: does ``password`` belong to the signed-in user?

        Wrong guesses count towards the same lock-out as sign-in and are audited; raises
        ``LoginThrottled`` while locked out.
        """
        actor = self.ctx.actor
        if actor is None:
            raise PermissionDenied("Please sign in first.")
        now = now or utc_now()
        with self.ctx.uow() as tx:
            throttle = self._check_throttle(tx.session, actor.username, now)
            user = tx.session.get(User, actor.user_id)
            if user and user.active and verify_secret(user.password_hash, password):
                tx.session.execute(
                    delete(LoginThrottle).where(LoginThrottle.username == actor.username)
                )
                tx.commit()
                return True
            self._record_failure(tx.session, throttle, now, "login_failed", reason="lock_screen")
            return False

    def authorize(
        self, username: str, password: str, permission: Permission, now: datetime | None = None
    ) -> Actor:
        """A manager's name and password typed at the counter to approve one action (a
        discount or refund above the limit), without signing them in.

        Wrong passwords count towards the same lock-out as sign-in and are audited. Raises
        ``LoginThrottled``, ``AuthenticationFailed``, or ``PermissionDenied`` when that
        person's role may not approve it."""
        now = now or utc_now()
        name = username.strip().lower()[:50]
        with self.ctx.uow() as tx:
            throttle = self._check_throttle(tx.session, name, now)
            user = tx.session.scalar(select(User).where(User.username == name))
            if user is None or not user.active or not verify_secret(user.password_hash, password):
                self._record_failure(tx.session, throttle, now, "login_failed", reason="approval")
                raise AuthenticationFailed("Wrong user name or password.")
            if not allowed(user.role, permission):
                raise PermissionDenied(
                    f"{user.display_name} may not {permission.description}; ask a manager."
                )
            tx.session.execute(delete(LoginThrottle).where(LoginThrottle.username == name))
            tx.commit()
            return _actor(user)

    def logout(self) -> None:
        self.ctx.actor = None

    def user_count(self) -> int:
        with self.ctx.uow() as tx:
            return int(tx.session.scalar(select(func.count()).select_from(User)) or 0)

    # -- own password -----------------------------------------------------------------

    def change_own_password(self, current: str, new: str) -> None:
        """Raises ``AuthenticationFailed`` for a wrong current password, ``ValidationError``
        for a weak new one."""
        actor = self.ctx.actor
        if actor is None:
            raise PermissionDenied("Please sign in first.")
        problem = password_problem(new)
        if problem:
            raise ValidationError({"new_password": problem})
        with self.ctx.uow() as tx:
            user = tx.session.get(User, actor.user_id)
            if user is None or not verify_secret(user.password_hash, current):
                raise AuthenticationFailed("The current password is wrong.")
            if verify_secret(user.password_hash, new):
                raise ValidationError({"new_password": "Choose a password you did not use now."})
            user.password_hash = hash_secret(new)
            user.must_change_password = False
            audit.record(tx.session, self.ctx, "password_changed", "user", str(user.id))
            tx.commit()

    # -- staff ------------------------------------------------------------------------

    def list_users(self, include_inactive: bool = True) -> list[UserInfo]:
        with self.ctx.uow() as tx:
            query = select(User).order_by(User.display_name)
            if not include_inactive:
                query = query.where(User.active.is_(True))
            return [_info(u) for u in tx.session.scalars(query)]

    def active_usernames(self) -> list[tuple[str, str]]:
        """(username, display name) of active staff, for the lock screen's user switch."""
        return [(u.username, u.display_name) for u in self.list_users(include_inactive=False)]

    def _check_role_change(self, role: str) -> None:
        if role not in {r.value for r in Role}:
            raise ValidationError({"role": "Choose a role."})
        if role == Role.OWNER.value:
            self.ctx.require(Permission.MANAGE_OWNERS)

    def add_user(self, username: str, display_name: str, role: str, password: str) -> UserInfo:
        """Add a staff member who must change the password at first sign-in."""
        self.ctx.require(Permission.MANAGE_STAFF)
        self._check_role_change(role)
        check = FieldChecker()
        name = check_username(check, "username", username)
        display = check.line("display_name", display_name, 100, required=True)
        problem = password_problem(password)
        if problem:
            check.fail("password", problem)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            if tx.session.scalar(select(User.id).where(User.username == name)):
                raise ValidationError({"username": "This user name is taken."})
            user = User(
                username=name,
                display_name=display,
                role=role,
                password_hash=hash_secret(password),
                must_change_password=True,
            )
            tx.session.add(user)
            tx.session.flush()
            audit.record(tx.session, self.ctx, "user_added", "user", str(user.id), role=role)
            tx.commit()
            return _info(user)

    def update_user(
        self, user_id: uuid.UUID, display_name: str, role: str, active: bool
    ) -> UserInfo:
        """Change name, role or active flag. The last active owner cannot be demoted."""
        actor = self.ctx.require(Permission.MANAGE_STAFF)
        check = FieldChecker()
        display = check.line("display_name", display_name, 100, required=True)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            user = tx.session.get(User, user_id)
            if user is None:
                raise NotFound("This user no longer exists.")
            if user.role == Role.OWNER.value or role == Role.OWNER.value:
                self._check_role_change(Role.OWNER.value)
            self._check_role_change(role)
            if user.id == actor.user_id and not active:
                raise ValidationError({"active": "You cannot deactivate yourself."})
            if user.role == Role.OWNER.value and (role != Role.OWNER.value or not active):
                owners = tx.session.scalar(
                    select(func.count())
                    .select_from(User)
                    .where(User.role == Role.OWNER.value, User.active.is_(True))
                )
                if (owners or 0) <= 1:
                    raise ValidationError({"role": "The shop needs at least one active owner."})
            changes = {}
            if user.role != role:
                changes["role"] = f"{user.role} -> {role}"
            if user.active != active:
                changes["active"] = str(active)
            user.display_name, user.role, user.active = display, role, active
            action = "user_deactivated" if changes.get("active") == "False" else "user_updated"
            audit.record(tx.session, self.ctx, action, "user", str(user.id), **changes)
            tx.commit()
            return _info(user)

    def reset_password(self, user_id: uuid.UUID, temporary_password: str) -> None:
        """Set a temporary password that must be changed at next sign-in."""
        self.ctx.require(Permission.RESET_PASSWORDS)
        problem = password_problem(temporary_password)
        if problem:
            raise ValidationError({"password": problem})
        with self.ctx.uow() as tx:
            user = tx.session.get(User, user_id)
            if user is None:
                raise NotFound("This user no longer exists.")
            if user.role == Role.OWNER.value:
                self.ctx.require(Permission.MANAGE_OWNERS)
            user.password_hash = hash_secret(temporary_password)
            user.must_change_password = True
            tx.session.execute(delete(LoginThrottle).where(LoginThrottle.username == user.username))
            audit.record(tx.session, self.ctx, "password_reset", "user", str(user.id))
            tx.commit()

    # -- owner recovery ---------------------------------------------------------------

    def recover_owner(self, username: str, recovery_code: str, new_password: str) -> str:
        """Reset an owner's forgotten password with the one-time recovery code.

        Returns the next recovery code (the used one is spent). Raises
        ``AuthenticationFailed`` for a wrong code, ``ValidationError`` for a weak password.
        """
        problem = password_problem(new_password)
        if problem:
            raise ValidationError({"new_password": problem})
        name = username.strip().lower()[:50]
        code = normalise_recovery_code(recovery_code)
        now = utc_now()
        with self.ctx.uow() as tx:
            throttle = self._check_throttle(tx.session, name, now)
            user = tx.session.scalar(select(User).where(User.username == name))
            valid = (
                user is not None
                and user.active
                and user.role == Role.OWNER.value
                and user.recovery_code_hash is not None
                and verify_secret(user.recovery_code_hash, code)
            )
            if not valid or user is None:
                self._record_failure(tx.session, throttle, now, "recovery_failed")
                raise AuthenticationFailed("This recovery code is not valid for this owner.")
            next_code = new_recovery_code()
            user.password_hash = hash_secret(new_password)
            user.recovery_code_hash = hash_secret(next_code)
            user.must_change_password = False
            tx.session.execute(delete(LoginThrottle).where(LoginThrottle.username == name))
            audit.record(
                tx.session, self.ctx, "owner_recovered", "user", str(user.id), username=name
            )
            tx.commit()
            return next_code

    def new_recovery_code(self) -> str:
        """Replace the signed-in owner's recovery code; the old one stops working."""
        actor = self.ctx.require(Permission.MANAGE_OWNERS)
        code = new_recovery_code()
        with self.ctx.uow() as tx:
            user = tx.session.get(User, actor.user_id)
            if user is None:
                raise NotFound("This user no longer exists.")
            user.recovery_code_hash = hash_secret(code)
            audit.record(tx.session, self.ctx, "recovery_code_renewed", "user", str(user.id))
            tx.commit()
        return code


def _matching_user(session: Session, name: str, password: str) -> tuple[User | None, bool]:
    """The user ``name`` and whether ``password`` is theirs. Two stations offline can
    each add a user of one name; until a manager renames one, each signs in with their
    own password (active accounts first)."""
    users = session.scalars(
        select(User).where(User.username == name).order_by(User.active.desc(), User.id)
    ).all()
    for user in users:
        if verify_secret(user.password_hash, password):
            return user, True
    return (users[0] if users else None), False
