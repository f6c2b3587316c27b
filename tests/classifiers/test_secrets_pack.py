"""The secrets rule pack on realistic pastes: which secrets come out, with exactly which
values, and that the look-alikes around them (placeholders, references, hashes, UUIDs,
prose) produce nothing.

Tokens are built at test time from a seeded generator, so the file holds no string that
looks like a live credential.
"""

from __future__ import annotations

import random
from functools import cache

import pytest

from classifiers.detectors.pattern import PatternDetector
from classifiers.engine import Engine
from classifiers.model import Severity
from classifiers.rules import load_builtin_packs

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64 = ALNUM + "+/"
B64URL = ALNUM + "_-"
HEX = "0123456789abcdef"
DIGITS = "0123456789"

_rng = random.Random(20261128)


def tok(alphabet: str, n: int) -> str:
    """A random token whose first and last characters are letters or digits."""
    while True:
        value = "".join(_rng.choice(alphabet) for _ in range(n))
        if value[0].isalnum() and value[-1].isalnum():
            return value


@cache
def _engine() -> Engine:
    return Engine([PatternDetector(load_builtin_packs(["secrets"]))])


def found(text: str) -> set[tuple[str, str]]:
    """(entity type, value) of every finding the engine keeps after merging overlaps."""
    return {(f.entity_type, f.value) for f in _engine().scan(text).findings}


# --- a .env file -------------------------------------------------------------------------

AWS_ID = "AKIA" + tok(UPPER, 16)
AWS_SECRET = tok(B64, 40)
DB_PASS = "Vx7#" + tok(ALNUM, 10)
STRIPE_LIVE = "sk_live_" + tok(ALNUM, 24)
STRIPE_TEST = "sk_test_" + tok(ALNUM, 24)
SENDGRID = "SG." + tok(B64URL, 22) + "." + tok(B64URL, 43)
REDIS_PASS = tok(ALNUM, 14)

DOTENV = f"""\
# --- app ---
APP_ENV=production
DEBUG=false
PORT=8080
API_BASE_URL=https://api.acme-corp.com/v2
SESSION_COOKIE_NAME=acme_sid

# --- database ---
DB_HOST=db-prod-01.internal
DB_USER=orders_app
DB_PASSWORD={DB_PASS}
DATABASE_URL=postgres://orders_app:${{DB_PASSWORD}}@db-prod-01.internal:5432/orders
TEST_DATABASE_URL=postgres://postgres:postgres@localhost:5432/orders_test
REDIS_URL=redis://:{REDIS_PASS}@cache-1.internal:6379/0

# --- aws ---
AWS_ACCESS_KEY_ID={AWS_ID}
AWS_SECRET_ACCESS_KEY={AWS_SECRET}
AWS_DEFAULT_REGION=eu-west-1
# docs example, not ours: AKIAIOSFODNN7EXAMPLE

# --- payments / mail ---
STRIPE_SECRET_KEY={STRIPE_LIVE}
STRIPE_TEST_KEY={STRIPE_TEST}
STRIPE_WEBHOOK_SECRET=whsec_...
SENDGRID_API_KEY={SENDGRID}
SLACK_BOT_TOKEN=xoxb-your-bot-token
SMTP_PASSWORD=changeme
ADMIN_PASSWORD=********
RELEASE_SHA=3f786850e387550fdab836ed7e6dc881de23001b
INSTANCE_ID=3fa85f64-5717-4562-b3fc-2c963f66afa6
"""


def test_dotenv_file_yields_exactly_its_real_secrets() -> None:
    assert found(DOTENV) == {
        ("PASSWORD", DB_PASS),
        ("PASSWORD", REDIS_PASS),
        ("AWS_ACCESS_KEY", AWS_ID),
        ("AWS_SECRET_KEY", AWS_SECRET),
        ("STRIPE_KEY", STRIPE_LIVE),
        ("STRIPE_KEY", STRIPE_TEST),
        ("GENERIC_SECRET", SENDGRID),
    }


def test_stripe_test_key_is_low_severity_and_live_key_critical() -> None:
    by_value = {f.value: f for f in _engine().scan(DOTENV).findings}
    assert by_value[STRIPE_TEST].severity is Severity.LOW
    assert by_value[STRIPE_LIVE].severity is Severity.CRITICAL


