"""decide(): the verdict table of the built-in policy, thresholds, allowlists, layers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.decide import Channel, Decision, Verdict, decide
from app.services.policy import allowlist_fingerprint, load_builtin_policy, parse_policy
from classifiers.detectors.base import make_finding
from classifiers.model import Finding, ScanResult
from classifiers.taxonomy import ENTITY_TYPES


def finding(entity: str, score: float = 0.9, value: str = "x" * 12, **kw: object) -> Finding:
    recognizer = str(kw.pop("recognizer", "test/rule"))
    return make_finding(entity, value, 0, len(value), score, recognizer, **kw)  # type: ignore[arg-type]


def result(
    *findings: Finding, complete: bool = True, source: str = "-", **kw: object
) -> ScanResult:
    return ScanResult(source=source, findings=findings, complete=complete, **kw)


BUILTIN = load_builtin_policy()


@pytest.mark.parametrize(
    ("entity", "verdict"),
    [
        ("GITHUB_TOKEN", Verdict.REDACT),
        ("PRIVATE_KEY", Verdict.REDACT),
        ("CREDIT_CARD", Verdict.WARN),
        ("US_SSN", Verdict.WARN),
        ("EMAIL_ADDRESS", Verdict.LOG),
        ("PERSON", Verdict.LOG),
        ("IP_ADDRESS", Verdict.LOG),
        ("CLASSIFICATION_MARKING", Verdict.WARN),
        ("PROMPT_INJECTION", Verdict.WARN),
    ],
)
@pytest.mark.parametrize("channel", list(Channel))
def test_builtin_policy_verdict_per_entity_is_the_same_on_every_channel(
    entity: str, verdict: Verdict, channel: Channel
) -> None:
    decision = decide(BUILTIN, result(finding(entity)), channel)
    assert decision.verdict is verdict
    assert decision.reported and decision.reported[0].entity_type == entity


def test_nothing_found_is_allowed_and_cannot_be_overridden() -> None:
    decision = decide(BUILTIN, result(), Channel.CLIPBOARD)
    assert decision == Decision(Verdict.ALLOW, channel=Channel.CLIPBOARD)
    assert not decision.may_override


def test_findings_below_the_reporting_threshold_are_not_reported() -> None:
    decision = decide(BUILTIN, result(finding("GITHUB_TOKEN", score=0.49)), Channel.CLI)
    assert decision.verdict is Verdict.ALLOW
    assert decision.reported == ()


def test_strictest_finding_decides_and_every_finding_is_reported() -> None:
    r = result(finding("EMAIL_ADDRESS"), finding("AWS_ACCESS_KEY"), finding("US_SSN"))
    decision = decide(BUILTIN, r, Channel.CLIPBOARD)
    assert decision.verdict is Verdict.REDACT
    assert [f.entity_type for f in decision.reported] == [
        "EMAIL_ADDRESS",
        "AWS_ACCESS_KEY",
        "US_SSN",
    ]
    assert decision.actions == (Verdict.LOG, Verdict.REDACT, Verdict.WARN)
    assert [f.entity_type for f in decision.to_redact] == ["AWS_ACCESS_KEY"]


def test_incomplete_scan_is_not_silently_allowed() -> None:
    decision = decide(BUILTIN, result(complete=False, notes=("budget hit",)), Channel.FOLDER)
    assert decision.verdict is Verdict.WARN
    assert "scan incomplete: warn (on_incomplete)" in decision.reasons


def test_failed_scan_follows_on_incomplete() -> None:
    decision = decide(BUILTIN, result(error="unreadable"), Channel.FILE_CHECK)
    assert decision.verdict is Verdict.WARN


def test_reasons_name_entity_types_and_rules_never_values() -> None:
    secret = "ghp_" + "A1b2C3d4" * 4 + "zzzz"
    decision = decide(
        BUILTIN,
        result(finding("GITHUB_TOKEN", value=secret, recognizer="secrets/github-pat")),
        Channel.CLIPBOARD,
    )
    joined = " ".join(decision.reasons)
    assert "GITHUB_TOKEN" in joined and "secrets/github-pat" in joined
    assert secret not in joined and secret not in repr(decision)


def test_override_rules_of_the_builtin_policy() -> None:
    warn = decide(BUILTIN, result(finding("US_SSN")), Channel.CLIPBOARD)
    assert (warn.may_override, warn.reason_required) == (True, False)
    strict = parse_policy('schema = 1\nserial = 1\n[actions]\ncritical = "block"\n', source="admin")
    block = decide(strict, result(finding("PASSWORD")), Channel.CLIPBOARD)
    assert block.verdict is Verdict.BLOCK
    assert (block.may_override, block.reason_required) == (True, True)


POLICY = """
schema = 1
serial = 3
[actions]
medium = "warn"
[actions.entity_types]
EMAIL_ADDRESS = "log"
[[actions.rules]]
id = "sure-passwords"
entity_types = ["PASSWORD"]
min_score = 0.95
action = "block"
[channels.cli.actions]
critical = "log"
[channels.clipboard]
on_incomplete = "block"
[reporting.entity_types]
PERSON = 0.8
"""


def test_rule_then_entity_type_then_severity_and_channel_first() -> None:
    p = parse_policy(POLICY, source="admin")
    assert decide(p, result(finding("PASSWORD", 0.97)), Channel.CLIPBOARD).verdict is Verdict.BLOCK
    assert decide(p, result(finding("PASSWORD", 0.9)), Channel.CLIPBOARD).verdict is Verdict.REDACT
    assert decide(p, result(finding("PASSWORD", 0.9)), Channel.CLI).verdict is Verdict.LOG
    assert decide(p, result(finding("EMAIL_ADDRESS")), Channel.CLIPBOARD).verdict is Verdict.LOG
    assert decide(p, result(finding("PHONE_NUMBER")), Channel.CLIPBOARD).verdict is Verdict.WARN
    assert (
        "PASSWORD (test/rule): block by rule sure-passwords"
        in decide(p, result(finding("PASSWORD", 0.97)), Channel.CLI).reasons
    )


def test_per_channel_on_incomplete_and_per_entity_threshold() -> None:
    p = parse_policy(POLICY, source="admin")
    assert decide(p, result(complete=False), Channel.CLIPBOARD).verdict is Verdict.BLOCK
    assert decide(p, result(complete=False), Channel.CLI).verdict is Verdict.WARN
    assert decide(p, result(finding("PERSON", 0.7)), Channel.CLI).reported == ()
    assert decide(p, result(finding("PERSON", 0.85)), Channel.CLI).verdict is Verdict.WARN


def test_allowlisted_values_and_patterns_are_not_reported() -> None:
    text = f"""schema = 1
