"""``liaison votes tally``: the example estate, stdin, and bad input refused with exit code 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.common.settings import PROJECT_ROOT
from engine.meetings.votes.tally import Matter

EXAMPLES = PROJECT_ROOT / "tests" / "fixtures" / "votes"

# Every key the tally accepts, as its refusal lists them: art. 278's nine items, the old classes.
MATTER_KEYS = " | ".join(f'"{matter.value}"' for matter in Matter)


def tally(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["votes", "tally", *args], input=stdin,
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def example() -> Any:
    return json.loads((EXAMPLES / "example.json").read_text(encoding="utf-8"))


def test_the_example_prints_its_expected_result() -> None:
    code, out, err = tally(str(EXAMPLES / "example.json"))
    assert (code, err) == (0, "")
    expected = (EXAMPLES / "example.expected.json").read_text(encoding="utf-8")
    assert out == expected
    result = json.loads(out)
    # The hand count: 14 units, 10 people, the developer's three units one of them.
    assert (result["total_area"], result["total_headcount"]) == ("1408.75", 10)
    assert (result["participating_area"], result["participating_headcount"]) == ("1278.75", 9)
    assert (result["agree_area"], result["agree_headcount"]) == ("934.75", 5)
    assert (result["participation_ok"], result["passed"]) == (True, True)


def test_the_example_as_a_special_matter_fails_on_area_from_stdin() -> None:
    data = {**example(), "matter": "special"}
    code, out, _ = tally("-", stdin=json.dumps(data))
    assert code == 0
    result = json.loads(out)
    # 934.75 m² agreed, 3/4 of 1278.75 m² is 959.0625 m²; 5 of 9 owners, 3/4 of 9 is 6.75.
    assert [check["ok"] for check in result["checks"]] == [True, True, False, False]
    assert result["passed"] is False
    assert result["explanation"][-1] == ("Not passed: agreement by area and agreement by "
                                         "headcount are not met.")


def test_using_the_maintenance_fund_passes_with_more_than_half_as_item_5() -> None:
    code, out, err = tally("-", stdin=json.dumps({**example(), "matter": "use_maintenance_fund"}))
    assert (code, err) == (0, "")
    result = json.loads(out)
    # The same ballots as the ordinary example: 934.75 of 1278.75 m², 5 of 9 owners agreed.
    assert [check["ok"] for check in result["checks"]] == [True, True, True, True]
    assert [check["fraction"] for check in result["checks"]] == ["2/3", "2/3", "1/2", "1/2"]
    assert result["passed"] is True
    assert result["explanation"][0].startswith(
        "Civil Code art. 278 item 5, using the maintenance fund of the buildings and "
        "facilities: ")


def test_raising_the_maintenance_fund_needs_three_quarters_as_item_6() -> None:
    code, out, _ = tally("-", stdin=json.dumps({**example(), "matter": "raise_maintenance_fund"}))
    assert code == 0
    result = json.loads(out)
    assert [check["ok"] for check in result["checks"]] == [True, True, False, False]
    assert result["checks"][2]["fraction"] == "3/4"
    assert result["passed"] is False


def test_output_keeps_chinese_owner_ids_readable() -> None:
    data = {"matter": "ordinary",
            "units": [{"id": "1-101", "area": "80.00", "owner": "王先生", "status": "delivered"},
                      {"id": "9-901", "area": "50.00", "owner": "開發商", "status": "unsold"}],
            "ballots": [{"owner": "王先生", "vote": "agree"}]}
    code, out, _ = tally("-", stdin=json.dumps(data))
    assert code == 0
    assert '"developer": "開發商"' in out


def test_json_numbers_for_areas_are_read_exactly() -> None:
    data = ('{"matter": "ordinary", "ballots": [{"owner": "a", "vote": "agree"}, '
            '{"owner": "b", "vote": "agree"}], "units": ['
            '{"id": "1", "area": 0.01, "owner": "a", "status": "delivered"}, '
            '{"id": "2", "area": 0.19, "owner": "b", "status": "delivered"}, '
            '{"id": "3", "area": 0.10, "owner": "c", "status": "delivered"}]}')
    code, out, _ = tally("-", stdin=data)
    assert code == 0
    assert json.loads(out)["participation_ok"] is True  # 0.20 of 0.30 is exactly 2/3


def unknown_owner(data: Any) -> None:
    data["ballots"].append({"owner": "o-99", "vote": "agree"})


def second_ballot(data: Any) -> None:
    data["ballots"].append({"owner": "o-01", "vote": "disagree"})


def negative_area(data: Any) -> None:
    data["units"][0]["area"] = "-89.50"


def unknown_matter(data: Any) -> None:
    data["matter"] = "urgent"


def unsold_unit_of_a_buyer(data: Any) -> None:
    data["units"][10]["owner"] = "o-05"  # 2-301, unsold


@pytest.mark.parametrize(("change", "message"), [
    (unknown_owner, 'error: ballot of "o-99": no unit has this owner'),
    (second_ballot, "error: owner \"o-01\" has more than one ballot (one ballot covers all of "
                    "an owner's units)"),
    (negative_area, 'error: unit "1-101": area must be greater than zero, not -89.50'),
    (unknown_matter, 'error: matter: one of ' + MATTER_KEYS + ' is required, not "urgent"'),
    (unsold_unit_of_a_buyer, "error: unsold and undelivered units all belong to the developer, "
                             'so they must name one owner id, but they name "dev", "o-05"'),
])
def test_bad_input_is_refused_with_the_message_and_exit_code_2(
        tmp_path: Path, change: Callable[[Any], None], message: str) -> None:
    data = example()
    change(data)
    path = tmp_path / "ballots.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = tally(str(path))
    assert (code, out) == (2, "")
    assert err.splitlines() == [message]


def test_every_problem_is_printed_on_its_own_line() -> None:
    data = example()
    data["units"][0]["area"] = "-1"
    data["ballots"] += [{"owner": "o-09", "vote": "maybe"}, {"owner": "nobody", "vote": "agree"}]
    code, _, err = tally("-", stdin=json.dumps(data))
    assert code == 2
    assert err.splitlines() == [
        'error: ballots[9].vote: one of "agree" | "disagree" | "abstain" | "spoiled" is '
        'required, not "maybe"',
        'error: unit "1-101": area must be greater than zero, not -1',
        'error: ballot of "nobody": no unit has this owner',
    ]


def test_a_file_that_is_not_json_is_refused_with_exit_code_2() -> None:
    code, out, err = tally("-", stdin='{"matter": "ordinary",')
    assert (code, out) == (2, "")
    assert err.startswith("error: <stdin> is not valid JSON: ")


def test_a_missing_file_is_a_usage_error() -> None:
    code, _, err = tally("no-such-ballots.json")
    assert code == 2
    assert "No such file or directory" in err