def test_unambiguous_vendor_tokens_score_at_least_095() -> None:
    by_value = {f.value: f for f in _engine().scan(DOTENV).findings}
    for value in (AWS_ID, STRIPE_LIVE, SENDGRID):
        assert by_value[value].score >= 0.95


# --- a Kubernetes Secret -----------------------------------------------------------------

K8S_DB_PASS_B64 = tok(B64, 22) + "=="
K8S_API_KEY_B64 = tok(B64, 44)
K8S_URL_PASS = tok(ALNUM, 16)

K8S_SECRET = f"""\
apiVersion: v1
kind: Secret
metadata:
  name: billing-db-credentials
  namespace: billing
  uid: 9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d
  labels:
    app.kubernetes.io/name: billing
type: Opaque
data:
  username: YmlsbGluZw==
  password: {K8S_DB_PASS_B64}
  api-key: {K8S_API_KEY_B64}
stringData:
  DATABASE_URL: "postgresql://billing:{K8S_URL_PASS}@billing-db.billing.svc:5432/billing"
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.acme.io/billing@sha256:9f86d081884c7d659a2feaf0c55b15a08f4ca8f8d5b5fd9e9c1d4e3a8f1c7f2e
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: billing-db-credentials
                  key: password
"""


def test_kubernetes_secret_reports_data_values_not_names_digests_or_refs() -> None:
    assert found(K8S_SECRET) == {
        ("PASSWORD", K8S_DB_PASS_B64),
        ("GENERIC_SECRET", K8S_API_KEY_B64),
        ("PASSWORD", K8S_URL_PASS),
    }


# --- a Python settings file --------------------------------------------------------------

DJANGO_KEY = tok(ALNUM, 50)
SETTINGS_DB_PASS = "p4$$-" + tok(ALNUM, 12)
OPENAI_KEY = "sk-proj-" + tok(B64URL, 70) + "T3BlbkFJ" + tok(B64URL, 70)
GH_TOKEN = "ghp_" + tok(ALNUM, 36)

SETTINGS_PY = f'''\
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "{DJANGO_KEY}"
DEBUG = False
ALLOWED_HOSTS = ["app.acme-corp.com"]

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "{SETTINGS_DB_PASS}",
        "HOST": os.environ.get("DB_HOST", "localhost"),
    }},
    "replica": {{
        "PASSWORD": os.environ["REPLICA_PASSWORD"],
    }},
}}

OPENAI_API_KEY = "{OPENAI_KEY}"
GITHUB_TOKEN = "{GH_TOKEN}"
AWS_ACCESS_KEY_ID = os.getenv("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = "<your-secret-key>"
SENTRY_DSN = "https://{tok(HEX, 32)}@o4507.ingest.sentry.io/4507"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{{"NAME": "MinimumLengthValidator", "OPTIONS": {{"min_length": 12}}}}]


def check(password: str) -> bool:
    return password == os.environ["ADMIN_PASSWORD"]
'''


def test_python_settings_reports_hardcoded_values_only() -> None:
    assert found(SETTINGS_PY) == {
        ("GENERIC_SECRET", DJANGO_KEY),
        ("PASSWORD", SETTINGS_DB_PASS),
        ("OPENAI_API_KEY", OPENAI_KEY),
        ("GITHUB_TOKEN", GH_TOKEN),
    }


# --- a support ticket with a pasted curl command -----------------------------------------

BEARER = tok(ALNUM, 40)
BASIC_PASS = "Kq9!" + tok(ALNUM, 8)
JWT_SIG = tok(B64URL, 43)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJ1c2VyLTQ0MTIiLCJzY29wZSI6Im9yZGVyczpyZWFkIiwiZXhwIjoxNzk2MDAwMDAwfQ."
    + JWT_SIG
)

TICKET = f"""\
Ticket INC0012345 — Orders API returns 401 since this morning
Requester: platform-team   Priority: P2   Order #4111-2222-3333

Hi support, this worked yesterday. Request id 123e4567-e89b-12d3-a456-426614174000.

$ curl -sS -X GET "https://api.acme-corp.com/v2/orders?page=2" \\
    -H "Authorization: Bearer {BEARER}" \\
    -H "Accept: application/json"
{{"error": "invalid_token", "trace": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"}}

Also tried the admin endpoint with basic auth:
$ curl -u ops-admin:{BASIC_PASS} https://api.acme-corp.com/v2/admin/health

And the session token from the browser: {JWT}

(I know the docs say "Authorization: Bearer <token>" — I replaced it with mine.)
Thanks, Dana
"""


