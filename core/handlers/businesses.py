"""Businesses register in a community, and each community's moderators verify or reject them."""

from __future__ import annotations

from sqlalchemy import select

from core import communities
from core.actors import Actor, Role
from core.commands import RegisterBusiness, RejectBusiness, VerifyBusiness
from core.errors import DomainError, NotFound
from core.handlers.common import member_of
from core.language import _
from core.language.people import speaking_to
from core.models import Business, CommunityBusiness
from core.notices import MODERATORS, Action, Notice
from core.uow import UnitOfWork


async def register_business(cmd: RegisterBusiness, uow: UnitOfWork) -> str:
    """A business registers in the community it acts from; each community's moderators decide."""
    member = await member_of(uow, cmd.actor)
    community_id = cmd.actor.community_id
    if community_id is None:
        raise DomainError(
            _("Register your business from your community's group or server: type /business there.")
        )
    await communities.ensure_taking_part(uow, community_id, member.id)
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == member.id)
    )
    if business is None:
        business = Business(
            owner_member_id=member.id, name=cmd.name, contact=cmd.contact, created_at=uow.now()
        )
        uow.session.add(business)
        await uow.session.flush()
    else:
        business.name, business.contact = cmd.name, cmd.contact
    if Role.BUSINESS.value not in member.roles:
        member.roles = [*member.roles, Role.BUSINESS.value]
    here = await uow.session.get(CommunityBusiness, (community_id, business.id))
    if here is not None:
        if here.rejected_reason:
            return _(
                "Updated your business, {name}. This community's moderators haven't approved it ({rejected_reason}); reply to them if you'd like to talk.",
                name=cmd.name,
                rejected_reason=here.rejected_reason,
            )
        return _("Updated your business, {name}. Type /post to post work.", name=cmd.name)
    uow.session.add(
        CommunityBusiness(community_id=community_id, business_id=business.id, created_at=uow.now())
    )
    async with speaking_to(uow, MODERATORS, community_id):
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=community_id,
                text=_(
                    "New business #{id}: {name} ({contact}), registered by {display_name}.",
                    id=business.id,
                    name=cmd.name,
                    contact=cmd.contact,
                    display_name=member.display_name,
                ),
                actions=[
                    Action(label=_("Verify business"), token=f"bv:{business.id}"),
                    Action(label=_("Reject business"), token=f"bx:{business.id}"),
                ],
            )
        )
    return _("Welcome, {name}! Type /post to post your first piece of work.", name=cmd.name)


async def _business_here(uow: UnitOfWork, actor: Actor, business_id: int) -> CommunityBusiness:
    """The business's standing in the moderator's own community."""
    community_id = actor.moderated_community()
    if community_id is None:  # the system acts where the business first registered
        found = await uow.session.scalar(
            select(CommunityBusiness)
            .where(CommunityBusiness.business_id == business_id)
            .order_by(CommunityBusiness.created_at)
            .limit(1)
        )
    else:
        found = await uow.session.get(CommunityBusiness, (community_id, business_id))
    if found is None:
        raise NotFound(
            _("There is no business #{business_id} in this community.", business_id=business_id)
        )
    return found


async def verify_business(cmd: VerifyBusiness, uow: UnitOfWork) -> str:
    here = await _business_here(uow, cmd.actor, cmd.business_id)
    business = await uow.session.get_one(Business, cmd.business_id)
    if here.verified:
        return _("{name} was already verified.", name=business.name)
    here.verified, here.rejected_reason = True, None
    async with speaking_to(uow, business.owner_member_id):
        await uow.notify(
            Notice(
                to=business.owner_member_id,
                text=_("{name} is now verified by the moderators.", name=business.name),
            )
        )
    return _("Verified {name}.", name=business.name)


async def reject_business(cmd: RejectBusiness, uow: UnitOfWork) -> str:
    here = await _business_here(uow, cmd.actor, cmd.business_id)
    business = await uow.session.get_one(Business, cmd.business_id)
    here.verified, here.rejected_reason = False, cmd.reason
    async with speaking_to(uow, business.owner_member_id):
        await uow.notify(
            Notice(
                to=business.owner_member_id,
                text=_(
                    "The moderators didn't approve {name}: {reason}\nYou can't post work there for now; reply to them in the community if you'd like to talk.",
                    name=business.name,
                    reason=cmd.reason,
                ),
            )
        )
    return _("Rejected {name}; they've been told why.", name=business.name)
