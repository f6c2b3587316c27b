"""False-positive filters: ``FILTERS[name](value) -> True`` means "not a real value, drop it".

A rule names the filters its matches go through (``filters = ["placeholder", "uuid"]``).
Each filter is a pure function of the matched value and never raises. They are written
for the shapes people actually paste: documentation placeholders, template variables,
redacted values, vendor example keys, digests, identifiers and references to secrets that
live elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import re
from collections.abc import Callable

from classifiers.entropy import shannon_entropy
from classifiers.validators import is_simple_run, published_test_card

# Words that, inside a value, mark it as a stand-in rather than a real secret. Matched as
# whole segments of the value (split on non-alphanumerics and case changes), so
# "testimony" or "samples1x9..." in a random token does not count. One strong word is
# enough; weak words only count when the value is made of nothing else (my-secret-key),
# because real weak passwords look like "password123" or "MySecretPassw0rd".
_STRONG_WORDS = frozenset(
    {
        "your", "yours", "replace", "replaceme", "changeme", "placeholder", "redacted",
        "dummy", "example", "examples", "sample", "fake", "foo", "bar", "baz", "foobar",
        "todo", "fixme", "xxx", "tbd", "undefined", "notreal", "insert", "removed", "changeit",
        "masked", "censored", "omitted",
    }
)  # fmt: skip
_WEAK_WORDS = frozenset(
    {
        "my", "our", "here", "change", "enter", "put", "test", "testing", "none", "null",
        "nil", "secret", "password", "passwd", "token", "api", "apikey", "key", "value",
        "hidden", "invalid", "access", "auth", "client", "id", "private", "the", "a",
        "goes", "this", "with", "some", "random", "string", "new", "pass",
    }
)  # fmt: skip

# Whole values that mean "no value".
_NULL_VALUES = frozenset({"none", "null", "nil", "undefined", "empty", "true", "false", "na"})

# Placeholders that are whole phrases or template syntax.
_PLACEHOLDER_PATTERNS = re.compile(
    r"""
      <[^<>]{1,64}>                     # <TOKEN>, <your key>
    | \$\{[^{}]{0,64}\}                 # ${VAR}
    | \{\{[^{}]{0,64}\}\}               # {{ var }}
    | \{[A-Za-z_][A-Za-z0-9_]{0,40}\}   # {token}
    | (?<![A-Za-z0-9])%(?:\([A-Za-z_][A-Za-z0-9_]{0,31}\))?(?-i:[sd])(?![A-Za-z0-9])  # %s
    | \.\.\. | …                       # elided
    | x{4,} | X{4,} | \*{3,} | \#{4,}    # masked runs
    | (?:^|[\s_.\-])(?:xxx|yyy|zzz)(?:[\s_.\-]|$)   # sk_test_xxx, xxx-yyy
    | replace[_\- ]?(?:me|this|with)
    | change[_\- ]?(?:me|this|it)
    | your[_\- ]?(?:own[_\- ]?)?[a-z_\-]{0,24}(?:key|token|secret|password|id)
    | (?:api|access|secret)[_\- ]?key[_\- ]?here
    | redacted | placeholder | dummy | not[_\- ]?a[_\- ]?real
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Every alternative of _PLACEHOLDER_PATTERNS needs one of these (lower-cased) substrings:
# a cheap test that skips the big pattern for most real values.
_PATTERN_TRIGGERS = (
    "<", "{", "%", "...", "…", "xxx", "yyy", "zzz", "***", "####", "replace", "change",
    "your", "here", "redacted", "placeholder", "dummy", "real",
)  # fmt: skip
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]")
_SEGMENTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_TOKENS = re.compile(r"[A-Za-z0-9]+")


def _segments(value: str) -> list[str]:
    """Words of a value: split on punctuation, then on case changes and digits. Short
    words (foo, bar) only count as a whole punctuation-delimited token, so that random
    base62 strings, which are full of case changes, do not yield them by chance."""
    words: list[str] = []
    for token in _TOKENS.findall(value):
        parts = _SEGMENTS.findall(token)
        if len(parts) == 1:
            words.append(token.lower())
            continue
        words.extend(p.lower() for p in parts if len(p) >= 4 or p.isdigit())
    return words


