"""How much parents' quality varies in one community, and how noisy its ratings are, learned
from its own ratings (empirical Bayes).

routing/belief.py reads a rating as quality = what the declared level is worth + a talent
the parent's skills share + the skill's own difference + the rater's noise. How far to trust
a rating against the level depends on those three spreads, and communities differ: one whose
businesses rate carelessly needs more ratings before they mean much; one whose parents differ
widely should believe them sooner, and try a newcomer sooner, since a newcomer could be far
better than their level says.

The three are the spreads that make the community's latest ratings (net of each rater's
strictness) most likely under that model, each pulled toward its default as if the default
had been seen SHRINK times (an inverse-gamma prior; the estimate is its posterior mode), found
by expectation-maximisation. Before, they were read by the method of moments: the talent from
how the means of parents rated in two skills moved together, and a skill's own difference as
whatever spread was left. In a small community few parents are rated in two skills, so the
talent was barely learned and a wide spread was mostly put down to skills (tests/routing/
test_spread.py), and a good rating spoke too little for a parent's other skills. The
likelihood reads every parent's ratings for all three, each by what it can say. Who the router
asked depended only on ratings already seen, so the likelihood is not misled by that choice.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Standard deviations, in quality (0 to 1, as a rating is: a star is 0.25).
TALENT_SD = 0.12
SKILL_SD = 0.10  # so a rating in another skill counts about 0.6 of one in this skill
RATING_SD = 0.12  # a rating is within about half a star of what the work was worth
# How many times each default counts as seen: parents for the talent, (parent, skill) pairs for
# a skill's own difference, ratings for the noise. Over 20 seeds of the simulation's seven
# worlds (README, "Routing, measured"), 5 picked work as good as the method of moments (80)
# did in six and slightly better in `varied`, where parents differ most: a community of 40
# ratings moves its spreads, one of thousands sets them.
SHRINK = 5.0
LOWEST, HIGHEST = 0.03, 0.40  # what a learned spread is kept within
ROUNDS = 500  # expectation-maximisation steps at most; CLOSE apart in variance is settled
CLOSE = 1e-6


@dataclass(frozen=True)
class Spread:
    talent: float = TALENT_SD
    skill: float = SKILL_SD
    rating: float = RATING_SD


DEFAULT_SPREAD = Spread()


@dataclass
class _Alike:
    """The parents rated the same number of times in each of their skills (`ratings`, in
    rising order), summed: what the expectation step needs of them is quadratic in their
    skills' mean surprises, so the sums of those products stand for all of them at once, and
    a step costs the same for a million ratings as for forty."""

    ratings: tuple[int, ...]
    parents: int = 0
    products: list[list[float]] = field(default_factory=list)  # sum of mean_i * mean_j
    squares: list[float] = field(default_factory=list)  # ratings' squares about their mean


def learned_spread(surprises: Iterable[tuple[int, str, float]]) -> Spread:
    """The spreads, from (parent, skill, how far the rating was above what their declared
    level is worth here) for each rating."""
    rated: dict[tuple[int, str], list[float]] = defaultdict(list)
    for parent, code, surprise in surprises:
        rated[(parent, code)].append(surprise)
    if not rated:
        return DEFAULT_SPREAD
    groups = _alike(rated)
    parents = sum(g.parents for g in groups)
    counts = (parents, len(rated), sum(len(xs) for xs in rated.values()))
    defaults = (TALENT_SD**2, SKILL_SD**2, RATING_SD**2)
    variances = defaults
    for _ in range(ROUNDS):
        expected = _expected_squares(groups, *variances)
        talent, skill, noise = (
            (squares + SHRINK * default) / (units + SHRINK)
            for squares, units, default in zip(expected, counts, defaults, strict=True)
        )
        moved = max(abs(a - b) for a, b in zip((talent, skill, noise), variances, strict=True))
        variances = (talent, skill, noise)
        if moved < CLOSE:
            break
    kept = [min(max(math.sqrt(v), LOWEST), HIGHEST) for v in variances]
    return Spread(talent=kept[0], skill=kept[1], rating=kept[2])


def _alike(rated: dict[tuple[int, str], list[float]]) -> list[_Alike]:
    """The community's parents in groups rated alike, each parent's skills by their mean
    surprise about the community's."""
    centre = statistics.fmean(x for xs in rated.values() for x in xs)
    cells: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for (parent, _), xs in rated.items():
        mean = statistics.fmean(xs)
        cells[parent].append((len(xs), mean - centre, sum((x - mean) ** 2 for x in xs)))
    groups: dict[tuple[int, ...], _Alike] = {}
    for found in cells.values():
        found.sort()
        shape = tuple(n for n, _, _ in found)
        group = groups.get(shape)
        if group is None:
            k = len(shape)
            group = groups[shape] = _Alike(shape, 0, [[0.0] * k for _ in range(k)], [0.0] * k)
        group.parents += 1
        for i, (_, mean_i, squares) in enumerate(found):
            group.squares[i] += squares
            for j, (_, mean_j, _) in enumerate(found):
                group.products[i][j] += mean_i * mean_j
    return list(groups.values())


def _expected_squares(
    groups: list[_Alike], talent: float, skill: float, noise: float
) -> tuple[float, float, float]:
    """Given the variances so far, the expected sums of squared talents, skills' own
    differences and rating noise over the community (the expectation step). A parent's
    talent is read from the means of all their skills (`share`, a weighted sum of them), each
    skill's own difference from its mean once the talent is taken out, and the noise is
    what is left."""
    talents = skills = noises = 0.0
    for g in groups:
        k, count = len(g.ratings), g.parents
        apart = [skill + noise / n for n in g.ratings]  # a skill's mean about the talent
        precision = 1 / talent + sum(1 / a for a in apart)
        weight = [1 / (a * precision) for a in apart]  # share = sum of weight_i * mean_i
        unsure = 1 / precision
        talents += _quadratic(g.products, weight) + count * unsure
        for i, (n, a) in enumerate(zip(g.ratings, apart, strict=True)):
            beyond_weight = [(1.0 if j == i else 0.0) - weight[j] for j in range(k)]
            # The mean's expected square beyond the talent, summed over the group's parents.
            beyond = _quadratic(g.products, beyond_weight) + count * unsure
            gain, left = skill / a, skill * noise / n / a
            skills += count * left + gain**2 * beyond
            noises += g.squares[i] + n * ((1 - gain) ** 2 * beyond + count * left)
    return talents, skills, noises


def _quadratic(products: list[list[float]], weight: list[float]) -> float:
    return sum(
        wi * wj * products[i][j] for i, wi in enumerate(weight) for j, wj in enumerate(weight)
    )
