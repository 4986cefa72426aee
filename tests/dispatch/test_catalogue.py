"""The incident catalogue: contents, code tables, lookups, search, bad data."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

import dispatch.catalogue as catalogue_pkg
from dispatch import catalogue
from dispatch.catalogue import (
    Catalogue,
    CatalogueError,
    Sector,
    UnknownCodeError,
    get_catalogue,
    load_catalogue,
)
from dispatch.enums import (
    Determinant,
    IncidentStatus,
    Priority,
    ReferralChannel,
    UnitStatus,
)

PACKAGE_DIR = Path(catalogue_pkg.__file__).parent

AGENCIES = {
    "DAMKAR", "PSC119", "RSUD", "PMI", "POLRES", "BPBD", "SATPOLPP", "BASARNAS",
    "DINSOS", "PUPR", "PERKIM", "DLH", "PDAM", "PLN", "DISHUB", "DISKOMINFOTIK",
}  # fmt: skip
UNIT_TYPES = {
    "AMBULANCE", "HEARSE", "FIRE_ENGINE", "WATER_TANKER", "RESCUE",
    "POLICE_PATROL", "BPBD_RESPONSE", "SATPOL_PATROL",
}  # fmt: skip
CAPABILITIES = {
    "ALS", "BLS", "PATIENT_TRANSPORT", "PUMP", "WATER", "LADDER", "RESCUE_TOOLS",
    "EXTRICATION", "CHAINSAW", "BOAT", "ANIMAL_HANDLING", "HAZMAT", "EVACUATION",
    "LOGISTICS", "TRAFFIC", "ARMED",
}  # fmt: skip


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return get_catalogue()


def _codes_file(name: str) -> list[str]:
    lines = (PACKAGE_DIR / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def test_default_catalogue_is_cached(cat: Catalogue) -> None:
    assert get_catalogue() is cat


def test_catalogue_covers_the_types_a_blitar_center_meets(cat: Catalogue) -> None:
    expected = {
        "MED-UNCON", "MED-BREATH", "MED-CHEST", "MED-BLEED", "MED-BIRTH",
        "MED-SEIZURE", "MED-POISON", "MED-MENTAL", "TRAFFIC-INJ", "TRAFFIC-NOINJ",
        "TRAFFIC-TRAPPED", "FIRE-HOUSE", "FIRE-BUILDING", "FIRE-MARKET",
        "FIRE-VEHICLE", "FIRE-LAND", "TREE", "FLOOD", "LANDSLIDE", "WIND",
        "COLLAPSE", "ELEC-WIRES", "GAS-LEAK", "WATER-DROWN", "WATER-RESCUE",
        "ANIMAL-SNAKE", "ANIMAL-BEES", "ANIMAL-WILD", "ANIMAL-RESCUE",
        "CRIME-THEFT", "CRIME-ROBBERY", "VIOLENCE", "VIOLENCE-DOMESTIC",
        "PERSON-MISSING", "PERSON-ODGJ", "HEARSE", "POWER-OUT", "WATER-SUPPLY",
        "SANITATION-WASTE", "ROAD-DAMAGE", "PUBLIC-ORDER", "OTHER",
    }  # fmt: skip
    assert expected <= set(cat.types)
    assert len(cat) >= 50


def test_every_type_has_names_synonyms_and_a_known_family(cat: Catalogue) -> None:
    for itype in cat:
        assert itype.name.id, itype.code
        assert itype.name.en, itype.code
        assert itype.synonyms, itype.code
        assert itype.family in cat.duplicate_rules, itype.code
        assert itype.lead_agency in AGENCIES, itype.code


def test_apco_codes_used_exist_in_the_shipped_code_list(cat: Catalogue) -> None:
    shipped = _codes_file("apco_incident_codes.txt")
    assert len(shipped) == len(set(shipped)), "code list must not repeat codes"
    assert shipped.count("FVEH") == 1
    assert shipped.count("MAYDAY") == 1
    for itype in cat:
        assert itype.apco in shipped, itype.code


def test_code_lists_hold_codes_only_not_description_texts() -> None:
    for name in ("apco_incident_codes.txt", "apco_disposition_codes.txt"):
        for code in _codes_file(name):
            assert " " not in code, (name, code)


def test_dispositions_map_to_apco_two_digit_codes(cat: Catalogue) -> None:
    shipped = set(_codes_file("apco_disposition_codes.txt"))
    assert len(shipped) == 45
    assert catalogue.apco_disposition("FIRE_EXTINGUISHED") == "23"
    assert catalogue.apco_disposition("DUPLICATE") == "22"
    assert catalogue.apco_disposition("PATIENT_TRANSPORTED") == "45"
    for code, disp in cat.dispositions.items():
        assert disp.apco in shipped, code
        assert len(disp.apco) == 2
    with pytest.raises(UnknownCodeError):
        catalogue.apco_disposition("NO_SUCH_CODE")


def test_every_unit_status_maps_to_eido_values() -> None:
    values = _codes_file("eido_unit_status_values.txt")
    primary = {v.split()[1] for v in values if v.startswith("primary")}
    secondary = {v.split()[1] for v in values if v.startswith("secondary")}
    for status in UnitStatus:
        mapped = catalogue.eido_unit_status(status)
        assert mapped.primary in primary
        assert set(mapped.secondary) <= secondary
    assert catalogue.eido_unit_status(UnitStatus.AVAILABLE).primary == "Available"
    assert catalogue.eido_unit_status(UnitStatus.EN_ROUTE).secondary == ("EnRoute",)
    assert (
        catalogue.eido_unit_status(UnitStatus.OUT_OF_SERVICE).primary == "NotAvailable"
    )


def test_every_incident_status_maps_to_eido_values() -> None:
    shipped = set(_codes_file("eido_incident_status_values.txt"))
    for status in IncidentStatus:
        values = catalogue.eido_incident_status(status)
        assert values
        assert set(values) <= shipped
    assert "ResourcesOnscene" in catalogue.eido_incident_status(IncidentStatus.ON_SCENE)


def test_vocabulary_is_the_one_agreed_with_geodata(cat: Catalogue) -> None:
    assert set(cat.agencies) == AGENCIES
    assert set(cat.unit_types) == UNIT_TYPES
    assert set(cat.capabilities) == CAPABILITIES


def test_emergency_types_have_plans_with_known_units(cat: Catalogue) -> None:
    for itype in cat:
        if not itype.is_emergency:
            continue
        for det, level in itype.levels.items():
            assert level.plan, (itype.code, det)
            for slot in level.plan:
                assert slot.unit_type in UNIT_TYPES
                assert slot.capabilities <= CAPABILITIES


def test_house_fire_delta_plan(cat: Catalogue) -> None:
    plan = cat.level("FIRE-HOUSE", Determinant.DELTA).plan
    counts: Counter[str] = Counter()
    for slot in plan:
        counts[slot.unit_type] += slot.count
    assert counts == {"FIRE_ENGINE": 2, "WATER_TANKER": 1, "AMBULANCE": 1}
    assert cat.level("FIRE-HOUSE", Determinant.DELTA).priority is Priority.P1


def test_referral_types_name_agency_channel_and_sector(cat: Catalogue) -> None:
    expected = {
        "WATER-SUPPLY": ("PDAM", Sector.DRINKING_WATER),
        "POWER-OUT": ("PLN", Sector.POWER),
        "SANITATION-WASTE": ("DLH", Sector.SANITATION),
        "ROAD-DAMAGE": ("PUPR", Sector.ROADS),
        "STREETLIGHT": ("PERKIM", Sector.ROADS),
        "SOCIAL": ("DINSOS", Sector.SOCIAL),
    }
    for code, (agency, sector) in expected.items():
        referral = cat.referral(code)
        assert referral is not None, code
        assert referral.agency == agency
        assert referral.sector is sector
        assert referral.channel in {ReferralChannel.SP4N_LAPOR, ReferralChannel.ULPIM}
    referrals = [t for t in cat if not t.is_emergency]
    assert len(referrals) >= 7
    for itype in referrals:
        assert all(not lv.plan for lv in itype.levels.values())
    assert cat.referral("FIRE-HOUSE") is None


def test_unknown_type_code_raises_lookup_error(cat: Catalogue) -> None:
    with pytest.raises(UnknownCodeError) as info:
        cat.incident_type("FIRE-HOUS")
    assert isinstance(info.value, LookupError)


def test_level_targets_fall_back_to_priority_targets(cat: Catalogue) -> None:
    drown = cat.level_targets("WATER-DROWN", Determinant.DELTA)
    assert drown.on_scene_target_s == 1800
    house = cat.level_targets("FIRE-HOUSE", Determinant.DELTA)
    assert house.on_scene_target_s == cat.targets(Priority.P1).on_scene_target_s
    assert cat.targets(Priority.P1).dispatch_target_s == 60
    assert cat.answer_target_s == 15


def test_related_is_symmetric(cat: Catalogue) -> None:
    assert cat.related("FIRE-HOUSE", "FIRE-BUILDING")
    assert cat.related("FIRE-BUILDING", "FIRE-HOUSE")
    assert not cat.related("FIRE-HOUSE", "ANIMAL-SNAKE")


# --- search ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("kbakaran rumah", "FIRE-HOUSE"),
        ("kebakaran rumah", "FIRE-HOUSE"),
        ("house fire", "FIRE-HOUSE"),
        ("FIRE-HOUSE", "FIRE-HOUSE"),
        ("fire house", "FIRE-HOUSE"),
        ("pohon tumbang", "TREE"),
        ("ular", "ANIMAL-SNAKE"),
        ("tawon", "ANIMAL-BEES"),
        ("pingsan", "MED-UNCON"),
        ("begal", "CRIME-ROBBERY"),
        ("air pdam mati", "WATER-SUPPLY"),
        ("mati lampu", "POWER-OUT"),
        ("ambulans jenazah", "HEARSE"),
        ("KDRT", "VIOLENCE-DOMESTIC"),
        ("pohon", "TREE"),
        ("tabrakan", "TRAFFIC-INJ"),
        ("omah kobong", "FIRE-HOUSE"),
    ],
)
def test_search_ranks_the_expected_type_first(query: str, first: str) -> None:
    hits = catalogue.search(query)
    assert hits, query
    assert hits[0].code == first


def test_search_laka_finds_traffic_accidents() -> None:
    hits = catalogue.search("laka", limit=3)
    assert hits[0].code == "TRAFFIC-INJ"
    assert all(h.code.startswith("TRAFFIC-") for h in hits)


def test_search_prefix_while_typing_offers_fires() -> None:
    codes = [h.code for h in catalogue.search("kebak", limit=6)]
    assert "FIRE-HOUSE" in codes[:3]


def test_search_limits_and_empty_queries() -> None:
    assert catalogue.search("") == []
    assert catalogue.search("   ") == []
    assert len(catalogue.search("kebakaran", limit=2)) == 2
    assert catalogue.search("xqzjvw") == []


# --- bad data ---------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    target.mkdir()
    for item in PACKAGE_DIR.iterdir():
        if item.suffix in {".toml", ".txt"}:
            shutil.copy(item, target / item.name)
    return target


def test_copy_of_shipped_data_loads(data_copy: Path) -> None:
    assert len(load_catalogue(data_copy)) == len(get_catalogue())


def test_unknown_unit_type_names_file_and_key(data_copy: Path) -> None:
    path = data_copy / "types_30_fire.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('"WATER_TANKER"', '"WATER_TANKR"', 1), encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(data_copy)
    message = str(info.value)
    assert "types_30_fire.toml" in message
    assert "types[FIRE-HOUSE].levels.ECHO.plan[1].unit_type" in message
    assert "WATER_TANKR" in message


def test_unknown_apco_code_is_refused(data_copy: Path) -> None:
    path = data_copy / "types_50_animal.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('apco = "ANIMAL"', 'apco = "SNAKE"', 1), encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"types\[ANIMAL-SNAKE\]\.apco"):
        load_catalogue(data_copy)


def test_bad_determinant_in_answers_is_refused(data_copy: Path) -> None:
    path = data_copy / "types_90_other.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('sets = { y = "DELTA" }', 'sets = { y = "ECHO" }'), "utf-8"
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(data_copy)
    assert "types_90_other.toml" in str(info.value)
    assert "types[OTHER]" in str(info.value)


def test_toml_syntax_error_names_the_file(data_copy: Path) -> None:
    (data_copy / "targets.toml").write_text(
        "answer_target_s = = 15\n", encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"targets\.toml: not valid TOML"):
        load_catalogue(data_copy)


def test_duplicate_type_code_is_refused(data_copy: Path) -> None:
    extra = (data_copy / "types_90_other.toml").read_text(encoding="utf-8")
    (data_copy / "types_99_extra.toml").write_text(extra, encoding="utf-8")
    with pytest.raises(CatalogueError, match="code already used"):
        load_catalogue(data_copy)


def test_bad_disposition_code_is_refused(data_copy: Path) -> None:
    path = data_copy / "standards.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('apco = "23"', 'apco = "99"'), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"dispositions\.FIRE_EXTINGUISHED\.apco"):
        load_catalogue(data_copy)


def test_levels_with_equal_severity_are_refused(data_copy: Path) -> None:
    path = data_copy / "types_90_other.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'priority = "P2", eido_priority = 5', 'priority = "P1", eido_priority = 8'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="same priority and EIDO priority"):
        load_catalogue(data_copy)


def test_vocabulary_matches_geodata_region_pack_constants(cat: Catalogue) -> None:
    from geodata.packs import CAPABILITIES as PACK_CAPABILITIES
    from geodata.packs import UNIT_TYPES as PACK_UNIT_TYPES

    assert set(PACK_UNIT_TYPES) == set(cat.unit_types)
    assert set(PACK_CAPABILITIES) == set(cat.capabilities)


def test_every_referral_channel_has_names(cat: Catalogue) -> None:
    assert set(cat.channels) == set(ReferralChannel)
    assert cat.channels[ReferralChannel.SP4N_LAPOR].id == "SP4N-LAPOR!"
