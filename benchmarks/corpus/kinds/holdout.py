"""Held-out templates: the same value generators in layouts and phrasing the detectors
were not tuned on (``generate_corpus(..., variant="holdout")``).

Written after the detectors had been tuned against the main templates; a large drop from
the main corpus to this one is a sign of overfitting to the main templates.
"""

from __future__ import annotations

TICKET = (
    """h3. Description
Customer *«name:a»* reports: "«Payment failed twice|I was billed after cancelling»".
||Field||Value||
|Callback|«phone»|
|Card|«card»|
|E-mail|«email:a»|
h3. Internal
{quote}«filler»{quote}""",
    """INCIDENT «order»  Caller: «name:a»  Location: «address»
Short description: «Cannot access payroll|Laptop stolen from car»
Work notes: caller confirmed employee SSN «ssn» and date of birth «dob» over the phone.""",
)
TICKET_CLEAN = (
    """h3. Steps
# Log in as «job»
# Open {{«product»}} → Billing
# Paste «placeholder» into the API key field
*Actual:* 500, trace id «uuid». *Expected:* validation message.""",
)

EMAIL = (
    """On «date», «name:a» <«email:a»> wrote:
> Could you send me the account details again?

Sure — beneficiary «name:b», IBAN «iban», BIC «DEUTDEFF|COBADEFFXXX|BNPAFRPP».
Regards, «first:c»
«name:c» | M: «phone» | E: «email:c»""",
    """Objet : dossier de «name:a»
Bonjour «first:b»,
Voici les informations : né le «dob», numéro de téléphone «phone», adresse «address».
Cordialement,
«name:c»""",
    """From: «name_email:a»
Subject: my login

the portal keeps rejecting me. user: «email:a» / pw: «password»
can you reset? — «first:a»""",
)
EMAIL_CLEAN = (
    """On «date», «team» wrote:
> Reminder: never send passwords by e-mail.
Noted, thanks. The confidential project list moves to the wiki («order»).""",
)

CHAT = (
    lambda rng: "\n".join(
        rng.choice((
            "«date», «time» - «first:a»: «did you get the keys?|sending now»",
            "«date», «time» - «first:b»: «filler»",
            "«date», «time» - «first:a»: my number changed, it's «phone»",
            "«date», «time» - «first:b»: GH token for the bot: «github»",
            "«date», «time» - «first:a»: card for the hotel is «card»",
        ))
        for _ in range(rng.randint(4, 10))
    ),
    """«name:a», «time»
Can someone rotate this? It leaked in the build log: «secret:env»
«name:b», «time»
on it. «filler»""",
)
CHAT_CLEAN = (
    """«team», «time»
Reminder that secrets go in the vault, not in chat 🙏
«team», «time»
👍 also bumped «product» to «version»""",
)

CONFIG = (
    """[default]
aws_access_key_id = «aws_key»
aws_secret_access_key = «aws_secret»
region = eu-central-1
""",
    """apiVersion: v1
kind: Secret
metadata:
  name: «pod»
type: Opaque
stringData:
«secret:yaml/2»«secret:yaml/2»""",
    """docker run -d --name api \\
  -e NODE_ENV=production \\
  -e STRIPE_SECRET_KEY=«stripe» \\
  -e SENTRY_DSN=https://«sha»@o«n:100000-999999».ingest.sentry.io/«n:1000000-9999999» \\
  registry.«domain»/api:«version»""",
    """spring.datasource.url=jdbc:postgresql://«private_ip»:5432/shop
spring.datasource.username=shop
spring.datasource.password=«password»
management.server.port=9090
""",
    """machine api.«domain»
  login deploy
  password «password»
""",
    """provider "google" {
  project = "«product|analytics|billing»-prod"
  credentials = <<EOF
{"type": "service_account", "private_key_id": "«sha»",
«secret:json»}
EOF
}""",
)
CONFIG_CLEAN = (
    """apiVersion: apps/v1
kind: Deployment
metadata:
  name: «pod»
spec:
  replicas: «n:1-6»
  template:
    spec:
      containers:
        - name: api
          image: registry.«domain»/api@sha256:«sha256»
          env:
            - name: API_KEY
              valueFrom:
                secretKeyRef: {name: api-secrets, key: api-key}
""",
    """[default]
region = eu-central-1
output = json
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
""",
)

