"""The organisation's own data: keyword lists, exact data match (EDM), document fingerprints.

``CustomData`` (data.py) is what ``EngineOptions.custom_data`` carries;
``classifiers.detectors.custom`` turns it into a detector.
"""

from classifiers.custom.config import CustomSectionError, parse_custom_section
from classifiers.custom.data import (
    CustomData,
    CustomDataError,
    EdmRule,
    FingerprintRule,
)
from classifiers.custom.edm import EdmError, EdmIndex
from classifiers.custom.fingerprint import FingerprintError, FingerprintSet
from classifiers.custom.keywords import KeywordMatcher, KeywordRule

__all__ = [
    "CustomData",
    "CustomDataError",
    "CustomSectionError",
    "EdmError",
    "EdmIndex",
    "EdmRule",
    "FingerprintError",
    "FingerprintRule",
    "FingerprintSet",
    "KeywordMatcher",
    "KeywordRule",
    "parse_custom_section",
]
