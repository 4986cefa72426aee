"""Type search for caller speech: negation, inferred answers, explanations, data."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch import catalogue
from dispatch.catalogue import CatalogueError, load_catalogue

PACKAGE_DIR = Path(str(files("dispatch.catalogue")))
CODES = set(catalogue.get_catalogue().types)


def first(text: str) -> str:
    hits = catalogue.search(text, limit=3)
    assert hits, text
    return hits[0].code


# --- the injury pair follows what the caller said ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "tabrakan motor, tanpa korban",
        "tabrakan motor, tidak ada yang luka",
        "tabrakan motor gak ada korban",
        "kecelakaan, ora ono sing tatu",
        "laka, korban nihil",
        "tabrakan, semua selamat",
        "ada kecelakaan ga ada yg terluka",
    ],
)
def test_denied_injuries_pick_the_no_injury_accident(text: str) -> None:
    assert first(text) == "TRAFFIC-NOINJ"


@pytest.mark.parametrize(
    "text",
    [
        "tabrakan motor, ada korban",
        "tabrakan motor, ada yang luka",
        "kecelakaan, wonge tatu",
        "senggolan tapi ada yang luka",
        "tabrakan, korbannya pingsan",
    ],
)
def test_said_injuries_pick_the_injury_accident(text: str) -> None:
    assert first(text) == "TRAFFIC-INJ"


def test_not_knowing_is_neither_said_nor_denied() -> None:
    hits = catalogue.search("tabrakan, tidak tahu ada korban atau tidak")
    assert hits[0].code == "TRAFFIC-INJ"  # the conservative one of the pair
    assert all(not h.answers for h in hits)


def test_a_symptom_outweighs_a_denied_victim() -> None:
    hit = catalogue.search("tabrakan, tidak ada korban, cuma ada yang pingsan")[0]
    assert hit.code == "TRAFFIC-INJ"
    cat = catalogue.get_catalogue()
    answers = cat.infer_answers(
        "kebakaran, tidak ada korban tapi ada yang pingsan", "FIRE-HOUSE"
    )
    assert all(a.question != "injured" for a in answers)


def test_negation_stops_at_a_clause_break() -> None:
    # "tidak" belongs to the first clause; the injury is said in the second.
    assert first("tabrakan tidak parah, tapi ada yang luka") == "TRAFFIC-INJ"


def test_trapped_wins_over_injury_and_no_injury() -> None:
    assert first("kecelakaan mobil, sopirnya kejepit") == "TRAFFIC-TRAPPED"
    assert first("tabrakan, tidak ada yang luka tapi sopir terjepit") == (
        "TRAFFIC-TRAPPED"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("minum racun tikus, sekarang tidak sadar", "MED-POISON"),
        ("kejang terus pingsan", "MED-SEIZURE"),
        ("anak kelelep, tidak bernapas", "WATER-DROWN"),
        ("pingsan di pinggir jalan", "MED-UNCON"),
    ],
)
def test_the_cause_wins_over_the_symptom(text: str, code: str) -> None:
    hit = catalogue.search(text, limit=1)[0]
    assert hit.code == code
    if code != "MED-UNCON":
        assert "taken as part of this type" in hit.why[-1]


def test_a_negated_symptom_is_no_evidence_for_its_type() -> None:
    assert first("ibu sesak napas, tidak pingsan") == "MED-BREATH"


# --- sentences, slang, typos --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("tolong pak, ini ada rumah kobong", "FIRE-HOUSE"),
        ("geni gede neng omahe tonggo", "FIRE-HOUSE"),
        ("mbah semaput", "MED-UNCON"),
        ("bocah kecemplung kali", "WATER-DROWN"),
        ("wit ambruk nang dalan", "TREE"),
        ("kbakaran rumah", "FIRE-HOUSE"),
        ("kecelakan motor", "TRAFFIC-INJ"),
    ],
)
def test_caller_words_find_the_type(text: str, code: str) -> None:
    assert first(text) == code


def test_filler_alone_offers_only_the_catch_all() -> None:
    assert [h.code for h in catalogue.search("tolong pak, tolong")] == ["OTHER"]


def test_hits_explain_themselves() -> None:
    hit = catalogue.search("omahe kobong, tidak ada korban", limit=1)[0]
    assert hit.code == "FIRE-HOUSE"
    text = "\n".join(hit.why)
    assert "'kobong' read as 'terbakar'" in text
    assert "denied injury" in text


def test_typos_are_explained() -> None:
    hit = catalogue.search("kbakaran rumah", limit=1)[0]
    assert "'kbakaran' read as 'kebakaran' (typing)" in hit.why


def test_condition_is_explained() -> None:
    hit = catalogue.search("tabrakan, tidak ada yang luka", limit=1)[0]
    assert any("denied injury" in line and "traffic" in line for line in hit.why)


# --- inferred key-question answers ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("rumah terbakar, ada orang terjepit", "FIRE-HOUSE", {"trapped": "y"}),
        ("rumah kobong apinya menjalar", "FIRE-HOUSE", {"spreading": "y"}),
        ("bapak semaput", "MED-UNCON", {"unresponsive": "y"}),
        (
            "pingsan dan tidak bernapas",
            "MED-UNCON",
            {"unresponsive": "y", "not_breathing": "y"},
        ),
        ("tabrakan, gak ada yang luka", "TRAFFIC-NOINJ", {"anyone_hurt": "n"}),
        ("tawuran bawa celurit", "VIOLENCE", {"weapon": "y"}),
    ],
)
def test_answers_are_inferred(text: str, code: str, expected: dict[str, str]) -> None:
    hit = next(h for h in catalogue.search(text) if h.code == code)
    assert hit.answer_map == expected
    assert catalogue.get_catalogue().infer_answers(text, code) == hit.answers


def test_inferred_answers_name_their_evidence() -> None:
    hit = catalogue.search("rumah kobong, ono wong kejebak", limit=1)[0]
    (answer,) = hit.answers
    assert (answer.question, answer.answer, answer.concept) == (
        "trapped",
        "y",
        "trapped",
    )
    assert answer.evidence == "kejebak"


def test_a_denied_phrase_answers_no() -> None:
    cat = catalogue.get_catalogue()
    (answer,) = cat.infer_answers("orangnya tidak pingsan", "MED-UNCON")
    assert (answer.question, answer.answer, answer.denied) == (
        "unresponsive",
        "n",
        True,
    )
    assert all(h.code != "MED-UNCON" for h in cat.search("orangnya tidak pingsan"))


def test_inferred_answers_are_valid_options() -> None:
    cat = catalogue.get_catalogue()
    for text in [
        "terjepit pingsan tidak bernapas menjalar celurit digigit banyak korban"
    ]:
        for hit in cat.search(text, limit=len(cat)):
            itype = cat.types[hit.code]
            for ans in hit.answers:
                question = itype.question(ans.question)
                assert question is not None
                assert question.option(ans.answer) is not None


# --- any text, never an error -------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_returns_known_codes_or_nothing(text: str) -> None:
    hits = catalogue.search(text)
    assert all(h.code in CODES for h in hits)
    assert len(hits) <= 10


def _speech_words() -> list[str]:
    import tomllib

    with (PACKAGE_DIR / "speech.toml").open("rb") as fh:
        data = tomllib.load(fh)
    words = set(data["lexicon"]) | set(data["words"]["filler"][:20])
    for concept in data["concepts"].values():
        for phrase in (*concept.get("phrases", ()), *concept.get("denied_by", ())):
            words.update(phrase.split())
    for cue in (*data["negation"]["before"], *data["negation"]["after"]):
        words.update(cue.split())
    return sorted(words | {",", "tapi", "tabrakan", "rumah", "kebakaran", "laka"})


SPEECH_WORDS = _speech_words()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SPEECH_WORDS), max_size=25))
def test_caller_words_give_valid_answers_only(words: list[str]) -> None:
    cat = catalogue.get_catalogue()
    text = " ".join(words)
    for hit in cat.search(text):
        assert hit.code in CODES
        questions = {q.id: q for q in cat.types[hit.code].questions}
        assert len({a.question for a in hit.answers}) == len(hit.answers)
        for ans in hit.answers:
            assert questions[ans.question].option(ans.answer) is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x1b[31m",
        "🔥🔥🔥 rumah 🔥",
        "kebakaran " * 5000,
        "tidak " * 300,
        "'; DROP TABLE calls; --",
        "\u202erumah terbakar",
        "Ｋｅｂａｋａｒａｎ",
    ],
)
def test_hostile_text_never_raises(text: str) -> None:
    hits = catalogue.search(text)
    assert all(h.code in CODES for h in hits)


# --- the data: validated, with file and key named; extendable by a pack ----------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    target.mkdir()
    for item in PACKAGE_DIR.iterdir():
        if item.suffix in {".toml", ".txt"}:
            shutil.copy(item, target / item.name)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bad_speech_answer_names_file_and_key(data_copy: Path) -> None:
    _replace(
        data_copy / "speech.toml",
        'if_said = { trapped = "y"',
        'if_said = { trapped = "x"',
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data_copy)
    assert "speech.toml: concepts.trapped.if_said.trapped" in str(err.value)


def test_unknown_question_and_concept_are_refused(data_copy: Path) -> None:
    _replace(data_copy / "speech.toml", "if_said = { shocked", "if_said = { zapped")
    _replace(
        data_copy / "types_20_traffic.toml",
        'search = { denies = ["injury"] }',
        'search = { denies = ["injuries"] }',
    )
    _replace(
        data_copy / "types_10_medical.toml",
        'search = { absorbs = ["unconscious"] }',
        'search = { absorbs = ["asleep"] }',
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data_copy)
    message = str(err.value)
    assert (
        "concepts.electrocuted.if_said.zapped: no type has a question 'zapped'"
        in message
    )
    assert "types_20_traffic.toml: types[TRAFFIC-NOINJ].search.denies[0]" in message
    assert "types_10_medical.toml: types[MED-SEIZURE].search.absorbs[0]" in message


def test_malformed_speech_words_are_refused(data_copy: Path) -> None:
    _replace(data_copy / "speech.toml", 'gak = "tidak"', '"Gak Ada" = "tidak"')
    _replace(data_copy / "speech.toml", '"nya", "ne"', '"nya", "n e"')
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data_copy)
    message = str(err.value)
    assert "speech.toml: lexicon.Gak Ada: must be one lower-case word" in message
    assert "speech.toml: words.suffixes[1]: 'n e' is not one lower-case word" in message


def test_speech_values_are_validated(data_copy: Path) -> None:
    _replace(data_copy / "speech.toml", "scope = 4", "scope = 0")
    with pytest.raises(CatalogueError, match=r"speech\.toml: negation\.scope: "):
        load_catalogue(data_copy)


def test_missing_speech_file_is_named(data_copy: Path) -> None:
    (data_copy / "speech.toml").unlink()
    with pytest.raises(CatalogueError, match=r"speech\.toml: file is missing"):
        load_catalogue(data_copy)


def test_a_region_pack_adds_local_words(tmp_path: Path) -> None:
    assert not any(h.code == "ANIMAL-SNAKE" for h in catalogue.search("ana sawa gedhi"))
    pack = tmp_path / "speech.toml"
    pack.write_text(
        '[lexicon]\nsawa = "ular"\ngedhi = "besar"\n'
        '[synonyms]\n"FIRE-MARKET" = ["pasar templek terbakar"]\n'
        '[concepts.trapped]\nphrases = ["kejepit pintu"]\n',
        encoding="utf-8",
    )
    cat = load_catalogue(speech_files=[pack])
    assert cat.search("ana sawa gedhi", limit=1)[0].code == "ANIMAL-SNAKE"
    assert cat.search("pasar templek", limit=1)[0].code == "FIRE-MARKET"
    # shipped words still work
    assert cat.search("omah kobong", limit=1)[0].code == "FIRE-HOUSE"


def test_a_bad_pack_file_is_named(tmp_path: Path) -> None:
    pack = tmp_path / "local_speech.toml"
    pack.write_text(
        '[synonyms]\n"NO-SUCH" = ["x"]\n[concepts.x]\nif_said = { trapped = "q" }\n'
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(speech_files=[pack])
    message = str(err.value)
    assert "local_speech.toml: synonyms.NO-SUCH: unknown type code" in message
    assert "local_speech.toml: concepts.x.if_said.trapped" in message
