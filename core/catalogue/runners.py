"""How the catalogue's commands are carried out by core alone: a command sent to the bus, a
read of the store, or a few lines that choose between them by what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core import commands as c
from core import views
from core.actors import Actor
from core.answers import Reply
from core.catalogue.shapes import Entry, Runner, Services, Typed
from core.errors import DomainError
from core.handlers.common import catalogue as skill_catalogue
from core.handlers.dialogs import waiting_dialog
from core.language import _
from core.parsing import parse_number
from core.uow import UnitOfWork


def sends(make: Callable[[Actor, Typed], c.Command]) -> Runner:
    """A command carried out by the bus; its answer is what the handler says."""

    async def run(services: Services, actor: Actor, typed: Typed) -> Reply:
        reply: Reply = await services.handle(make(actor, typed))
        return reply if isinstance(reply, tuple) or reply is None else str(reply)

    return run


_READS: set[Runner] = set()


def reads(view: Callable[[UnitOfWork, Actor, Typed], Awaitable[Reply]]) -> Runner:
    """A read of the store: nothing changes."""

    async def run(services: Services, actor: Actor, typed: Typed) -> Reply:
        async with services.uow() as uow:
            return await view(uow, actor, typed)

    _READS.add(run)
    return run


def changes_nothing(entry: Entry) -> bool:
    """Whether carrying the command out only reads, so a web page may do it on opening."""
    return entry.run in _READS or entry.name == "help"


def number(typed: Typed, option: str, what: str, example: str) -> int:
    return parse_number(typed.get(option, ""), what, example)


async def schedule(services: Services, actor: Actor, typed: Typed) -> Reply:
    hours = typed.get("hours", "").strip()
    if not hours:
        async with services.uow() as uow:
            return await views.status(uow, actor)
    if hours.lower() == "clear":
        return str(await services.handle(c.ClearSchedule(actor=actor)))
    return str(await services.handle(c.AddWeeklyWindow(actor=actor, spec=hours)))


def other_app(actor: Actor) -> str:
    return "Discord" if actor.platform == "telegram" else "Telegram"


async def link(services: Services, actor: Actor, typed: Typed) -> Reply:
    code = typed.get("code", "").strip()
    if code:
        await services.handle(c.CompleteLink(actor=actor, code=code))
        return _("Linked! Offers now come to whichever app you used last.")
    made = await services.handle(c.StartLink(actor=actor))
    return _(
        "On {other_app}, type /link {made} within 15 minutes to join your accounts.",
        other_app=other_app(actor),
        made=made,
    )


async def skills(uow: UnitOfWork, actor: Actor, typed: Typed) -> Reply:
    listing = (await skill_catalogue(uow)).listing()
    how = (
        "/profile skills proofreading:expert, design"
        if actor.platform == "telegram"
        else "/profile"
    )
    return _("Skills: {listing}.\nAdd yours with {how}", listing=listing, how=how)


async def learn(services: Services, actor: Actor, typed: Typed) -> Reply:
    from core import skill_checks  # after core.handlers, which it needs loaded first

    async with services.uow() as uow:
        return await skill_checks.learn(
            uow, services.settings, typed.get("skill", ""), actor.community_id
        )


async def quiz(services: Services, actor: Actor, typed: Typed) -> Reply:
    skill = typed.get("skill", "").strip()
    if not skill:
        return _("Which skill? For example: /quiz proofreading. /learn lists the checks.")
    reply: Reply = await services.handle(c.StartQuiz(actor=actor, skill=skill))
    return reply


async def help(services: Services, actor: Actor, typed: Typed) -> Reply:
    from core.catalogue.lookups import help_text  # the table is what help reads

    return help_text(actor)


async def cancel(services: Services, actor: Actor, typed: Typed) -> Reply:
    """/cancel <item#>; alone, it leaves a post being written."""
    if not typed.get("item", "").strip():
        stopped = await services.handle(c.StopDialog(actor=actor))
        if stopped is not None:
            return str(stopped.text)
    work_id = number(typed, "item", "item", "/cancel 12")
    said = str(await services.handle(c.CancelWork(actor=actor, work_id=work_id)))
    async with services.uow() as uow:
        writing = await waiting_dialog(uow, actor.member_id)
    if writing is not None:
        said += _("\nYour new post is still open: answer the last question, or /stop to drop it.")
    return said


