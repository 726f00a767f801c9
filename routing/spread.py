"""How much parents' quality varies in one community, and how noisy its ratings are, learned
from its own ratings (empirical Bayes).

routing/scoring.py reads a rating as quality = what the declared level is worth + a talent
the parent's skills share + the skill's own difference + the rater's noise. How far to trust
a rating against the level depends on those three spreads, and communities differ: one whose
businesses rate carelessly needs more ratings before they mean much; one whose parents differ
widely should believe them sooner. Each is estimated by the method of moments from the
community's latest ratings, net of each rater's strictness, and shrunk toward the defaults
while there are few to learn from:

- rating noise: the spread of one parent's ratings in one skill about their own mean;
- talent: how much the mean ratings of one parent in two different skills move together;
- a skill's own difference: what is left of the spread between parents' means in a skill once
  talent and rating noise are taken out.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

# Standard deviations, in quality (0 to 1, as a rating is: a star is 0.25).
TALENT_SD = 0.12
SKILL_SD = 0.10  # so a rating in another skill counts about 0.6 of one in this skill
RATING_SD = 0.12  # a rating is within about half a star of what the work was worth
# Units (pairs of ratings, parents) of the default before the community's own. The simulation's
# communities (about 40 ratings each, bench/simulate.py) gained nothing from their own spreads,
# and at 20 they cost 0.009 of quality where talent varies widely: a spread is a weak thing to
# learn from few ratings, and what the router picks is not a random sample of the parents.
SHRINK = 80.0
LOWEST, HIGHEST = 0.03, 0.40  # what a learned spread is kept within


@dataclass(frozen=True)
class Spread:
    talent: float = TALENT_SD
    skill: float = SKILL_SD
    rating: float = RATING_SD


DEFAULT_SPREAD = Spread()


def shrunk(found: float | None, units: float, default: float) -> float:
    """A variance learned from `units` independent pieces, shrunk toward default², as a
    standard deviation within LOWEST and HIGHEST."""
    if found is None or units <= 0:
        return default
    variance = (units * max(found, 0.0) + SHRINK * default**2) / (units + SHRINK)
    return min(max(math.sqrt(variance), LOWEST), HIGHEST)


def learned_spread(surprises: Iterable[tuple[int, str, float]]) -> Spread:
    """The spreads, from (parent, skill, how far the rating was above what their declared
    level is worth here) for each rating."""
    cells: dict[tuple[int, str], list[float]] = defaultdict(list)
    for parent, skill, surprise in surprises:
        cells[(parent, skill)].append(surprise)
    if not cells:
        return DEFAULT_SPREAD
    # Rating noise: each cell's ratings about the cell's own mean.
    squares = sum(sum((x - statistics.fmean(xs)) ** 2 for x in xs) for xs in cells.values())
    freedom = sum(len(xs) - 1 for xs in cells.values())
    noise = squares / freedom if freedom else None
    rating = shrunk(noise, freedom, RATING_SD)
    # Between parents: a cell's mean varies by talent + skill + noise / ratings.
    means = {key: statistics.fmean(xs) for key, xs in cells.items()}
    centre = statistics.fmean(means.values())
    between = statistics.fmean(
        (m - centre) ** 2 - rating**2 / len(cells[key]) for key, m in means.items()
    )
    # Talent: a parent's means in two skills share it and nothing else.
    by_parent: dict[int, list[float]] = defaultdict(list)
    for (parent, _), m in means.items():
        by_parent[parent].append(m - centre)
    shared = [
        statistics.fmean(a * b for a, b in combinations(found, 2))
        for found in by_parent.values()
        if len(found) > 1
    ]
    talent = shrunk(statistics.fmean(shared) if shared else None, len(shared), TALENT_SD)
    own = shrunk(between - talent**2, len(means), SKILL_SD)
    return Spread(talent=talent, skill=own, rating=rating)
