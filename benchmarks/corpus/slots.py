"""The template slots: sensitive values (labeled) and hard negatives (unlabeled)."""

from __future__ import annotations

from benchmarks.corpus import negatives as neg
from benchmarks.corpus import values as val
from benchmarks.corpus.template import Ctx, Part, render_template_tree, slot

# --- people and contact details --------------------------------------------------------


@slot("name", person=True)
def _name(ctx: Ctx, arg: str) -> list[Part]:
    return [(ctx.person(arg).full, "PERSON")]


@slot("first", person=True)
def _first(ctx: Ctx, arg: str) -> list[Part]:
    return [(ctx.person(arg).given, "PERSON")]


@slot("family", person=True)
def _family(ctx: Ctx, arg: str) -> list[Part]:
    return [(ctx.person(arg).family, "PERSON")]


@slot("email", person=True)
def _email(ctx: Ctx, arg: str) -> list[Part]:
    key = "email:" + arg
    if arg and key in ctx.cache:
        return ctx.cache[key]
    parts: list[Part] = [(val.email_for(ctx.rng, ctx.person(arg)), "EMAIL_ADDRESS")]
    if arg:
        ctx.cache[key] = parts
    return parts


@slot("name_email", person=True)
def _name_email(ctx: Ctx, arg: str) -> list[Part]:
    p = ctx.person(arg)
    (addr, _), = _email(ctx, arg)
    if ctx.rng.random() < 0.3:
        return [('"', None), (p.full, "PERSON"), ('" <', None), (addr, "EMAIL_ADDRESS"), (">", None)]
    return [(p.full, "PERSON"), (" <", None), (addr, "EMAIL_ADDRESS"), (">", None)]


@slot("role_email")
def _role_email(ctx: Ctx, arg: str) -> list[Part]:
    local = ctx.rng.choice(("legal", "support", "billing", "hr", "it-helpdesk", "payroll"))
    return [(f"{local}@{val.company_domain(ctx.rng)}", "EMAIL_ADDRESS")]


def _simple(name: str, entity_type: str, fn) -> None:  # type: ignore[no-untyped-def]
    @slot(name)
    def _fill(ctx: Ctx, arg: str) -> list[Part]:
        return [(fn(ctx.rng), entity_type)]


for _n, _t, _f in (
    ("phone", "PHONE_NUMBER", val.phone),
    ("address", "STREET_ADDRESS", val.street_address),
    ("ip", "IP_ADDRESS", val.public_ipv4),
    ("ip6", "IP_ADDRESS", val.public_ipv6),
    ("dob", "DATE_OF_BIRTH", val.date_of_birth),
    ("ssn", "US_SSN", val.us_ssn),
    ("passport", "US_PASSPORT", val.us_passport),
    ("nino", "UK_NINO", val.uk_nino),
    ("nhs", "UK_NHS", val.uk_nhs),
    ("card", "CREDIT_CARD", val.credit_card),
    ("iban", "IBAN_CODE", val.iban),
    ("routing", "US_BANK_NUMBER", val.aba_routing),
    ("account", "US_BANK_NUMBER", val.bank_account),
    ("mrn", "MEDICAL_RECORD_NUMBER", val.mrn),
    ("aws_key", "AWS_ACCESS_KEY", val.aws_access_key),
    ("aws_secret", "AWS_SECRET_KEY", val.aws_secret_key),
    ("github", "GITHUB_TOKEN", val.github_token),
    ("slack", "SLACK_TOKEN", val.slack_token),
    ("stripe", "STRIPE_KEY", val.stripe_key),
    ("google", "GOOGLE_API_KEY", val.google_api_key),
    ("openai", "OPENAI_API_KEY", val.openai_key),
    ("anthropic", "ANTHROPIC_API_KEY", val.anthropic_key),
    ("pem", "PRIVATE_KEY", val.private_key),
    ("jwt", "JWT", val.jwt),
    ("password", "PASSWORD", val.password),
    ("generic", "GENERIC_SECRET", val.generic_secret),
):
    _simple(_n, _t, _f)


@slot("ssn_plain")
def _ssn_plain(ctx: Ctx, arg: str) -> list[Part]:
    return [(val.us_ssn(ctx.rng, dashed=False), "US_SSN")]


@slot("dl")
def _dl(ctx: Ctx, arg: str) -> list[Part]:
    state, number = val.us_driver_license(ctx.rng)
    form = ctx.rng.randrange(3)
    if form == 0:
        return [(number, "US_DRIVER_LICENSE"), (f" ({state})", None)]
    if form == 1:
        return [(f"{state} ", None), (number, "US_DRIVER_LICENSE")]
    return [(number, "US_DRIVER_LICENSE")]


