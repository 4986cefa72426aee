"""The ranking pipeline: structure → scored names → answer → placement → result.

:meth:`Ranker.rank` reads top to bottom as the steps a call taker would take:

1. :func:`~geodata.ranking.structure.resolve_structure`: which street,
   kelurahan and kecamatan the caller named;
2. :func:`~geodata.ranking.stages.score_hits`: the free words matched to
   place names, each match narrowed by the named scoring stages;
3. a place outside the service area named instead → ``outside_service_area``;
4. :meth:`Ranker._answers`: the best landmark (confidence from its margin over
   the best *different* place), else the street, kelurahan or kecamatan named;
5. :meth:`Ranker._place`: a landmark on a named street becomes the street's
   point nearest it; a distance and direction move it (geopy);
6. :meth:`Ranker._finish`: RT/RW carried onto every answer; below the
   threshold "no match", with the best kelurahan offered with its confidence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from geodata.address import ParsedAddress
from geodata.gazetteer import Gazetteer, Hit, QueryToken, Target
from geodata.packs import RegionPack
from geodata.ranking.placement import (
    BEARINGS,
    crossing,
    nearest_on_street,
    offset_point,
    spread_m,
    street_point,
)
from geodata.ranking.stages import (
    Scored,
    StageContext,
    confidence,
    runner_up,
    score_hits,
)
from geodata.ranking.structure import Structure, resolve_structure
from geodata.ranking.weights import Weights
from geodata.results import Candidate, Explained, GeocodeResult
from geodata.text import fold

__all__ = ["Ranker"]

OutsideFn = Callable[[ParsedAddress, Sequence[str]], "str | None"]
#: Candidates below this confidence are not worth listing.
LIST_FLOOR = 0.05
#: Name matches ranked per query, and when a bare category meets a street.
SEARCH_LIMIT = 40
SEARCH_ALL = 400


class Ranker:
    """Rank one parsed query against a pack's gazetteer with given weights."""

    def __init__(
        self, pack: RegionPack, gazetteer: Gazetteer, weights: Weights
    ) -> None:
        """Keep the pack, its name index and the weights."""
        self.pack = pack
        self.gazetteer = gazetteer
        self.weights = weights

    # ---------------------------------------------------------------- pipeline
    def rank(
        self,
        query: str,
        parsed: ParsedAddress,
        limit: int,
        prefix: bool,
        outside: OutsideFn,
    ) -> GeocodeResult:
        """The match (or none), alternatives and per-stage explanation."""
        structure = resolve_structure(self.gazetteer, parsed)
        ctx = self._context(parsed, structure)
        scored = self._score(ctx, prefix)
        place = outside(parsed, structure.outside_words(parsed))
        if place and not self._explains(scored, place):
            return self._outside(query, parsed, scored, limit, place)
        cands, note = self._answers(ctx, scored, limit)
        return self._finish(query, ctx, cands, scored, limit, note)

    def _context(self, parsed: ParsedAddress, structure: Structure) -> StageContext:
        g = self.gazetteer
        free = structure.free
        qtoks = tuple(QueryToken(w) for w in free) + tuple(
            QueryToken(w, free=False) for w in structure.context
        )
        types = frozenset(j for j, q in enumerate(qtoks) if g.is_type_word(q.text))
        said = tuple(j for j in sorted(types) if j < len(free))
        only = len(said) == len(free)
        return StageContext(
            g, self.pack, self.weights, parsed, structure, qtoks, said, types, only
        )

    def _score(self, ctx: StageContext, prefix: bool) -> list[Scored]:
        if not ctx.structure.free:
            return []
        use_prefix = prefix and not ctx.structure.context
        # "jl. ternate dekat masjid": every mosque is a candidate, not the 40
        # best-named ones (the street stage then picks the one on the street)
        wide = ctx.only_types and ctx.structure.streets
        limit = SEARCH_ALL if wide else SEARCH_LIMIT
        hits = self.gazetteer.search(ctx.query, limit=limit, prefix_last=use_prefix)
        return score_hits(ctx, hits)

    def _explains(self, scored: list[Scored], place: str) -> bool:
        """Does the best in-city name itself contain the outside word(s)?"""
        if not scored or scored[0].score < 0.5:
            return False
        tokens = self.gazetteer.entries[scored[0].hit.entry].tokens
        return any(fold(part) in tokens for part in place.split(" (")[0].split())

    def _outside(
        self,
        query: str,
        parsed: ParsedAddress,
        scored: list[Scored],
        limit: int,
        place: str,
    ) -> GeocodeResult:
        targets = self.gazetteer.targets
        alts = tuple(
            self._candidate(targets[s.target], s.score * 0.5, parsed.relation)
            for s in scored[:limit]
        )
        return GeocodeResult(
            query,
            parsed,
            "outside_service_area",
            None,
            alts,
            note=f"di luar wilayah layanan: {place}",
            explained=self._explained(scored, limit),
        )

    # ----------------------------------------------------------------- answers
    def _answers(
        self, ctx: StageContext, scored: list[Scored], limit: int
    ) -> tuple[list[Candidate], str]:
        w = self.weights.decision
        targets = self.gazetteer.targets
        relation = ctx.parsed.relation
        s = ctx.structure
        note = ""
        cands: list[Candidate] = []
        if scored and scored[0].score >= w.min_top:
            conf = confidence(self.weights, scored[0].score, runner_up(ctx, scored))
            first, note = self._place(ctx, targets[scored[0].target], conf)
            cands.append(first)
            cands.extend(
                self._candidate(
                    targets[x.target], min(1.0, x.score) * w.alternative, relation
                )
                for x in scored[1:limit]
            )
        elif s.streets:
            cands.append(self._street_answer(s.streets, s.kelurahan, relation))
        elif s.kelurahan is not None:
            kel = s.kelurahan
            cands.append(
                self._candidate(
                    targets[kel.target], kel.score * w.kelurahan_only, relation
                )
            )
        elif s.kecamatan is not None:
            kec = s.kecamatan
            cands.append(
                self._candidate(
                    targets[kec.target], kec.score * w.kecamatan_only, relation
                )
            )
        else:
            cands.extend(
                self._candidate(
                    targets[x.target], min(1.0, x.score) * w.alternative, relation
                )
                for x in scored[:limit]
            )
        return self._with_areas(ctx, cands), note

    def _with_areas(self, ctx: StageContext, cands: list[Candidate]) -> list[Candidate]:
        """Areas named in the query are always worth offering as well."""
        if not cands or cands[0].kind in ("kelurahan", "kecamatan"):
            return cands
        targets = self.gazetteer.targets
        factor = self.weights.decision.area_alternative
        for area in (ctx.structure.kelurahan, ctx.structure.kecamatan):
            if area is not None:
                cands.append(
                    self._candidate(
                        targets[area.target], area.score * factor, ctx.parsed.relation
                    )
                )
        return cands

    # --------------------------------------------------------------- placement
    def _place(
        self, ctx: StageContext, t: Target, conf: float
    ) -> tuple[Candidate, str]:
        """The top landmark, composed with a named street, moved by an offset."""
        cand = self._candidate(t, conf, ctx.parsed.relation)
        notes: list[str] = []
        if t.kind == "landmark" and ctx.structure.streets:
            cand, note = self._compose(ctx, cand, ctx.structure.streets[0])
            notes.append(note)
        if t.kind == "landmark":
            cand, note = self._offset(ctx, cand, t)
            notes.append(note)
        return cand, "; ".join(n for n in notes if n)

    def _compose(
        self, ctx: StageContext, cand: Candidate, street: Hit
    ) -> tuple[Candidate, str]:
        """The point on the street nearest the landmark (if they are near)."""
        w = self.weights.compose
        st = self.gazetteer.targets[street.target]
        pts = self.gazetteer.street_points[street.target]
        lat, lon, d = nearest_on_street(pts, cand.lat, cand.lon)
        if d > w.max_m:
            return cand, (
                f"{st.name} {d:.0f} m dari {cand.name}: tidak digabung / "
                "too far apart to compose"
            )
        rel = cand.relation or "dekat"
        moved = self._moved(
            cand,
            lat,
            lon,
            name=f"{st.name} {rel} {cand.name}",
            street_id=st.ref,
            confidence=cand.confidence * w.factor,
        )
        return moved, (
            f"titik {st.name} terdekat ke {cand.name} ({d:.0f} m) / "
            "nearest point of the street"
        )

    def _offset(
        self, ctx: StageContext, cand: Candidate, t: Target
    ) -> tuple[Candidate, str]:
        """Move the landmark by the distance said ("200 meter utara X") with geopy."""
        metres = ctx.parsed.distance_m
        bearing = next(
            (BEARINGS[r] for r in ctx.parsed.relations if r in BEARINGS), None
        )
        if metres is None or bearing is None:
            return cand, ""
        w = self.weights.offset
        lat, lon = offset_point(t.lat, t.lon, bearing, metres)
        if metres > w.max_m or not self.pack.point_in_service_area(lat, lon):
            low = cand.confidence * w.unbelievable
            return dataclasses.replace(
                cand, confidence=low
            ), f"{metres:.0f} m tidak dipercaya / not believed"
        rel = next(r for r in ctx.parsed.relations if r in BEARINGS)
        moved = self._moved(
            cand,
            lat,
            lon,
            name=f"{metres:.0f} m {rel} {t.name}",
            confidence=cand.confidence * w.factor,
        )
        return moved, (
            f"{t.name} digeser {metres:.0f} m arah {bearing:.0f}° / "
            "moved by the distance said"
        )

    def _moved(self, cand: Candidate, lat: float, lon: float, **over: Any) -> Candidate:
        """``cand`` at a new point, with the kelurahan of that point."""
        kel = self.pack.kelurahan_at(lat, lon)
        return dataclasses.replace(
            cand,
            lat=lat,
            lon=lon,
            kelurahan=kel.name if kel else cand.kelurahan,
            kelurahan_code=kel.code if kel else cand.kelurahan_code,
            kecamatan=kel.kecamatan_name if kel else cand.kecamatan,
            kecamatan_code=kel.kecamatan_code if kel else cand.kecamatan_code,
            **over,
        )

    def _street_answer(
        self, streets: tuple[Hit, ...], kel: Hit | None, relation: str | None
    ) -> Candidate:
        """Only streets understood: their crossing, or a point of the one street."""
        w = self.weights.street_answer
        g = self.gazetteer
        first = streets[0]
        t = g.targets[first.target]
        pts = g.street_points[first.target]
        if len(streets) >= 2:
            other = g.targets[streets[1].target]
            lat, lon, gap = crossing(pts, g.street_points[streets[1].target])
            if gap <= w.intersection_max_m:
                conf = min(first.score, streets[1].score) * w.intersection
                cand = self._candidate(t, conf, relation)
                return self._moved(
                    cand, lat, lon, name=f"{t.name} × {other.name}", kind="intersection"
                )
        conf = first.score * w.single
        if spread_m(pts, t.lat, t.lon) > w.spread_m:
            conf *= w.spread
        code = g.targets[kel.target].ref if kel is not None else None
        lat, lon, inside = street_point(self.pack, pts, (t.lat, t.lon), code)
        if code is not None:
            conf = first.score * w.in_kelurahan if inside else conf * w.not_in_kelurahan
        return self._moved(self._candidate(t, conf, relation), lat, lon)

    # ------------------------------------------------------------------ finish
    def _finish(
        self,
        query: str,
        ctx: StageContext,
        cands: list[Candidate],
        scored: list[Scored],
        limit: int,
        note: str,
    ) -> GeocodeResult:
        parsed = ctx.parsed
        if parsed.rt is not None or parsed.rw is not None:
            cands = [dataclasses.replace(c, rt=parsed.rt, rw=parsed.rw) for c in cands]
        cands = [
            c for i, c in enumerate(cands) if i == 0 or c.confidence >= LIST_FLOOR
        ][:limit]
        explained = self._explained(scored, limit)
        if cands and cands[0].confidence >= self.weights.decision.threshold:
            return GeocodeResult(
                query, parsed, "ok", cands[0], tuple(cands[1:]), note, explained
            )
        best = self._best_kelurahan(ctx, scored)
        if best is not None:
            others = [c for c in cands if c.kind != "kelurahan" or c.name != best.name]
            kept = [best, *others[: max(0, limit - 1)]]  # the offer is always kept
            cands = sorted(kept, key=lambda c: -c.confidence)
            note = (
                f"tidak yakin; paling mungkin Kel. {best.name} "
                f"({best.confidence:.2f}) / not confident; best kelurahan"
            )
        return GeocodeResult(
            query, parsed, "no_match", None, tuple(cands), note, explained
        )

    def _best_kelurahan(
        self, ctx: StageContext, scored: list[Scored]
    ) -> Candidate | None:
        """The kelurahan holding most of the candidates' score, with that share."""
        targets = self.gazetteer.targets
        mass: dict[str, float] = {}
        for s in scored[:10]:
            code = targets[s.target].kelurahan_code
            if code:
                mass[code] = mass.get(code, 0.0) + s.score**2  # strong hits lead
        total = sum(mass.values())
        if not mass or total <= 0:
            return None
        code = max(mass, key=lambda c: mass[c])
        kel = self.pack.kelurahan_by_code[code]
        top = max(
            s.score for s in scored[:10] if targets[s.target].kelurahan_code == code
        )
        conf = min(1.0, top) * mass[code] / total
        return Candidate(
            name=kel.name,
            kind="kelurahan",
            lat=kel.centroid_lat,
            lon=kel.centroid_lon,
            kelurahan=kel.name,
            kecamatan=kel.kecamatan_name,
            relation=None,
            confidence=min(conf, self.weights.decision.threshold - 0.01),
            kelurahan_code=kel.code,
            kecamatan_code=kel.kecamatan_code,
            rt=ctx.parsed.rt,
            rw=ctx.parsed.rw,
        )

    def _explained(self, scored: list[Scored], limit: int) -> tuple[Explained, ...]:
        targets = self.gazetteer.targets
        return tuple(
            Explained(targets[s.target].name, targets[s.target].kind, s.score, s.stages)
            for s in scored[:limit]
        )

    def _candidate(
        self, t: Target, conf: float, relation: str | None, **over: Any
    ) -> Candidate:
        pack = self.pack
        kel = pack.kelurahan_by_code.get(t.kelurahan_code or "")
        kec = pack.kecamatan_by_code.get(t.kecamatan_code or "")
        values: dict[str, Any] = {
            "name": t.name,
            "kind": t.kind,
            "lat": t.lat,
            "lon": t.lon,
            "kelurahan": kel.name if kel else None,
            "kecamatan": kec.name if kec else None,
            "relation": relation,
            "confidence": max(0.0, min(1.0, conf)),
            "category": t.subkind or None,
            "landmark_id": t.ref if t.kind == "landmark" else None,
            "street_id": t.ref if t.kind == "street" else None,
            "kelurahan_code": t.kelurahan_code,
            "kecamatan_code": t.kecamatan_code,
        }
        values.update(over)
        return Candidate(**values)