def test_support_ticket_reports_the_pasted_credentials() -> None:
    assert found(TICKET) == {
        ("GENERIC_SECRET", BEARER),
        ("PASSWORD", BASIC_PASS),
        ("JWT", JWT),
    }


# --- private keys --------------------------------------------------------------------------

PEM_BODY = "\n".join(tok(B64, 64) for _ in range(6))
PEM = f"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA{tok(B64, 48)}\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"
CERT = f"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE{tok(B64, 44)}\n-----END CERTIFICATE-----"


def test_private_key_block_is_reported_whole_and_certificate_not_at_all() -> None:
    text = f"here is the deploy key, can you add it to the runner?\n\n{PEM}\n\nand the cert:\n{CERT}\n"
    assert found(text) == {("PRIVATE_KEY", PEM)}


def test_openssh_key_with_crlf_line_ends_is_one_finding() -> None:
    body = "\r\n".join(tok(B64, 70) for _ in range(4))
    key = f"-----BEGIN OPENSSH PRIVATE KEY-----\r\n{body}\r\n-----END OPENSSH PRIVATE KEY-----"
    result = found(f"id_ed25519:\r\n{key}\r\n")
    assert result == {("PRIVATE_KEY", key)}


# --- chat and prose: nothing to report -----------------------------------------------------

CHAT = """\
[09:14] alice: did anyone reset the staging password? the password is required for the demo
[09:15] bob: yes, it's in the vault under staging/db — don't paste secrets in here pls
[09:15] bob: the token expired, just run `gh auth login` again
[09:16] alice: ok. btw our secret sauce is the retry logic lol
[09:17] carol: password policy: min 12 chars, 1 digit. Reset your password at https://id.acme.io/reset
[09:18] bob: API key goes in API_KEY=${API_KEY}, never hardcode it; see docs/secrets.md
[09:19] alice: commit 9c1185a5c5e9fc54612808977ee8f548b2258d31 fixed the token refresh
"""


def test_chat_about_passwords_and_tokens_yields_nothing() -> None:
    assert found(CHAT) == set()


@pytest.mark.parametrize(
    "text",
    [
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "OPENAI_API_KEY=sk-...REDACTED",
        "api_key: your-api-key-here",
        "token: <TOKEN>",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "STRIPE_KEY=sk_test_xxx",
        "sha256sum: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae  app.tar.gz",
        "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
        "version: 3.12.4-rc.1",
        "postgres://postgres:postgres@localhost:5432/postgres",
        "the word secret and the word password, with no value",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq6rJ2KZ4w3l0c8s9hQmT6v1xYbN0pR5eF2u alice@laptop",
        "mongodb+srv://<username>:<password>@cluster0.mongodb.net/",
        "Authorization: Bearer $ACCESS_TOKEN",
    ],
)
def test_hard_negatives_produce_no_finding(text: str) -> None:
    assert found(text) == set()


# --- exact values: whole tokens, password part only ---------------------------------------


def test_fine_grained_github_token_is_reported_whole() -> None:
    token = "github_pat_" + tok(ALNUM, 22) + "_" + tok(ALNUM, 59)
    assert found(f"GH_TOKEN={token}\n") == {("GITHUB_TOKEN", token)}


def test_url_credentials_report_only_the_password_not_an_email_or_the_url() -> None:
    password = tok(ALNUM, 14)
    text = f"git clone https://jdoe:{password}@git.acme-corp.com/platform/infra.git"
    assert found(text) == {("PASSWORD", password)}


def test_token_in_clone_url_keeps_its_vendor_type() -> None:
    token = "ghs_" + tok(ALNUM, 36)
    text = f"git clone https://x-access-token:{token}@github.com/acme/api.git"
    assert found(text) == {("GITHUB_TOKEN", token)}


def test_vendor_tokens_used_as_netrc_passwords_keep_their_vendor_type() -> None:
    gitlab = "glpat-" + tok(ALNUM, 20)
    hugging = "hf_" + tok(ALNUM.rstrip(DIGITS), 34)
    password = "Zk8-" + tok(ALNUM, 10)
    text = (f"machine gitlab.acme.io\n  login ci-deploy\n  password {gitlab}\n"
            f"machine huggingface.co login acme-ml password {hugging}\n"
            f"machine git.acme.io login deploy password {password}\n")
    assert found(text) == {("GENERIC_SECRET", gitlab), ("GENERIC_SECRET", hugging),
                           ("PASSWORD", password)}


