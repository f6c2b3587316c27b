"""Structured records and formal text: CSV exports, clinical notes, contracts."""

from __future__ import annotations

import random

_CSV_SCHEMAS = (
    ("customer_id,name,email,phone,country", "«n:10000-99999»,«name:{i}»,«email:{i}»,«phone»,«DE|UK|US|FR|IN|BR|JP»"),
    ("employee,ssn,dob,start_date", "«name:{i}»,«ssn»,«dob»,«date»"),
    ("order_id,customer,card,amount,created", "«order»,«name:{i}»,«card»,«amount»,«date»"),
    ("payee;iban;amount;reference", "«name:{i}»;«iban»;«amount»;«order»"),
    ("patient,mrn,nhs_number,ward", "«name:{i}»,«mrn»,«nhs»,«Ward 4|ICU|Maternity|Oncology»"),
    ("first_name\tlast_name\temail\tjob_title", "«first:{i}»\t«family:{i}»\t«email:{i}»\t«job»"),
    ("id,full_name,ni_number,postcode", "«n:1-9999»,«name:{i}»,«nino»,«SW1A 1AA|M1 4BT|EH1 1YZ»"),
    ("user,last_login_ip,device", "«email:{i}»,«ip»,«product»"),
)
_CSV_CLEAN = (
    ("sku,product,version,price,stock", "«n:100000-999999»,«product»,«version»,«amount»,«n:0-900»"),
    ("ticket,status,team,opened,sha", "«order»,«open|closed|pending»,«team»,«date»,«short_sha»"),
    ("host,ip,role,uptime_days", "«pod»,«private_ip»,«job»,«n:1-400»"),
    ("tracking,carrier,eta,ref", "«tracking»,«DHL|UPS|FedEx»,«date»,«nonluhn»"),
)


def _csv(rng: random.Random, schemas: tuple[tuple[str, str], ...]) -> str:
    header, row = rng.choice(schemas)
    rows = [row.replace("{i}", f"p{i}") for i in range(rng.randint(3, 12))]
    top = rng.choice(("", "", "", "# «marking»\n")) if schemas is _CSV_SCHEMAS else ""
    return top + header + "\n" + "\n".join(rows) + "\n"


CSV = (lambda rng: _csv(rng, _CSV_SCHEMAS),)
CSV_CLEAN = (lambda rng: _csv(rng, _CSV_CLEAN),)

CLINICAL = (
    """«MARKING»PATIENT: «name:a»    MRN: «mrn»    DOB: «dob»
Attending: Dr. «family:b»    Ward: «n:1-12»
S: «n:30-90»yo presenting with «chest pain|shortness of breath|a fall at home». «filler»
O: BP «n:100-160»/«n:60-95», HR «n:55-120».
A/P: admit for observation; next of kin «name:c» («phone»).
""",
    """Discharge summary — «date»
Name: «name:a»
NHS Number: «nhs»
Date of birth: «dob»
Address: «address»
GP: Dr «name:b», «phone»
Medications on discharge: ramipril 5 mg, atorvastatin 20 mg.
""",
    """Clinic letter
Re: «name:a», born «dob», hospital no. «mrn»
Dear Dr «family:b»,
Thank you for referring this «n:20-80»-year-old. «filler» Follow-up in «n:2-12» weeks.
Yours sincerely,
«name:c»
«job»""",
    """Nursing handover «time»
Bed «n:1-30»: «first:a» «family:a» (MRN «mrn») — obs stable; family («phone») updated.
Bed «n:1-30»: «name:b», patient id «mrn», DOB «dob» — NBM from midnight.
«filler»""",
)

CLINICAL_CLEAN = (
    """Ward protocol «version»
The «job» checks observations every «n:2-6» hours. «prose»
Falls risk assessment on admission and after any transfer (form «order»).
Escalate NEWS2 ≥ 5 to the outreach team.""",
    """Clinical audit «date»
«n:20-95»% of discharge summaries sent within 24 h. Record ids are pseudonymised («uuid»).
«filler»""",
)

CONTRACT = (
    """«MARKING»SERVICES AGREEMENT
This Agreement is made on «date» between «domain» (the "Company") and «name:a», residing at «address» (the "Contractor").
1. Fees. The Company shall pay «amount» per month to the Contractor's account «iban».
2. Confidentiality. «prose»
Signed: «name:a»                    Signed: «name:b», «job»
""",
    """EMPLOYMENT CONTRACT — ««marking»|DRAFT»
Employee: «name:a»
Social Security Number: «ssn»
Date of Birth: «dob»
Home address: «address»
Start date: «date»   Salary: «amount»
Direct deposit: routing «routing», account «account»
""",
    """TENANCY AGREEMENT
Landlord: «name:a»   Tenant: «name:b»
Property: «address»
Tenant's National Insurance number: «nino»
Tenant ID verified by passport no. «passport» and driving licence «dl».
Rent of «amount» is payable on the «n:1-28»th of each month.
""",
)

CONTRACT_CLEAN = (
    """MASTER SERVICES AGREEMENT — TEMPLATE «version»
This Agreement is made on [DATE] between [COMPANY] and [CUSTOMER].
1. Confidentiality. Each party shall keep the other's confidential information secret.
2. Term. This Agreement starts on «date» and runs for «n:1-5» years.
3. Fees. As set out in Order Form «order».
Signed: ______________________ («job»)""",
    """Data processing addendum, clause «n:1-20».«n:1-9»
The processor shall protect personal data with appropriate measures, including
encryption of passwords at rest and access control. «prose»""",
)

KINDS = {
    "csv_export": (CSV, CSV_CLEAN),
    "clinical_note": (CLINICAL, CLINICAL_CLEAN),
    "contract": (CONTRACT, CONTRACT_CLEAN),
}

CLINICAL += (
    """Referral — Urgent
Patient: «name:a» «|(pref. «first:a»)»   Sex: «F|M|X»   D.O.B.: «dob»
Medical record number: «mrn»
Contact: «phone», «address»
Reason: «suspected DVT|new-onset AF|non-healing ulcer». «filler»
Referring clinician: Dr «name:b»""",
)

CONTRACT += (
    """LOAN AGREEMENT — «marking»
Borrower: «name:a», date of birth «dob», SSN «ssn»
Co-borrower: «name:b»
Disbursement to account «account», ABA routing «routing».
Governing law: «New York|Delaware|California».""",
)

KINDS = {
    "csv_export": (CSV, CSV_CLEAN),
    "clinical_note": (CLINICAL, CLINICAL_CLEAN),
    "contract": (CONTRACT, CONTRACT_CLEAN),
}