serial = 1
[allowlist]
fingerprints = ["{allowlist_fingerprint("AKIAIOSFODNN7EXAMPLE")}"]
patterns = ['''^sk_test_''']
"""
    p = parse_policy(text, source="admin")
    aws = finding("AWS_ACCESS_KEY", value="akiaiosfodnn7example")  # case does not matter
    stripe = finding("STRIPE_KEY", value="sk_test_abcdefghijklmnop")
    other = finding("AWS_ACCESS_KEY", value="AKIAZZZZZZZZZZZZZZZZ")
    assert decide(p, result(aws, stripe), Channel.CLIPBOARD).verdict is Verdict.ALLOW
    decision = decide(p, result(aws, other), Channel.CLIPBOARD)
    assert decision.verdict is Verdict.REDACT and len(decision.reported) == 1
    assert "1 finding(s) on the allowlist" in decision.reasons


def test_allowlisted_paths_apply_to_files_not_to_the_clipboard() -> None:
    p = parse_policy(
        'schema = 1\nserial = 1\n[allowlist]\npaths = ["/srv/fixtures/*"]\n', source="admin"
    )
    r = result(finding("GITHUB_TOKEN"), source="/srv/fixtures/token.txt")
    assert decide(p, r, Channel.FOLDER).verdict is Verdict.ALLOW
    assert decide(p, r, Channel.FILE_CHECK).reasons == ("path is on the allowlist",)
    assert decide(p, r, Channel.CLIPBOARD).verdict is Verdict.REDACT


def test_simulation_only_notifies_and_says_what_would_have_happened() -> None:
    p = parse_policy(
        'schema = 1\nserial = 1\nsimulation = true\n[actions]\ncritical = "block"\n', source="admin"
    )
    decision = decide(p, result(finding("PRIVATE_KEY")), Channel.CLIPBOARD)
    assert decision.verdict is Verdict.WARN
    assert decision.intended is Verdict.BLOCK and decision.simulated
    assert "simulation: would block, only notifying" in decision.reasons


def test_destination_rules_apply_to_ai_tools_and_unknown_destinations_only() -> None:
    p = parse_policy(
        'schema = 1\nserial = 1\n[[actions.rules]]\nid = "pii-to-ai"\ncategories = ["pii"]\n'
        'destinations = ["*"]\naction = "block"\n',
        source="admin",
    )
    email = result(finding("EMAIL_ADDRESS"))
    assert decide(p, email, Channel.CLIPBOARD, destination="ChatGPT").verdict is Verdict.BLOCK
    assert decide(p, email, Channel.CLIPBOARD, destination=None).verdict is Verdict.BLOCK
    assert decide(p, email, Channel.CLIPBOARD, destination="LibreOffice").verdict is Verdict.LOG
    assert p.destination_for(url="https://chatgpt.com/c/1") == "ChatGPT"
    assert p.destination_for(app="gedit") is None


def test_stricter_layer_can_tighten_but_never_loosen() -> None:
    admin = parse_policy('schema = 1\nserial = 5\n[actions]\nhigh = "block"\n', source="admin")
    looser = parse_policy(
        'schema = 1\nserial = 0\n[actions]\nhigh = "allow"\nmedium = "warn"\n', source="user"
    )
    layered = admin.with_stricter(looser)
    assert decide(layered, result(finding("US_SSN")), Channel.CLIPBOARD).verdict is Verdict.BLOCK
    assert (
        decide(layered, result(finding("EMAIL_ADDRESS")), Channel.CLIPBOARD).verdict is Verdict.WARN
    )


def test_decide_is_pure_same_inputs_same_decision() -> None:
    r = result(finding("US_SSN"), finding("JWT"), complete=False)
    assert decide(BUILTIN, r, Channel.FOLDER) == decide(BUILTIN, r, Channel.FOLDER)


_findings = st.lists(
    st.builds(
        lambda e, s: finding(e, s),
        st.sampled_from(sorted(ENTITY_TYPES)),
        st.floats(0, 1, allow_nan=False),
    ),
    max_size=6,
)
_verdicts = st.sampled_from([v.value for v in Verdict])


@settings(max_examples=60, deadline=None)
@given(_findings, st.booleans(), st.sampled_from(list(Channel)), _verdicts, _verdicts)
def test_verdict_is_never_below_any_reported_action_and_layers_never_loosen(
    findings: list[Finding], complete: bool, channel: Channel, high: str, critical: str
) -> None:
    admin = parse_policy("schema = 1\nserial = 1\n", source="admin")
    user = parse_policy(
        f'schema = 1\nserial = 0\n[actions]\nhigh = "{high}"\ncritical = "{critical}"\n',
        source="user",
    )
    r = result(*findings, complete=complete)
    alone = decide(admin, r, channel)
    layered = decide(admin.with_stricter(user), r, channel)
    assert all(alone.verdict >= a for a in alone.actions)
    assert set(map(id, alone.reported)) <= set(map(id, r.findings))
    assert all(f.score >= 0.5 for f in alone.reported)
    assert layered.verdict >= alone.verdict
    if not complete:
        assert alone.verdict >= Verdict.WARN