def placeholder(value: str) -> bool:
    """A stand-in value: template syntax, masked or elided runs, placeholder words."""
    v = value.strip().strip("'\"`")
    if not v:
        return True
    lowered = v.lower()
    if any(t in lowered for t in _PATTERN_TRIGGERS) and _PLACEHOLDER_PATTERNS.search(v):
        return True
    compact = _NON_ALNUM.sub("", v)
    if compact and len(set(compact.lower())) == 1:  # all X, all 0, all a
        return True
    if not compact:  # only punctuation: ****, ----
        return True
    if compact.lower() in _NULL_VALUES:
        return True
    strong_inside = any(w in lowered for w in _STRONG_WORDS)
    if not strong_inside and any(c.isdigit() for c in compact):
        return False  # no strong word, and digits rule out a value of weak words only
    segments = _segments(v)
    if any(s in _STRONG_WORDS for s in segments):
        return True
    # made only of weak words (and no digits): my-secret-key, api_token_value
    return len(segments) >= 2 and all(s in _WEAK_WORDS for s in segments)


def vendor_example(value: str) -> bool:
    """A vendor's documented example credential (AWS's AKIAIOSFODNN7EXAMPLE, keys and
    tokens with EXAMPLE in them)."""
    return "EXAMPLE" in value.upper()


_UUID = re.compile(
    r"[{(]?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}[})]?"
)


def uuid(value: str) -> bool:
    """A UUID/GUID: an identifier, not a secret. Dashed (or braced) forms always count;
    a bare 32-hex value only with a valid version and variant digit, since many API keys
    are 32 random hex characters too."""
    v = value.strip()
    if not _UUID.fullmatch(v):
        return False
    if "-" in v:
        return True
    bare = v.strip("{}()")
    return bare[12] in "12345678" and bare[16] in "89abAB"


_HEX = re.compile(r"(?:0x)?[0-9a-fA-F]+")
_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})


def hex_hash(value: str) -> bool:
    """A pure hex digest of a standard length (MD5, SHA-1/git, SHA-224/256/384/512)."""
    v = value.strip()
    if v.lower().startswith(("sha256:", "sha1:", "sha512:", "md5:")):
        v = v.split(":", 1)[1]
    if not _HEX.fullmatch(v):
        return False
    v = v[2:] if v[:2].lower() == "0x" else v
    return len(v) in _HASH_LENGTHS and (v == v.lower() or v == v.upper())


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "abcdefghijklmnopqrstuvwxyz")
# Pairs of characters next to each other on a keyboard row or in the alphabet, both ways.
_ADJACENT = frozenset(
    pair
    for row in _KEYBOARD_ROWS
    for line in (row, row[::-1])
    for pair in zip(line, line[1:], strict=False)
)
_MIN_RUN = 6
# Three characters chained by _ADJACENT pairs. A run of _MIN_RUN (6) chained characters
# contains such a triple starting at a multiple of 3, so those few slices rule most
# values out before the pair-by-pair walk.
_TRIPLES = frozenset(
    a + b + c for (a, b) in _ADJACENT for (b2, c) in _ADJACENT if b2 == b
)


def sequence(value: str) -> bool:
    """A keyboard or alphabet run (abcdef, 123456789, qwerty, 987654) making up at least
    half of the value, or a short unit repeated (abcabcabc, 1212121212)."""
    compact = _NON_ALNUM.sub("", value).lower()
    if len(compact) < 4:
        return False
    if is_simple_run(compact):
        return True
    if any(compact[i : i + 3] in _TRIPLES for i in range(0, len(compact) - 2, 3)):
        longest = _longest_run(compact)
        if longest >= _MIN_RUN and longest * 2 >= len(compact):
            return True
    return _repeated_unit(compact)


def _longest_run(compact: str) -> int:
    longest = run = 1
    for pair in zip(compact, compact[1:], strict=False):
        run = run + 1 if pair in _ADJACENT else 1
        longest = max(longest, run)
    return longest


