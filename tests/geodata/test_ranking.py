"""The ranking stages one by one, their weights as data, and weight-drop tests.

Each "drop" test sets one weight to its neutral value (1.0 for a factor, 0 m
for a distance limit) and shows an answer that then changes: a change to how
a qualifier is weighed cannot pass the suite unnoticed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from geopy.distance import distance as geopy_distance
from geopy.point import Point

from console.cli.geocode_command import geocode
from geodata.address import parse_address
from geodata.distance import distance_m, distances_m
from geodata.gazetteer import Hit
from geodata.geocoder import OfflineGeocoder
from geodata.packs import RegionPack
from geodata.ranking import Ranker, Weights, WeightsError, default_weights
from geodata.ranking.stages import (
    STAGES,
    StageContext,
    kecamatan_stage,
    kelurahan_stage,
    postcode_stage,
    street_stage,
    type_only_stage,
)
from geodata.ranking.structure import resolve_structure
from geodata.ranking.weights import DEFAULT_WEIGHTS_PATH
from geodata.results import GeocodeResult


def _rank(
    g: OfflineGeocoder, query: str, weights: Weights | None = None
) -> GeocodeResult:
    ranker = Ranker(g.pack, g.gazetteer, weights or g.weights)
    parsed = parse_address(query, g.lexicon)
    return ranker.rank(query, parsed, 5, False, g._outside)


def _ctx(g: OfflineGeocoder, query: str) -> StageContext:
    parsed = parse_address(query, g.lexicon)
    return g.ranker._context(parsed, resolve_structure(g.gazetteer, parsed))


def _target(g: OfflineGeocoder, ref: str) -> tuple[int, Hit]:
    idx = next(i for i, t in enumerate(g.gazetteer.targets) if t.ref == ref)
    return idx, Hit(idx, 0.8, 1.0, 1.0, 0, frozenset({0}))


def _match_id(r: GeocodeResult) -> tuple[str, str | None]:
    return r.status, r.match.landmark_id if r.match else None


# ------------------------------------------------------------------ weights
def test_weights_file_loads_and_every_weight_is_a_number() -> None:
    w = Weights.load()
    assert w == default_weights()
    assert len(w.items()) >= 30
    assert all(isinstance(v, float) for _, v in w.items())


def test_bonuses_and_penalties_point_the_right_way() -> None:
    w = default_weights()
    for bonus in (
        w.kelurahan.inside,
        w.kecamatan.inside,
        w.street.near,
        w.postcode.same,
    ):
        assert bonus > 1.0
    for penalty in (
        w.kelurahan.far,
        w.kecamatan.other,
        w.street.far,
        w.postcode.different,
        w.type_word.other_type,
        w.offset.unbelievable,
    ):
        assert penalty < 1.0
    assert 0 < w.type_word.cap < w.decision.min_top < w.decision.threshold


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("inside = 1.1", "# gone", 1), "missing kelurahan.inside"),
        (
            lambda t: t.replace("[postcode]\n", "[postcode]\nbonus = 2\n"),
            "unknown postcode.bonus",
        ),
        (
            lambda t: t.replace("far = 0.7", 'far = "low"'),
            "kelurahan.far must be a number",
        ),
        (lambda t: t.replace("[compose]", "[composer]"), "missing compose"),
    ],
)
def test_weights_file_errors_name_the_key(
    tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    bad = tmp_path / "weights.toml"
    bad.write_text(
        edit(DEFAULT_WEIGHTS_PATH.read_text(encoding="utf-8")), encoding="utf-8"
    )
    with pytest.raises(WeightsError, match=message):
        Weights.load(bad)


def test_geocoder_uses_the_weights_it_is_given(pack: RegionPack) -> None:
    strict = default_weights().replace("kelurahan.inside", 1.0)
    g = OfflineGeocoder(pack, weights=strict)
    assert g.weights.kelurahan.inside == 1.0
    assert g.weights.decision.threshold == g.min_confidence


# ------------------------------------------------------------------ stages one by one
def test_stage_order_is_the_documented_pipeline() -> None:
    assert [name for name, _ in STAGES] == [
        "kelurahan",
        "kecamatan",
        "street",
        "postcode",
        "other_type",
    ]


def test_kelurahan_stage(geocoder: OfflineGeocoder) -> None:
    w = geocoder.weights.kelurahan
    ctx = _ctx(geocoder, "bri unit kodya kelurahan sukorejo")
    idx, hit = _target(geocoder, "bri-unit-kodya")  # in Sukorejo
    assert kelurahan_stage(ctx, geocoder.gazetteer.targets[idx], hit) == w.inside
    idx, hit = _target(geocoder, "makam-bung-karno")  # Bendogerit, far away
    assert kelurahan_stage(ctx, geocoder.gazetteer.targets[idx], hit) == w.far
    no_kel = _ctx(geocoder, "bri unit kodya")
    assert kelurahan_stage(no_kel, geocoder.gazetteer.targets[idx], hit) == 1.0


def test_kecamatan_stage(geocoder: OfflineGeocoder) -> None:
    w = geocoder.weights.kecamatan
    ctx = _ctx(geocoder, "masjid agung kecamatan sananwetan")
    idx, hit = _target(geocoder, "makam-bung-karno")  # Sananwetan
    assert kecamatan_stage(ctx, geocoder.gazetteer.targets[idx], hit) == w.inside
    idx, hit = _target(geocoder, "pasar-legi")  # Sukorejo
    assert kecamatan_stage(ctx, geocoder.gazetteer.targets[idx], hit) == w.other


def test_street_stage(geocoder: OfflineGeocoder) -> None:
    w = geocoder.weights.street
    ctx = _ctx(geocoder, "spbu jl kalimantan")
    idx, hit = _target(geocoder, "spbu-jl-kalimantan")
    assert street_stage(ctx, geocoder.gazetteer.targets[idx], hit) == w.near
    idx, hit = _target(geocoder, "makam-bung-karno")
    assert street_stage(ctx, geocoder.gazetteer.targets[idx], hit) == w.far


def test_postcode_stage(geocoder: OfflineGeocoder, pack: RegionPack) -> None:
    w = geocoder.weights.postcode
    idx, hit = _target(geocoder, "bri-unit-kodya")
    t = geocoder.gazetteer.targets[idx]
    own = pack.kelurahan_by_code[t.kelurahan_code or ""].postcode
    other = next(k.postcode for k in pack.kelurahan if k.postcode and k.postcode != own)
    assert postcode_stage(_ctx(geocoder, f"bri unit kodya {own}"), t, hit) == w.same
    assert (
        postcode_stage(_ctx(geocoder, f"bri unit kodya {other}"), t, hit) == w.different
    )


def test_type_only_stage_caps_a_bare_category(geocoder: OfflineGeocoder) -> None:
    ctx = _ctx(geocoder, "masjid")
    idx, hit = _target(geocoder, "masjid-agung")
    factor = type_only_stage(ctx, geocoder.gazetteer.targets[idx], hit, 0.8)
    assert factor * 0.8 == pytest.approx(geocoder.weights.type_word.cap)


def test_explanation_multiplies_out_to_the_score(geocoder: OfflineGeocoder) -> None:
    r = geocoder.lookup("bri unit kodya kelurahan sukorejo")
    top = r.explained[0]
    assert top.name.startswith("BRI Unit Kodya")
    stages = dict(top.stages)
    assert stages["kelurahan"] == geocoder.weights.kelurahan.inside
    product = 1.0
    for _, factor in top.stages:
        product *= factor
    assert product == pytest.approx(top.score)


# ------------------------------------------------------------------ weight drops
@pytest.mark.parametrize(
    ("weight", "neutral", "query", "answer"),
    [
        (
            "kelurahan.inside",
            1.0,
            "BRI Unit Kodya kelurahan Sukorejo",
            "bri-unit-kodya",
        ),
        ("street.near", 1.0, "puskesmas jl ciliwung", "puskesmas-kepanjenkidul"),
        ("street.far", 1.0, "mtsn jl cemara", "mtsn-1"),
        ("postcode.different", 1.0, "BRI Unit Kodya 66121", "bri-unit-kodya"),
        (
            "type_word.other_type",
            1.0,
            "SMA YP Kotamadya kecamatan Sukorejo",
            "sma-yp-kotamadya",
        ),
        ("type_word.cap", 1.0, "Bank Jatim 66117", None),
    ],
)
def test_dropping_a_weight_changes_an_answer(
    geocoder: OfflineGeocoder,
    weight: str,
    neutral: float,
    query: str,
    answer: str | None,
) -> None:
    assert _match_id(_rank(geocoder, query))[1] == answer
    dropped = geocoder.weights.replace(weight, neutral)
    assert _match_id(_rank(geocoder, query, dropped)) != _match_id(
        _rank(geocoder, query)
    )


# ------------------------------------------------------------------ placement
def test_distance_and_direction_move_the_landmark(
    geocoder: OfflineGeocoder, pack: RegionPack
) -> None:
    alun = pack.landmark_by_id["alun-alun"]
    want = geopy_distance(meters=200).destination(Point(alun.lat, alun.lon), bearing=0)
    for q in (
        "200 meter utara alun-alun",
        "200m lor alun-alun",
        "200 meter ngalor saka alun2",
    ):
        m = geocoder.lookup(q).match
        assert m is not None, q
        assert distance_m(m.lat, m.lon, want.latitude, want.longitude) < 5, q
        assert m.landmark_id == "alun-alun"
    no_offset = geocoder.weights.replace("offset.max_m", 0.0)
    m = _rank(geocoder, "200 meter utara alun-alun", no_offset).match
    assert m is None or distance_m(m.lat, m.lon, want.latitude, want.longitude) > 100


def test_street_and_landmark_compose_to_the_nearest_street_point(
    geocoder: OfflineGeocoder, pack: RegionPack
) -> None:
    r = geocoder.lookup("jl merdeka depan alun-alun")
    m = r.match
    assert m is not None
    street = next(s for s in pack.streets if s.id == "jl-merdeka")
    alun = pack.landmark_by_id["alun-alun"]
    want = min(street.points, key=lambda p: distance_m(p[0], p[1], alun.lat, alun.lon))
    assert (m.lat, m.lon) == pytest.approx(want)
    assert m.street_id == "jl-merdeka"
    assert m.landmark_id == "alun-alun"
    apart = geocoder.weights.replace("compose.max_m", 0.0)
    m2 = _rank(geocoder, "jl merdeka depan alun-alun", apart).match
    assert m2 is not None
    assert (m2.lat, m2.lon) == pytest.approx((alun.lat, alun.lon))


def test_street_with_a_bare_category_takes_the_one_on_that_street(
    geocoder: OfflineGeocoder,
) -> None:
    r = geocoder.lookup("jl kalimantan dekat spbu")
    assert r.match is not None
    assert r.match.landmark_id == "spbu-jl-kalimantan"
    assert r.match.street_id == "jl-kalimantan"


def test_javanese_words(geocoder: OfflineGeocoder) -> None:
    for q, relation in [
        ("ngarep pasar legi", "depan"),
        ("mburi stasiun blitar", "belakang"),
        ("cedhak makam bung karno", "dekat"),
        ("sisih kidul alun-alun", "selatan"),
        ("prapatan cedhak pasar wage", "perempatan"),
    ]:
        m = geocoder.lookup(q).match
        assert m is not None, q
        assert m.relation == relation, q
    # a Javanese compass word that ends a name stays part of it
    kidul = geocoder.lookup("kelurahan kepanjen kidul").match
    assert kidul is not None
    assert kidul.kelurahan == "Kepanjenkidul"


def test_rt_rw_and_gang_stay_with_the_place(geocoder: OfflineGeocoder) -> None:
    r = geocoder.lookup("gang 3 rt 02 rw 05 kelurahan sentul")
    assert r.match is not None
    assert (r.match.rt, r.match.rw) == (2, 5)
    assert r.match.kelurahan == "Sentul"
    assert r.parsed is not None
    assert r.parsed.gang == "3"
    assert r.to_dict()["match"]["rt"] == 2


def test_no_confident_answer_offers_the_best_kelurahan(
    geocoder: OfflineGeocoder,
) -> None:
    r = geocoder.lookup("masjid nurul iman")  # three of them in town
    assert r.status == "no_match"
    assert r.match is None
    best = next(a for a in r.alternatives if a.kind == "kelurahan")
    confs = [a.confidence for a in r.alternatives]
    assert confs == sorted(confs, reverse=True)
    assert 0 < best.confidence < geocoder.min_confidence
    assert best.name in r.note


# ------------------------------------------------------------------ CLI --explain
def test_cli_explain_table_and_json() -> None:
    out = CliRunner().invoke(
        geocode, ["bri unit kodya kelurahan sukorejo", "--explain"]
    )
    assert out.exit_code == 0, out.output
    for word in (
        "parsed",
        "kelurahan",
        "street",
        "postcode",
        "type_only",
        "BRI Unit Kodya",
    ):
        assert word in out.output
    out = CliRunner().invoke(
        geocode, ["200 meter utara alun-alun", "--json", "--explain"]
    )
    data = json.loads(out.output)
    assert data["parsed"]["distance_m"] == 200
    assert data["explain"][0]["stages"]["name"] > 0
    plain = json.loads(CliRunner().invoke(geocode, ["alun-alun", "--json"]).output)
    assert "explain" not in plain


# ----------------------------------------------- edges (from surviving mutants)
def test_area_stages_do_not_judge_an_area_by_itself(geocoder: OfflineGeocoder) -> None:
    ctx = _ctx(geocoder, "kelurahan sentul kecamatan sananwetan")
    idx, hit = _target(geocoder, "35.72.02.1004")  # kelurahan Turi, elsewhere
    assert kelurahan_stage(ctx, geocoder.gazetteer.targets[idx], hit) == 1.0
    idx, hit = _target(geocoder, "35.72.02")  # kecamatan Sukorejo, not the one named
    assert kecamatan_stage(ctx, geocoder.gazetteer.targets[idx], hit) == 1.0


def test_distance_limits_are_inclusive_where_documented(
    geocoder: OfflineGeocoder, pack: RegionPack
) -> None:
    g = geocoder
    idx, hit = _target(g, "makam-bung-karno")
    t = g.gazetteer.targets[idx]
    ctx = _ctx(g, "spbu jl kalimantan")
    pts = g.gazetteer.street_points[ctx.structure.streets[0].target]
    d = float(distances_m(pts[:, 0], pts[:, 1], t.lat, t.lon).min())
    at_near = dataclasses_replace(ctx, g.weights.replace("street.near_m", d))
    assert street_stage(at_near, t, hit) == g.weights.street.near  # d <= near_m
    at_far = dataclasses_replace(ctx, g.weights.replace("street.far_m", d))
    assert street_stage(at_far, t, hit) == 1.0  # not beyond far_m
    kel_ctx = _ctx(g, "bri unit kodya kelurahan sukorejo")
    code = g.gazetteer.targets[kel_ctx.structure.kelurahan.target].ref  # type: ignore[union-attr]
    gap = pack.distance_to_kelurahan_m(code, t.lat, t.lon)
    at_gap = dataclasses_replace(kel_ctx, g.weights.replace("kelurahan.far_m", gap))
    assert kelurahan_stage(at_gap, t, hit) == 1.0  # only beyond far_m loses


def dataclasses_replace(ctx: StageContext, weights: Weights) -> StageContext:
    import dataclasses

    return dataclasses.replace(ctx, weights=weights)


def test_postcode_stage_without_evidence_is_neutral(geocoder: OfflineGeocoder) -> None:
    idx, hit = _target(geocoder, "bri-unit-kodya")
    t = geocoder.gazetteer.targets[idx]
    assert postcode_stage(_ctx(geocoder, "bri unit kodya"), t, hit) == 1.0
    import dataclasses

    nowhere = dataclasses.replace(t, kelurahan_code="99.99")
    assert postcode_stage(_ctx(geocoder, "bri unit kodya 66121"), nowhere, hit) == 1.0


def test_type_only_stage_edges(geocoder: OfflineGeocoder) -> None:
    g = geocoder
    idx, hit = _target(g, "masjid-agung")
    t = g.gazetteer.targets[idx]
    bare = _ctx(g, "masjid")
    assert type_only_stage(bare, t, hit, 0.0) == 1.0
    assert type_only_stage(bare, t, hit, 0.2) == 1.0  # already under the cap
    idx, hit = _target(g, "spbu-jl-kalimantan")
    t = g.gazetteer.targets[idx]
    on_street = _ctx(g, "jl kalimantan dekat spbu")
    street = on_street.structure.streets[0].score
    assert type_only_stage(on_street, t, hit, street / 2) == pytest.approx(2.0)
    assert type_only_stage(on_street, t, hit, street * 2) == 1.0  # never lowers


def test_other_type_stage_edges(geocoder: OfflineGeocoder) -> None:
    from geodata.ranking.stages import other_type_stage

    g = geocoder
    idx, _ = _target(g, "sdn-sentul-1")
    t = g.gazetteer.targets[idx]
    entry = next(i for i, e in enumerate(g.gazetteer.entries) if e.target == idx)
    hit = Hit(idx, 0.6, 1.0, 1.0, entry, frozenset({1}))
    assert other_type_stage(_ctx(g, "x sentul"), t, hit) == 1.0  # no category said
    assert other_type_stage(_ctx(g, "sd sentul"), t, hit) == 1.0  # sd and sdn: schools
    penalty = g.weights.type_word.other_type
    assert other_type_stage(_ctx(g, "pasar sentul"), t, hit) == penalty


def test_score_hits_keeps_only_free_word_matches(geocoder: OfflineGeocoder) -> None:
    from geodata.ranking.stages import score_hits

    ctx = _ctx(geocoder, "spbu jl kalimantan")
    n_free = len(ctx.structure.free)
    idx, _ = _target(geocoder, "spbu-jl-kalimantan")
    free_hit = Hit(idx, 0.5, 1.0, 1.0, 0, frozenset({0}))
    context_only = Hit(idx, 0.5, 1.0, 1.0, 0, frozenset({n_free}))
    street = ctx.structure.streets[0]
    assert [s.target for s in score_hits(ctx, [free_hit])] == [idx]
    assert score_hits(ctx, [context_only]) == []
    assert score_hits(ctx, [street]) == []  # the named street is no landmark answer


def test_runner_up_and_confidence_edges(geocoder: OfflineGeocoder) -> None:
    from geodata.ranking.stages import Scored, confidence, runner_up

    w = geocoder.weights
    ctx = _ctx(geocoder, "alun alun")
    assert runner_up(ctx, []) == 0.0
    a, ha = _target(geocoder, "alun-alun")
    b, hb = _target(geocoder, "masjid-agung")
    ta, tb = geocoder.gazetteer.targets[a], geocoder.gazetteer.targets[b]
    gap = distance_m(ta.lat, ta.lon, tb.lat, tb.lon)
    pair = [Scored(a, ha, 0.9, ()), Scored(b, hb, 0.5, ())]
    at_gap = dataclasses_replace(ctx, w.replace("decision.same_place_m", gap))
    assert runner_up(at_gap, pair) == 0.0  # exactly same_place_m away: same place
    below = dataclasses_replace(ctx, w.replace("decision.same_place_m", gap - 1))
    assert runner_up(below, pair) == 0.5
    assert confidence(w, 0.0, 0.0) == 0.0
    assert confidence(w, 1.6, 0.0) == 1.0  # scores above 1 do not inflate it
    tie = confidence(w, 0.8, 0.8)
    assert tie == pytest.approx(0.8 * w.decision.margin_base)


def test_street_factors_multiply_per_street(geocoder: OfflineGeocoder) -> None:
    import dataclasses

    g = geocoder
    ctx = _ctx(g, "spbu jl kalimantan")
    twice = dataclasses.replace(
        ctx,
        structure=dataclasses.replace(ctx.structure, streets=ctx.structure.streets * 2),
    )
    idx, hit = _target(g, "spbu-jl-kalimantan")
    near = g.weights.street.near
    assert street_stage(twice, g.gazetteer.targets[idx], hit) == pytest.approx(near**2)
    idx, hit = _target(g, "makam-bung-karno")
    far = g.weights.street.far
    assert street_stage(twice, g.gazetteer.targets[idx], hit) == pytest.approx(far**2)


def test_explanation_names_every_stage_in_order(geocoder: OfflineGeocoder) -> None:
    top = geocoder.lookup("pasar legi").explained[0]
    names = [name for name, _ in top.stages]
    assert names == ["name", *(n for n, _ in STAGES), "type_only"]
