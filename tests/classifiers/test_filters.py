"""False-positive filters: real-world-shaped placeholders, references and identifiers."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.entropy import shannon_entropy
from classifiers.filters import FILTERS


@pytest.mark.parametrize(
    "value",
    [
        "your-api-key-here", "YOUR_API_KEY", "<YOUR_TOKEN>", "<TOKEN>", "replace-me",
        "REPLACE_ME", "changeme", "change_me", "xxxxxxxxxxxxxxxxxxxx", "AKIAXXXXXXXXXXXXXXXX",
        "sk_test_xxx", "sk-...REDACTED", "sk-…", "ghp_...", "${API_KEY}", "{{ api_key }}",
        "%s", "%(password)s", "REDACTED", "[redacted]", "dummy-token", "example_secret",
        "sample-key-123", "********", "my-secret-key", "insert-your-key", "xxx-xxx-xxx",
        "not-a-real-key", "<password>", "your_openai_key", "foo", "todo", "None", "null",
        "0000000000000000", "placeholder_value", "api_key_here", "{token}",
    ],
)  # fmt: skip
def test_placeholder_drops_stand_in_values(value: str) -> None:
    assert FILTERS["placeholder"](value)


@pytest.mark.parametrize(
    "value",
    [
        "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", "hunter2", "password123",
        "MySecretPassw0rd!", "Tr0ub4dor&3", "correct-horse-battery-staple",
        "sk_live_51H8fKQJx2mP9vR7tYbN3cLw", "wJalrXUtnFEMIK7MDENGbPxRfiCY0abcdEFGH",
        "s3cr3t-Pa55", "testimony-Q8z",
    ],
)  # fmt: skip
def test_placeholder_keeps_real_looking_values(value: str) -> None:
    assert not FILTERS["placeholder"](value)


def test_placeholder_rarely_drops_random_tokens() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits
    tokens = ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(5000)]
    dropped = sum(FILTERS["placeholder"](t) for t in tokens)
    assert dropped <= 5  # at most 0.1% of real tokens lost


@pytest.mark.parametrize(
    "value",
    ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "xoxb-EXAMPLE-token",
     "sk_live_example123"],
)  # fmt: skip
def test_vendor_example_drops_documented_example_keys(value: str) -> None:
    assert FILTERS["vendor_example"](value)


def test_vendor_example_keeps_real_shaped_keys() -> None:
    assert not FILTERS["vendor_example"]("AKIA2E0A8F3B244C9986")


@pytest.mark.parametrize(
    "value",
    ["123e4567-e89b-12d3-a456-426614174000", "{123E4567-E89B-12D3-A456-426614174000}",
     "123e4567e89b12d3a456426614174000"],
)  # fmt: skip
def test_uuid_drops_uuids(value: str) -> None:
    assert FILTERS["uuid"](value)


def test_uuid_keeps_tokens_that_only_contain_dashes() -> None:
    assert not FILTERS["uuid"]("xoxb-1234-5678-abcdefghij")


def test_uuid_keeps_most_bare_32_hex_api_keys() -> None:
    rng = random.Random(3)
    keys = ["".join(rng.choice("0123456789abcdef") for _ in range(32)) for _ in range(2000)]
    assert sum(FILTERS["uuid"](k) for k in keys) < 2000 * 0.15  # version+variant: 1 in 8


@pytest.mark.parametrize("charset", [string.ascii_letters + string.digits + "!@#$%^&*",
                                     string.ascii_letters + string.digits + "-_"])
def test_placeholder_and_env_reference_rarely_drop_random_passwords(charset: str) -> None:
    rng = random.Random(11)
    values = ["".join(rng.choice(charset) for _ in range(rng.choice((12, 40, 93))))
              for _ in range(4000)]
    for name in ("placeholder", "env_reference", "file_path", "sequence", "uuid"):
        dropped = sum(FILTERS[name](v) for v in values)
        assert dropped <= 4, (name, dropped)  # at most 0.1% of real values lost


@pytest.mark.parametrize("length", [32, 40, 56, 64, 96, 128])
def test_hex_hash_drops_standard_digest_lengths(length: int) -> None:
    rng = random.Random(length)
    digest = "".join(rng.choice("0123456789abcdef") for _ in range(length))
    assert FILTERS["hex_hash"](digest)
    assert FILTERS["hex_hash"]("sha256:" + digest) or length != 64


@pytest.mark.parametrize(
    "value", ["0123456789abcdef0123456789abcdef0", "deadbeefdeadbeefdeadbeefdeadbeefxx"]
)
def test_hex_hash_keeps_other_lengths_and_non_hex(value: str) -> None:
    assert not FILTERS["hex_hash"](value)


@pytest.mark.parametrize(
    "value", ["abcdefghijkl", "123456789012", "qwertyuiop", "9876543210", "abcabcabcabc",
              "1212121212", "QWERTY123"],
)  # fmt: skip
def test_sequence_drops_keyboard_and_alphabet_runs(value: str) -> None:
    assert FILTERS["sequence"](value)


@pytest.mark.parametrize("value", ["xK9#mP2$vL5q", "a8f3kq0z", "Summer2024!"])
def test_sequence_keeps_irregular_values(value: str) -> None:
    assert not FILTERS["sequence"](value)


def test_low_entropy_drops_long_values_with_few_distinct_characters() -> None:
    assert FILTERS["low_entropy"]("aaaaaaaaaaab")
    assert FILTERS["low_entropy"]("abababababababab")
    assert not FILTERS["low_entropy"]("aab")  # too short to judge
    assert not FILTERS["low_entropy"]("aB3dE5fG7hJ9kL1m")


@pytest.mark.parametrize(
    "value",
    ["$DB_PASSWORD", "${DB_PASSWORD}", "${DB_PASSWORD:-}", "%APPDATA%",
     "os.environ['API_KEY']", 'os.getenv("TOKEN")', "process.env.STRIPE_KEY",
     "{{ secrets.GITHUB_TOKEN }}", "${{ secrets.NPM_TOKEN }}", "<password>", "****",
     "ENV['SECRET']", "vault:secret/data/db#password", "$env:DB_PASS",
     "<%= ENV['DB_PASSWORD'] %>", "!Ref DbPassword", "{{resolve:secretsmanager:prod/db}}"],
)  # fmt: skip
def test_env_reference_drops_references_to_secrets_kept_elsewhere(value: str) -> None:
    assert FILTERS["env_reference"](value)


@pytest.mark.parametrize("value", ["s3cr3t-Pa55", "p@ss$word", "abc%def"])
def test_env_reference_keeps_literal_values(value: str) -> None:
    assert not FILTERS["env_reference"](value)


@pytest.mark.parametrize(
    "value",
    ["/usr/local/bin/python3", "~/.ssh/config", "./secrets/db.yaml", r"C:\Users\me\key.txt",
     "https://example.com/docs/api", "src/app/config/settings.py", "src/App/Config.py",
     "config/settings.yaml", "node_modules/.bin/tsc"],
)  # fmt: skip
def test_file_path_drops_paths_and_urls_without_credentials(value: str) -> None:
    assert FILTERS["file_path"](value)


@pytest.mark.parametrize(
    "value",
    ["https://user:hunter2@example.com/x", "aB3dE5fG7hJ9kL1m",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Xw2Lp0Mn4", "Zq8X/w2Lp0Mn4Vb6Cx1R/t9Ys3Ua5Ie7Oo2Pk4Jh6T",
     "/Zq8Xw2Lp0Mn4Vb6Cx1Rt9Ys3Ua5Ie7Oo2Pk4Jh6T", "ab+cd/ef/gh"],
)  # fmt: skip
def test_file_path_keeps_credentials_and_base64_with_slashes(value: str) -> None:
    assert not FILTERS["file_path"](value)


@pytest.mark.parametrize(
    "value",
    ["jane@example.com", "Jane.Doe@EXAMPLE.ORG", "ops@mail.example.net", "ci@build.test",
     "x@host.invalid", "dev@app.localhost", "max@firma.example", "a@b.example."],
)  # fmt: skip
def test_reserved_domain_drops_addresses_at_documentation_and_test_domains(value: str) -> None:
    assert FILTERS["reserved_domain"](value)


@pytest.mark.parametrize(
    "value",
    ["ana@example.de", "j.smith@mail.example.co.uk", "r.mensah@corp.local",
     "lena@test-firma.de", "bob@examples.com", "eve@myexample.com", "amy@testing.io",
     "kai@example.com.evil.io", "no-at-sign.example.com", "tom@invalid.org"],
)  # fmt: skip
def test_reserved_domain_keeps_ordinary_and_internal_domains(value: str) -> None:
    assert not FILTERS["reserved_domain"](value)


@pytest.mark.parametrize(
    "value",
    ["4242424242424242", "4242 4242 4242 4242", "5555-5555-5555-4444", "4000 0000 0000 0002",
     "3782 822463 10005", "6011111111111117", "4111.1111.1111.1111"],
)  # fmt: skip
def test_published_test_card_drops_the_networks_test_numbers(value: str) -> None:
    assert FILTERS["published_test_card"](value)


@pytest.mark.parametrize(
    "value",
    ["4539 1488 0343 6467", "5425233430109903", "4242424242424241", "4000 0000 0000 0028",
     "4111 1111 1111 1112"],
)  # fmt: skip
def test_published_test_card_keeps_other_numbers(value: str) -> None:
    assert not FILTERS["published_test_card"](value)


def test_every_published_test_card_is_a_valid_card_number() -> None:
    # an entry that failed Luhn or the network ranges would never reach the filter
    from classifiers import validators
    from classifiers.validators import card_network_ok, luhn_ok

    assert all(luhn_ok(n) and card_network_ok(n) for n in validators._PUBLISHED_TEST_CARDS)


@pytest.mark.parametrize("value", ["7.1.1.1", "22.1.4.1", "24.1.1.3", "1.10.2.3", "1.5.4.1",
                                   "8.8.8.8", "1.1.1.1"])
def test_section_number_drops_small_dotted_quads(value: str) -> None:
    assert FILTERS["section_number"](value)


@pytest.mark.parametrize("value", ["81.2.69.160", "11.2.27.20", "5.0.71.47", "31.16.2.1",
                                   "7.1.1", "7.1.1.1.5", "185.220.101.47", "007.1.1.1"])
def test_section_number_keeps_host_shaped_addresses(value: str) -> None:
    assert not FILTERS["section_number"](value)


@pytest.mark.parametrize("value", ["149.112.112.112", "208.67.222.222", "2606:4700:4700::1111",
                                   "2001:4860:4860::8888", "[2620:fe::fe]"])
def test_public_resolver_drops_well_known_dns_resolvers(value: str) -> None:
    assert FILTERS["public_resolver"](value)


@pytest.mark.parametrize("value", ["81.2.69.160", "2a00:1450:4001:82a::200e", "208.67.222.221"])
def test_public_resolver_keeps_other_addresses(value: str) -> None:
    assert not FILTERS["public_resolver"](value)


def _hs256(payload: str, key: bytes) -> str:
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(payload.encode())
    return head + "." + b64(hmac.new(key, head.encode(), hashlib.sha256).digest())


@pytest.mark.parametrize("key", [b"secret", b"your-256-bit-secret", b"shhhhh"])
def test_documentation_jwt_drops_tokens_signed_with_published_keys(key: bytes) -> None:
    assert FILTERS["documentation_jwt"](_hs256('{"sub":"u-1","admin":true}', key))


def test_documentation_jwt_keeps_tokens_signed_with_real_keys() -> None:
    assert not FILTERS["documentation_jwt"](_hs256('{"sub":"u-1"}', b"Zk8q-2vLx9#Tq7mR4pWb"))
    rs256 = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTEifQ."
             "c2lnbmF0dXJlLW9mLWFuLXJzYS1rZXktdGhhdC1ub2JvZHkta25vd3M")
    assert not FILTERS["documentation_jwt"](rs256)
    assert not FILTERS["documentation_jwt"]("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")


@pytest.mark.parametrize("value", ["Reset password", "Passwort vergessen?", "Mot de passe oublié ?",
                                   "Contraseña incorrecta", "challengePassword", "deleted password",
                                   "new_password", "Wachtwoord"])
def test_password_label_drops_words_about_a_password(value: str) -> None:
    assert FILTERS["password_label"](value)


@pytest.mark.parametrize("value", ["Summer2024", "P@ssword2024", "correct horse battery staple",
                                   "tangerine", "password123", "Passw0rd!"])
def test_password_label_keeps_passwords(value: str) -> None:
    assert not FILTERS["password_label"](value)


def test_shannon_entropy_of_known_values() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("ab") == pytest.approx(1.0)
    assert shannon_entropy("abcd") == pytest.approx(2.0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_no_filter_raises_on_any_text(value: str) -> None:
    for name, check in FILTERS.items():
        assert isinstance(check(value), bool), name


@pytest.mark.parametrize("value", ["your" * 25_000, "%a" * 50_000, "{{" * 50_000, "a" * 100_000])
def test_filters_stay_fast_on_hostile_values(value: str) -> None:
    import time

    started = time.perf_counter()
    for check in FILTERS.values():
        check(value)
    assert time.perf_counter() - started < 2.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="qwertyuiopasdfghjklzxcvbnm1234567890-_", min_size=4, max_size=30))
def test_sequence_pre_check_never_changes_the_answer(value: str) -> None:
    from classifiers import filters

    compact = "".join(ch for ch in value.lower() if ch.isalnum())
    longest = filters._longest_run(compact)
    expected = (
        len(compact) >= 4
        and (
            filters.is_simple_run(compact)
            or (longest >= 6 and longest * 2 >= len(compact))
            or filters._repeated_unit(compact)
        )
    )
    assert filters.sequence(value) is expected


@pytest.mark.parametrize("value", ["7.1.4.34", "1.5.4.200", "2.5.29.17", "2.5.4.3"])
def test_section_number_drops_four_part_versions_and_x500_object_identifiers(value: str) -> None:
    assert FILTERS["section_number"](value)


@pytest.mark.parametrize("value", ["2002::", "2620:4f:8000::", "[2001:102A::]",
                                   "2600:1901:0:0:0:0:0:0", "81.2.69.0"])
def test_network_address_drops_ipv6_prefixes_with_a_zero_interface_id(value: str) -> None:
    assert FILTERS["network_address"](value)


@pytest.mark.parametrize("value", ["2a00:1450:4001:82a::200e", "2001:db8:42::80",
                                   "81.2.69.160", "not:an:address"])
def test_network_address_keeps_host_addresses(value: str) -> None:
    assert not FILTERS["network_address"](value)


@pytest.mark.parametrize("value", ["FilterOrBool", "BatchedProviderA", "TestSignRequest",
                                   "mock_random.get_random_string(32)", "os.urandom(16)"])
def test_code_identifier_drops_type_names_and_dotted_calls(value: str) -> None:
    assert FILTERS["code_identifier"](value)


@pytest.mark.parametrize("value", ["hGtNvxblvkJv", "QxVmtrnLpA", "fOXvaiCPCS", "QazWsxEdc",
                                   "Summer(2024)", "Tr0ub4dor&3", "Password"])
def test_code_identifier_keeps_random_case_mixes_and_passwords(value: str) -> None:
    assert not FILTERS["code_identifier"](value)
