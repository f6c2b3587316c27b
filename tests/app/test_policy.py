"""The policy document: validation that collects every problem, the schema, the shipped files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.services.policy import (
    DOCUMENT,
    Channel,
    PolicyError,
    Verdict,
    _List,
    _Map,
    _Table,
    allowlist_fingerprint,
    find_line,
    json_schema,
    load_builtin_policy,
    parse_policy,
    try_out,
)
from classifiers.model import Severity

POLICY_DIR = Path(__file__).resolve().parents[2] / "resources" / "policy"


def refused(text: str) -> tuple[str, ...]:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="admin", origin="p.toml")
    return info.value.problems


def test_builtin_policy_is_the_shipped_default() -> None:
    p = load_builtin_policy()
    assert (p.source, p.serial, p.on_incomplete, p.min_score) == ("built-in", 0, Verdict.WARN, 0.5)
    assert p.actions.by_severity == {
        Severity.LOW: Verdict.LOG,
        Severity.MEDIUM: Verdict.LOG,
        Severity.HIGH: Verdict.WARN,
        Severity.CRITICAL: Verdict.REDACT,
    }
    assert p.redaction_style("CREDIT_CARD") == "mask"
    assert p.redaction_style("EMAIL_ADDRESS") == "label"
    assert p.user_may_loosen and not p.simulation
    assert "ChatGPT" in p.ai_destination_names


def test_every_problem_is_reported_with_its_line_and_a_suggestion() -> None:
    problems = refused(
        "schema = 1\n"
        "serial = -1\n"
        'on_incomplet = "warn"\n'
        "[actions]\n"
        'hihg = "block"\n'
        'critical = "blok"\n'
        "[redaction.entity_types]\n"
        'CREDIT_CRD = "mask"\n'
        "[reporting]\n"
        "min_score = 2\n"
    )
    assert problems == (
        "p.toml:2: must be in [0, ], not -1",
        "p.toml:3: unknown key 'on_incomplet' at the top level; did you mean 'on_incomplete'?",
        "p.toml:5: unknown key 'hihg' in [actions]; did you mean 'high'?",
        "p.toml:6: 'blok' is not one of allow, log, warn, redact, block; did you mean 'block'?",
        "p.toml:8: unknown entity type 'CREDIT_CRD' (see the taxonomy, or CUSTOM:<rule-id>);"
        " did you mean 'CREDIT_CARD'?",
        "p.toml:10: must be in [0, 1], not 2",
    )


def test_a_policy_with_one_error_is_refused_whole() -> None:
    with pytest.raises(
        PolicyError, match=r"refused: .*\(and 1 more; run `presend policy validate FILE`\)"
    ):
        parse_policy('schema = 1\nserial = 2\n[actions]\nhigh = "block"\nlow = 3\nmedum = "warn"\n')


def test_missing_schema_and_serial_are_problems() -> None:
    assert refused("name = 'x'\n") == (
        "p.toml: the document needs the key 'schema'",
        "p.toml: the document needs the key 'serial'",
    )


def test_invalid_toml_names_the_line() -> None:
    assert refused('schema = 1\nserial = 1\n[actions\nhigh = "x"\n')[0].startswith(
        "p.toml:3: not valid TOML"
    )


def test_find_line_follows_the_key_path_through_tables() -> None:
    text = "[actions]\nhigh = 'x'\n[channels.cli.actions]\nhigh = 'y'\n"
    assert find_line(text, ("actions", "high")) == 2
    assert find_line(text, ("channels", "cli", "actions", "high")) == 4
    assert find_line(text, ("nothing",)) == 0


def test_admin_policy_does_not_let_users_loosen_unless_it_says_so() -> None:
    assert not parse_policy("schema = 1\nserial = 1\n", source="admin").user_may_loosen
    assert parse_policy(
        "schema = 1\nserial = 1\n[user]\nmay_loosen = true\n", source="admin"
    ).user_may_loosen
    assert parse_policy("schema = 1\nserial = 1\n", source="user").user_may_loosen


def test_trying_a_policy_out_over_an_admin_policy_only_tightens() -> None:
    admin = parse_policy("schema = 1\nserial = 4\n", source="admin")
    tried = parse_policy('schema = 1\nserial = 0\n[actions]\ncritical = "allow"\n', source="x.toml")
    assert try_out(admin, tried).stricter == (tried,)
    assert try_out(load_builtin_policy(), tried) is tried


def test_engine_options_follow_the_detection_table() -> None:
    p = parse_policy(
        'schema = 1\nserial = 1\n[detection]\npacks = ["secrets"]\n'
        'disabled_rules = ["secrets/jwt"]\nnames = false\nmax_seconds = 5\n',
        source="admin",
    )
    opts = p.engine_options
    assert opts.packs == ("secrets",) and opts.disabled_rules == {"secrets/jwt"}
    assert not opts.names and opts.budget.max_seconds == 5.0 and opts.custom_packs == ()


def test_channel_names_are_checked() -> None:
    assert refused('schema = 1\nserial = 1\n[channels.clipbord]\non_incomplete = "block"\n') == (
        "p.toml:3: 'clipbord' is not one of clipboard, folder, file-check, cli; did you mean 'clipboard'?",
    )


CUSTOM = """schema = 1
serial = 1
[[custom.rules]]
id = "ticket"
regex = '''TKT-[0-9]{5}'''
keywords = ["tkt-"]
score = 0.9
[custom.rules.examples]
match = ["see TKT-12345"]
no_match = ["TKT-12"]
[[custom.keyword_lists]]
id = "codenames"
words = ["Nightingale", "Blue Heron"]
"""


def test_custom_rules_and_keyword_lists_become_a_pack_the_engine_runs() -> None:
    p = parse_policy(CUSTOM, source="admin")
    ((source, text),) = p.engine_options.custom_packs
    assert 'entity_type = "CUSTOM:ticket"' in text and 'entity_type = "CUSTOM:codenames"' in text
    pattern = pytest.importorskip("classifiers.detectors.pattern")
    rules = pytest.importorskip("classifiers.rules")
    detector = pattern.PatternDetector([rules.load_pack_text(text, source)])
    found = {f.entity_type for f in detector.detect("TKT-54321 is about blue heron.")}
    assert found == {"CUSTOM:ticket", "CUSTOM:codenames"}
    assert not detector.detect("Nightingales sing")


def test_custom_rule_that_fails_its_own_examples_is_refused() -> None:
    problems = refused(CUSTOM.replace('match = ["see TKT-12345"]', 'match = ["see TKT-1234"]'))
    assert any("'ticket': match example 0 does not match" in p for p in problems)
    problems = refused(CUSTOM.replace('no_match = ["TKT-12"]', 'no_match = ["TKT-99999"]'))
    assert any("'ticket': no_match example 0 matches" in p for p in problems)


def test_custom_regex_that_re2_cannot_compile_is_refused() -> None:
    problems = refused(CUSTOM.replace("TKT-[0-9]{5}", "(?<=x)TKT"))
    assert problems[0].startswith("p.toml:5: regex does not compile with RE2")


def test_custom_rule_ids_must_be_unique() -> None:
    problems = refused(CUSTOM.replace('id = "codenames"', 'id = "ticket"'))
    assert any("custom rule id 'ticket' is used twice" in p for p in problems)


def test_allowlist_fingerprint_ignores_case_and_separators() -> None:
    assert allowlist_fingerprint("AKIAIOSF ODNN") == allowlist_fingerprint("akiaiosfodnn")
    assert allowlist_fingerprint("x").startswith("sha256:")


def test_schema_json_is_generated_from_the_validator() -> None:
    on_disk = json.loads((POLICY_DIR / "schema.json").read_text())
    assert on_disk == json.loads(json.dumps(json_schema())), (
        "regenerate resources/policy/schema.json from app.services.policy.json_schema()"
    )


def _key_paths(spec: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    if isinstance(spec, _Table):
        for key, sub in spec.fields.items():
            out.add((*path, key))
            out |= _key_paths(sub, (*path, key))
    elif isinstance(spec, _List):
        out |= _key_paths(spec.item, path)
    elif isinstance(spec, _Map) and spec.keys is not None:
        out |= _key_paths(spec.value, (*path, "*"))
    elif isinstance(spec, _Map):
        out |= _key_paths(spec.value, (*path, "*"))
    return out


def _doc_paths(doc: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            out.add((*path, key))
            out |= _doc_paths(value, (*path, key))
    elif isinstance(doc, list):
        for item in doc:
            out |= _doc_paths(item, path)
    return out


def _generalise(paths: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Replace data keys (channel names, entity types) with * as the schema does."""
    maps = {
        ("channels",),
        ("actions", "categories"),
        ("actions", "entity_types"),
        ("reporting", "entity_types"),
        ("redaction", "entity_types"),
    }
    out = set()
    for p in paths:
        q = list(p)
        for i in range(len(q)):
            if tuple(q[:i]) in maps or (
                i >= 2
                and q[0] == "channels"
                and tuple(q[2:i]) in {("actions", "categories"), ("actions", "entity_types")}
            ):
                q[i] = "*"
        out.add(tuple(q))
    return out