_MARKINGS = (
    "CONFIDENTIAL", "INTERNAL USE ONLY", "RESTRICTED", "ATTORNEY-CLIENT PRIVILEGED",
    "STRICTLY CONFIDENTIAL", "Company Confidential", "For Internal Use Only",
    "CONFIDENTIAL - DO NOT DISTRIBUTE", "Privileged & Confidential", "OFFICIAL-SENSITIVE",
    "Highly Confidential", "RESTRICTED - INTERNAL", "Confidential – Internal Only",
    "PRIVILEGED AND CONFIDENTIAL ATTORNEY WORK PRODUCT", "SECRET//NOFORN",
)


@slot("marking")
def _marking(ctx: Ctx, arg: str) -> list[Part]:
    if ctx.rng.random() < 0.12:
        label = ctx.rng.choice(("Confidential", "Internal", "Highly Confidential", "Restricted"))
        guid = neg.uuid4(ctx.rng)
        return [(f"MSIP_Label_{guid}_Name={label}", "CLASSIFICATION_MARKING")]
    if ctx.rng.random() < 0.15:
        label = ctx.rng.choice(("Confidential", "Internal Only", "Restricted"))
        return [("Classification: ", None), (label, "CLASSIFICATION_MARKING")]
    return [(ctx.rng.choice(_MARKINGS), "CLASSIFICATION_MARKING")]


# --- secrets in configuration formats -------------------------------------------------

SECRET_KEYS: dict[str, tuple[str, ...]] = {
    "AWS_ACCESS_KEY": ("aws_access_key_id", "AWS_ACCESS_KEY_ID", "accessKeyId", "aws_key_id"),
    "AWS_SECRET_KEY": ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "secretAccessKey"),
    "GITHUB_TOKEN": ("github_token", "GH_TOKEN", "token", "GITHUB_PAT", "gitToken"),
    "SLACK_TOKEN": ("slack_bot_token", "SLACK_TOKEN", "slack_webhook_url", "botToken"),
    "STRIPE_KEY": ("stripe_secret_key", "STRIPE_API_KEY", "stripeKey", "payments_key"),
    "GOOGLE_API_KEY": ("google_api_key", "MAPS_API_KEY", "apiKey", "firebase_api_key"),
    "OPENAI_API_KEY": ("openai_api_key", "OPENAI_API_KEY", "llm_key", "OPENAI_KEY"),
    "ANTHROPIC_API_KEY": ("anthropic_api_key", "ANTHROPIC_API_KEY", "claude_key"),
    "JWT": ("auth_token", "id_token", "access_token", "SESSION_JWT", "bearer"),
    "PASSWORD": ("db_password", "password", "POSTGRES_PASSWORD", "smtp_password",
                 "MYSQL_ROOT_PASSWORD", "redis_pass", "passwd", "adminPassword", "pwd"),
    "GENERIC_SECRET": ("api_secret", "client_secret", "DATADOG_API_KEY", "SENDGRID_API_KEY",
                       "webhook_secret", "SECRET_KEY", "auth_token", "private_token",
                       "x_api_key", "signing_secret", "apiSecret", "ACCESS_TOKEN"),
}
SECRET_VALUES = {
    "AWS_ACCESS_KEY": val.aws_access_key, "AWS_SECRET_KEY": val.aws_secret_key,
    "GITHUB_TOKEN": val.github_token, "SLACK_TOKEN": val.slack_token,
    "STRIPE_KEY": val.stripe_key, "GOOGLE_API_KEY": val.google_api_key,
    "OPENAI_API_KEY": val.openai_key, "ANTHROPIC_API_KEY": val.anthropic_key,
    "JWT": val.jwt, "PASSWORD": val.password, "GENERIC_SECRET": val.generic_secret,
}
FORMATS = ("env", "yaml", "json", "ini", "py", "js", "shell", "toml")


def _key_for(fmt: str, key: str) -> str:
    if fmt in ("env", "shell"):
        return "".join("_" + c if c.isupper() and i and not key.isupper() else c
                       for i, c in enumerate(key)).upper()
    return key


