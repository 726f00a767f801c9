"""A parent proves an account on the community's learning site is theirs: a one-time code is
sent to that account through the site's own messages, and typed back here. Codes expire,
work once, and five wrong ones end the attempt, so nobody claims another person's courses
by typing their email."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from core.actors import Actor
from core.commands import ConfirmLearningCode, LinkLearningAccount
from core.communities import active_communities
from core.errors import DomainError
from core.language import _, ngettext
from core.lms.connecting import connected_site
from core.models import CourseCompletion, LearningAccount, LearningSite
from core.uow import UnitOfWork

CODE_LIFE = timedelta(minutes=15)
RESEND_AFTER = timedelta(minutes=1)
WRONG_CODES = 5


def _hashed(member_id: int, code: str) -> str:
    return hashlib.sha256(f"{member_id}:{code}".encode()).hexdigest()


async def parents_site(uow: UnitOfWork, actor: Actor) -> LearningSite:
    """The learning site of the community the parent is in (from a DM, their first with one)."""
    places = [actor.community_id] if actor.community_id else []
    places += await active_communities(uow, actor.member_id)
    for community_id in places:
        site = await connected_site(uow, community_id)
        if site is not None:
            return site
    raise DomainError(_("Your community hasn't connected a learning site yet; ask the moderators."))


async def ready_to_link(uow: UnitOfWork, actor: Actor) -> LearningSite:
    """The site a parent may link an account on now; a sentence when not (linked already, or
    a code sent a moment ago)."""
    site = await parents_site(uow, actor)
    account = await uow.session.get(LearningAccount, (site.community_id, actor.member_id))
    if account is not None and account.lms_user_id is not None:
        raise DomainError(
            _(
                "You're linked to {site_name} as {username} already. Your completed courses are read from there by themselves.",
                site_name=site.site_name,
                username=account.username,
            )
        )
    if (
        account is not None
        and account.code_expires_at is not None
        and account.code_expires_at - CODE_LIFE + RESEND_AFTER > uow.now()
    ):
        raise DomainError(
            _(
                "A code was sent to your {site_name} messages a moment ago; type /lms code <code> with it, or ask again in a minute.",
                site_name=site.site_name,
            )
        )
    return site


async def linked_to_someone_else(
    uow: UnitOfWork, community_id: int, user_id: int, member_id: int
) -> bool:
    taken = await uow.session.scalar(
        select(LearningAccount.member_id).where(
            LearningAccount.community_id == community_id,
            LearningAccount.lms_user_id == user_id,
        )
    )
    return taken is not None and taken != member_id


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


async def link_learning_account(cmd: LinkLearningAccount, uow: UnitOfWork) -> str:
    """Keep the code sent to the account (core/lms/asking.py found it and sent it, outside
    this transaction), hashed, until the parent types it back."""
    site = await connected_site(uow, cmd.community_id)
    if site is None:
        raise DomainError(
            _("Your community hasn't connected a learning site yet; ask the moderators.")
        )
    if await linked_to_someone_else(uow, site.community_id, cmd.user_id, cmd.actor.member_id):
        raise DomainError(
            _("That account is linked to someone else here; if it's yours, ask the moderators.")
        )
    key = (site.community_id, cmd.actor.member_id)
    account = await uow.session.get(LearningAccount, key)
    if account is None:
        account = LearningAccount(community_id=site.community_id, member_id=cmd.actor.member_id)
        uow.session.add(account)
    account.username, account.pending_user_id = cmd.username[:200], cmd.user_id
    account.code_hash = _hashed(cmd.actor.member_id, cmd.code.get_secret_value())
    account.code_expires_at, account.wrong_codes = uow.now() + CODE_LIFE, 0
    return _(
        "I've sent a code to your messages on {site_name}. Type /lms code <code> here within 15 minutes.",
        site_name=site.site_name,
    )


async def confirm_learning_code(cmd: ConfirmLearningCode, uow: UnitOfWork) -> str:
    """Right: linked. Wrong: said, and counted (so this answers rather than raises)."""
    site = await parents_site(uow, cmd.actor)
    account = await uow.session.get(LearningAccount, (site.community_id, cmd.actor.member_id))
    if account is None or account.code_hash is None or account.code_expires_at is None:
        raise DomainError(
            _("No code is waiting for you; type /lms link <your username or email> first.")
        )
    if uow.now() >= account.code_expires_at:
        account.code_hash = account.code_expires_at = None
        return _("That code has expired. Type /lms link again for a new one.")
    typed = "".join(ch for ch in cmd.code if ch.isdigit())
    if not hmac.compare_digest(_hashed(cmd.actor.member_id, typed), account.code_hash):
        account.wrong_codes += 1
        left = WRONG_CODES - account.wrong_codes
        if left <= 0:
            account.code_hash = account.code_expires_at = None
            return _(
                "That isn't the code, and that was the last try. Type /lms link for a new one."
            )
        return ngettext(
            "That isn't the code. {n} try left.", "That isn't the code. {n} tries left.", left
        )
    taken = await uow.session.scalar(
        select(LearningAccount.member_id).where(
            LearningAccount.community_id == site.community_id,
            LearningAccount.lms_user_id == account.pending_user_id,
        )
    )
    if taken is not None and taken != cmd.actor.member_id:
        raise DomainError(
            _("That account was linked to someone else meanwhile; ask the moderators.")
        )
    account.lms_user_id, account.linked_at = account.pending_user_id, uow.now()
    account.code_hash = account.code_expires_at = account.pending_user_id = None
    return _(
        "Linked: {username} on {site_name} is yours here. Completed courses that count for a skill verify it (and earn a credential) within the next sync.",
        username=account.username,
        site_name=site.site_name,
    )


async def parents_learning(uow: UnitOfWork, actor: Actor) -> str:
    """/lms for a parent: their account and the courses that counted."""
    try:
        site = await parents_site(uow, actor)
    except DomainError as err:
        return err.message
    account = await uow.session.get(LearningAccount, (site.community_id, actor.member_id))
    if account is None or account.lms_user_id is None:
        return _(
            "Your community's courses are on {site_name}. Link your account there: /lms link <your username or email>.",
            site_name=site.site_name,
        )
    done = (
        await uow.session.scalars(
            select(CourseCompletion.course_name).where(
                CourseCompletion.community_id == site.community_id,
                CourseCompletion.member_id == actor.member_id,
            )
        )
    ).all()
    lines = [
        _(
            "Linked to {site_name} as {username}.",
            site_name=site.site_name,
            username=account.username,
        )
    ]
    if done:
        lines.append(_("Courses that count: ") + ", ".join(done) + ".")
    else:
        lines.append(_("No completed course that counts yet; /learn lists the ones that do."))
    return "\n".join(lines)


@dataclass(frozen=True)
class LinkedCourses:
    """A parent's account on a community's learning site, and the courses that counted."""

    site: str
    username: str
    completed: tuple[str, ...]


async def linked_courses(uow: UnitOfWork, member_id: int) -> list[LinkedCourses]:
    rows = (
        await uow.session.execute(
            select(LearningAccount.community_id, LearningAccount.username, LearningSite.site_name)
            .join(LearningSite, LearningSite.community_id == LearningAccount.community_id)
            .where(LearningAccount.member_id == member_id, LearningAccount.lms_user_id.is_not(None))
        )
    ).all()
    found = []
    for community_id, username, site in rows:
        done = (
            await uow.session.scalars(
                select(CourseCompletion.course_name)
                .where(
                    CourseCompletion.community_id == community_id,
                    CourseCompletion.member_id == member_id,
                )
                .order_by(CourseCompletion.recorded_at)
            )
        ).all()
        found.append(LinkedCourses(site, username, tuple(done)))
    return found