def _repeated_unit(compact: str) -> bool:
    """abcabcabc, 1212121212: a unit of 1-4 characters repeated at least three times."""
    n = len(compact)
    return any(
        n >= unit * 3 and compact == (compact[:unit] * (n // unit + 1))[:n] for unit in range(1, 5)
    )


def low_entropy(value: str) -> bool:
    """A long value with little information (below 2.5 bits per character)."""
    return len(value) >= 12 and shannon_entropy(value) < 2.5


_ENV_REFERENCE = re.compile(
    r"""
      ^\$(?:[A-Z_][A-Z0-9_]*|[a-z_][a-z0-9_]*|[a-z]+(?:[A-Z][a-z]+)+[0-9]*)$  # $VAR $var $dbPass
    | ^\$\{[^{}]+\}$                                  # ${VAR}, ${VAR:-default}
    | ^\$\([^()]+\)$                                  # $(command)
    | ^%[A-Za-z_][A-Za-z0-9_]*%$                      # %VAR%
    | ^\{\{.*\}\}$                                    # {{ secrets.X }}, {{ .Values.x }}
    | ^\$\{\{.*\}\}$                                  # ${{ secrets.X }}
    | os\.environ | os\.getenv | getenv\(             # Python
    | process\.env\.                                  # Node
    | System\.getenv | Environment\.GetEnvironmentVariable
    | ENV\[ | \bsecrets\.[A-Za-z_] | \bvars\.[A-Za-z_]
    | ^<[^<>]+>$                                      # <password>
    | ^\*+$                                           # ****
    | ^(?:env|secret|vault|ssm|arn):                  # secret-manager references
    | ^\$env:[A-Za-z_][A-Za-z0-9_]*$                  # PowerShell $env:VAR
    | ^<%=?.*%>$                                      # ERB <%= ENV['X'] %>
    | ^!(?:Ref|Sub|GetAtt|ImportValue|FindInMap)\b    # CloudFormation intrinsics
    | ^\{\{\s*resolve:                                # {{resolve:secretsmanager:...}}
    """,
    re.VERBOSE,
)


def env_reference(value: str) -> bool:
    """A reference to a secret kept elsewhere, not the secret itself."""
    return bool(_ENV_REFERENCE.search(value.strip().strip("'\"`")))


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://([^/?#\s]*)")
_PATH = re.compile(
    r"""^(?:
        ~?/[^\s]*                          # /usr/local/bin, ~/x
      | \.{1,2}/[^\s]*                     # ./x, ../x
      | [A-Za-z]:[\\/][^\s]*               # C:\Windows
      | \\\\[^\s]+                         # \\server\share
    )$""",
    re.VERBOSE,
)
# A relative path (a/b/c.txt) looks like base64 with slashes, which real keys contain
# (AWS secret keys, Azure keys): it counts only when it ends in a file extension or is
# made of lower-case word segments, which random base64 almost never is.
_RELATIVE_PATH = re.compile(r"(?:[A-Za-z0-9_.\-]{1,64}/){1,32}[A-Za-z0-9_.\-]{0,64}")
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")
_LOWER_SEGMENT = re.compile(r"[a-z_.][a-z0-9_.\-]*")


def _relative_path(v: str) -> bool:
    if not _RELATIVE_PATH.fullmatch(v) or v.count("/") < 2 and not _EXTENSION.search(v):
        return False
    if _EXTENSION.search(v):
        return not _looks_random(v)
    return all(_LOWER_SEGMENT.fullmatch(seg) for seg in v.strip("/").split("/"))


def file_path(value: str) -> bool:
    """A file path or a URL without embedded credentials (not base64 that has slashes)."""
    v = value.strip().strip("'\"`")
    if m := _URL.match(v):
        return "@" not in m.group(1)
    if " " in v or "+" in v:
        return False
    if v.startswith(("/", "~/", "./", "../")) or re.match(r"[A-Za-z]:[\\/]|\\\\", v):
        return bool(_PATH.match(v)) and not _looks_random(v)
    return _relative_path(v)


def _looks_random(v: str) -> bool:
    """A long segment mixing upper case, lower case and digits: base64, not a name."""
    for seg in re.split(r"[\\/]", v):
        if len(seg) >= 16 and not _EXTENSION.search(seg) and (
            any(c.isupper() for c in seg) and any(c.islower() for c in seg)
            and any(c.isdigit() for c in seg)
        ):
            return True
    return False


_INTERFACE_ID = (1 << 64) - 1


def network_address(value: str) -> bool:
    """A dotted quad ending in .0 or .255: a network or its broadcast address, and far more
    often a version (Chrome 131.0.0.0) than a host. An IPv6 address whose interface id (the
    last 64 bits) is zero is a prefix too: ``2002::/16``, ``2620:4f:8000::/48`` and
    ``2600:1901:0:0:0:0:0:0/64`` in tables of blocks and CLI examples, never a host."""
    v = value.strip().strip("[]")
    if ":" in v:
        try:
            return int(ipaddress.IPv6Address(v)) & _INTERFACE_ID == 0
        except ValueError:
            return False
    parts = v.split(".")
    return len(parts) == 4 and parts[-1] in ("0", "255")


def section_number(value: str) -> bool:
    """A dotted quad of small numbers (7.1.1.1, 22.1.4.1, 1.10.2.3, 7.1.4.34): in text it is
    a section, clause or table-of-contents number or a four-part version (AIX's
    ``7.1.4.34``) far more often than a host. The first part is below 32 and the second and
    third below 16; the last may be anything (a build or patch number). About one public
    address in 2,000 has that shape, and the best-known ones are public resolvers (1.1.1.1,
    8.8.8.8, 9.9.9.9), which are not personal data either. The X.500 and X.509 object
    identifiers ``2.5.4.x`` (attribute types) and ``2.5.29.x`` (certificate extensions) are
    four-part dotted numbers too."""
    v = value.strip()
    if len(v) > 12:  # 31.15.15.255 is the longest; most addresses are longer: no split
        return False
    parts = v.split(".")
    if len(parts) != 4 or not all(p.isdigit() and p.isascii() and len(p) <= 3 for p in parts):
        return False
    if any(len(p) > 1 and p[0] == "0" for p in parts):
        return False
    first, second, third, _ = (int(p) for p in parts)
    if first == 2 and second == 5 and third in (4, 29):
        return True
    return first < 32 and second < 16 and third < 16


# Well-known public DNS resolvers: services, not anyone's address (1.1.1.1, 8.8.8.8 and
# 9.9.9.9 are small dotted quads, see section_number).
_PUBLIC_RESOLVERS = frozenset(
    """
    149.112.112.112 208.67.222.222 208.67.220.220 208.67.222.123 208.67.220.123
    2001:4860:4860::8888 2001:4860:4860::8844 2606:4700:4700::1111 2606:4700:4700::1001
    2620:fe::fe 2620:fe::9 2620:119:35::35 2620:119:53::53
    """.split()
)  # fmt: skip


def public_resolver(value: str) -> bool:
    """A well-known public DNS resolver (Quad9, OpenDNS, Google and Cloudflare IPv6)."""
    return value.strip().strip("[]").lower() in _PUBLIC_RESOLVERS


# Signing keys printed in JWT documentation and tutorials (jwt.io's defaults, the PyJWT and
# jsonwebtoken READMEs) and the usual stand-ins. A token signed with one of them can be
# forged by anybody, so it is no credential: it is a documentation example.
_DOC_JWT_KEYS = tuple(
    k.encode()
    for k in (
        "your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret", "secret",
        "shhhhh", "secretkey", "secret-key", "secret_key", "your-secret-key",
        "your_secret_key", "mysecret", "my-secret", "my_secret", "supersecret",
        "super-secret", "changeme", "jwt-secret", "jwt_secret", "test", "key",
    )
)  # fmt: skip
_HS_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def documentation_jwt(value: str) -> bool:
    """A JWT signed (HS256/384/512) with a key printed in JWT docs and tutorials
    (your-256-bit-secret, secret, shhhhh): anybody can mint it, so it guards nothing."""
    parts = value.strip().split(".")
    if len(parts) != 3 or len(value) > 8192 or not parts[2]:
        return False
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        signature = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return False
    digest = _HS_DIGESTS.get(header.get("alg")) if isinstance(header, dict) else None
    if digest is None:
        return False
    signed = f"{parts[0]}.{parts[1]}".encode()
    return any(
        hmac.compare_digest(hmac.new(key, signed, digest).digest(), signature)
        for key in _DOC_JWT_KEYS
    )


# "Password" in the languages of the UI strings people paste (i18n files, form labels).
_PASSWORD_WORDS = (
    "password", "passwort", "passwd", "passcode", "passphrase", "mot de passe", "motdepasse",
    "contraseña", "contrasena", "senha", "wachtwoord", "hasło", "haslo", "lösenord", "passord",
    "adgangskode", "salasana", "heslo", "jelszó", "parola", "пароль",
)  # fmt: skip
_LABEL_CHARS = frozenset(" _-.?:…'’")


def password_label(value: str) -> bool:
    """Words about a password, not a password: a UI string or a field name whose words
    include "password" in some language (Reset password, Passwort vergessen?, Mot de passe
    oublié, challengePassword, deleted password), with no digit or symbol in it."""
    v = value.strip().strip("'\"`")
    lowered = v.lower()
    if not v or not any(w in lowered for w in _PASSWORD_WORDS):
        return False
    return all(c.isalpha() or c in _LABEL_CHARS for c in v)


_PASCAL_WORD = re.compile(r"[A-Z][a-z]*")
_DOTTED_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\(.*\)")


def code_identifier(value: str) -> bool:
    """A name from code where a password value would be: a PascalCase type or class name
    (``password: FilterOrBool = False``, ``- pass: BatchedProviderA``) or a dotted call
    (``"DbPassword": mock_random.get_random_string(32)``). PascalCase means letters only,
    a capital first, and at least two of its capitalised words four letters long or more:
    random mixes of case (hGtNvxblvkJv, QxVmtrnLpA) have short or no such words."""
    v = value.strip()
    if _DOTTED_CALL.fullmatch(v):
        return True
    if not (v.isascii() and v.isalpha() and v[:1].isupper()):
        return False
    words = _PASCAL_WORD.findall(v)
    return "".join(words) == v and sum(len(w) >= 4 for w in words) >= 2


# Domains that can never hold a real mailbox: RFC 2606 and RFC 6761 reserve example.com,
# example.net and example.org (with every subdomain) and the top-level names .example,
# .test, .invalid and .localhost for documentation and testing. Nothing else: example.de,
# example.co.uk and company.local are ordinary (or internal) domains that do receive mail.
_RESERVED_SECOND_LEVEL = ("example.com", "example.net", "example.org")
_RESERVED_TOP_LEVEL = frozenset({"example", "test", "invalid", "localhost"})


def reserved_domain(value: str) -> bool:
    """An e-mail address at a reserved documentation or test domain (jane@example.com,
    ci@build.test, x@host.invalid): it names no mailbox anyone can read."""
    _, at, domain = value.strip().rpartition("@")
    if not at:
        return False
    domain = domain.rstrip(".").lower()
    if domain.rpartition(".")[2] in _RESERVED_TOP_LEVEL:
        return True
    # example.com, .net, .org are all 11 characters: the name itself or a subdomain of it
    return domain.endswith(_RESERVED_SECOND_LEVEL) and (len(domain) == 11 or domain[-12] == ".")




FILTERS: dict[str, Callable[[str], bool]] = {
    "placeholder": placeholder,
    "vendor_example": vendor_example,
    "uuid": uuid,
    "hex_hash": hex_hash,
    "sequence": sequence,
    "low_entropy": low_entropy,
    "env_reference": env_reference,
    "file_path": file_path,
    "network_address": network_address,
    "section_number": section_number,
    "public_resolver": public_resolver,
    "documentation_jwt": documentation_jwt,
    "password_label": password_label,
    "code_identifier": code_identifier,
    "reserved_domain": reserved_domain,
    "published_test_card": published_test_card,
}
