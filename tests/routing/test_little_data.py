"""Learning from little data: ratings net of how strictly each business rates, and a parent's
record in other skills counting toward this one."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from core import commands as c
from core.actors import Actor
from core.models import Member
from routing.belief import DEFAULT_WORTH, Evidence, belief, posterior
from routing.evidence import evidence_of, pseudo_counts
from routing.rhythm import Answers, Rhythm
from routing.scoring import WEIGHTS, score, why
from routing.spread import DEFAULT_SPREAD
from routing.worth import learned_scale
from tests.world import World


def mean(evidence: Evidence, skill: str) -> float:
    alpha, beta = posterior(evidence, skill)
    return alpha / (alpha + beta)


def test_ten_good_jobs_in_one_skill_lift_a_parent_above_a_newcomer_in_another() -> None:
    declared = {"levels": {"design": 2}, "years": {"design": 1}}
    newcomer = Evidence(**declared)  # type: ignore[arg-type]
    proven = Evidence(**declared)  # type: ignore[arg-type]
    proven.good["design"], proven.bad["design"] = pseudo_counts(1, 5)  # one 5-star design job
    proofreading = pseudo_counts(10, 40.0)  # ten 4-star proofreading jobs
    proven.all_good = proven.good["design"] + proofreading[0]
    proven.all_bad = proven.bad["design"] + proofreading[1]
    proven.ratings = 1
    assert mean(proven, "design") > mean(newcomer, "design") + 0.05
    rng = random.Random(3)
    wins = sum(
        score(1, proven, ["design"], rng, 0).score > score(2, newcomer, ["design"], rng, 0).score
        for _ in range(2000)
    )
    assert wins > 1150  # Thompson sampling still tries the newcomer, but less often


async def rated(world: World, parent: Actor, shop: Actor, stars: int) -> None:
    """The parent does one job for the business, which rates it."""
    work_id = await world.funded(shop)
    await world.job_done(parent, shop, work_id)
    await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=stars))
    world.clock.advance(minutes=1)


async def test_a_strict_raters_three_stars_outweigh_a_lenient_raters_four(world: World) -> None:
    strict, lenient = await world.business("Strict"), await world.business("Lenient")
    # Two parents both businesses have worked with: Strict rates them two stars lower.
    for name, (by_strict, by_lenient) in {"Cara": (3, 5), "Dev": (2, 4)}.items():
        parent = await world.parent(name)
        await rated(world, parent, lenient, by_lenient)
        await rated(world, parent, strict, by_strict)
        await world.app.handle(c.GoUnavailable(actor=parent))
    ann, ben = await world.parent("Ann"), await world.parent("Ben")
    await world.app.handle(c.GoUnavailable(actor=ben))
    await rated(world, ann, strict, 3)
    await world.app.handle(c.GoUnavailable(actor=ann))
    await world.app.handle(c.GoAvailable(actor=ben, window="3h"))
    await rated(world, ben, lenient, 4)

    async with world.app.uow() as uow:
        offsets = {
            m.display_name: m.rating_offset
            for m in (await uow.session.scalars(select(Member))).all()
        }
        ids = {
            m.display_name: m.id
            for m in (await uow.session.scalars(select(Member))).all()
            if m.display_name in ("Ann", "Ben")
        }
        found = await evidence_of(
            uow,
            dict.fromkeys(ids.values()),
            ["proofreading"],
            world.clock.now() - timedelta(days=30),
            {member_id: Rhythm() for member_id in ids.values()},
        )
    assert offsets["Strict"] < -0.5 < 0.5 < offsets["Lenient"]
    ann, ben = found[ids["Ann"]], found[ids["Ben"]]
    assert ann.good["proofreading"] + ann.bad["proofreading"] == 4  # one rating each
    assert mean(ann, "proofreading") > mean(ben, "proofreading")


def test_two_jobs_record_outweighs_what_a_parent_declared() -> None:
    untried_expert = Evidence(levels={"design": 3})
    proven = Evidence(levels={"design": 2})
    proven.good["design"], proven.bad["design"] = pseudo_counts(2, 10)  # two 5-star jobs
    disappointing = Evidence(levels={"design": 3})
    disappointing.good["design"], disappointing.bad["design"] = pseudo_counts(2, 4)  # 2 and 2
    untried = Evidence(levels={"design": 2})
    assert mean(proven, "design") > mean(untried_expert, "design")
    assert mean(disappointing, "design") < mean(untried, "design")


def test_having_had_work_is_not_itself_a_reason_to_rank_first() -> None:
    newcomer = Evidence(levels={"design": 2})
    # Two clean jobs, not yet rated: accepted both in the usual three minutes, delivered
    # both on time.
    usual = Rhythm(Answers(accepted=2, seconds=2 * 180))
    veteran = Evidence(levels={"design": 2}, rhythm=usual, on_time=2)
    late = Evidence(levels={"design": 2}, rhythm=usual, late=2)
    rng = random.Random(8)
    first, second, third = (
        score(n, e, ["design"], rng, 0) for n, e in enumerate((newcomer, veteran, late))
    )
    record = ("reliability", "responsiveness")
    gap = sum(WEIGHTS[k] * (second.terms[k] - first.terms[k]) for k in record)
    assert 0 < gap < 0.02  # a little, against 0.15 of the score for fairness
    assert third.terms["reliability"] < first.terms["reliability"]
    wins = sum(
        score(1, newcomer, ["design"], rng, 0).score > score(2, veteran, ["design"], rng, 0).score
        for _ in range(2000)
    )
    assert wins > 800  # near an even chance: experience alone buys little


def test_why_says_in_plain_words_that_other_skills_count() -> None:
    parent = Evidence(levels={"design": 2})
    parent.all_good, parent.all_bad = pseudo_counts(2, 8.0)  # two 4-star proofreading jobs
    terms = score(1, parent, ["design"], random.Random(1), 0).terms
    line = why(parent, ["design"], terms, {"design": "Design"})
    assert "intermediate in design" in line
    assert "rated 4.0 for 2 jobs in other skills, which counts here too" in line


def test_ratings_elsewhere_count_against_what_the_level_there_promised() -> None:
    beginner_elsewhere = Evidence(levels={"design": 2}, by_level={1: (1, 0.75)})
    expert_elsewhere = Evidence(levels={"design": 2}, by_level={3: (1, 0.75)})
    # Both got 4 stars for proofreading: more than a beginner promised, less than an expert.
    untried = Evidence(levels={"design": 2})
    assert mean(beginner_elsewhere, "design") > mean(untried, "design")
    assert mean(expert_elsewhere, "design") < mean(untried, "design")


async def test_a_community_learns_what_its_experts_are_worth(world: World) -> None:
    shop = await world.business("Shop")
    for name in ("Ann", "Ben", "Cara", "Dev"):  # proofreading experts, each rated two stars
        parent = await world.parent(name, skills="proofreading:expert")
        await rated(world, parent, shop, 2)
        await world.app.handle(c.GoUnavailable(actor=parent))
    community = (await world.item(await world.post(shop))).community_id
    async with world.app.uow() as uow:
        worth = (await learned_scale(uow, community)).worth
    assert worth[3] < DEFAULT_WORTH[2] == worth[2]  # nobody has rated an intermediate yet
    expert, intermediate = Evidence(levels={"x": 3}), Evidence(levels={"x": 2})
    # Here an untried expert no longer ranks above an untried intermediate.
    assert belief(expert, "x", worth)[0] < belief(intermediate, "x", worth)[0]


async def test_a_community_whose_ratings_disagree_learns_they_are_noisy(world: World) -> None:
    """The same parents rated five stars and one star for the same skill: here a rating says
    less than usual, so one rating moves a newcomer's standing less (routing/spread.py)."""
    shop = await world.business("Shop")
    for name in ("Ann", "Ben", "Cara", "Dev", "Eve", "Fay"):
        parent = await world.parent(name, skills="proofreading:intermediate")
        for stars in (5, 1, 5, 1):
            await rated(world, parent, shop, stars)
        await world.app.handle(c.GoUnavailable(actor=parent))
    community = (await world.item(await world.post(shop))).community_id
    async with world.app.uow() as uow:
        scale = await learned_scale(uow, community)
    assert scale.spread.rating > DEFAULT_SPREAD.rating + 0.1
    four_stars = Evidence(levels={"x": 2}, good={"x": 3.0}, bad={"x": 1.0})
    untried = belief(Evidence(levels={"x": 2}), "x", scale.worth, scale.spread)[0]
    here = belief(four_stars, "x", scale.worth, scale.spread)[0] - untried
    usually = belief(four_stars, "x", scale.worth)[0] - untried
    assert 0 < here < usually
