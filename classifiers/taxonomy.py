"""The entity taxonomy: every finding's entity_type, its category and default severity.

The strings are the contract shared by rules, policy files, the audit log and benchmarks.
"""

from __future__ import annotations

from classifiers.model import Category, Severity

ENTITY_TYPES: dict[str, tuple[Category, Severity]] = {
    "PERSON": (Category.PII, Severity.MEDIUM),
    "EMAIL_ADDRESS": (Category.PII, Severity.MEDIUM),
    "PHONE_NUMBER": (Category.PII, Severity.MEDIUM),
    "STREET_ADDRESS": (Category.PII, Severity.MEDIUM),
    "IP_ADDRESS": (Category.PII, Severity.LOW),
    "DATE_OF_BIRTH": (Category.PII, Severity.MEDIUM),
    "US_SSN": (Category.PII, Severity.HIGH),
    "US_PASSPORT": (Category.PII, Severity.HIGH),
    "US_DRIVER_LICENSE": (Category.PII, Severity.HIGH),
    "UK_NINO": (Category.PII, Severity.HIGH),
    "UK_NHS": (Category.PII, Severity.HIGH),
    "CREDIT_CARD": (Category.FINANCIAL, Severity.HIGH),
    "IBAN_CODE": (Category.FINANCIAL, Severity.HIGH),
    "US_BANK_NUMBER": (Category.FINANCIAL, Severity.HIGH),
    "MEDICAL_RECORD_NUMBER": (Category.HEALTH, Severity.HIGH),
    "AWS_ACCESS_KEY": (Category.SECRET, Severity.CRITICAL),
    "AWS_SECRET_KEY": (Category.SECRET, Severity.CRITICAL),
    "GITHUB_TOKEN": (Category.SECRET, Severity.CRITICAL),
    "SLACK_TOKEN": (Category.SECRET, Severity.CRITICAL),
    "STRIPE_KEY": (Category.SECRET, Severity.CRITICAL),
    "GOOGLE_API_KEY": (Category.SECRET, Severity.HIGH),
    "OPENAI_API_KEY": (Category.SECRET, Severity.CRITICAL),
    "ANTHROPIC_API_KEY": (Category.SECRET, Severity.CRITICAL),
    "PRIVATE_KEY": (Category.SECRET, Severity.CRITICAL),
    "JWT": (Category.SECRET, Severity.HIGH),
    "PASSWORD": (Category.SECRET, Severity.CRITICAL),
    "GENERIC_SECRET": (Category.SECRET, Severity.HIGH),
    "CLASSIFICATION_MARKING": (Category.MARKING, Severity.MEDIUM),
    "PROMPT_INJECTION": (Category.INJECTION, Severity.HIGH),
}

CUSTOM_PREFIX = "CUSTOM:"


def is_known_entity_type(entity_type: str) -> bool:
    return entity_type in ENTITY_TYPES or (
        entity_type.startswith(CUSTOM_PREFIX) and len(entity_type) > len(CUSTOM_PREFIX)
    )


def category_of(entity_type: str) -> Category:
    if entity_type.startswith(CUSTOM_PREFIX):
        return Category.CUSTOM
    return ENTITY_TYPES[entity_type][0]


def default_severity(entity_type: str) -> Severity:
    if entity_type.startswith(CUSTOM_PREFIX):
        return Severity.MEDIUM
    return ENTITY_TYPES[entity_type][1]