def test_example_policy_is_valid_and_documents_every_key() -> None:
    text = (POLICY_DIR / "example.toml").read_text()
    # the [custom] data files the example names are an admin's own (built with `presend
    # policy edm build` etc.); validity is checked without them, their loading in
    # tests/app/test_policy_custom_data.py
    import re
    import tomllib

    parse_policy(re.sub(r"(?ms)^\[\[custom\.(?:keywords|edm|fingerprints)\]\].*?(?=^\[)", "", text),
                 source="admin", origin="example.toml")

    used = _generalise(_doc_paths(tomllib.loads(text)))
    schema_keys = _key_paths(DOCUMENT)
    # a channel shows the action table once; the per-channel copies repeat it
    wanted = {p for p in schema_keys if not (p[0] == "channels" and len(p) > 3)}
    wanted = {p for p in wanted if "*" not in p or p[0] != "channels" or len(p) <= 3}
    missing = sorted(p for p in wanted if p not in used and not _is_map_key_of(p, used))
    assert missing == []


def _is_map_key_of(p: tuple[str, ...], used: set[tuple[str, ...]]) -> bool:
    return any(
        len(u) == len(p) and all(a == b or a == "*" for a, b in zip(p, u, strict=True))
        for u in used
    )


def test_default_policy_parses_as_an_admin_document_too() -> None:
    text = (POLICY_DIR / "default.toml").read_text()
    p = parse_policy(text, source="admin")
    assert p.actions == load_builtin_policy().actions
    assert set(Channel) >= set(p.channels)