async def business(services: Services, actor: Actor, typed: Typed) -> Reply:
    name, contact = typed.get("name", "").strip(), typed.get("contact", "").strip()
    if not name or not contact:
        raise DomainError(_("Type it like: /business Bloom Bakery, mel@bloom.example"))
    return str(await services.handle(c.RegisterBusiness(actor=actor, name=name, contact=contact)))


def block(undo: bool) -> Runner:
    example = "/unblock 12" if undo else "/block 12"
    return sends(
        lambda a, t: c.BlockOtherSide(
            actor=a, work_id=number(t, "item", "item", example), undo=undo
        )
    )


def by_hand(make: Callable[[Actor, int, str], c.Command], what: str, example: str) -> Runner:
    option = "payout" if what == "payout" else "item"
    return sends(
        lambda a, t: make(a, number(t, option, what, example), t.get("reference", "").strip())
    )


RECORD_CHOICES = ("share", "stop", "earnings on", "earnings off")


async def record(services: Services, actor: Actor, typed: Typed) -> Reply:
    """/record alone shows the work record; share, stop and earnings on|off change it."""
    from core.credentials.words import my_record  # after core.handlers, which it needs

    what = " ".join(typed.get("what", "").lower().split())
    if what in ("", "show"):
        async with services.uow() as uow:
            return await my_record(uow, actor, services.settings)
    if what == "share":
        return str(await services.handle(c.ShareRecord(actor=actor)))
    if what == "stop":
        return str(await services.handle(c.StopSharingRecord(actor=actor)))
    if what in ("earnings on", "earnings off"):
        return str(
            await services.handle(c.ShowEarningsOnRecord(actor=actor, show=what.endswith("on")))
        )
    raise DomainError(
        _(
            "Type /record to see your work record, /record share for an address to put on your CV, /record stop to take it down, or /record earnings on (or off)."
        )
    )


async def showname(services: Services, actor: Actor, typed: Typed) -> Reply:
    said = typed.get("choice", "").strip().lower()
    if said not in ("on", "off"):
        raise DomainError(
            _(
                'Type /showname on to let parents\' work records name your business and its items, or /showname off to keep it to "a business".'
            )
        )
    return str(await services.handle(c.NameBusinessInRecords(actor=actor, named=said == "on")))


LMS_CHOICES = ("link", "code", "connect", "courses", "map", "unmap", "sync", "disconnect")


def _course_number(details: str, example: str) -> int:
    return parse_number(details.split()[0] if details.split() else "", "course", example)


async def lms(services: Services, actor: Actor, typed: Typed) -> Reply:
    """/lms: the community's learning site. Parents link their account (link, code);
    moderators connect it and map its courses (connect, courses, map, unmap, sync, disconnect).
    What the site must be asked is asked outside any transaction (core/lms/asking.py)."""
    from core.lms import asking, connecting, linking  # after core.handlers, which they need

    what = typed.get("what", "").strip().lower()
    details = typed.get("details", "").strip()
    if not what:
        async with services.uow() as uow:
            if actor.is_moderator and actor.community_id is not None:
                return await connecting.site_state(uow, actor.community_id)
            return await linking.parents_learning(uow, actor)
    if what == "link":
        if not details:
            raise DomainError(
                _("Type your username or email on the site: /lms link priya@example.com")
            )
        return await asking.send_code(services, actor, details)
    if what == "code":
        if not details:
            raise DomainError(_("Type the code from your message on the site: /lms code 123456"))
        return str(await services.handle(c.ConfirmLearningCode(actor=actor, code=details)))
    if what == "connect":
        if not details:
            raise DomainError(_("Type the site's address: /lms connect https://learn.example.org"))
        return str(await services.handle(c.ConnectLearningSite(actor=actor, url=details)))
    if what == "courses":
        return await asking.list_courses(services, actor)
    if what == "map":
        words = details.split()
        number = _course_number(details, "/lms map 12 proofreading intermediate")
        level = words[-1] if len(words) > 2 else ""
        skill = " ".join(words[1:-1] if level else words[1:])
        if not skill:
            raise DomainError(
                _("Say which skill it counts for: /lms map 12 proofreading intermediate")
            )
        if level and level.lower() not in LEVEL_WORDS:
            async with services.uow() as uow:
                known = await skill_catalogue(uow)
            try:
                known.resolve(f"{skill} {level}")  # a skill of several words, no level
                skill, level = f"{skill} {level}", ""
            except DomainError:
                pass  # then it was meant as a level, and level_of says what one may be
        connecting.level_of(level)  # a wrong level is said before the site is asked
        return await asking.map_course(services, actor, number, skill, level)
    if what == "unmap":
        number = _course_number(details, "/lms unmap 12")
        return str(await services.handle(c.UnmapCourse(actor=actor, course_id=number)))
    if what == "sync":
        return await asking.read_now(services, actor)
    if what == "disconnect":
        return str(await services.handle(c.DisconnectLearningSite(actor=actor)))
    raise DomainError(
        _(
            "Type /lms link <your username or email> to link your account on the learning site; moderators: /lms connect <address>, /lms courses, /lms map, /lms sync or /lms disconnect."
        )
    )


