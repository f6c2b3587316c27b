"""Technical text: .env/YAML/JSON/INI configs, source code, logs, stack traces, READMEs."""

from __future__ import annotations

import random


def _lines(rng: random.Random, fmt: str, secrets: int, indent: int = 0) -> str:
    arg = f"{fmt}/{indent}" if indent else fmt
    lines = [f"«setting:{arg}»"] * rng.randint(2, 7) + [f"«decoy:{arg}»"] * rng.randint(0, 2)
    lines += [f"«secret:{arg}»"] * secrets
    rng.shuffle(lines)
    return "".join(lines)


def env_file(rng: random.Random, clean: bool = False) -> str:
    head = rng.choice(("# .env — local dev\n", "# production settings (do not commit)\n",
                       "", "# generated «date»\n"))
    return head + _lines(rng, "env", 0 if clean else rng.randint(1, 3))


def yaml_file(rng: random.Random, clean: bool = False) -> str:
    head = rng.choice((
        "# docker-compose.override.yml\nservices:\n  api:\n    environment:\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: «pod»\ndata:\n",
        "app:\n  name: orders\n  settings:\n",
        "# values-prod.yaml\n",
    ))
    indent = 4 if "environment" in head or "settings" in head else (2 if "data:" in head else 0)
    return head + _lines(rng, "yaml", 0 if clean else rng.randint(1, 3), indent)


def json_file(rng: random.Random, clean: bool = False) -> str:
    body = _lines(rng, "json", 0 if clean else rng.randint(1, 2), 2)
    return "{\n" + body + '  "version": "«version»"\n}\n'


def ini_file(rng: random.Random, clean: bool = False) -> str:
    sections = rng.sample(("[database]", "[smtp]", "[api]", "[cache]", "[auth]", "[default]"), 2)
    first = _lines(rng, "ini", 0 if clean else rng.randint(0, 2))
    second = _lines(rng, "ini", 0 if clean else 1)
    return f"; «product» config\n{sections[0]}\n{first}\n{sections[1]}\n{second}"


def toml_file(rng: random.Random, clean: bool = False) -> str:
    return "[tool.deploy]\n" + _lines(rng, "toml", 0 if clean else rng.randint(1, 2))


CONFIG = (env_file, yaml_file, json_file, ini_file, toml_file)
CONFIG_CLEAN = tuple(lambda rng, f=f: f(rng, clean=True) for f in CONFIG)

CODE = (
    '''import os
import requests

«secret:py»
BASE_URL = "https://api.«domain»/v1"


def fetch_orders(since):
    # see «order»
    resp = requests.get(f"{BASE_URL}/orders", params={"since": since}, timeout=10)
    resp.raise_for_status()
    return resp.json()
''',
    '''const express = require('express');
«secret:js»const app = express();

app.get('/health', (req, res) => res.json({ ok: true, build: '«short_sha»' }));
app.listen(process.env.PORT || 3000);
''',
    '''from openai import OpenAI

client = OpenAI(api_key="«openai»")
resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
print(resp.choices[0].message.content)
''',
    '''import anthropic

client = anthropic.Anthropic(
    api_key="«anthropic»",
)
''',
    '''#!/usr/bin/env bash
set -euo pipefail
«secret:shell»curl -sS -H "Authorization: Bearer «jwt»" https://api.«domain»/v2/me
''',
    '''// payments.ts
import Stripe from 'stripe';
const stripe = new Stripe('«stripe»', { apiVersion: '2024-06-20' });
export async function refund(chargeId: string) {
  return stripe.refunds.create({ charge: chargeId });
}
''',
    '''def test_customer_export():
    row = {"name": "«name:a»", "email": "«email:a»", "ssn": "«ssn»", "phone": "«phone»"}
    assert export(row)["name"] == "«name:a»"
''',
    '''git clone https://«github»@github.com/«domain»/infra.git
cd infra && terraform init
''',
    '''# id_rsa (deploy key for «pod»)
«pem»
''',
    '''conn = psycopg2.connect(host="«private_ip»", user="report", password="«password»", dbname="sales")
cur = conn.cursor()
''',
    '''curl -X POST https://api.«domain»/v1/events \\
  -H "X-Api-Key: «generic»" \\
  -H "Content-Type: application/json" -d '{"event": "signup"}'
''',
    '''maps:
  key: «google»
  # restricted to «domain»
''',
)