def test_kubeconfig_reports_the_token_and_the_base64_client_key_not_the_certificate() -> None:
    import base64

    pem = ("-----BEGIN EC PRIVATE KEY-----\n" + tok(B64, 64) + "\n" + tok(B64, 64)
           + "\n-----END EC PRIVATE KEY-----\n")
    cert = "-----BEGIN CERTIFICATE-----\n" + tok(B64, 64) + "\n-----END CERTIFICATE-----\n"
    key_data = base64.b64encode(pem.encode()).decode()
    cert_data = base64.b64encode(cert.encode()).decode()
    text = ("users:\n- name: admin\n  user:\n"
            f"    client-certificate-data: {cert_data}\n    client-key-data: {key_data}\n")
    assert found(text) == {("PRIVATE_KEY", key_data)}


def test_docker_config_auth_is_a_secret_and_an_empty_password_is_not() -> None:
    import base64

    auth = base64.b64encode(f"ci-robot:{tok(ALNUM, 12)}".encode()).decode()
    empty = base64.b64encode(b"ci-robot:").decode()
    text = ('{"auths": {"registry.acme.io": {"auth": "' + auth + '"}, '
            '"ghcr.io": {"auth": "' + empty + '"}}}')
    assert found(text) == {("GENERIC_SECRET", auth)}


def test_a_user_password_pair_after_creds_in_chat_is_a_password() -> None:
    password = "Vx7#" + tok(ALNUM, 10)
    text = f"prod db creds for the migration: ledger_admin / {password}\nthanks!"
    assert found(text) == {("PASSWORD", password)}


def test_a_translation_file_about_passwords_yields_nothing_but_its_real_password() -> None:
    password = "Vx7#" + tok(ALNUM, 10)
    text = ('{\n  "login": {\n    "password": "Passwort",\n'
            '    "forgot_password": "Passwort vergessen?",\n'
            '    "reset_password": "Passwort zurücksetzen",\n'
            '    "password_hint": "Mindestens 12 Zeichen"\n  },\n'
            f'  "demo": {{"password": "{password}"}}\n}}')
    assert found(text) == {("PASSWORD", password)}


def test_anthropic_key_is_not_mistaken_for_openai() -> None:
    key = "sk-ant-api03-" + tok(B64URL, 93) + "AA"
    assert found(f"ANTHROPIC_API_KEY={key}") == {("ANTHROPIC_API_KEY", key)}


def test_openai_project_key_with_dashes_and_underscores_is_whole() -> None:
    key = "sk-proj-" + "Ab_9-" + tok(B64URL, 60) + "-x_Q" + tok(ALNUM, 40)
    assert found(f'client = OpenAI(api_key="{key}")') == {("OPENAI_API_KEY", key)}


def test_slack_webhook_url_is_one_slack_finding() -> None:
    url = f"https://hooks.slack.com/services/T{tok(UPPER, 10)}/B{tok(UPPER, 10)}/{tok(ALNUM, 24)}"
    assert found(f"SLACK_WEBHOOK={url}\n") == {("SLACK_TOKEN", url)}


def test_google_api_key_ending_in_dash_is_whole() -> None:
    key = "AIza" + tok(B64URL, 34) + "-"
    assert found(f"key={key}&callback=init") == {("GOOGLE_API_KEY", key)}


# --- docker-compose and CI output ----------------------------------------------------------

COMPOSE_DB_PASS = tok(ALNUM, 12).lower()
COMPOSE_REDIS = "Rz7!" + tok(ALNUM, 9)
NPM = "npm_" + tok(ALNUM, 36)

COMPOSE = f"""\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: {COMPOSE_DB_PASS}
      POSTGRES_DB: shop
  cache:
    image: redis:7
    command: ["redis-server", "--requirepass", "{COMPOSE_REDIS}"]
  web:
    build:
      args:
        - NPM_TOKEN={NPM}
    environment:
      - DATABASE_URL=postgres://shop:${{POSTGRES_PASSWORD}}@db:5432/shop
      - SECRET_KEY_FILE=/run/secrets/django_key
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
      interval: 30s
"""