def config_line(ctx: Ctx, fmt: str, key: str, value: str, entity_type: str | None,
                indent: str = "") -> list[Part]:
    rng = ctx.rng
    k = _key_for(fmt, key)
    if fmt == "env":
        q = rng.choice(("", "", '"', "'"))
        return [(f"{indent}{k}={q}", None), (value, entity_type), (f"{q}\n", None)]
    if fmt == "shell":
        return [(f"{indent}export {k}=\"", None), (value, entity_type), ('"\n', None)]
    if fmt == "yaml":
        q = rng.choice(("", '"', "'"))
        return [(f"{indent}{k}: {q}", None), (value, entity_type), (f"{q}\n", None)]
    if fmt == "json":
        return [(f'{indent}"{k}": "', None), (value, entity_type), ('",\n', None)]
    if fmt == "ini":
        return [(f"{indent}{k} = ", None), (value, entity_type), ("\n", None)]
    if fmt == "toml":
        return [(f'{indent}{k} = "', None), (value, entity_type), ('"\n', None)]
    if fmt == "js":
        return [(f"{indent}{rng.choice(('const', 'let', 'export const'))} {k} = '", None),
                (value, entity_type), ("';\n", None)]
    return [(f'{indent}{k.upper() if rng.random() < 0.5 else k} = "', None), (value, entity_type),
            ('"\n', None)]


def _fmt(ctx: Ctx, arg: str) -> tuple[str, str]:
    """``arg`` is ``format`` or ``format/indent``."""
    fmt, _, ind = arg.partition("/")
    return fmt or ctx.rng.choice(FORMATS), " " * int(ind or 0)


@slot("secret")
def _secret(ctx: Ctx, arg: str) -> list[Part]:
    """One credential assignment in format ``arg``, of the least-seen secret type."""
    fmt, indent = _fmt(ctx, arg)
    rng = ctx.rng
    entity_type = ctx.balanced(tuple(SECRET_KEYS) + ("PRIVATE_KEY",))
    if entity_type == "AWS_SECRET_KEY" or (entity_type == "AWS_ACCESS_KEY" and rng.random() < 0.5):
        entity_type = "AWS_PAIR"
    elif entity_type == "PASSWORD" and rng.random() < 0.4:
        entity_type = "DB_URL"
    if entity_type == "PRIVATE_KEY":
        return _pem_line(ctx, fmt, indent)
    if entity_type == "AWS_PAIR":
        key_id, secret = rng.choice((("aws_access_key_id", "aws_secret_access_key"),
                                     ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                                     ("accessKeyId", "secretAccessKey")))
        return (config_line(ctx, fmt, key_id, val.aws_access_key(rng), "AWS_ACCESS_KEY", indent)
                + config_line(ctx, fmt, secret, val.aws_secret_key(rng), "AWS_SECRET_KEY", indent))
    if entity_type == "DB_URL":
        scheme = rng.choice(("postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp"))
        user = rng.choice(("app", "admin", "svc_orders", "root", "reporting"))
        host = rng.choice(("db.internal", "orders-db.prod.svc", "cluster0.ab1cd.mongodb.net",
                           "10.2.0.15", "rds-prod.eu-west-1.rds.amazonaws.com"))
        key = _key_for(fmt, rng.choice(("database_url", "DATABASE_URL", "dsn", "broker_url")))
        line = config_line(ctx, fmt, key, "\0", None, indent)
        pre, post = line[0][0], line[-1][0]
        mid = [(f"{scheme}://{user}:", None), (val.password(rng).replace("@", "#").replace(":", "!").replace("/", "_"), "PASSWORD"),
               (f"@{host}/{rng.choice(('orders', 'app', 'analytics', 'admin'))}", None)]
        return [(pre, None), *mid, (post, None)]
    key = rng.choice(SECRET_KEYS[entity_type])
    return config_line(ctx, fmt, key, SECRET_VALUES[entity_type](rng), entity_type, indent)


def _pem_line(ctx: Ctx, fmt: str, indent: str) -> list[Part]:
    rng = ctx.rng
    pem = val.private_key(rng)
    key = rng.choice(("private_key", "PRIVATE_KEY", "ssh_key", "tls_key", "signingKey"))
    if fmt == "json":  # e.g. a service-account file: newlines escaped inside the string
        return [(f'{indent}"{key}": "', None), (pem.replace("\n", "\\n"), "PRIVATE_KEY"),
                ('\\n",\n', None)]
    if fmt == "yaml":
        block = pem.replace("\n", "\n" + indent + "  ")
        return [(f"{indent}{key}: |\n{indent}  ", None), (block, "PRIVATE_KEY"), ("\n", None)]
    if fmt in ("env", "shell"):
        return [(f'{indent}{_key_for(fmt, key)}="', None), (pem, "PRIVATE_KEY"), ('"\n', None)]
    return [(f'{indent}{key} = """', None), (pem, "PRIVATE_KEY"), ('"""\n', None)]


