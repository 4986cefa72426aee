"""Triage: answers → level → priority, with reasons; property tests over all types."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.catalogue import IncidentType, UnknownCodeError, get_catalogue
from dispatch.enums import Determinant, Priority
from dispatch.triage import (
    InvalidAnswerError,
    TriageReasonCode,
    explain,
    triage,
)

CAT = get_catalogue()
TYPES_WITH_QUESTIONS = [t for t in CAT if t.questions]


def test_no_answers_give_the_conservative_default() -> None:
    result = triage("FIRE-HOUSE", {})
    assert result.determinant is Determinant.DELTA
    assert result.priority is Priority.P1
    assert [r.code for r in result.reasons] == [TriageReasonCode.NOT_TRIAGED]
    assert not result.complete


def test_trapped_person_in_house_fire_is_echo() -> None:
    result = triage("FIRE-HOUSE", {"trapped": "y"})
    assert result.determinant is Determinant.ECHO
    assert result.priority is Priority.P1
    assert result.eido_priority == 10
    assert [(r.question_id, r.answer) for r in result.reasons] == [("trapped", "y")]
    assert "RESCUE" in {s.unit_type for s in result.plan}


def test_all_benign_answers_give_the_base_level() -> None:
    answers = {"trapped": "n", "spreading": "n", "injured": "n", "out": "y"}
    result = triage("FIRE-HOUSE", answers)
    assert result.determinant is Determinant.ALPHA
    assert result.priority is Priority.P3
    assert [r.code for r in result.reasons] == [TriageReasonCode.BASE]
    assert result.complete


def test_fire_still_burning_is_bravo() -> None:
    answers = {"trapped": "n", "spreading": "n", "injured": "n", "out": "n"}
    result = triage("FIRE-HOUSE", answers)
    assert result.determinant is Determinant.BRAVO
    assert result.reasons[0].question_id == "out"


def test_unanswered_questions_keep_the_default_until_answered() -> None:
    result = triage("FIRE-HOUSE", {"trapped": "n"})
    assert result.determinant is Determinant.DELTA
    assert {r.code for r in result.reasons} == {TriageReasonCode.UNANSWERED}
    assert {r.question_id for r in result.reasons} == {"spreading", "injured", "out"}


def test_question_with_lower_if_unanswered() -> None:
    # The "older than 35" refinement only calls for CHARLIE when unknown.
    answers = {"not_breathing": "n", "danger_signs": "n"}
    result = triage("MED-CHEST", answers)
    assert result.determinant is Determinant.CHARLIE
    assert result.reasons[0].question_id == "over_35"


def test_dont_know_counts_as_unanswered() -> None:
    known = triage(
        "MED-UNCON", {"not_breathing": "n", "unresponsive": "n", "chest_pain": "n"}
    )
    unsure = triage(
        "MED-UNCON", {"not_breathing": "n", "unresponsive": "u", "chest_pain": "n"}
    )
    assert known.determinant is Determinant.BRAVO
    assert unsure.determinant is Determinant.DELTA
    assert unsure.reasons[0].code is TriageReasonCode.UNANSWERED
    assert unsure.reasons[0].answer == "u"
    assert not unsure.complete


def test_only_dont_know_answers_are_not_triaged() -> None:
    result = triage("MED-UNCON", {"not_breathing": "u"})
    assert result.reasons[0].code is TriageReasonCode.NOT_TRIAGED


def test_choice_question_sets_level() -> None:
    result = triage("FLOOD", {"trapped": "n", "homes": "n", "depth": "3"})
    assert result.determinant is Determinant.DELTA
    assert result.reasons[0].question_id == "depth"


def test_answers_are_case_and_space_insensitive_and_blank_is_unanswered() -> None:
    assert triage("FIRE-HOUSE", {"trapped": " Y "}).determinant is Determinant.ECHO
    assert (
        triage("FIRE-HOUSE", {"trapped": ""}).reasons[0].code
        is TriageReasonCode.NOT_TRIAGED
    )
    assert triage("FIRE-HOUSE", {"trapped": None}).determinant is Determinant.DELTA


def test_unknown_question_or_answer_is_refused() -> None:
    with pytest.raises(InvalidAnswerError) as info:
        triage("FIRE-HOUSE", {"weapon": "y"})
    assert info.value.question_id == "weapon"
    with pytest.raises(InvalidAnswerError, match="not one of y, n, u"):
        triage("FIRE-HOUSE", {"trapped": "maybe"})
    with pytest.raises(UnknownCodeError):
        triage("NOPE", {})


def test_referral_type_gives_referral_and_no_plan() -> None:
    result = triage("WATER-SUPPLY")
    assert not result.is_emergency
    assert result.referral is not None
    assert result.referral.agency == "PDAM"
    assert result.plan == ()
    assert result.priority is Priority.P4
    assert result.reasons[0].code is TriageReasonCode.FIXED


def test_targets_come_with_the_result() -> None:
    search = {"in_water": "n", "out_not_breathing": "n", "not_seen": "y"}
    assert triage("WATER-DROWN", search).on_scene_target_s == 1800
    p1 = CAT.targets(Priority.P1)
    assert triage("FIRE-HOUSE").travel_target_s == p1.travel_target_s


def test_explain_in_both_languages() -> None:
    result = triage("FIRE-HOUSE", {"trapped": "y"})
    assert explain(result, "id") == ["Ada orang terjebak di dalam? Ya → ECHO (P1)"]
    assert explain(result, "en") == ["Is anyone trapped inside? Yes → ECHO (P1)"]
    assert "conservative default" in explain(triage("FIRE-HOUSE"), "en")[0]
    lines = explain(triage("FIRE-HOUSE", {"trapped": "n"}), "en")
    assert any("not answered" in line for line in lines)


# --- properties --------------------------------------------------------------------


@st.composite
def typed_answers(draw: st.DrawFn) -> tuple[IncidentType, dict[str, str | None]]:
    itype = draw(st.sampled_from(TYPES_WITH_QUESTIONS))
    answers: dict[str, str | None] = {}
    for q in itype.questions:
        choice = draw(st.sampled_from([None, *(o.key for o in q.options)]))
        if choice is not None or draw(st.booleans()):
            answers[q.id] = choice
    return itype, answers


@settings(max_examples=300, deadline=None)
@given(typed_answers())
def test_any_answers_give_a_valid_level(
    case: tuple[IncidentType, dict[str, str | None]],
) -> None:
    itype, answers = case
    result = triage(itype.code, answers)
    level = itype.levels[result.determinant]
    assert result.priority is level.priority
    assert result.eido_priority == level.eido_priority
    assert 0 <= result.eido_priority <= 10
    assert result.plan == level.plan
    assert result.reasons
    assert all(r.determinant is result.determinant for r in result.reasons)
    # Never below the base, never above the worst level the data can call for.
    assert itype.severity(result.determinant) <= itype.severity(itype.base_level)


def _option_severity(
    itype: IncidentType, question_id: str, key: str
) -> tuple[int, int]:
    question = itype.question(question_id)
    assert question is not None
    return itype.severity(question.sets.get(key, itype.base_level))


@settings(max_examples=300, deadline=None)
@given(typed_answers(), st.data())
def test_a_worse_answer_never_lowers_priority(
    case: tuple[IncidentType, dict[str, str | None]], data: st.DataObject
) -> None:
    itype, answers = case
    question = data.draw(st.sampled_from(itype.questions))
    real = [o.key for o in question.options if not o.unknown]
    a, b = data.draw(st.sampled_from(real)), data.draw(st.sampled_from(real))
    if _option_severity(itype, question.id, a) < _option_severity(
        itype, question.id, b
    ):
        a, b = b, a  # now b is at least as bad as a
    better = triage(itype.code, {**answers, question.id: a})
    worse = triage(itype.code, {**answers, question.id: b})
    assert itype.severity(worse.determinant) <= itype.severity(better.determinant)
    assert worse.priority.rank <= better.priority.rank


@settings(max_examples=200, deadline=None)
@given(typed_answers())
def test_answering_everything_worst_is_at_least_the_default(
    case: tuple[IncidentType, dict[str, str | None]],
) -> None:
    itype, _ = case
    worst: dict[str, str | None] = {}
    for q in itype.questions:
        real = [o.key for o in q.options if not o.unknown]
        worst[q.id] = min(real, key=partial(_option_severity, itype, q.id))
    result = triage(itype.code, worst)
    assert itype.severity(result.determinant) <= itype.severity(itype.base_level)
