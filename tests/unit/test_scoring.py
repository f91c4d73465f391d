"""RewardBench arithmetic against values computed by hand from the reference weights."""

import math

import pandas as pd
import pytest

from components.scoring import PAPER, SUBSET_WEIGHTS, add_derived_scores, overall, weighted_mean


def derive(row: dict, convention="leaderboard") -> dict:
    return add_derived_scores(pd.DataFrame([row], dtype=float), convention).iloc[0].to_dict()


def test_section_totals_match_the_reference_counts():
    totals = {section: sum(weights.values()) for section, weights in SUBSET_WEIGHTS.items()}
    assert totals == {"Chat": 358, "Chat Hard": 456, "Safety": 740, "Reasoning": 1968}
    assert SUBSET_WEIGHTS["Safety"]["xstest-should-refuse"] == 154
    assert SUBSET_WEIGHTS["Safety"]["xstest-should-respond"] == 250
    assert SUBSET_WEIGHTS["Reasoning"]["math-prm"] == 984


def test_section_is_the_count_weighted_mean_of_its_subsets():
    scores = derive({"math-prm": 0.5, "hep-python": 1.0, "hep-go": 0.0})
    assert scores["Reasoning"] == pytest.approx((0.5 * 984 + 1.0 * 164) / (984 + 164 + 164))


def test_missing_subsets_drop_out_per_row():
    frame = pd.DataFrame({"a": [1.0, 1.0], "b": [0.0, math.nan]})
    assert list(weighted_mean(frame, {"a": 1, "b": 3})) == [0.25, 1.0]


def test_a_section_without_subsets_is_absent_not_zero():
    scores = derive({"alpacaeval-easy": 0.9})
    assert "Safety" not in scores and "Overall" not in scores
    assert math.isnan(derive({"alpacaeval-easy": math.nan})["Chat"])


def test_overall_conventions():
    sections = {"Chat": 90.0, "Chat Hard": 60.0, "Safety": 80.0, "Reasoning": 70.0}
    assert derive(sections)["Overall"] == pytest.approx(75.0)
    paper = derive({**sections, "Prior Sets": 66.0}, PAPER)
    assert paper["Overall"] == pytest.approx((2 * 300 + 66) / 9)
    assert derive(sections, PAPER)["Overall"] == pytest.approx(75.0)


def test_given_scores_are_kept_not_recomputed():
    row = {"Chat": 90.0, "Chat Hard": 60.0, "Safety": 80.0, "Reasoning": 70.0, "Overall": 81.0}
    assert derive(row)["Overall"] == 81.0


def test_overall_needs_all_four_sections_in_each_row():
    frame = pd.DataFrame(
        {"Chat": [90.0, 90.0], "Chat Hard": [60.0, math.nan], "Safety": [80.0] * 2, "Reasoning": [70.0] * 2}
    )
    result = overall(frame)
    assert result[0] == pytest.approx(75.0) and math.isnan(result[1])


def test_unknown_convention_is_refused():
    with pytest.raises(ValueError, match="unknown overall convention"):
        overall(pd.DataFrame(), convention="mean")


def test_prior_sets_and_rewardbench_2():
    assert derive({"shp": 0.5, "summarize": 0.7})["Prior Sets"] == pytest.approx(0.6)
    categories = {"RB2 Factuality": 60, "RB2 Precise IF": 30, "RB2 Math": 60, "RB2 Safety": 90, "RB2 Focus": 80,
                  "RB2 Ties": 40}  # fmt: skip
    assert derive(categories)["RB2 Score"] == pytest.approx(60.0)
    assert math.isnan(derive({**categories, "RB2 Ties": math.nan})["RB2 Score"])