LEVEL_WORDS = ("beginner", "intermediate", "expert", "1", "2", "3")


async def lms_token(services: Services, actor: Actor, typed: Typed) -> Reply:
    token = typed.get("token", "").strip()
    if not token:
        raise DomainError(
            _("Type the site's web-service token after the command: /lmstoken <token>")
        )
    from core.lms import asking

    return await asking.give_token(services, actor, token)


async def week(services: Services, actor: Actor, typed: Typed) -> Reply:
    """/week shows the parent's week; /week on|off, the Sunday note."""
    from core.family.words import my_week  # after core.handlers, which it needs

    said = typed.get("note", "").strip().lower()
    if said in ("on", "off"):
        return str(await services.handle(c.SetWeekNote(actor=actor, on=said == "on")))
    if said:
        raise DomainError(_("Type /week to see your week, or /week on (or off) for a Sunday note."))
    async with services.uow() as uow:
        return await my_week(uow, actor, services.settings)


async def calendar(services: Services, actor: Actor, typed: Typed) -> Reply:
    said = typed.get("reset", "").strip().lower()
    if said not in ("", "reset"):
        raise DomainError(_("Type /calendar for your calendar's address, or /calendar reset."))
    return str(await services.handle(c.ResetCalendar(actor=actor, reset=said == "reset")))


async def household(services: Services, actor: Actor, typed: Typed) -> Reply:
    """/household: see it; invite @partner, leave, one or both, earnings on|off."""
    from core.family.words import my_household

    what = typed.get("what", "").strip().lower()
    who = typed.get("who", "").strip()
    if not what:
        async with services.uow() as uow:
            return await my_household(uow, actor)
    if what == "invite":
        if not who:
            raise DomainError(_("Say who: /household invite @their_username"))
        return str(await services.handle(c.InviteToHousehold(actor=actor, who=who)))
    if what == "leave":
        return str(await services.handle(c.LeaveHousehold(actor=actor)))
    return str(
        await services.handle(c.ChooseForHousehold(actor=actor, choice=f"{what} {who}".strip()))
    )


async def project(services: Services, actor: Actor, typed: Typed) -> Reply:
    """/project alone lists a person's projects; /project <n> shows one; /project <n> cancel."""
    from core.projects.reading import my_projects, show_project

    which = typed.get("project", "").strip()
    if not which:
        async with services.uow() as uow:
            return await my_projects(uow, actor)
    project_id = number(typed, "project", "project", "/project 3")
    choice = typed.get("choice", "").strip().lower()
    if choice == "cancel":
        return str(await services.handle(c.CancelProject(actor=actor, project_id=project_id)))
    if choice:
        raise DomainError(
            _(
                "Type /project {project_id} to see it, or /project {project_id} cancel.",
                project_id=project_id,
            )
        )
    async with services.uow() as uow:
        return await show_project(uow, actor, project_id)
