"""A household: partners who see each other's availability and jobs in progress (earnings
only if each chooses), and may ask for "one of us at a time", so routing never gives both
of them work at once. An invitation is for one person, once, for two days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from core.actors import Actor
from core.commands import (
    AnswerHouseholdInvite,
    ChooseForHousehold,
    InviteToHousehold,
    LeaveHousehold,
)
from core.communities import active_communities
from core.errors import DomainError, NotAllowed, StaleAction
from core.handlers.common import local_time_text, member_of
from core.language import N_, _
from core.language.people import speaking_to
from core.models import Household, HouseholdInvite, HouseholdMember, Member, Payout, WorkItem
from core.money import Money
from core.notices import Action, Notice
from core.states import WorkStatus
from core.uow import Recipient, UnitOfWork

INVITE_LIFE = timedelta(days=2)


async def household_of(uow: UnitOfWork, member_id: int) -> HouseholdMember | None:
    return await uow.session.get(HouseholdMember, member_id)


async def partners(uow: UnitOfWork, member_id: int) -> list[Member]:
    """The others in their household (none when they have no household)."""
    mine = await household_of(uow, member_id)
    if mine is None:
        return []
    return list(
        (
            await uow.session.scalars(
                select(Member)
                .join(HouseholdMember, HouseholdMember.member_id == Member.id)
                .where(
                    HouseholdMember.household_id == mine.household_id,
                    Member.id != member_id,
                )
                .order_by(Member.id)
            )
        ).all()
    )


async def invite_to_household(cmd: InviteToHousehold, uow: UnitOfWork) -> str:
    from core.handlers.moderation import find_member  # who an @name is, as a ban finds them

    me = await member_of(uow, cmd.actor)
    them = await find_member(uow, cmd.actor.platform, cmd.who)
    if them.id == me.id:
        raise DomainError(_("Invite your partner, by their @username."))
    if await household_of(uow, them.id) is not None:
        raise DomainError(
            _("{display_name} is in a household already.", display_name=them.display_name)
        )
    mine = await household_of(uow, me.id)
    if mine is not None and len(await partners(uow, me.id)) >= 5:
        raise DomainError(_("A household has six people at most."))
    pending = await uow.session.scalar(
        select(HouseholdInvite.id).where(
            HouseholdInvite.from_member_id == me.id,
            HouseholdInvite.to_member_id == them.id,
            HouseholdInvite.answered_at.is_(None),
            HouseholdInvite.expires_at > uow.now(),
        )
    )
    if pending is not None:
        return _(
            "{display_name} has your invitation already; it waits for their answer.",
            display_name=them.display_name,
        )
    invite = HouseholdInvite(
        from_member_id=me.id, to_member_id=them.id, expires_at=uow.now() + INVITE_LIFE
    )
    uow.session.add(invite)
    await uow.session.flush()
    async with speaking_to(uow, them.id):
        await uow.notify(
            Notice(
                to=them.id,
                text=_(
                    "{display_name} invites you to plan as a household: you'd see each other's availability and jobs in progress (not earnings, unless each of you turns that on), and could choose to take one job at a time. Either of you can leave any time.",
                    display_name=me.display_name,
                ),
                actions=[
                    Action(label=_("Join"), token=f"hj:{invite.id}"),
                    Action(label=_("No thanks"), token=f"hn:{invite.id}"),
                ],
                ref=f"invite:{invite.id}",
            )
        )
    return _(
        "Invitation sent to {display_name}; it lasts two days.", display_name=them.display_name
    )


async def answer_household_invite(cmd: AnswerHouseholdInvite, uow: UnitOfWork) -> str:
    invite = await uow.session.get(HouseholdInvite, cmd.invite_id)
    if invite is None:
        raise StaleAction(_("That invitation is no longer open."))
    if invite.to_member_id != cmd.actor.member_id:
        raise NotAllowed(_("That invitation is for someone else."))
    if invite.answered_at is not None:
        raise StaleAction(_("You've answered that invitation already."))
    if uow.now() >= invite.expires_at:
        raise StaleAction(_("That invitation has expired; ask for a new one."))
    invite.answered_at = uow.now()
    inviter = await uow.session.get_one(Member, invite.from_member_id)
    me = await member_of(uow, cmd.actor)
    if not cmd.accept:
        async with speaking_to(uow, inviter.id):
            await uow.notify(
                Notice(
                    to=inviter.id,
                    text=_(
                        "{display_name} said no thanks to the household.",
                        display_name=me.display_name,
                    ),
                )
            )
        return _("OK, no household. Nothing changes.")
    if await household_of(uow, me.id) is not None:
        raise DomainError(_("You're in a household already; /household leave first."))
    theirs = await household_of(uow, inviter.id)
    if theirs is None:
        household = Household(one_at_a_time=False, created_at=uow.now())
        uow.session.add(household)
        await uow.session.flush()
        uow.session.add(
            HouseholdMember(member_id=inviter.id, household_id=household.id, joined_at=uow.now())
        )
        household_id = household.id
    else:
        household_id = theirs.household_id
    uow.session.add(
        HouseholdMember(member_id=me.id, household_id=household_id, joined_at=uow.now())
    )
    async with speaking_to(uow, inviter.id):
        await uow.notify(
            Notice(
                to=inviter.id,
                text=_(
                    "{display_name} joined your household. Type /household to see it.",
                    display_name=me.display_name,
                ),
            )
        )
    return _(
        "You and {display_name} are a household now. /household shows you both; /household one asks for one job at a time between you.",
        display_name=inviter.display_name,
    )


async def leave_household(cmd: LeaveHousehold, uow: UnitOfWork) -> str:
    mine = await household_of(uow, cmd.actor.member_id)
    if mine is None:
        return _("You're not in a household.")
    others = await partners(uow, cmd.actor.member_id)
    await uow.session.delete(mine)
    me = await member_of(uow, cmd.actor)
    for other in others:
        async with speaking_to(uow, other.id):
            await uow.notify(
                Notice(
                    to=other.id,
                    text=_("{display_name} left the household.", display_name=me.display_name),
                )
            )
    if len(others) <= 1:  # one person alone isn't a household
        await uow.session.execute(
            delete(HouseholdMember).where(HouseholdMember.household_id == mine.household_id)
        )
    return _("You've left the household; they no longer see your availability or jobs.")


async def leave_quietly(uow: UnitOfWork, member_id: int) -> None:
    """Out of their household without a word (their data is being erased)."""
    mine = await household_of(uow, member_id)
    if mine is None:
        return
    others = await partners(uow, member_id)
    await uow.session.delete(mine)
    if len(others) <= 1:
        await uow.session.execute(
            delete(HouseholdMember).where(HouseholdMember.household_id == mine.household_id)
        )


async def choose_for_household(cmd: ChooseForHousehold, uow: UnitOfWork) -> str:
    mine = await household_of(uow, cmd.actor.member_id)
    if mine is None:
        raise DomainError(
            _("You're not in a household; invite your partner with /household invite @them.")
        )
    household = await uow.session.get_one(Household, mine.household_id)
    choice = " ".join(cmd.choice.lower().split())
    if choice == "one":
        household.one_at_a_time = True
        said = N_("One job at a time: you'll never both be offered work at once.")
    elif choice == "both":
        household.one_at_a_time = False
        said = N_("You can both take work at the same time again.")
    elif choice in ("offers on", "offers off"):
        household.tells_offers = choice.endswith("on")
        said = (
            N_("When an offer goes to one of you, the others hear of it.")
            if household.tells_offers
            else N_("Offers to one of you are no longer told to the others.")
        )
    elif choice in ("earnings on", "earnings off"):
        mine.shares_earnings = choice.endswith("on")
        return (
            _("Your household sees what you've earned.")
            if mine.shares_earnings
            else _("Your earnings are yours alone again.")
        )
    else:
        raise DomainError(
            _(
                "Type /household one (one job at a time), /household both, /household offers on (or off), or /household earnings on (or off)."
            )
        )
    me = await member_of(uow, cmd.actor)
    for other in await partners(uow, me.id):
        async with speaking_to(uow, other.id):
            await uow.notify(
                Notice(
                    to=other.id,
                    text=_(
                        "{display_name} chose for your household: {said}",
                        display_name=me.display_name,
                        said=_(said),
                    ),
                )
            )
    return _(said)


async def partner_busy(uow: UnitOfWork, member_id: int) -> str | None:
    """Why they may not take a job now (their household takes one at a time, and a partner
    is on one), or None. The household row is locked, so two partners accepting at the same
    moment take turns, and the second sees the first's job."""
    mine = await household_of(uow, member_id)
    if mine is None:
        return None
    household = await uow.session.scalar(
        select(Household).where(Household.id == mine.household_id).with_for_update()
    )
    if household is None or not household.one_at_a_time:
        return None
    busy = (
        await uow.session.execute(
            select(Member, WorkItem.deadline)
            .join(WorkItem, WorkItem.assignee_member_id == Member.id)
            .join(HouseholdMember, HouseholdMember.member_id == Member.id)
            .where(
                HouseholdMember.household_id == household.id,
                Member.id != member_id,
                WorkItem.status == WorkStatus.ASSIGNED,
            )
            .limit(1)
        )
    ).first()
    if busy is None:
        return None
    partner, deadline = busy
    member = await uow.session.get_one(Member, member_id)
    return _(
        "Your household takes one job at a time, and {display_name} is on one until {local_time_text}. (/household both changes that.)",
        display_name=partner.display_name,
        local_time_text=local_time_text(deadline, member),
    )