def test_compose_file_reports_inline_credentials_not_references() -> None:
    assert found(COMPOSE) == {
        ("PASSWORD", COMPOSE_DB_PASS),
        ("PASSWORD", COMPOSE_REDIS),
        ("GENERIC_SECRET", NPM),
    }


CI_TOKEN = "glpat-" + tok(ALNUM, 20)
SAS_SIG = tok(ALNUM, 43) + "%3D"

CI_LOG = f"""\
[2026-11-27T10:02:11Z] Running on runner-7f3a (docker+machine), job 88123
[2026-11-27T10:02:12Z] $ git clone https://oauth2:{CI_TOKEN}@gitlab.acme.io/web/shop.git
[2026-11-27T10:02:15Z] Cloning into 'shop'... done. HEAD is now at 4f1c2e9b7a
[2026-11-27T10:03:40Z] $ az storage blob upload --sas-token "?sv=2022-11-02&ss=b&srt=o&sp=rw&se=2026-12-01&sig={SAS_SIG}"
[2026-11-27T10:03:41Z] uploaded build-88123.tar.gz sha256=5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
[2026-11-27T10:03:42Z] Job succeeded
"""


def test_ci_log_reports_the_clone_token_as_itself_and_the_sas_signature() -> None:
    # The GitLab token is critical and surer than the URL-password reading of the same span.
    assert found(CI_LOG) == {
        ("GENERIC_SECRET", CI_TOKEN),
        ("GENERIC_SECRET", SAS_SIG),
    }


# --- an e-mail that mentions AWS once and pastes other keys --------------------------------

EMAIL_SECRET = tok(ALNUM, 40)
EMAIL_PASS = "fOXvai" + "CPCS"

EMAIL = f"""\
From: Friederike Meyer <f.meyer@acme.io>
To: Ops <ops@acme.io>
Subject: demo keys

Hi, we moved the demo off AWS last quarter, so these are the new ones. Don't share:

SECRET_KEY='{EMAIL_SECRET}'

The portal keeps rejecting me. user: f.meyer@acme.io / pw: {EMAIL_PASS}
The checksum of the export is d1613ff2000a8c9b3e4f5a6b7c8d9e0f1a2b3c4d.
"""


def test_a_secret_far_from_any_aws_word_is_generic_not_an_aws_key() -> None:
    assert found(EMAIL) == {
        ("GENERIC_SECRET", EMAIL_SECRET),
        ("PASSWORD", EMAIL_PASS),
    }


@pytest.mark.parametrize(
    "text",
    [
        "this.password = hashedNewPassword;",
        "{ username, password: encodedPasswordValue }",
        "Password: SeeVault",
        "user_password = rc4_decrypt(rc4_key, o_entry)",
        'AttributeOID.CHALLENGE_PASSWORD = ObjectIdentifier("1.2.840.113549.1.9.7")',
        "private_key = ed25519.Ed25519PrivateKey.from_private_bytes(secret)",
        "ASIAPACIFICSALESTEAM kickoff notes",
    ],
)
def test_code_and_names_are_not_secret_values(text: str) -> None:
    assert found(text) == set()


# --- third-party text: test logs, type names, changelogs ---------------------------------


@pytest.mark.parametrize("text", [
    "Running binutils-all/addr2line.exp ...\nPASS: addr2line\nPASS: addr2line -f option\n"
    "PASS: gnu-debuglink (objdump 1)\nFAIL: Run size-3e",
    "=== RUN   TestParse\n--- PASS: TestParse/case_1 (0.00s)\nok  \tpkg/parse\t0.012s",
    "def input_dialog(\n    password: FilterOrBool = False,\n    style: BaseStyle | None = None,",
    '"DbUser": db_user,\n"DbPassword": mock_random.get_random_string(32),',
    "base-passwd (3.5.52) unstable; urgency=medium",
    "Since update-passwd is single-threaded, this is unnecessary.",
    '    "AWS::IAM::AccessKey": "62d91b17309e76c8",\n    "AWS::IAM::Group": "23f995735d09b1c4",',
])
def test_test_results_type_names_and_changelogs_hold_no_secret(text: str) -> None:
    assert found(text) == set()


