"""Moderators' powers over members: suspend and lift, with routing stopped at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select

from core import communities
from core.actors import Actor
from core.commands import BanMember, UnbanMember
from core.errors import DomainError, NotFound
from core.events import OfferExpired
from core.language import _
from core.language.people import speaking_to
from core.models import Account, Member, Membership, Offer, WorkItem
from core.notices import Notice
from core.parsing import parse_duration
from core.projects import progress as projects
from core.states import OfferStatus
from core.uow import UnitOfWork

FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


async def find_member(uow: UnitOfWork, platform: str, who: str) -> Member:
    name = who.strip().lstrip("@")
    account = await uow.session.scalar(
        select(Account).where(
            Account.platform == platform,
            or_(Account.external_id == name, Account.handle == name),
        )
    )
    if account is None:
        raise NotFound(
            _("I don't know anyone called {who} here; use their @username.", who=who.strip())
        )
    return await uow.session.get_one(Member, account.member_id)


async def _membership_here(uow: UnitOfWork, actor: Actor, member: Member) -> Membership:
    """The member's place in the moderator's own community; a ban reaches no further."""
    community_id = actor.moderated_community()
    if community_id is None:
        raise DomainError(_("Suspend members from the community's own chat or server."))
    found = await communities.membership(uow, community_id, member.id)
    if found is None:
        raise NotFound(
            _("{display_name} isn't a member of this community.", display_name=member.display_name)
        )
    return found


async def ban_member(cmd: BanMember, uow: UnitOfWork) -> str:
    cmd.actor.require_moderator()
    member = await find_member(uow, cmd.platform, cmd.who)
    if member.id == cmd.actor.member_id:
        raise DomainError(_("You can't suspend yourself."))
    here = await _membership_here(uow, cmd.actor, member)
    now = uow.now()
    span = parse_duration(cmd.duration, limit=timedelta(days=3650)) if cmd.duration else None
    here.banned_until = now + span if span else FOREVER
    here.ban_reason = cmd.reason or None
    member.web_signed_out_at = now  # their web sessions end too
    pending = (
        await uow.session.scalars(
            select(Offer)
            .join(WorkItem, WorkItem.id == Offer.work_id)
            .where(
                Offer.member_id == member.id,
                Offer.status == OfferStatus.PENDING,
                WorkItem.community_id == here.community_id,
            )
        )
    ).all()
    for offer in pending:
        await uow.work_for_update(offer.work_id)
        offer.status, offer.responded_at = OfferStatus.RESCINDED, now
        item = await uow.session.get_one(WorkItem, offer.work_id)
        async with speaking_to(uow, member.id):
            await uow.notify(
                Notice(
                    to=member.id,
                    text=_('"{title}": this offer was withdrawn.', title=item.title),
                    replaces=f"offer:{offer.id}",
                )
            )
        # The cascade moves on exactly as after a time-out.
        uow.emit(OfferExpired(offer_id=offer.id, work_id=offer.work_id, member_id=member.id))
    await projects.parent_gone(uow, here.community_id, member.id)
    async with speaking_to(uow, member.id):
        until = (
            _("until a moderator lifts it")
            if span is None
            else _("for {duration}", duration=cmd.duration.strip())
        )
        reason = _(" Reason: {reason}", reason=cmd.reason) if cmd.reason else ""
        title = (await communities.community_row(uow, here.community_id)).title
        await uow.notify(
            Notice(
                to=member.id,
                text=_(
                    "A moderator suspended your account {until} in {title}.{reason}",
                    until=until,
                    title=title,
                    reason=reason,
                ),
            )
        )
    return _(
        "Suspended {display_name} {until} in {title}; they get no offers from this community meanwhile.",
        display_name=member.display_name,
        until=until,
        title=title,
    )


async def unban_member(cmd: UnbanMember, uow: UnitOfWork) -> str:
    cmd.actor.require_moderator()
    member = await find_member(uow, cmd.platform, cmd.who)
    here = await _membership_here(uow, cmd.actor, member)
    if not communities.banned(here, uow.now()):
        return _("{display_name} wasn't suspended.", display_name=member.display_name)
    here.banned_until, here.ban_reason = None, None
    async with speaking_to(uow, member.id):
        await uow.notify(
            Notice(
                to=member.id,
                text=_("Your suspension was lifted. Type /available when you're free."),
            )
        )
    return _("Lifted {display_name}'s suspension.", display_name=member.display_name)