CODE_CLEAN = (
    """  «n:100-999»  git status
  «n:100-999»  git log --oneline | head
  «n:100-999»  kubectl get pods -n «team|prod|staging» | grep «pod»
  «n:100-999»  export API_KEY=«placeholder»
  «n:100-999»  ssh deploy@«private_ip»
  «n:100-999»  sha256sum build.tar.gz  # «sha256»""",
    '''import os

API_KEY = os.environ["API_KEY"]  # never hard-code «placeholder»
TIMEOUT = 30
BUILD = "«sha»"


def headers():
    return {"Authorization": f"Bearer {API_KEY}", "X-Request-Id": "«uuid»"}
''',
    '''# Example from the docs — replace with your own key
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
aws s3 ls s3://«product|reports|backups»-bucket --region eu-west-1
''',
    '''const PASSWORD_MIN_LENGTH = 12;
function validatePassword(password) {
  // the password must not contain the user name
  return password.length >= PASSWORD_MIN_LENGTH;
}
const secretLabel = "Client secret";
''',
    '''-- migration «version»
CREATE TABLE api_tokens (
  id UUID PRIMARY KEY DEFAULT '«uuid»',
  token_hash CHAR(64) NOT NULL, -- sha256, e.g. «sha256»
  created_at TIMESTAMP NOT NULL
);
''',
    '''# server.pem is public
«pubkey»
''',
    '''<img src="data:image/png;base64,«b64»" alt="logo">
<!-- integrity sha512-«b64» -->
''',
    '''"dependencies": {
  "left-pad": "^«version»",
  "lodash": "«version»"
},
"resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
"integrity": "sha512-«b64»"
''',
)

LOG = (
    lambda rng: "\n".join(
        rng.choice((
            "«date» INFO  [«pod»] GET /api/orders/«n:1000-99999» 200 «n:3-900»ms client=«ip»",
            "«date» WARN  [«pod»] login failed for «email» from «ip»",
            "«date» INFO  [«pod»] health ok «reqid»",
            "«date» DEBUG [«pod»] headers={'Authorization': 'Bearer «jwt»'}",
            "«date» ERROR [«pod»] stripe call failed key=«stripe»",
            "«ip» - - [«date»] \"POST /login HTTP/1.1\" 302 «n:100-999»",
            "«private_ip» - - [«date»] \"GET /metrics HTTP/1.1\" 200 «n:100-9999»",
            "«date» INFO  [«pod»] user «email» updated phone to «phone»",
            "«date» INFO  [«pod»] job «uuid» done in «n:1-60»s",
            "«date» DEBUG [«pod»] outgoing headers {'x-api-key': '«generic»'}",
        ))
        for _ in range(rng.randint(5, 16))
    ),
    lambda rng: "\n".join(
        rng.choice((
            "«ip6» - - [«date»] \"GET /v1/profile HTTP/2\" 200 «n:100-999»",
            "«date» audit: «name» opened patient chart «|MRN »«mrn»",
            "«date» INFO  deploy «version» by ci («short_sha»)",
            "sshd[«n:1000-9999»]: Accepted publickey for deploy from «ip» port «n:1024-65000»",
            "sshd[«n:1000-9999»]: Accepted publickey for deploy from «private_ip» port «n:1024-65000»",
        ))
        for _ in range(rng.randint(5, 14))
    ),
)

LOG_CLEAN = (
    lambda rng: "\n".join(
        rng.choice((
            "«date» INFO  [«pod»] GET /api/orders/«n:1000-99999» 200 «n:3-900»ms",
            "«private_ip» - - [«date»] \"GET /healthz HTTP/1.1\" 200 2",
            "«date» INFO  [«pod»] job «uuid» done in «n:1-60»s",
            "«date» WARN  [«pod»] retrying request «reqid» (attempt «n:1-5»)",
            "«date» INFO  cache miss key=«sha256»",
            "«date» INFO  secret rotation completed for «n:2-40» services",
            "«date» ERROR [«pod»] password policy check failed: too short",
        ))
        for _ in range(rng.randint(5, 16))
    ),
)

TRACE = (
    '''Traceback (most recent call last):
  File "/srv/app/billing.py", line «n:10-400», in charge
    stripe.Charge.create(amount=amount, source=token, api_key="«stripe»")
  File "/srv/app/venv/lib/python3.11/site-packages/stripe/api_requestor.py", line «n:100-500», in request
    raise error.CardError(msg, param, code)
stripe.error.CardError: Your card was declined. card=«card»
''',
    '''Exception in thread "main" java.sql.SQLException: Access denied for user 'app'@'«ip»' (using password: YES)
	at com.mysql.cj.jdbc.ConnectionImpl.<init>(ConnectionImpl.java:«n:100-900»)
	at com.«domain».db.Pool.open(Pool.java:«n:10-99»)
Caused by: url=jdbc:mysql://app:«password»@db.internal:3306/orders
''',
    '''panic: runtime error: invalid memory address or nil pointer dereference
goroutine «n:1-99» [running]:
main.handler(0x«short_sha»)
	/build/cmd/api/main.go:«n:10-300» +0x«n:10-99»
request: user=«email» session=«jwt»
''',
)

