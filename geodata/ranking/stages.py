"""The scoring stages: small named factors applied to every name match.

A free-word search of the gazetteer gives each target a *name* score (how
well the caller's words match its name). Each stage below then multiplies
that score by a factor it computes from one piece of evidence; 1.0 means
"no opinion". The factors are kept per stage, so ``siaga geocode --explain``
can show why an answer won, and the tests can drop one weight and watch an
answer move. Weights come from :mod:`geodata.ranking.weights`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geodata.address import ParsedAddress
from geodata.distance import distance_m, distances_m
from geodata.gazetteer import Gazetteer, Hit, QueryToken, Target
from geodata.packs import RegionPack
from geodata.ranking.structure import Structure
from geodata.ranking.weights import Weights

__all__ = [
    "STAGES",
    "Scored",
    "StageContext",
    "confidence",
    "runner_up",
    "score_hits",
]


@dataclass(frozen=True, slots=True)
class StageContext:
    """What every stage may look at for one query."""

    gazetteer: Gazetteer
    pack: RegionPack
    weights: Weights
    parsed: ParsedAddress
    structure: Structure
    query: tuple[QueryToken, ...]
    said_types: tuple[int, ...]  # positions of category words the caller said
    type_positions: frozenset[int] = frozenset()  # query positions of category words
    only_types: bool = False  # every free word is a category word ("masjid")


@dataclass(frozen=True, slots=True)
class Scored:
    """One candidate target with its score and each stage's factor."""

    target: int
    hit: Hit
    score: float
    stages: tuple[tuple[str, float], ...]


def kelurahan_stage(ctx: StageContext, t: Target, hit: Hit) -> float:
    """Inside the kelurahan the caller named gains; far outside it loses."""
    kel = ctx.structure.kelurahan
    if kel is None or t.kind == "kelurahan":
        return 1.0
    w = ctx.weights.kelurahan
    code = ctx.gazetteer.targets[kel.target].ref
    if t.kelurahan_code == code:
        return w.inside
    if ctx.pack.distance_to_kelurahan_m(code, t.lat, t.lon) > w.far_m:
        return w.far
    return 1.0


def kecamatan_stage(ctx: StageContext, t: Target, hit: Hit) -> float:
    """Inside the kecamatan named gains a little; another kecamatan loses."""
    kec = ctx.structure.kecamatan
    if kec is None or t.kind == "kecamatan":
        return 1.0
    w = ctx.weights.kecamatan
    same = t.kecamatan_code == ctx.gazetteer.targets[kec.target].ref
    return w.inside if same else w.other


def street_stage(ctx: StageContext, t: Target, hit: Hit) -> float:
    """Near a street the caller named gains; far from it loses (per street)."""
    w = ctx.weights.street
    factor = 1.0
    for sh in ctx.structure.streets:
        pts = ctx.gazetteer.street_points[sh.target]
        d = float(distances_m(pts[:, 0], pts[:, 1], t.lat, t.lon).min())
        if d <= w.near_m:
            factor *= w.near
        elif d > w.far_m:
            factor *= w.far
    return factor


def postcode_stage(ctx: StageContext, t: Target, hit: Hit) -> float:
    """The caller's postcode agrees (or not) with the candidate's kelurahan."""
    postcode = ctx.parsed.postcode
    if postcode is None or not t.kelurahan_code:
        return 1.0
    kel = ctx.pack.kelurahan_by_code.get(t.kelurahan_code)
    if kel is None or not kel.postcode:
        return 1.0
    w = ctx.weights.postcode
    return w.same if kel.postcode == postcode else w.different


def type_only_stage(ctx: StageContext, t: Target, hit: Hit, score: float) -> float:
    """Matched on category words alone ("masjid"): a kind of place, not a place.

    The score is capped, unless a street was named and the candidate is on
    it and the caller said nothing but the category: "jl. kenanga dekat
    masjid" is the mosque on Jl. Kenanga, and the street's own match then
    carries it (the factor lifts it to the street's
    score; two such mosques on the street stay ambiguous).
    """
    if not hit.matched <= ctx.type_positions:
        return 1.0
    if score <= 0:
        return 1.0
    if ctx.only_types and ctx.structure.streets and street_stage(ctx, t, hit) > 1.0:
        street = max(sh.score for sh in ctx.structure.streets)
        return max(1.0, street / score)
    return min(1.0, ctx.weights.type_word.cap / score)


def other_type_stage(ctx: StageContext, t: Target, hit: Hit) -> float:
    """The caller said one category ("pasar"), this candidate is another kind.

    Category words of the same kind agree ("sd" and "sdn" are both schools).
    """
    if not ctx.said_types or any(j in hit.matched for j in ctx.said_types):
        return 1.0
    g = ctx.gazetteer
    head = g.entries[hit.entry].tokens[0]
    if head not in g.type_words:
        return 1.0
    said = frozenset().union(
        *(g.kinds_of_type_word(ctx.query[j].text) for j in ctx.said_types)
    )
    return 1.0 if t.subkind in said else ctx.weights.type_word.other_type


StageFn = Callable[[StageContext, Target, Hit], float]
#: The factor stages, in order; each gets (context, target, hit).
STAGES: tuple[tuple[str, StageFn], ...] = (
    ("kelurahan", kelurahan_stage),
    ("kecamatan", kecamatan_stage),
    ("street", street_stage),
    ("postcode", postcode_stage),
    ("other_type", other_type_stage),
)


def score_hit(ctx: StageContext, hit: Hit) -> Scored:
    """Run every stage over one name match."""
    t = ctx.gazetteer.targets[hit.target]
    parts: list[tuple[str, float]] = [("name", hit.score)]
    score = hit.score
    for name, stage in STAGES:
        factor = stage(ctx, t, hit)
        parts.append((name, factor))
        score *= factor
    cap = type_only_stage(ctx, t, hit, score)
    parts.append(("type_only", cap))
    return Scored(hit.target, hit, score * cap, tuple(parts))


def score_hits(ctx: StageContext, hits: list[Hit]) -> list[Scored]:
    """Score the name matches that the free words made, best first.

    Places the structure itself names (the street, the kelurahan) and hits
    that matched only context words are not landmark answers.
    """
    n_free = len(ctx.structure.free)
    hints = ctx.structure.hint_targets
    scored = [
        score_hit(ctx, h)
        for h in hits
        if h.target not in hints and any(j < n_free for j in h.matched)
    ]
    scored.sort(key=lambda s: -s.score)
    return scored


def runner_up(ctx: StageContext, scored: list[Scored]) -> float:
    """Score of the best candidate that is a *different* place from the top."""
    if not scored:
        return 0.0
    targets = ctx.gazetteer.targets
    top = targets[scored[0].target]
    far = ctx.weights.decision.same_place_m
    for s in scored[1:]:
        t = targets[s.target]
        if distance_m(top.lat, top.lon, t.lat, t.lon) > far:
            return s.score
    return 0.0


def confidence(weights: Weights, top: float, second: float) -> float:
    """Score × a margin factor: a close runner-up elsewhere lowers confidence."""
    w = weights.decision
    margin = (top - second) / top if top > 0 else 0.0
    return min(1.0, top) * min(1.0, w.margin_base + w.margin_slope * margin)
