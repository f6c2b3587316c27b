"""The health pack on clinical text in several languages: the patient number after its
label, never a number that merely sits near a clinical word or a label that names
something else."""

from __future__ import annotations

from functools import cache

import pytest

from classifiers.detectors.pattern import PatternDetector
from classifiers.rules import load_builtin_packs


@cache
def _detector() -> PatternDetector:
    return PatternDetector(load_builtin_packs(["health"]))


def mrns(text: str) -> list[str]:
    return [f.value for f in _detector().detect(text) if f.entity_type == "MEDICAL_RECORD_NUMBER"]


@pytest.mark.parametrize(("text", "value"), [
    # German discharge letters and referrals
    ("Klinikum Nord, Entlassungsbericht\nFallnummer: 61830042\nAufnahme: 03.02.", "61830042"),
    ("Fall-Nr. 2025-104417, Station 7", "2025-104417"),
    ("Patientennummer 0082219 (bitte bei Rückfragen angeben)", "0082219"),
    ("Patienten-ID: KH-771203", "KH-771203"),
    ("Pat.-Nr.: 55190371", "55190371"),
    ("Aufnahmenummer 9912043", "9912043"),
    # Dutch
    ("Patiëntnummer: 4410982, afdeling longziekten", "4410982"),
    ("patientnr 88310021", "88310021"),
    # French
    ("Numéro de dossier patient : 7734412", "7734412"),
    ("N° patient 23-771904", "23-771904"),
    ("Identifiant permanent du patient : 4501187723", "4501187723"),
    ("Compte rendu d'hospitalisation — IPP : 8100229471", "8100229471"),
    # Spanish, Italian, Portuguese
    ("Número de historia clínica: 3320918", "3320918"),
    ("Historia clínica 5512093 — ingreso por disnea", "5512093"),
    ("Paciente derivada de urgencias. NHC 4490217", "4490217"),
    ("Cartella clinica n. 2024-55812", "2024-55812"),
    ("Prontuário nº 7718203", "7718203"),
])
def test_a_patient_number_after_its_label_is_found(text: str, value: str) -> None:
    assert value in mrns(text)


@pytest.mark.parametrize("text", [
    # the words alone, or next to a number they do not label
    "Fall 2024: 3 neue Stationen",
    "Aufnahme 2024 im Tonstudio, Spur 1183204",
    "la historia 1998-2004 del hospital",
    "el paciente 4 mejoró tras 72 horas",
    "Kundennummer: 61830042",
    "Patientennummer: 00000000",
    # generic file numbers without a clinical word
    "Assurance habitation : numéro de dossier 2024-118834",
    "Dossiernummer 7712093 van uw verzekering",
    # the same short labels naming other things: Polish tax number, Intel IPP, the NHC
    "Faktura VAT 12/2025\nNIP: 526-104-08-21\nREGON: 012345678",
    "Built with IPP 2021.3 and oneMKL 2024 on the build host",
    "NHC advisory 22-0915: tropical storm watch",
    # a clinical word near a generic label is not enough when it is an example
    "Example patient record: IPP 8100229471 (sample data)",
])
def test_numbers_near_clinical_words_or_ambiguous_labels_are_not_record_numbers(text: str) -> None:
    assert mrns(text) == []