@dataclass(frozen=True)
class PartnerShown:
    name: str
    status: str  # available or not, in words
    jobs: tuple[str, ...]
    earned: str | None  # only if they share it


async def household_view(uow: UnitOfWork, actor: Actor) -> tuple[bool, list[PartnerShown]] | None:
    """What a household member sees of the others; None without a household."""
    from core import read_models  # the same status line the parent's own page reads

    mine = await household_of(uow, actor.member_id)
    if mine is None:
        return None
    household = await uow.session.get_one(Household, mine.household_id)
    mine_here = await active_communities(uow, actor.member_id)  # no other community's work
    shown = []
    for partner in await partners(uow, actor.member_id):
        theirs = await uow.session.get_one(HouseholdMember, partner.id)
        status = await read_models.parent_status(
            uow, Actor(member_id=partner.id, platform=actor.platform)
        )
        jobs = tuple(
            _(
                '"{title}", due {local_time_text}',
                title=item.title,
                local_time_text=local_time_text(item.deadline, partner),
            )
            for item in await uow.session.scalars(
                select(WorkItem).where(
                    WorkItem.assignee_member_id == partner.id,
                    WorkItem.status.in_((WorkStatus.ASSIGNED, WorkStatus.SUBMITTED)),
                    WorkItem.community_id.in_(mine_here),
                )
            )
        )
        earned = None
        if theirs.shares_earnings:
            totals = (
                await uow.session.execute(
                    select(Payout.currency, func.sum(Payout.amount_minor))
                    .where(Payout.member_id == partner.id)
                    .group_by(Payout.currency)
                )
            ).all()
            earned = ", ".join(str(Money(int(total), cur)) for cur, total in totals) or _(
                "nothing yet"
            )
        free = (
            _(
                "available until {available_until} their time",
                available_until=status.available_until,
            )
            if status.available_until
            else _("not available now")
        )
        shown.append(PartnerShown(partner.display_name, free, jobs, earned))
    return household.one_at_a_time, shown


async def tell_partners_of_offer(uow: UnitOfWork, item: WorkItem, parent: Recipient) -> None:
    """A partner hears an offer went to the other, where the household chose to; in the
    offer's own transaction, with nothing more to read for the many parents with none."""
    if parent.household is None:
        return
    household = await uow.session.get_one(Household, parent.household.household_id)
    if not household.tells_offers:
        return
    member = parent.member
    for partner in await partners(uow, member.id):
        if item.community_id not in await active_communities(uow, partner.id):
            continue  # never another community's work
        async with speaking_to(uow, partner.id):
            await uow.notify(
                Notice(
                    to=partner.id,
                    text=_(
                        'An offer for "{title}" went to {display_name}.',
                        title=item.title,
                        display_name=member.display_name,
                    ),
                )
            )
