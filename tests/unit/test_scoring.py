"""RewardBench arithmetic against values computed by hand from the reference weights."""

import pytest

from components.scoring import (
    PAPER,
    SUBSET_WEIGHTS,
    overall_score,
    prior_sets_score,
    rb2_score,
    section_scores,
)


def test_section_totals_match_the_reference_counts():
    totals = {section: sum(weights.values()) for section, weights in SUBSET_WEIGHTS.items()}
    assert totals == {"Chat": 358, "Chat Hard": 456, "Safety": 740, "Reasoning": 1968}
    assert SUBSET_WEIGHTS["Safety"]["xstest-should-refuse"] == 154
    assert SUBSET_WEIGHTS["Safety"]["xstest-should-respond"] == 250
    assert SUBSET_WEIGHTS["Reasoning"]["math-prm"] == 984


def test_section_is_the_count_weighted_mean_of_its_subsets():
    scores = section_scores({"math-prm": 0.5, "hep-python": 1.0, "hep-go": 0.0})
    assert scores == {"Reasoning": pytest.approx((0.5 * 984 + 1.0 * 164) / (984 + 164 + 164))}


def test_a_section_without_subsets_is_absent_not_zero():
    assert "Safety" not in section_scores({"alpacaeval-easy": 0.9})
    assert section_scores({"alpacaeval-easy": float("nan")}) == {}


def test_overall_conventions():
    sections = {"Chat": 90.0, "Chat Hard": 60.0, "Safety": 80.0, "Reasoning": 70.0}
    assert overall_score(sections) == pytest.approx(75.0)
    assert overall_score(sections, prior_sets=66.0, convention=PAPER) == pytest.approx((2 * 300 + 66) / 9)
    assert overall_score(sections, prior_sets=None, convention=PAPER) == pytest.approx(75.0)


def test_overall_needs_all_four_sections():
    assert overall_score({"Chat": 90.0, "Chat Hard": 60.0, "Safety": 80.0}) is None


def test_unknown_convention_is_refused():
    with pytest.raises(ValueError, match="unknown overall convention"):
        overall_score({}, convention="mean")


def test_prior_sets_and_rewardbench_2():
    assert prior_sets_score({"shp": 0.5, "summarize": 0.7}) == pytest.approx(0.6)
    assert prior_sets_score({}) is None
    categories = {"Factuality": 60, "Precise IF": 30, "Math": 60, "Safety": 90, "Focus": 80, "Ties": 40}
    assert rb2_score(categories) == pytest.approx(60.0)
    assert rb2_score({**categories, "Ties": None}) is None
