"""Forms people fill in and paste: HR onboarding, identity checks, payment details."""

from __future__ import annotations

from benchmarks.corpus.template import Ctx, Part, render_template_tree, slot

# entity type -> ways a form or a person states it
ID_LINES: dict[str, tuple[str, ...]] = {
    "US_SSN": ("SSN: «ssn»", "Social Security No.: «ssn»", "ssn «ssn_plain»",
               "Soc. Sec. #«ssn»", "my social is «ssn»"),
    "US_PASSPORT": ("Passport No: «passport»", "US passport number «passport»",
                    "Passport #: «passport» (exp. «date»)", "passport: «passport»"),
    "US_DRIVER_LICENSE": ("Driver's License: «dl»", "DL# «dl»", "Driver license number «dl»",
                          "driving licence «dl»"),
    "UK_NINO": ("NI number: «nino»", "National Insurance No. «nino»", "NINO «nino»",
                "my NI is «nino»"),
    "UK_NHS": ("NHS number: «nhs»", "NHS No. «nhs»", "nhs «nhs»"),
    "DATE_OF_BIRTH": ("Date of birth: «dob»", "DOB «dob»", "born «dob»", "Birthdate: «dob»",
                      "Geburtsdatum: «dob»", "Date de naissance : «dob»"),
    "CREDIT_CARD": ("Card: «card»", "Visa/MC number «card»", "card no «card» exp «n:1-12»/«n:26-31»",
                    "Kartennummer: «card»"),
    "IBAN_CODE": ("IBAN: «iban»", "Bank (IBAN) «iban»", "iban «iban»"),
    "US_BANK_NUMBER": ("Routing: «routing»  Account: «account»", "ABA «routing», acct «account»",
                       "Bank account number «account» (routing «routing»)"),
    "MEDICAL_RECORD_NUMBER": ("MRN: «mrn»", "Medical record no. «mrn»", "Patient ID «mrn»"),
    "PHONE_NUMBER": ("Phone: «phone»", "Mobile «phone»", "Tel. «phone»", "WhatsApp «phone»"),
    "STREET_ADDRESS": ("Address: «address»", "Home address: «address»", "Ship to: «address»"),
    "EMAIL_ADDRESS": ("E-mail: «email»", "Personal email «email»"),
    "IP_ADDRESS": ("Last login from «ip»", "Registered IP «ip»", "login IP: «ip6»"),
}


@slot("idline")
def _idline(ctx: Ctx, arg: str) -> list[Part]:
    entity_type = ctx.balanced(tuple(ID_LINES))
    return render_template_tree(ctx.rng.choice(ID_LINES[entity_type]), ctx)


FORMS = (
    """New starter form
Name: «name:a»
«idline»
«idline»
«idline»
Start date: «date»    Team: «team»
«filler»""",
    """«MARKING»KYC check — case «order»
Applicant: «name:a»
«idline»
«idline»
Result: «pass|refer|pass with notes» («job»)""",
    """hi, for the «visa application|mortgage|background check» they need:
«idline»
«idline»
«idline»
thanks! «first:a»""",
    """Patient registration
Full name: «name:a»
«idline»
«idline»
Emergency contact: «name:b» «phone»""",
    """Payment details for invoice «order» «|(«marking»)»
Payee: «name:a»
«idline»
«idline»
Amount: «amount»""",
)

FORMS += (
    """INVOICE «order»
Bill to: «name:a»
«address»
VAT no. GB«n:100000000-999999999»
Item: «product» licence × «n:1-50»    Total: «amount»
Paid by card «card»""",
    """Visitor log «date»
«time» «name:a» — host «name:b» — badge «n:100-999» — «idline»
«time» «name:c» — host «name:b» — badge «n:100-999»""",
)

FORMS_CLEAN = (
    """INVOICE «order»
Bill to: «team», «domain»
Ship to: Warehouse «n:1-9», dock «n:1-20»
Item: «product» licence × «n:1-50»    Total: «amount»
Payment terms: 30 days. Card: «placeholder»""",

    """New starter form (blank)
Name: ____________
Date of birth: __/__/____
NI number: «placeholder»
Start date: «date»    Team: «team»
Please return to the «job».""",
    """KYC checklist «version»
[ ] Photo ID checked (passport or driving licence)
[ ] Proof of address dated after «date»
[ ] Sanctions screening done — ref «order»
«prose»""",
)

KINDS = {"form": (FORMS, FORMS_CLEAN)}