TRACE_CLEAN = (
    '''Traceback (most recent call last):
  File "/srv/app/jobs.py", line «n:10-400», in run
    result = process(batch_id="«uuid»")
  File "/srv/app/jobs.py", line «n:10-400», in process
    raise TimeoutError("batch took too long")
TimeoutError: batch took too long
''',
    '''Error: Cannot find module 'left-pad'
    at Function.Module._resolveFilename (node:internal/modules/cjs/loader:«n:100-1200»:15)
    at Object.<anonymous> (/app/index.js:«n:1-80»:«n:1-40»)
Node.js «version»
''',
)

README = (
    '''## Quick start

```bash
export GITHUB_TOKEN=«github»
./scripts/bootstrap.sh
```
Maintainer: «name:a» (<«email:a»>)
''',
    '''# «product» plugin

Configure your key in `settings.json`:

```json
{ "apiKey": "«google»" }
```
Questions: open an issue or ping «first:a» on Slack.
''',
)

README_CLEAN = (
    '''## Configuration

Set `API_KEY` to «placeholder» in your environment. Never commit a real secret.
The default port is 8080. Requires «product» «version» or later.

| option | default |
|---|---|
| `timeout` | 30 |
| `region` | eu-west-1 |
''',
    '''# Changelog

## «version» — «date»
- Fix password reset e-mails (#«n:100-999»)
- Bump «product» to «version»
- «prose»
''',
)

KINDS = {
    "config": (CONFIG, CONFIG_CLEAN),
    "source_code": (CODE, CODE_CLEAN),
    "server_log": (LOG, LOG_CLEAN),
    "stack_trace": (TRACE, TRACE_CLEAN),
    "readme": (README, README_CLEAN),
}

LOG += (
    lambda rng: "\n".join(
        rng.choice((
            '{"ts":"«date»","level":"info","msg":"signup","email":"«email»","ip":"«ip»"}',
            '{"ts":"«date»","level":"info","msg":"payment ok","order":"«order»","amount":"«amount»"}',
            '{"ts":"«date»","level":"error","msg":"auth failed","token":"«jwt»"}',
            '{"ts":"«date»","level":"debug","msg":"cache","key":"«sha256»"}',
            '{"ts":"«date»","level":"warn","msg":"slow query","trace_id":"«uuid»"}',
        ))
        for _ in range(rng.randint(5, 14))
    ),
)

LOG_CLEAN += (
    lambda rng: "\n".join(
        rng.choice((
            '{"ts":"«date»","level":"info","msg":"request","path":"/api/v2/items","status":200,"ms":«n:1-900»}',
            '{"ts":"«date»","level":"warn","msg":"token expired","trace_id":"«uuid»"}',
            '{"ts":"«date»","level":"info","msg":"build","sha":"«sha»","version":"«version»"}',
            '{"ts":"«date»","level":"info","msg":"upstream","addr":"«private_ip»:8080"}',
        ))
        for _ in range(rng.randint(5, 14))
    ),
)

TRACE += (
    '''ERROR 2024 «time» sentry: unhandled exception in /checkout
  request.headers.authorization = "Bearer «jwt»"
  request.body = {"email": "«email»", "card": "«card»"}
  user.ip_address = «ip»
''',
)

TRACE_CLEAN += (
    '''System.NullReferenceException: Object reference not set to an instance of an object.
   at Orders.Api.Controllers.CartController.Get(Guid id «uuid») in CartController.cs:line «n:10-300»
   at lambda_method«n:1-99»(Closure, Object, Object[])
''',
)

README += (
    '''### Deploy

```
heroku config:set STRIPE_SECRET_KEY=«stripe»
heroku config:set SLACK_WEBHOOK=«slack»
```
''',
    '''## Local setup
1. Copy `.env.example` to `.env`.
2. Ask «name:a» for the staging credentials, or use these (temporary):
   `AWS_ACCESS_KEY_ID=«aws_key»`
   `AWS_SECRET_ACCESS_KEY=«aws_secret»`
''',
)

README_CLEAN += (
    '''## Authentication

Pass a token in the `Authorization` header: `Authorization: Bearer <TOKEN>`.
Tokens look like `sk-...REDACTED` in the dashboard; the full value is shown once.
Example AWS credentials in the docs (`AKIAIOSFODNN7EXAMPLE`) are placeholders.
''',
    '''## Troubleshooting

If `«product»` reports *invalid password*, reset it from the admin page.
Check your version with `app --version` (needs «version»). Logs live in `/var/log/app`.
The default bind address is `127.0.0.1:8080`.
''',
)

KINDS = {
    "config": (CONFIG, CONFIG_CLEAN),
    "source_code": (CODE, CODE_CLEAN),
    "server_log": (LOG, LOG_CLEAN),
    "stack_trace": (TRACE, TRACE_CLEAN),
    "readme": (README, README_CLEAN),
}