CODE = (
    '''var cs = "Server=«private_ip»;Database=Orders;User Id=sa;Password=«password»;";
using var conn = new SqlConnection(cs);
''',
    '''func main() {
\tos.Setenv("OPENAI_API_KEY", "«openai»")
\tclient := openai.NewClient()
}
''',
    '''customer = {
    "full_name": "«name:a»",
    "date_of_birth": "«dob»",
    "passport_number": "«passport»",
    "contact": {"email": "«email:a»", "mobile": "«phone»"},
}
''',
)
CODE_CLEAN = (
    '''def mask(card: str) -> str:
    """Show only the last four digits (never log the full number)."""
    return "**** **** **** " + card[-4:]

EXAMPLE_ID = "«uuid»"
''',
    '''# Test fixtures: fake values only
FAKE_TOKEN = "<TOKEN>"
FAKE_KEY = "your-api-key-here"
HASH = "«sha256»"
''',
)

LOG = (
    lambda rng: "\n".join(
        rng.choice((
            "«date» [error] «n:1000-9999»#0: *«n:1-999» upstream timed out, client: «ip», "
            "server: api.«domain»",
            "«date» kernel: [UFW BLOCK] IN=eth0 SRC=«ip» DST=«private_ip» PROTO=TCP DPT=22",
            "«date» app[web.1]: signup name=\"«name»\" phone=«phone»",
            "«date» app[web.1]: GET /healthz 200",
        ))
        for _ in range(rng.randint(4, 12))
    ),
)
LOG_CLEAN = (
    lambda rng: "\n".join(
        rng.choice((
            "«date» kernel: [UFW BLOCK] IN=eth0 SRC=«private_ip» DST=«private_ip» PROTO=UDP DPT=53",
            "«date» app[web.1]: GET /healthz 200",
            "«date» app[worker.1]: processed batch «uuid» («n:1-500» items)",
        ))
        for _ in range(rng.randint(4, 12))
    ),
)

CLINICAL = (
    """LAB REPORT
Patient ID: «mrn»     Name: «family:a», «first:a»     DOB: «dob»
Specimen: blood, collected «date»
HbA1c «n:30-90» mmol/mol (H)
Reported to Dr «name:b».""",
    """SOAP — «date»
Pt: «name:a», NHS# «nhs», hosp no «mrn»
S: c/o «headache|cough|back pain» x «n:2-14»/7
P: review in clinic; pt's daughter «first:c» to call «phone».""",
)
CLINICAL_CLEAN = (
    """Infection control bulletin «date»
Hand hygiene compliance «n:80-99»%. The «job» will audit wards «n:1-9» and «n:10-19».
Patient identifiers must be removed before sharing audit data.""",
)

CONTRACT = (
    """NON-DISCLOSURE AGREEMENT
«marking»
WHEREAS «name:a», residing at «address», (the "Recipient") wishes to receive certain
information from the Company;
IN WITNESS WHEREOF: ____________ «name:a»   ____________ «name:b»""",
)
CONTRACT_CLEAN = (
    """WHEREAS the parties wish to cooperate; NOW, THEREFORE, the parties agree that all
Confidential Information shall be kept secret for «n:2-5» years after «date».""",
)

CSV = (
    lambda rng: "Vorname;Nachname;Geburtsdatum;IBAN\n" + "\n".join(
        f"«first:p{i}»;«family:p{i}»;«dob»;«iban»" for i in range(rng.randint(3, 10))) + "\n",
    lambda rng: '"id","customer","ssn","routing","account"\n' + "\n".join(
        f'"«n:1-9999»","«name:p{i}»","«ssn»","«routing»","«account»"'
        for i in range(rng.randint(3, 10))) + "\n",
    lambda rng: "member_id|name|ni_number|licence\n" + "\n".join(
        f"«n:1000-9999»|«name:p{i}»|«nino»|«dl»" for i in range(rng.randint(3, 10))) + "\n",
)
CSV_CLEAN = (
    lambda rng: "date;sku;qty;unit_price\n" + "\n".join(
        "«date»;«n:100000-999999»;«n:1-40»;«amount»" for _ in range(rng.randint(3, 10))) + "\n",
)

