"""Family time on the web: the parent's week as a chart (drawn on the server, SVG), what's due,
the suggestion, and their household; and the private calendar address."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup, escape

from bots.web.app import BRAIN, page_context, render, signed_in
from core.actors import Actor
from core.family.calendar import calendar_of
from core.family.households import household_view
from core.family.week import Day, parents_week
from core.language import _
from core.language.formatting import day_name


def add_routes(app: web.Application) -> None:
    app.router.add_get("/week", signed_in(week_page), name="week")
    app.router.add_get("/cal/{token}.ics", calendar)


def week_chart(days: tuple[Day, ...]) -> Markup:
    """Two bars a day (free, working), the last seven days and the coming seven."""
    width, height, top = 336, 150, 14
    most = max([d.free_hours for d in days] + [d.work_hours for d in days] + [1.0])
    slot = width / len(days)
    title = escape(_("Hours free (light) and working (dark), day by day"))
    past, coming = escape(_("last 7 days")), escape(_("coming week"))
    parts = [
        f'<figure><svg role="img" aria-labelledby="week-chart" width="100%" '
        f'viewBox="0 0 {width} {height + 34}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="week-chart">{title}</title>',
    ]
    for n, day in enumerate(days):
        x = n * slot
        for offset, hours, colour in (
            (2, day.free_hours, "#9cc9bc"),
            (slot / 2, day.work_hours, "#1f6f5c"),
        ):
            tall = round(height * hours / most, 1)
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{top + height - tall:.1f}" width="{slot / 2 - 3:.1f}" '
                f'height="{tall}" fill="{colour}"><title>{escape(day_name(day.day))}: '
                f"{hours:g} h</title></rect>"
            )
        weekday = day_name(day.day, "EEEEEE")
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{top + height + 14}" font-size="10" '
            f'text-anchor="middle">{weekday}</text>'
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{top + height + 28}" font-size="10" '
            f'text-anchor="middle">{day.day.day}</text>'
        )
    split = 7 * slot
    parts.append(
        f'<line x1="{split:.1f}" y1="0" x2="{split:.1f}" y2="{top + height}" stroke="#5b6570" '
        'stroke-dasharray="3 3"></line>'
        f'<text x="{split - 4:.1f}" y="10" font-size="10" text-anchor="end">'
        f"{past}</text>"
        f'<text x="{split + 4:.1f}" y="10" font-size="10">{coming}</text>'
    )
    parts.append(
        "</svg><figcaption>"
        + escape(
            _(
                "Light: hours free (planned, from today). Dark: hours working "
                "(from accepting a job to delivering it)."
            )
        )
        + "</figcaption></figure>"
    )
    return Markup("".join(parts))


async def week_page(request: web.Request, actor: Actor) -> web.StreamResponse:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        week = await parents_week(uow, actor.member_id)
        household = await household_view(uow, actor)
    context = await page_context(request, actor)
    context |= {"week": week, "chart": week_chart(week.days), "household": household}
    return render(request, "week.html", context)


async def calendar(request: web.Request) -> web.StreamResponse:
    """The family calendar: no sign-in, as calendar apps fetch it; the address is the key."""
    async with request.app[BRAIN].uow() as uow:
        body = await calendar_of(uow, request.match_info["token"])
    if body is None:
        raise web.HTTPNotFound(text="There is no calendar at this address (any more).")
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": 'inline; filename="parentbrain.ics"'},
    )