@pytest.mark.parametrize(("text", "value"), [
    ("DB_PASS: Qm8-zz1-Lw", "Qm8-zz1-Lw"),
    ("Pass: Xk9!rT2q", "Xk9!rT2q"),
    ("hey – my login for staging is m.oduya@brightlane.io / password Tr0ub4dor&3x, it fails",
     "Tr0ub4dor&3x"),
    ("user: ana.kim@corp.io, password: Winter#2025 (temporary)", "Winter#2025"),
])
def test_passwords_next_to_their_labels_or_an_account_are_found(text: str, value: str) -> None:
    assert ("PASSWORD", value) in found(text)


def test_an_api_key_in_a_compact_json_object_is_still_found() -> None:
    key = tok(ALNUM, 32)
    assert ("GENERIC_SECRET", key) in found(f'{{"user":"svc","api_key":"{key}"}}')


def test_forty_characters_of_an_aws_documentation_url_are_not_a_secret_key() -> None:
    text = ("For more information, see `Amazon EBS snapshots <https://docs.aws.amazon.com/"
            "AWSEC2/latest/UserGuide/EBSSnapshots.html>`__ in the *Amazon EC2 User Guide*.")
    assert found(text) == set()


def test_an_aws_secret_key_next_to_its_key_id_is_still_found() -> None:
    secret = tok(B64, 40)
    text = f"aws_access_key_id = {AWS_ID}\naws_secret_access_key = {secret}"
    assert ("AWS_SECRET_KEY", secret) in found(text)


# --- password keys in other languages ----------------------------------------------------
# Teams outside the English-speaking world name the key in their own language: an .env
# line, a config or a chat message holds the password after it just the same.

@pytest.mark.parametrize(("text", "value"), [
    ("# staging\nERP_DB_PASSWORT=Birke#2026-ost\nERP_DB_HOST=10.4.1.9", "Birke#2026-ost"),
    ("Zugang Testserver\nBenutzer: s.krause\nKennwort: Moos!Weg-31", "Moos!Weg-31"),
    ("netwerk.wachtwoord = Duin_48_Zand", "Duin_48_Zand"),
    ("$config = ['usuario' => 'informes', 'contraseña' => 'Ciruelo.7713'];", "Ciruelo.7713"),
    ("Usuario: rgarcia\nClave de acceso: Pinar_2290", "Pinar_2290"),
    ("SMTP_CLAVE=Roble#5521", "Roble#5521"),
    ("spring.datasource.senha=Goiaba!402", "Goiaba!402"),
    ("Identifiant : jdupont\nMot de passe : Falaise-9921", "Falaise-9921"),
    ("le mdp: Menhir#77bzh", "Menhir#77bzh"),
    ("Konto VPN — login: k.wisniewska, hasło: Brzoza_3390", "Brzoza_3390"),
    ("SFTP_LOSENORD='Ekbacke7!'", "Ekbacke7!"),
])
def test_a_password_after_its_key_in_another_language_is_found(text: str, value: str) -> None:
    assert ("PASSWORD", value) in found(text)


@pytest.mark.parametrize("text", [
    # "clave" alone is any key: key/value prose, keywords, product and registry codes
    "La clave: valor_por_defecto_2 se lee del fichero",
    '{"clave": "pedido_2291", "valor": 14}',
    'palabra_clave = "seguridad-2024"',
    "CLAVE_ELECTOR: GMVLMR80070501M100",
    "Clave SAT: 84111506-A",
    # "resenha" (a review) ends like "senha"; MDP is also a Markov decision process
    "Resenha: 4/5 - nota 8.5",
    "MDP: (S, A, P, R, gamma=0.9)",
    # words about a password in these languages are labels, not passwords
    '"senha": "Esqueceu a senha?"',
    '"contraseña": "Contraseña olvidada"',
    "Kennwort: siehe Tresor",
    "Mot de passe : ********",
    "DB_PASSWORT=${DB_PASSWORT}",
    "wachtwoord: <uw-wachtwoord>",
])
def test_foreign_password_words_need_a_real_value_and_clave_needs_a_compound(text: str) -> None:
    assert {v for t, v in found(text) if t == "PASSWORD"} == set()


@pytest.mark.parametrize("text", [
    "MDP=0.95", "gamma_mdp=0.9", "MDP: 0.95", "mdp = 0.99  # discount of the Markov decision process",
])
def test_mdp_in_machine_learning_notes_is_not_a_password(text: str) -> None:
    # "mdp" is French shorthand for mot de passe, and the Markov decision process in ML
    assert not [v for t, v in found(text) if t == "PASSWORD"]