JSON_API = (
    '''{
  "customer": {
    "name": "«name:a»",
    "ssn": "«ssn»",
    "dob": "«dob»",
    "address": "«address»"
  },
  "payment": {"card_number": "«card»", "routing": "«routing»"},
  "session": "«jwt»"
}''',
    '''{"user": "«email»", "last_ip": "«ip»", "token": "«jwt»", "slack": "«slack»",
 "classification": "«marking»", "anthropic_key": "«anthropic»", "maps": "«google»"}''',
)
JSON_CLEAN = (
    '''{"id": "«uuid»", "status": "ok", "version": "«version»", "checksum": "«sha256»",
 "items": [{"sku": "«n:100000-999999»", "price": "«amount»"}]}''',
)

PEM_NOTE = (
    """Here is the key that was on the old bastion host, please revoke it:

«pem»

and the matching public key is fine to keep:
«pubkey»""",
)
PEM_CLEAN = (
    """Trust this CA for the staging proxy:
«pubkey»""",
)

TRAVEL = (
    """Booking ref «n:100000-999999» — «Lisbon|Chicago|Osaka» «date»
Traveller 1: «family:a»/«first:a» «MR|MS|MX»
  Passport «passport», nationality USA, DOB «dob»
Traveller 2: «name:b»
  Passport «passport»
Card on file: «card»
Contact: «email:a» · «phone»""",
    """hey can you book me on the «time» flight? details:
full name as in passport: «name:a»
passport no «passport» exp «date»
known traveler # «n:10000000-99999999»
thx""",
)
TRAVEL_CLEAN = (
    """Travel policy «version»
Economy for flights under «n:4-8» h. Book through the portal; never e-mail passport scans.
Per diem «amount». Questions: «team».""",
)

PHARMACY = (
    """Rx label
«name:a»   MRN «mrn»   DOB «dob»
amoxicillin 500 mg — 1 cap TID x 7 days
Prescriber: Dr «family:b»   Refills: «n:0-3»""",
    """Medication reconciliation — patient «first:a» «family:a»
Hospital number: «mrn». Allergies: penicillin. «filler»""",
)
PHARMACY_CLEAN = (
    """Formulary update «date»: amoxicillin 500 mg caps replace tabs; stock code «n:100000-999999».""",
)

WEBHOOKS = (
    """# webhooks.yml
endpoints:
  - url: https://hooks.«domain»/in
    signing_secret: «generic»
  - url: «slack»
    events: [deploy, rollback]
""",
    """[Service]
Environment=API_TOKEN=«generic»
Environment=DB_PASS=«password»
ExecStart=/usr/local/bin/worker --port «n:8000-9000»
""",
)
WEBHOOKS_CLEAN = (
    """[Service]
Environment=LOG_LEVEL=info
EnvironmentFile=/etc/worker/secrets.env
ExecStart=/usr/local/bin/worker --port «n:8000-9000»
""",
)

KINDS = {
    "travel": (TRAVEL, TRAVEL_CLEAN),
    "pharmacy": (PHARMACY, PHARMACY_CLEAN),
    "service_config": (WEBHOOKS, WEBHOOKS_CLEAN),
    "ticket": (TICKET, TICKET_CLEAN),
    "email": (EMAIL, EMAIL_CLEAN),
    "chat": (CHAT, CHAT_CLEAN),
    "config": (CONFIG, CONFIG_CLEAN),
    "source_code": (CODE, CODE_CLEAN),
    "server_log": (LOG, LOG_CLEAN),
    "clinical_note": (CLINICAL, CLINICAL_CLEAN),
    "contract": (CONTRACT, CONTRACT_CLEAN),
    "csv_export": (CSV, CSV_CLEAN),
    "api_json": (JSON_API, JSON_CLEAN),
    "key_note": (PEM_NOTE, PEM_CLEAN),
}
WEIGHTS = {
    "travel": 0.6, "pharmacy": 0.5, "service_config": 0.6,
    "ticket": 1.0, "email": 1.2, "chat": 1.0, "config": 1.6, "source_code": 1.0,
    "server_log": 0.8, "clinical_note": 0.8, "contract": 0.5, "csv_export": 0.9,
    "api_json": 0.8, "key_note": 0.4,
}
