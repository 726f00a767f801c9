"""The moderators' page: what waits on them, with a button for each, and the community's
numbers drawn on the server as SVG (nothing is loaded from elsewhere)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from cachetools import TTLCache
from markupsafe import Markup, escape

from bots.web.app import BRAIN, ask_first, page_context, render, signed_in
from bots.web.pages import say_outcome
from core import commands as c
from core.actors import Actor
from core.audit import audit_lines
from core.communities import community_settings
from core.language import _, formatting
from core.money import Money
from core.queues import moderator_queues
from core.states import STATUS_WORDS, WorkStatus
from core.stats import CommunityStats, Week, community_stats, weekly

# Counting a large community's members takes tens of milliseconds, and the numbers needn't be
# to the second: each community's are kept a minute, so the queue itself stays quick.
NUMBERS = web.AppKey("numbers", TTLCache[int, tuple[CommunityStats, list[Week], str]])


def add_routes(app: web.Application) -> None:
    app[NUMBERS] = TTLCache(maxsize=10_000, ttl=60)
    app.router.add_get("/moderate", signed_in(queue), name="moderate")
    app.router.add_post("/moderate/{act:funded|paid|refunded}/{number:\\d+}", signed_in(money))
    app.router.add_post("/moderate/{act:approve|reject}/{number:\\d+}", signed_in(review))
    app.router.add_post("/moderate/business/{act:verify|reject}/{number:\\d+}", signed_in(vet))
    app.router.add_post("/moderate/resolve/{number:\\d+}/{outcome:pay|refund}", signed_in(resolve))
    app.router.add_post("/moderate/{act:ban|unban}", signed_in(ban))


async def queue(request: web.Request, actor: Actor) -> web.StreamResponse:
    if not actor.is_moderator or actor.community_id is None:
        context = await page_context(request, actor)
        context["text"] = _("Only the community's moderators can see this page.")
        return render(request, "message.html", context, status=403)
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        waiting = await moderator_queues(uow, actor)
        audit = [line.text() for line in await audit_lines(uow, 20, actor.community_id)]
        kept = request.app[NUMBERS]
        found = kept.get(actor.community_id)
        if found is None:
            currency = (await community_settings(uow, brain.settings, actor.community_id)).currency
            found = kept[actor.community_id] = (
                await community_stats(uow, actor.community_id),
                await weekly(uow, actor.community_id, currency),
                currency,
            )
        numbers, weeks, currency = found
    context = await page_context(request, actor)
    context |= {"q": waiting, "numbers": numbers, "charts": charts(numbers, weeks, currency)}
    context |= {
        "audit": audit,
        "earned": [Money(v, k) for k, v in numbers.earned_this_month.items()],
    }
    return render(request, "moderate.html", context)


def _back(request: web.Request) -> web.HTTPSeeOther:
    request.app[NUMBERS].clear()  # something changed: count again on the next view
    return web.HTTPSeeOther(request.app.router["moderate"].url_for())


async def money(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Money that moved by bank transfer: the item's or the payout's number, and a reference."""
    form = await request.post()
    number, reference = int(request.match_info["number"]), str(form.get("reference", ""))[:100]
    act = request.match_info["act"]
    questions = {
        "funded": _(
            "Record that the payment for item #{number} arrived? It opens to parents.",
            number=number,
        ),
        "paid": _("Record that payout #{number} was paid to the parent?", number=number),
        "refunded": _("Record that item #{number} was refunded to the business?", number=number),
    }
    asked = await ask_first(request, actor, questions[act])
    if asked is not None:
        return asked
    command: c.Command
    if act == "funded":
        command = c.ConfirmFunding(actor=actor, work_id=number, reference=reference)
    elif act == "paid":
        command = c.ConfirmPayout(actor=actor, payout_id=number, reference=reference)
    else:
        command = c.ConfirmRefund(actor=actor, work_id=number, reference=reference)
    await say_outcome(request, command)
    raise _back(request)


async def review(request: web.Request, actor: Actor) -> web.StreamResponse:
    """A held post: approved, or turned away with a reason the business is sent."""
    number = int(request.match_info["number"])
    return await _decide(
        request,
        lambda: c.ApprovePost(actor=actor, work_id=number),
        lambda reason: c.RejectPost(actor=actor, work_id=number, reason=reason),
        yes="approve",
    )


