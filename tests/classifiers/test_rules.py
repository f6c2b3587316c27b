"""Rule-pack loading: a valid pack compiles; every problem of a bad pack is reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from classifiers.errors import RulePackError
from classifiers.model import Severity
from classifiers.rules import load_builtin_packs, load_pack_file, load_pack_text

GOOD = textwrap.dedent(
    """
    [pack]
    id = "demo"
    description = "Demo rules"

    [[rule]]
    id = "demo-token"
    entity_type = "GENERIC_SECRET"
    description = "a demo token"
    regex = '''demo_(?P<value>[A-Za-z0-9]{20})'''
    value_group = "value"
    keywords = ["demo_"]
    score = 0.8
    severity = "critical"
    min_entropy = 3.0
    filters = ["placeholder"]
    context = ["token"]
    allowlist = ['''^A+$''']

    [rule.examples]
    match = [
        "demo_aB3dE5fG7hJ9kL1mN3pQ",
        { text = "t demo_aB3dE5fG7hJ9kL1mN3pQ", value = "aB3dE5fG7hJ9kL1mN3pQ" },
    ]
    no_match = ["demo_xxxx"]
    """
)


def problems_of(text: str, **kwargs: bool) -> list[str]:
    with pytest.raises(RulePackError) as info:
        load_pack_text(text, "bad.toml", **kwargs)
    assert info.value.source == "bad.toml"
    return info.value.problems


def test_valid_pack_loads_with_defaults_and_compiled_regex() -> None:
    pack = load_pack_text(GOOD, "demo.toml")
    assert pack.id == "demo" and pack.source == "demo.toml"
    (rule,) = pack.rules
    assert rule.full_id == "demo/demo-token"
    assert rule.severity is Severity.CRITICAL
    assert rule.min_score == 0.5 and rule.context_window == 80
    assert rule.examples.match[1] == ("t demo_aB3dE5fG7hJ9kL1mN3pQ", "aB3dE5fG7hJ9kL1mN3pQ")
    assert rule.pattern.search("x demo_aB3dE5fG7hJ9kL1mN3pQ") is not None
    assert rule.line == GOOD.splitlines().index('id = "demo-token"') + 1


def test_every_problem_of_a_pack_is_reported_at_once() -> None:
    bad = GOOD.replace('keywords = ["demo_"]', 'keywords = ["demo_"]\nvalidatr = "luhn"')
    bad = bad.replace('entity_type = "GENERIC_SECRET"', 'entity_type = "GENERIC_SECRETS"')
    bad = bad.replace("score = 0.8", "score = 1.8")
    bad = bad.replace('filters = ["placeholder"]', 'filters = ["placehodler"]')
    problems = problems_of(bad)
    text = "\n".join(problems)
    assert len(problems) == 4
    assert "unknown key `validatr`, did you mean `validator`?" in text
    assert "unknown entity_type `GENERIC_SECRETS`, did you mean `GENERIC_SECRET`?" in text
    assert "`score` must be between 0 and 1" in text
    assert "unknown filter `placehodler`, did you mean `placeholder`?" in text
    line = bad.splitlines().index('id = "demo-token"') + 1
    assert all(p.startswith(f"line {line}: rule `demo-token`") for p in problems)


def test_regex_rejected_by_re2_says_why() -> None:
    bad = GOOD.replace("demo_(?P<value>[A-Za-z0-9]{20})", "demo_(?=x)(?P<value>[A-Za-z0-9]{20})")
    (problem,) = problems_of(bad)
    assert "RE2 rejected the regex" in problem and "look-arounds are not supported" in problem


def test_backreference_is_rejected_with_a_hint() -> None:
    bad = GOOD.replace("demo_(?P<value>[A-Za-z0-9]{20})", r"(a)\1(?P<value>x)")
    (problem,) = problems_of(bad)
    assert "backreferences are not supported" in problem


def test_oversized_repetition_is_rejected_with_the_limit() -> None:
    bad = GOOD.replace("[A-Za-z0-9]{20}", "[A-Za-z0-9]{20,2048}")
    (problem,) = problems_of(bad)
    assert "invalid repetition size" in problem and "up to {,1000}" in problem


def test_missing_required_keys_keywords_and_examples_are_reported() -> None:
    text = textwrap.dedent(
        """
        [pack]
        id = "demo"
        description = "d"

        [[rule]]
        id = "no-keywords"
        entity_type = "GENERIC_SECRET"
        description = "x"
        regex = 'x[0-9]+'
        score = 0.7

        [[rule]]
        id = "Bad_Id"
        entity_type = "EMAIL_ADDRESS"
        regex = '[a-z]+@[a-z]+'
        prefilter = "none"
        score = 0.7
        [rule.examples]
        match = ["a@b"]
        """
    )
    problems = "\n".join(problems_of(text))
    assert "rule `no-keywords`: missing `keywords`" in problems
    assert 'prefilter = "none"' in problems
    assert "rule `no-keywords`: missing required key `examples`" in problems
    assert "rule `Bad_Id`: id must be kebab-case" in problems
    assert "rule `Bad_Id`: missing required key `description`" in problems
    assert "rule `Bad_Id`: missing `examples.no_match`" in problems


def test_duplicate_ids_unknown_validator_extender_and_value_group() -> None:
    dup = GOOD + GOOD[GOOD.index("[[rule]]") :]
    first, second = (i + 1 for i, t in enumerate(dup.splitlines()) if t == 'id = "demo-token"')
    assert problems_of(dup) == [
        f"line {second}: rule `demo-token`: duplicate rule id (first defined on line {first})"
    ]
    bad = GOOD.replace('min_entropy = 3.0', 'min_entropy = 3.0\nvalidator = "lun"\nextend = "pem"')
    bad = bad.replace('value_group = "value"', 'value_group = "secret"')
    problems = "\n".join(problems_of(bad))
    assert "unknown validator `lun`, did you mean `luhn`?" in problems
    assert "unknown extender `pem`" in problems and "pem_block" in problems
    assert "value_group `secret` is not a named group" in problems


def test_wrong_types_are_reported_without_crashing() -> None:
    bad = GOOD.replace("score = 0.8", 'score = "high"').replace(
        'keywords = ["demo_"]', 'keywords = "demo_"'
    ).replace('case_insensitive', 'x').replace("min_entropy = 3.0", "min_entropy = true")
    problems = "\n".join(problems_of(bad))
    assert "`score` must be a number" in problems
    assert "`keywords` must be a list of strings" in problems
    assert "`min_entropy` must be a number" in problems


def test_upper_case_keywords_and_empty_matching_regex_are_reported() -> None:
    bad = GOOD.replace('keywords = ["demo_"]', 'keywords = ["DEMO_"]').replace(
        "demo_(?P<value>[A-Za-z0-9]{20})", "(?P<value>[A-Za-z0-9]*)"
    )
    problems = "\n".join(problems_of(bad))
    assert "keyword `DEMO_` must be lower-case" in problems
    assert "regex matches the empty string" in problems


def test_custom_entity_types_only_in_custom_packs() -> None:
    custom = GOOD.replace('"GENERIC_SECRET"', '"CUSTOM:project-codename"')
    assert load_pack_text(custom, "policy").rules[0].entity_type == "CUSTOM:project-codename"
    problems = problems_of(custom, builtin=True)
    assert any("unknown entity_type `CUSTOM:project-codename`" in p for p in problems)


def test_pack_table_problems_point_at_the_pack_line() -> None:
    bad = GOOD.replace('description = "Demo rules"', 'descripton = "Demo rules"')
    problems = problems_of(bad)
    line = bad.splitlines().index("[pack]") + 1
    assert f"line {line}: [pack]: unknown key `descripton`, did you mean `description`?" in problems
    assert f"line {line}: [pack]: missing `description`" in problems


def test_example_with_empty_expected_value_is_a_problem() -> None:
    bad = GOOD.replace('value = "aB3dE5fG7hJ9kL1mN3pQ"', 'value = ""')
    assert any("non-empty value" in p for p in problems_of(bad))


def test_invalid_toml_is_one_problem_naming_the_source() -> None:
    problems = problems_of("[pack\nid = 1")
    assert len(problems) == 1 and problems[0].startswith("not valid TOML")


def test_problems_never_quote_example_texts() -> None:
    secret = "demo_Zq8Xw2Lp0Mn4Vb6Cx1Rt"
    bad = GOOD.replace('no_match = ["demo_xxxx"]', f'no_match = ["{secret}"]\nbogus = 1')
    message = str(pytest.raises(RulePackError, load_pack_text, bad, "b.toml").value)
    assert secret not in message


def test_load_pack_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_pack_file(path).id == "demo"
    with pytest.raises(RulePackError) as info:
        load_pack_file(tmp_path / "missing.toml")
    assert info.value.source == "missing.toml"


def test_unknown_builtin_pack_name_is_an_error_listing_available_packs() -> None:
    with pytest.raises(RulePackError) as info:
        load_builtin_packs(["no-such-pack"])
    assert "unknown built-in rule pack `no-such-pack`" in info.value.problems[0]


def test_builtin_packs_load_sorted_by_name() -> None:
    packs = load_builtin_packs()
    assert [p.id for p in packs] == sorted(p.id for p in packs)