@slot("decoy")
def _decoy(ctx: Ctx, arg: str) -> list[Part]:
    """A credential-shaped assignment whose value is a placeholder or a hash (clean)."""
    fmt, indent = _fmt(ctx, arg)
    rng = ctx.rng
    key = rng.choice(SECRET_KEYS[rng.choice(tuple(SECRET_KEYS))])
    value = rng.choice((neg.placeholder(rng), neg.placeholder(rng), neg.placeholder(rng),
                        "true", "30", "/etc/app/keys/" + rng.choice(("jwt.pub", "tls.crt"))))
    return config_line(ctx, fmt, key, value, None, indent)


@slot("setting")
def _setting(ctx: Ctx, arg: str) -> list[Part]:
    """A harmless configuration assignment in format ``arg``."""
    fmt, indent = _fmt(ctx, arg)
    rng = ctx.rng
    key, value = rng.choice((
        ("log_level", rng.choice(("info", "debug", "warning"))), ("port", str(rng.choice((8080, 5432, 443, 6379)))),
        ("region", rng.choice(("eu-west-1", "us-east-2", "ap-southeast-2"))),
        ("timeout_seconds", str(rng.randint(5, 120))), ("image_tag", neg.version(rng)),
        ("build_sha", neg.git_sha(rng)), ("instance_id", neg.uuid4(rng)),
        ("bind_address", neg.private_ip(rng)), ("feature_flags", "checkout_v2,dark_mode"),
        ("checksum_sha256", neg.sha256(rng)), ("max_connections", str(rng.randint(10, 500))),
        ("service_name", rng.choice(("orders-api", "billing-worker", "ingest"))),
        ("cache_ttl", f"{rng.randint(1, 60)}m"), ("public_key_path", "./keys/service.pub"),
        ("api_base_url", "https://api." + val.company_domain(rng) + "/v2"),
    ))
    return config_line(ctx, fmt, key, value, None, indent)


# --- hard negatives -----------------------------------------------------------------------

for _n, _f in (
    ("uuid", neg.uuid4), ("sha", neg.git_sha), ("sha256", neg.sha256), ("b64", neg.base64_blob),
    ("version", neg.version), ("order", neg.order_number), ("nonluhn", neg.non_luhn_16),
    ("private_ip", neg.private_ip), ("date", neg.other_date), ("job", neg.job_title),
    ("product", neg.product), ("team", neg.team), ("pod", neg.pod_name), ("amount", neg.amount),
    ("epoch", neg.epoch), ("tracking", neg.tracking_id), ("reqid", neg.request_id),
    ("placeholder", neg.placeholder), ("prose", neg.prose), ("neg", neg.negative_value),
):
    def _make(f):  # type: ignore[no-untyped-def]
        def _fill(ctx: Ctx, arg: str) -> str:
            return f(ctx.rng)
        return _fill

    slot(_n)(_make(_f))


@slot("short_sha")
def _short_sha(ctx: Ctx, arg: str) -> str:
    return neg.git_sha(ctx.rng, short=True)


@slot("n")
def _number(ctx: Ctx, arg: str) -> str:
    lo, _, hi = (arg or "1-99").partition("-")
    return str(ctx.rng.randint(int(lo), int(hi)))


@slot("time")
def _time(ctx: Ctx, arg: str) -> str:
    return f"{ctx.rng.randint(7, 19):02d}:{ctx.rng.randint(0, 59):02d}"


@slot("domain")
def _domain(ctx: Ctx, arg: str) -> str:
    return val.company_domain(ctx.rng)


@slot("pubkey")
def _pubkey(ctx: Ctx, arg: str) -> str:
    label = ctx.rng.choice(("PUBLIC KEY", "CERTIFICATE"))
    raw = "MII" + val.rand(ctx.rng, val.B64, 64 * ctx.rng.randint(3, 8) - 3)
    body = "\n".join(raw[i:i + 64] for i in range(0, len(raw), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"


FILLERS = (
    "Build «version» is on staging (commit «short_sha»).",
    "Related: «order», see also «order».",
    "The job ran on «pod» and finished in «n:2-90» s.",
    "«prose»",
    "«prose» «prose»",
    "Tracking number «tracking» — expected delivery «date».",
    "Request id «reqid» returned 503 at «date».",
    "The checksum is «sha256».",
    "Invoice total «amount», due «date».",
    "Ping from «private_ip» looked fine.",
    "Ask the «job» if unsure; «product» owns the dashboard.",
    "Instance «uuid» was recycled.",
    "Reference number: «nonluhn».",
    "Upgraded «product» to «version» last «Monday|Tuesday|Thursday|Friday».",
    "Cache key «b64»",
    "Timestamp «epoch» in the audit export.",
)


@slot("filler")
def _filler(ctx: Ctx, arg: str) -> list[Part]:
    return render_template_tree(ctx.rng.choice(FILLERS), ctx)
