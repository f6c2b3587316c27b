"""The pattern detector: prefilters, value groups, checks, context words and speed."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.detectors.pattern import PatternDetector
from classifiers.errors import RulePackError
from classifiers.model import Category, Severity
from classifiers.rules import RulePack, load_pack_text

TOKEN = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
AWS_SECRET = "Zq8Xw2Lp0Mn4Vb6Cx1Rt9Ys3Ua5Ie7Oo2Pk4Jh6T"


def pack(rules: str, pack_id: str = "t") -> RulePack:
    """A pack made of ``rules`` (TOML [[rule]] tables from ``rule()``)."""
    text = f'[pack]\nid = "{pack_id}"\ndescription = "test"\n{rules}'
    return load_pack_text(text, f"{pack_id}.toml")


def rule(**fields: object) -> str:
    defaults: dict[str, object] = {"description": "d", "score": 0.9}
    defaults.update(fields)
    lines = ["[[rule]]"]
    for key, value in defaults.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, str):
            lines.append(f"{key} = '''{value}'''")
        elif isinstance(value, list):
            items = ", ".join(f"'''{v}'''" for v in value)
            lines.append(f"{key} = [{items}]")
        else:
            lines.append(f"{key} = {value}")
    lines.append('[rule.examples]\nmatch = ["x"]\nno_match = ["y"]')
    return "\n".join(lines) + "\n"


GITHUB = rule(id="github-pat", entity_type="GITHUB_TOKEN", regex="ghp_[A-Za-z0-9]{36}",
              keywords=["ghp_"], filters=["placeholder"])
AWS = rule(
    id="aws-secret", entity_type="AWS_SECRET_KEY",
    regex="(?:^|[^A-Za-z0-9/+])(?P<value>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)",
    value_group="value", keywords=["aws"], score=0.6, context=["aws_secret_access_key", "secret"],
    context_score=0.3, requires_context=True, min_entropy=3.5,
)  # fmt: skip


def detector(*rules: str, **kwargs: object) -> PatternDetector:
    return PatternDetector([pack("".join(rules))], **kwargs)  # type: ignore[arg-type]


def test_finding_has_exact_span_rule_id_and_explanation_without_value() -> None:
    text = f"here is my token {TOKEN} ok"
    (f,) = detector(GITHUB).detect(text)
    assert (f.start, f.end) == (text.index(TOKEN), text.index(TOKEN) + len(TOKEN))
    assert f.value == TOKEN and f.recognizer == "t/github-pat"
    assert f.category is Category.SECRET and f.severity is Severity.CRITICAL
    assert f.explanation == "pattern t/github-pat"
    assert TOKEN not in f.explanation and TOKEN not in repr(f)


def test_keyword_prefilter_gates_rules_and_ignores_case() -> None:
    d = detector(AWS)
    line = f"aws_secret_access_key = {AWS_SECRET}"
    assert [f.value for f in d.detect(line)] == [AWS_SECRET]
    assert [f.value for f in d.detect(line.upper().replace(AWS_SECRET.upper(), AWS_SECRET))]
    # same value and a context word, but no keyword anywhere: the rule cannot fire
    assert d.detect(f"secret = {AWS_SECRET}") == []


def test_keyword_anywhere_in_the_text_enables_the_rule() -> None:
    text = "AWS account notes\n" + "filler line\n" * 500 + f"secret: {AWS_SECRET}\n"
    (f,) = detector(AWS).detect(text)
    assert text[f.start : f.end] == AWS_SECRET


def test_requires_context_drops_values_without_a_context_word() -> None:
    assert detector(AWS).detect(f"aws region eu-west-1 blob {AWS_SECRET}") == []


def test_context_word_adds_score_and_is_named_in_explanation() -> None:
    (f,) = detector(AWS).detect(f"aws_secret_access_key={AWS_SECRET}")
    assert f.score == pytest.approx(0.9)
    assert f.explanation == "pattern t/aws-secret; context 'aws_secret_access_key' +0.30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lic: D1234567", True),
        ("Driver LIC D1234567", True),
        ("duplicate D1234567", False),
        ("public D1234567", False),
        ("driver_lic=D1234567", True),
        ("driverLic D1234567", True),
    ],
)
def test_context_words_match_whole_words_only(text: str, expected: bool) -> None:
    d = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", score=0.4, context=["lic"], context_score=0.3))
    assert bool(d.detect(text)) is expected


def test_context_reaches_the_previous_line_but_not_further() -> None:
    d = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", score=0.4, context=["license"], context_score=0.3))
    assert d.detect("Driver license\nD1234567")
    assert not d.detect("Driver license\n\nD1234567")
    far = "license " + "x" * 200 + " D1234567"
    assert not d.detect(far)  # beyond context_window on the same line


def test_context_lines_lets_a_heading_several_lines_up_count() -> None:
    listed = "Test cards for QA:\n- Visa: D1234567\n- MC: E7654321\n- Amex: F1111111"
    for requires in (False, True):
        d = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                          prefilter="none", score=0.4, context=["qa"], context_score=0.3,
                          context_lines=3, context_window=200, requires_context=requires))
        assert [f.value for f in d.detect(listed)] == ["D1234567", "E7654321", "F1111111"]
        one_line = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE",
                                 regex="[A-Z][0-9]{7}", prefilter="none", score=0.4,
                                 context=["qa"], context_score=0.3, context_window=200,
                                 requires_context=requires))
        assert [f.value for f in one_line.detect(listed)] == ["D1234567"]


def test_context_lines_zero_keeps_context_to_the_value_s_own_line() -> None:
    d = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", score=0.4, context=["license"], context_score=0.3,
                      context_lines=0))
    assert not d.detect("Driver license\nD1234567")
    assert d.detect("license D1234567")


def test_context_lines_out_of_range_is_refused() -> None:
    with pytest.raises(RulePackError, match="context_lines"):
        detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", context=["x"], context_lines=99))


def test_context_after_the_value_on_the_same_line_counts() -> None:
    d = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", score=0.4, context=["license"], context_score=0.3))
    assert d.detect("D1234567 is my license")
    assert not d.detect("D1234567 is my\nlicense")


def test_negative_context_lowers_score_below_threshold() -> None:
    d = detector(rule(id="gh", entity_type="GITHUB_TOKEN", regex="ghp_[A-Za-z0-9]{36}",
                      keywords=["ghp_"], score=0.8, negative_context=["example", "fake"],
                      negative_context_score=0.4))
    assert d.detect(f"token {TOKEN}")
    assert d.detect(f"example token {TOKEN}") == []


def test_filters_allowlist_entropy_and_length_drop_values() -> None:
    d = detector(rule(id="gen", entity_type="GENERIC_SECRET",
                      regex="key=(?P<value>[^ \\n]{1,80})", value_group="value",
                      keywords=["key="], min_length=8, min_entropy=3.0,
                      filters=["placeholder", "env_reference"], allowlist=["^allowed-"]))
    assert [f.value for f in d.detect("key=Zq8Xw2Lp0Mn4")] == ["Zq8Xw2Lp0Mn4"]
    for value in ["your-api-key-here", "${API_KEY}", "allowed-Zq8Xw2Lp0Mn4", "Zq8X", "aaaaaaaaaab"]:
        assert d.detect(f"key={value}") == [], value


def test_validator_gates_and_is_explained() -> None:
    d = detector(rule(id="card", entity_type="CREDIT_CARD",
                      regex="\\b(?:[0-9]{4}[ -]?){3}[0-9]{4}\\b", prefilter="none",
                      validator="luhn"))
    (f,) = d.detect("pay with 4111 1111 1111 1111 today")
    assert f.explanation == "pattern t/card; validator luhn ok"
    assert d.detect("order 4111 1111 1111 1112") == []


def test_pem_extender_reports_the_whole_block() -> None:
    block = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJD\n" \
            "-----END OPENSSH PRIVATE KEY-----"
    d = detector(rule(id="pem", entity_type="PRIVATE_KEY",
                      regex="-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----",
                      keywords=["private key"], extend="pem_block"))
    text = f"key follows:\n{block}\nthanks"
    (f,) = d.detect(text)
    assert f.value == block


def test_offsets_are_characters_after_non_ascii_text() -> None:
    prefix = "Grüße 🙂 – ☃\n" * 300 + "\ud800 lone surrogate "
    text = prefix + TOKEN + " ✓"
    (f,) = detector(GITHUB).detect(text)
    assert (f.start, f.end) == (len(prefix), len(prefix) + len(TOKEN))
    assert f.value == TOKEN


def test_matches_in_every_chunk_are_found() -> None:
    lines = [f"line {i} {'x' * (i % 90)}" for i in range(3000)]
    for i in range(0, 3000, 37):
        lines[i] += " " + TOKEN
    text = "\n".join(lines)
    found = detector(GITHUB).detect(text)
    assert len(found) == len(range(0, 3000, 37))
    assert all(text[f.start : f.end] == TOKEN for f in found)
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_disabled_rules_do_not_run() -> None:
    d = detector(GITHUB, disabled_rules=frozenset({"t/github-pat"}))
    assert d.detect(TOKEN) == []
    assert d.rule_ids == ()


def test_same_rule_id_in_two_packs_is_refused() -> None:
    with pytest.raises(RulePackError):
        PatternDetector([pack(GITHUB), pack(GITHUB)])


def test_case_insensitive_rule_matches_any_case() -> None:
    d = detector(rule(id="mark", entity_type="CLASSIFICATION_MARKING",
                      regex="\\bstrictly confidential\\b", keywords=["strictly confidential"],
                      case_insensitive=True))
    assert d.detect("STRICTLY CONFIDENTIAL - board only")
    assert d.detect("Strictly Confidential")


@pytest.mark.parametrize(
    "text", ["a" * 100_000, "ghp_" * 25_000, "x" * 1_000_000, "key=" * 250_000, "\n" * 100_000]
)
def test_hostile_input_does_not_stall(text: str) -> None:
    d = detector(GITHUB, AWS, rule(id="gen", entity_type="GENERIC_SECRET",
                                   regex="key=(?P<value>[A-Za-z0-9]{8,})", value_group="value",
                                   keywords=["key="], filters=["placeholder", "sequence"]))
    started = time.perf_counter()
    d.detect(text)
    assert time.perf_counter() - started < 3.0


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_detect_never_raises_and_spans_match_values(text: str) -> None:
    d = _ANY_TEXT_DETECTOR
    for f in d.detect(text):
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.value


_ANY_TEXT_DETECTOR = detector(
    GITHUB,
    rule(id="word", entity_type="CUSTOM:word", regex="[A-Za-z\\x{00C0}-\\x{024F}]{3,}",
         prefilter="none"),
)


def test_rule_regexes_never_match_across_a_newline() -> None:
    d = detector(rule(id="pw", entity_type="PASSWORD",
                      regex="password\\s*[:=]\\s*(?P<value>[^ ]{6,})",
                      value_group="value", keywords=["password"]))
    assert [f.value for f in d.detect("password: hunter22")] == ["hunter22"]
    assert d.detect("password:\nhunter22") == []
    assert d.detect("password=\n\nhunter22") == []


def test_caret_and_dollar_anchor_at_line_boundaries() -> None:
    d = detector(rule(id="line", entity_type="CLASSIFICATION_MARKING", regex="^CONFIDENTIAL$",
                      keywords=["confidential"]))
    text = "report\nCONFIDENTIAL\nbody mentions CONFIDENTIAL inline\n"
    (f,) = d.detect(text)
    assert f.start == text.index("CONFIDENTIAL")


def test_example_failures_names_rules_and_positions_but_never_example_text() -> None:
    from classifiers.detectors.pattern import example_failures

    text = (
        '[pack]\nid = "custom"\ndescription = "d"\n[[rule]]\nid = "codename"\n'
        'entity_type = "CUSTOM:codename"\ndescription = "d"\nregex = \'\'\'Project [A-Z]{5}\'\'\'\n'
        'keywords = ["project"]\nscore = 0.9\n[rule.examples]\n'
        'match = ["Project FALCN is late", { text = "Project EAGLE", value = "EAGLE" }, "zebra"]\n'
        'no_match = ["project falcon", "Project ORCAS"]\n'
    )
    failures = example_failures(load_pack_text(text, "policy"))
    assert failures == [
        "rule `custom/codename`: match example 2 is matched, but not with the expected value",
        "rule `custom/codename`: match example 3 is not matched",
        "rule `custom/codename`: no_match example 2 is matched",
    ]
    assert not any("EAGLE" in f or "ORCAS" in f for f in failures)


BODY = "MIIEowIBAAKCAQEAVk2qLPFDZ0RBeRjUDfF7E6cOdfyp8+abr/yhbaNgV0AoTdC4"


@pytest.mark.parametrize(
    ("block", "expected_end"),
    [
        (f"-----BEGIN RSA PRIVATE KEY-----\n{BODY}\n{BODY[:20]}==\n-----END RSA PRIVATE KEY-----",
         None),
        (f"-----BEGIN RSA PRIVATE KEY-----\r\n{BODY}\r\n-----END RSA PRIVATE KEY-----", None),
        (f"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n"
         f"\n{BODY}\n-----END RSA PRIVATE KEY-----", None),
        (f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{BODY}\n=AbCd\n"
         "-----END PGP PRIVATE KEY BLOCK-----", None),
        (f"    -----BEGIN EC PRIVATE KEY-----\n    {BODY}\n    -----END EC PRIVATE KEY-----",
         None),
        (f"-----BEGIN PRIVATE KEY----- {BODY} {BODY} -----END PRIVATE KEY-----", None),
        (f"-----BEGIN PRIVATE KEY-----\n{BODY}\n{BODY}", "unterminated"),
        (f"-----BEGIN PRIVATE KEY-----\n{BODY}\n\nNext paragraph of the mail.", "unterminated"),
    ],
)
def test_pem_block_extends_to_its_end(block: str, expected_end: str | None) -> None:
    from classifiers.extenders import pem_block

    text = f"see below\n{block}\nthanks, Bob"
    begin = text.index("-----BEGIN")
    start, end = pem_block(text, begin, text.index("-----", begin + 5) + 5)
    assert start == begin
    if expected_end is None:
        assert text[start:end].endswith(("PRIVATE KEY-----", "BLOCK-----"))
        assert text[end:].startswith("\nthanks")
    else:
        assert text[start:end].rstrip().endswith(BODY)


def test_pem_block_ignores_a_different_label_and_caps_the_size() -> None:
    from classifiers.extenders import MAX_BLOCK_CHARS, pem_block

    text = f"-----BEGIN RSA PRIVATE KEY-----\n{BODY}\n-----END DSA PRIVATE KEY-----\n"
    assert pem_block(text, 0, 31) == (0, text.index("\n-----END"))
    huge = "-----BEGIN PRIVATE KEY-----\n" + (BODY + "\n") * 5000 + "-----END PRIVATE KEY-----"
    start, end = pem_block(huge, 0, 27)
    assert end - start <= MAX_BLOCK_CHARS


def test_many_begin_lines_do_not_rescan_the_text() -> None:
    from classifiers.extenders import pem_block

    text = "-----BEGIN PRIVATE KEY-----\n" * 30_000
    started = time.perf_counter()
    for pos in range(0, len(text), 28):
        pem_block(text, pos, pos + 27)
    assert time.perf_counter() - started < 2.0


def test_values_longer_than_the_cap_are_dropped_but_extended_blocks_are_not() -> None:
    from classifiers.detectors.pattern import MAX_VALUE_CHARS

    d = detector(rule(id="gen", entity_type="GENERIC_SECRET",
                      regex="secret=(?P<value>[A-Za-z0-9]+)", value_group="value",
                      keywords=["secret="]))
    ok = "Zq8Xw2Lp0Mn4" * 10
    assert [f.value for f in d.detect(f"secret={ok}")] == [ok]
    assert d.detect("secret=" + "Zq8Xw2Lp0Mn4" * (MAX_VALUE_CHARS // 12 + 1)) == []


class _FailingSet:
    """Stands in for an RE2 set that ran out of memory: Match returns None."""

    def Match(self, data: bytes) -> None:  # the name mirrors re2.Set
        return None


def test_a_failing_re2_set_falls_back_to_each_rules_own_regex() -> None:
    d = detector(GITHUB, AWS)
    d._rule_sets = [(base, _FailingSet()) for base, _ in d._rule_sets]
    d._keyword_set = _FailingSet()
    text = f"token {TOKEN}\naws_secret_access_key={AWS_SECRET}"
    assert sorted(f.value for f in d.detect(text)) == sorted([TOKEN, AWS_SECRET])


def test_one_detector_gives_the_same_results_from_several_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    d = detector(GITHUB, AWS)
    texts = [f"line {i} {TOKEN if i % 3 == 0 else 'plain'}\n" * 200
             + (f"aws_secret_access_key={AWS_SECRET}" if i % 2 else "") for i in range(12)]
    expected = [[(f.start, f.end, f.recognizer) for f in d.detect(t)] for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: [(f.start, f.end, f.recognizer) for f in d.detect(t)],
                                texts * 3))
    assert results == expected * 3


def test_values_containing_non_ascii_have_character_spans_in_dense_text() -> None:
    # many values after multi-byte characters, across offset checkpoints: each span must
    # cut exactly its value, however many bytes its own characters take
    d = detector(rule(id="word", entity_type="CUSTOM:word", regex="Zé[a-zé€]{2,8}",
                      prefilter="none"))
    lines = [f"{'ü' * (i % 7)}€ 🙂 Zé{'é' * (i % 3)}ab{'€' * (i % 2)} ☃" for i in range(2000)]
    text = "\n".join(lines)
    found = d.detect(text)
    assert len(found) == 2000
    assert all(text[f.start : f.end] == f.value and f.value.startswith("Zé") for f in found)
    assert [f.value for f in found[:3]] == ["Zéab", "Zééab€", "Zéééab"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dbPassword D1234567", True),  # camelCase context word
        ("DB_PASSWORD: D1234567", True),
        ("passwords D1234567", False),  # a longer word is not the word
        ("Pässword D1234567", False),
    ],
)
def test_context_precheck_keeps_whole_word_and_camel_case_semantics(
    text: str, expected: bool
) -> None:
    d = detector(rule(id="lic", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", score=0.4, context=["password"], context_score=0.3))
    assert bool(d.detect(text)) is expected


def test_rule_needing_context_finds_values_only_near_context_across_chunks() -> None:
    # 3000 lines with a value each and a context word every 50 lines, some on a line of
    # their own: values on the word's line and on the line after it are found, no others
    d = detector(rule(id="dl", entity_type="US_DRIVER_LICENSE", regex="[A-Z][0-9]{7}",
                      prefilter="none", score=0.6, context=["lic"], context_window=40,
                      context_score=0.2, requires_context=True))
    lines = []
    expected = []
    for i in range(3000):
        value = f"D{i:07d}"
        if i % 100 == 0:
            lines.append("lic")  # context alone: the value on the next line counts
            lines.append(f"x {value}")
            expected.append(value)
        elif i % 50 == 0:
            lines.append(f"{'y' * 30} lic {value}")
            expected.append(value)
        else:
            lines.append(f"{'z' * (i % 5)} {value} office")
            if i % 50 == 1 and i % 100 != 1:
                expected.append(value)  # the line after "... lic D..."
    text = "\n".join(lines)
    found = d.detect(text)
    assert [f.value for f in found] == expected
    assert all(text[f.start : f.end] == f.value for f in found)


def test_context_window_never_starts_or_ends_inside_a_word() -> None:
    from classifiers.detectors.pattern import _context_region

    text = "x" * 50 + "republic server 8.8.4.4 apiversion"
    start = text.index("8.8.4.4")
    region = _context_region(text, start, start + 7, 24)
    words = region.replace("\n", " ").split()
    assert "lic" not in words and "ver" not in words
    assert "server" in words


def test_negative_context_in_a_host_name_does_not_lower_a_score() -> None:
    from classifiers.detectors.pattern import _WordFinder

    finder = _WordFinder.build(["example", "test"], outside_names=True)
    assert finder is not None
    assert finder.search("ana.souza@example.net, DE44 ...") is None
    assert finder.search("see https://test.acme.io/x") is None
    assert finder.search("this is only an example.") == "example"
    assert finder.search("for example: DE44") == "example"
    assert finder.search("Test IBAN") == "test"


def test_ascii_chunks_after_non_ascii_ones_have_exact_character_spans() -> None:
    # chunks cut at line ends: non-ASCII ones, then ASCII ones (mapped by one addition), then
    # non-ASCII again (mapped from the previous candidate on)
    part_a = "Grüße aus Köln 🙂 " + TOKEN + "\n"
    part_b = "plain ascii line " + TOKEN + "\n"
    text = part_a * 400 + part_b * 2000 + part_a * 400
    found = detector(GITHUB).detect(text)
    assert len(found) == 2800
    assert all(text[f.start : f.end] == TOKEN == f.value for f in found)


def test_values_on_one_line_after_mixed_gaps_have_exact_spans() -> None:
    # a value group inside a longer match, several per line, with multi-byte characters
    # in some gaps and not in others
    d = detector(rule(id="num", entity_type="CUSTOM:num", prefilter="none",
                      regex="(?:^|[^0-9])(?P<value>[0-9]{3}-[0-9]{3})(?:[^0-9]|$)",
                      value_group="value"))
    line = "é 123-456,234-567 ü 345-678 x 456-789 🙂 567-890"
    text = "\n".join([line] * 3000)
    found = d.detect(text)
    assert [f.value for f in found] == ["123-456", "234-567", "345-678", "456-789",
                                        "567-890"] * 3000


# --- anchored rules: one Aho-Corasick pass, then each rule only on its anchors' lines ---

def _reference(packs: list[RulePack], monkeypatch: pytest.MonkeyPatch) -> PatternDetector:
    """The same packs with every rule in the RE2 sets (no anchors): what the anchored
    path must reproduce exactly."""
    import classifiers.detectors.pattern as pattern_module

    with monkeypatch.context() as m:
        m.setattr(pattern_module, "_anchors_of", lambda c: None)
        return PatternDetector(packs)


def _spans(findings: list) -> list[tuple[int, int, str, float, str]]:  # type: ignore[type-arg]
    return [(f.start, f.end, f.recognizer, round(f.score, 6), f.explanation) for f in findings]


def test_anchored_rules_find_what_the_rule_sets_find_on_every_builtin_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from classifiers.rules import load_builtin_packs

    packs = load_builtin_packs()
    fast, slow = PatternDetector(packs), _reference(packs, monkeypatch)
    assert fast._anchors is not None and len(fast._anchors.rules) > 80
    lines = [text for p in packs for r in p.rules for text, _ in r.examples.match]
    lines += [text for p in packs for r in p.rules for text in r.examples.no_match]
    # one text of every example (anchors far apart, values after non-ASCII text), and
    # each example on its own
    noisy = "\n".join(f"{line} — Grüße {i}" if i % 3 else f"日本 {line}"
                      for i, line in enumerate(lines))
    for text in [noisy, *lines]:
        assert _spans(fast.detect(text)) == _spans(slow.detect(text)), text[:80]


def test_a_context_word_anchors_its_rule_on_its_line_and_the_lines_below() -> None:
    d = detector(AWS)  # requires context, context words all ASCII: anchored on them
    assert d._anchors is not None and d._set_rules == 0
    far = "\n".join(["filler line"] * 40)
    text = f"aws_secret_access_key:\n{AWS_SECRET}\n{far}\nnothing {AWS_SECRET.lower()[::-1]}x"
    assert [f.value for f in d.detect(text)] == [AWS_SECRET]
    # context on the line below the value does not count (the region looks back)
    assert d.detect(f"{AWS_SECRET}\naws_secret_access_key") == []


def test_a_case_insensitive_anchor_still_matches_rare_unicode_case_folds() -> None:
    # RE2 folds "k" to U+212A KELVIN SIGN under (?i); lower-casing bytes does not, so such
    # texts run every anchored rule over the whole text
    d = detector(rule(id="kv", entity_type="GENERIC_SECRET",
                      regex=r"(?i)token_key=(?P<value>[a-z0-9]{12})", value_group="value",
                      keywords=["token"]))
    assert d._anchors is not None
    value = "q8x2l0m4v6c1"
    assert [f.value for f in d.detect(f"TOKEN_\u212aEY={value}")] == [value]
    assert [f.value for f in d.detect(f"x\nToken_Key={value}")] == [value]


def test_anchored_findings_have_character_offsets_after_non_ascii_text() -> None:
    text = "é日本\n" * 50 + f"Grüße {TOKEN}\n" + "ß" * 3000 + f"\n— {TOKEN}"
    found = detector(GITHUB).detect(text)
    assert [text[f.start:f.end] for f in found] == [TOKEN, TOKEN]


def test_keywords_are_found_by_the_same_pass_in_any_case_and_any_length() -> None:
    gated = rule(id="g", entity_type="GENERIC_SECRET", regex=r"zz(?P<value>[0-9]{6})zz",
                 value_group="value", keywords=["pw", "straße", "credential"])
    d = detector(gated)
    assert d._anchors is not None and d._set_rules == 1  # "zz" is too short: a set
    value = "zz493817zz"
    assert d.detect(value) == []  # no keyword: the rule does not run
    for keyword in ("PW", "Credential", "STRAẞE", "straße", "STRAßE"):
        assert [f.value for f in d.detect(f"{keyword}: {value}")] == ["493817"], keyword
    # the letters RE2 folds k and s to: the keyword set decides, as RE2 would
    assert [f.value for f in d.detect(f"\u017ftraße {value}")] == ["493817"]


def test_an_anchor_with_non_ascii_letters_is_found_in_any_case() -> None:
    d = detector(rule(id="pl", entity_type="PASSWORD", regex=r"(?i)hasło\s*=\s*(?P<value>\S{6,})",
                      value_group="value", keywords=["hasło"]))
    assert d._anchors is not None and d._set_rules == 0  # anchored on "hasło", not "has"
    for key in ("hasło", "HASŁO", "Hasło"):
        assert [f.value for f in d.detect(f"x\n{key} = Zq8x!Lp0Mn4\n")] == ["Zq8x!Lp0Mn4"], key
    assert d.detect("she has = Zq8x!Lp0Mn4") == []


def test_a_non_ascii_context_word_counts_in_any_case_and_anchors_its_rule() -> None:
    d = detector(rule(id="dob", entity_type="DATE_OF_BIRTH",
                      regex=r"(?P<value>[0-3][0-9]/[01][0-9]/(?:19|20)[0-9]{2})",
                      value_group="value", keywords=["né"], context=["né", "née"],
                      requires_context=True, score=0.6, context_score=0.3))
    assert d._anchors is not None and d._set_rules == 0  # anchored on its context words
    for line in ("né le 12/03/1985", "NÉ LE 12/03/1985", "Née le 12/03/1985"):
        assert [f.value for f in d.detect(line)] == ["12/03/1985"], line
    assert d.detect("Paiement le 12/03/1985") == []