async def vet(request: web.Request, actor: Actor) -> web.StreamResponse:
    """A new business: verified, or turned away with a reason they are sent."""
    number = int(request.match_info["number"])
    return await _decide(
        request,
        lambda: c.VerifyBusiness(actor=actor, business_id=number),
        lambda reason: c.RejectBusiness(actor=actor, business_id=number, reason=reason),
        yes="verify",
    )


async def _decide(
    request: web.Request,
    accept: Callable[[], c.Command],
    reject: Callable[[str], c.Command],
    yes: str,
) -> web.StreamResponse:
    """Run the moderator's yes or no; a no without a reason gets a polite default."""
    form = await request.post()
    if request.match_info["act"] == yes:
        command = accept()
    else:
        command = reject(str(form.get("reason", "")).strip() or _("not right for this community"))
    await say_outcome(request, command)
    raise _back(request)


async def resolve(request: web.Request, actor: Actor) -> web.StreamResponse:
    number, outcome = request.match_info["number"], request.match_info["outcome"]
    side = _("the parent is paid") if outcome == "pay" else _("the business is refunded")
    asked = await ask_first(
        request,
        actor,
        _("Decide the dispute over item #{number}: {side}?", number=number, side=side),
    )
    if asked is not None:
        return asked
    command = c.ResolveDispute(
        actor=actor,
        work_id=int(request.match_info["number"]),
        outcome=request.match_info["outcome"],
    )
    await say_outcome(request, command)
    raise _back(request)


async def ban(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Suspend someone, or lift it: by @handle or platform id, as /ban in the chats."""
    form = await request.post()
    platform = str(form.get("platform", "telegram"))
    who = str(form.get("who", "")).strip()
    command: c.Command = (
        c.BanMember(
            actor=actor,
            platform=platform,
            who=who,
            duration=str(form.get("duration", "")).strip(),
            reason=str(form.get("reason", "")).strip(),
        )
        if request.match_info["act"] == "ban"
        else c.UnbanMember(actor=actor, platform=platform, who=who)
    )
    await say_outcome(request, command)
    raise _back(request)


def bars(rows: list[tuple[str, float, str]], title: str, chart_id: str) -> Markup:
    """A horizontal bar per row (label, value, the value as said), as accessible inline SVG."""
    if not any(value for _, value, _ in rows):
        return Markup("<p>{}</p>").format(_("{title}: nothing yet.", title=title))
    # Each label has a line of its own above its bar, so no label runs into a bar at any width.
    most, row, width = max(value for _, value, _ in rows), 36, 320
    parts = [
        f'<figure><svg role="img" aria-labelledby="{chart_id}" width="100%" '
        f'viewBox="0 0 {width} {row * len(rows) + 4}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for n, (label, value, said) in enumerate(rows):
        y, length = n * row + 2, int((width - 70) * value / most) if value else 0
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12">{escape(label)}</text>'
            f'<rect x="0" y="{y + 16}" width="{length}" height="14" fill="#1f6f5c"></rect>'
            f'<text x="{length + 4}" y="{y + 28}" font-size="12">{escape(said)}</text>'
        )
    parts.append(f"</svg><figcaption>{escape(title)}</figcaption></figure>")
    return Markup("".join(parts))


def charts(numbers: CommunityStats, weeks: list[Week], currency: str) -> list[Markup]:
    """Items by where they are, then week by week: posted, time to fill, earnings, parents."""
    statuses = [
        (_(STATUS_WORDS.get(WorkStatus(s), s)), float(n), str(n))
        for s, n in sorted(numbers.items_by_status.items())
        if n
    ]

    def label(week: Week) -> str:
        return _("w/c {day}", day=formatting.dated(week.starts, "%d %b"))

    return [
        bars(statuses, _("Items by where they are"), "chart-status"),
        bars(
            [(label(w), w.items_posted, str(w.items_posted)) for w in weeks],
            _("Items posted, week by week"),
            "chart-posted",
        ),
        bars(
            [
                (
                    label(w),
                    w.minutes_to_fill or 0,
                    f"{w.minutes_to_fill:g} min" if w.minutes_to_fill is not None else "",
                )
                for w in weeks
            ],
            _("Median minutes from payment to a parent accepting"),
            "chart-fill",
        ),
        bars(
            [(label(w), w.earned, str(Money(w.earned, currency))) for w in weeks],
            _("Earned by parents, week by week"),
            "chart-earned",
        ),
        bars(
            [(label(w), w.parents_working, str(w.parents_working)) for w in weeks],
            _("Parents who took a job, week by week"),
            "chart-parents",
        ),
    ]
