"""The `bayes` policy's estimate: the most a router could learn from the store.

It reads the ratings the learning router reads, as soon as they are given, and it also knows
what no router can: the world's own recipe (what each declared level is worth, how much talent
and each skill vary, how noisy a rating is) and each business's true harshness. Its estimate is
the posterior mean of a parent's hidden quality in a skill under that recipe: a Gaussian model
of one talent shared by their skills, each skill's own difference, and rating noise (leaving
out that stars are whole and run from 1 to 5). Ordering by it shows how far routing on the
evidence could get: the yardstick for `learning`. It is not a bound in theory (ordering
greedily is not always best: spreading work can leave a better parent free for the next item),
but it shows where the evidence runs out.
"""

from __future__ import annotations

from collections import defaultdict

from bench.worlds import OUTSTANDING_LIFT, World, expected_quality
from routing.scoring import WEIGHTS

ROUNDING = 1 / (12 * 16)  # rounding to whole stars, as a variance in quality


def estimate(world: World, member_id: int, skill: str) -> float:
    """Posterior mean of the parent's hidden quality in `skill`, given every rating so far."""
    shape, parent = world.shape, world.by_member[member_id]
    talent_var = (
        shape.talent_sd**2 + shape.outstanding * (1 - shape.outstanding) * OUTSTANDING_LIFT**2
    )
    skill_var = shape.skill_sd**2
    noise = shape.rating_noise**2 + ROUNDING  # the rater's own, and rounding

    def expected(code: str) -> float:
        return expected_quality(parent.declared.get(code, 0)) + shape.outstanding * OUTSTANDING_LIFT

    surprises: dict[str, list[float]] = defaultdict(list)  # skill -> rating less the expected
    for rating in world.rated.get(member_id, []):
        stars_as_quality = (rating.stars - 1 + rating.harshness) / 4
        surprises[rating.skill].append(stars_as_quality - expected(rating.skill))
    # Given the talent, each skill's mean surprise is that talent plus the skill's own
    # difference plus noise, independent of the other skills'; so the talent's posterior
    # weighs each skill's mean by its precision, and the skill's own difference takes its
    # share of what the talent leaves unexplained there.
    spread = {code: skill_var + noise / len(seen) for code, seen in surprises.items()}
    mean = {code: sum(seen) / len(seen) for code, seen in surprises.items()}
    precision = 1 / talent_var + sum(1 / v for v in spread.values())
    talent = sum(mean[code] / spread[code] for code in mean) / precision
    own = skill_var / spread[skill] * (mean[skill] - talent) if skill in mean else 0.0
    return expected(skill) + talent + own


def ranked(world: World, found: list[int], skills: list[str], spread: bool = False) -> list[int]:
    """The eligible parents, best estimate first. With `spread`, the estimate is mixed with the
    shipped router's fairness term at the shipped weights, so the work spreads as it does under
    `learning`: the yardstick for a router that must also share out the work."""
    done = {m: len(world.rated.get(m, [])) for m in found}  # each rated job was paid
    most = max(done.values(), default=0)

    def value(member_id: int) -> float:
        quality = min(estimate(world, member_id, s) for s in skills)
        if not spread:
            return quality
        fairness = 1 - (done[member_id] / most if most else 0)
        return WEIGHTS["quality"] * quality + WEIGHTS["fairness"] * fairness

    return sorted(found, key=value, reverse=True)
