"""Synthetic people: given and family names from many cultures, with their accents.

The names are common ones, combined at random; any resemblance to a real person is
coincidence.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# culture -> (given names, family names)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "english": (
        ("James", "Emily", "Olivia", "Michael", "Sarah", "Daniel", "Hannah", "Thomas",
         "Rebecca", "Christopher", "Megan", "Jonathan", "Abigail", "Matthew", "Laura"),
        ("Whitfield", "Harrington", "Thompson", "Campbell", "Ellison", "Fletcher",
         "Pritchard", "Caldwell", "Underwood", "Ashworth", "Brennan", "Holloway"),
    ),
    "irish": (
        ("Siobhán", "Seán", "Niamh", "Aoife", "Ciarán", "Pádraig", "Róisín", "Eoin"),
        ("O'Connor", "Ní Bhriain", "MacCarthy", "Ó Súilleabháin", "Gallagher", "Doherty"),
    ),
    "spanish": (
        ("María José", "Alejandro", "Lucía", "Sofía", "José Luis", "Inés", "Álvaro",
         "Begoña", "Íñigo", "Ramón"),
        ("García Márquez", "Muñoz", "Fernández", "de la Cruz", "Iglesias", "Peña",
         "Domínguez", "Ibáñez", "Ruiz-Tagle"),
    ),
    "french": (
        ("Amélie", "François", "Hélène", "Benoît", "Clémence", "Jérôme", "Noémie",
         "Gaëlle", "Anaïs"),
        ("Dubois", "Lefèvre", "Rousseau", "Château", "Bélanger", "Giraud", "Mercier"),
    ),
    "german": (
        ("Jürgen", "Günther", "Lena", "Anneliese", "Maximilian", "Jörg", "Sabine",
         "Friederike"),
        ("Müller", "Schröder", "Weiß", "Köhler", "Hoffmann", "Großmann", "Bäcker"),
    ),
    "nordic": (
        ("Søren", "Åsa", "Bjørn", "Ingrid", "Sigrún", "Mikael", "Linnéa"),
        ("Sørensen", "Lindqvist", "Håkansson", "Østergaard", "Bergström", "Jónsdóttir"),
    ),
    "slavic": (
        ("Małgorzata", "Łukasz", "Wojciech", "Agnieszka", "Jiří", "Zdeněk", "Dmitri",
         "Svetlana", "Dragana"),
        ("Kowalczyk", "Wiśniewska", "Dvořák", "Nováková", "Ivanova", "Petrović",
         "Szymański"),
    ),
    "turkish": (
        ("Ayşe", "Çağlar", "Mehmet", "Gülşen", "Emre", "Şebnem"),
        ("Yılmaz", "Öztürk", "Çelik", "Şahin", "Aydın"),
    ),
    "arabic": (
        ("Fatima", "Omar", "Youssef", "Layla", "Karim", "Nour", "Hassan", "Rania"),
        ("Al-Hassan", "El Amrani", "Haddad", "Nasser", "Khoury", "Benali", "Mansour"),
    ),
    "indian": (
        ("Priya", "Rahul", "Ananya", "Venkatesh", "Lakshmi", "Arjun", "Deepika",
         "Sanjay", "Kavya"),
        ("Sharma", "Iyer", "Venkataraman", "Chatterjee", "Reddy", "Kulkarni", "Banerjee"),
    ),
    "chinese": (
        ("Wei", "Xiaoming", "Mei", "Jing", "Zhiwei", "Yuting", "Haoran"),
        ("Chen", "Zhang", "Wang", "Liu", "Huang", "Zhou", "Xu"),
    ),
    "japanese": (
        ("Haruto", "Yuki", "Sakura", "Kenji", "Aiko", "Takumi", "Naoko"),
        ("Tanaka", "Satō", "Watanabe", "Yamamoto", "Kobayashi", "Inoue"),
    ),
    "korean": (
        ("Min-jun", "Ji-woo", "Seo-yeon", "Hyun-woo", "Eun-ji"),
        ("Kim", "Park", "Choi", "Jeong", "Kang"),
    ),
    "vietnamese": (
        ("Thảo", "Minh", "Quang", "Lan", "Đức"),
        ("Nguyễn", "Trần", "Phạm", "Lê", "Võ"),
    ),
    "west_african": (
        ("Chinonso", "Adebayo", "Ngozi", "Oluwaseun", "Kwame", "Abena", "Chiamaka"),
        ("Okafor", "Adeyemi", "Mensah", "Obi", "Boateng", "Eze"),
    ),
    "east_african": (
        ("Wanjiru", "Kamau", "Achieng", "Baraka", "Zawadi"),
        ("Mwangi", "Otieno", "Kariuki", "Njoroge", "Wekesa"),
    ),
    "lusophone": (
        ("João", "Conceição", "Gonçalo", "Thaís", "Luís", "Maria Helena"),
        ("Gonçalves", "Oliveira", "Magalhães", "Conceição", "Araújo"),
    ),
    "greek_hebrew_hungarian": (
        ("Dimitris", "Eleni", "Noa", "Yael", "Avi", "Zsófia", "Gábor"),
        ("Papadopoulos", "Alexiou", "Cohen", "Ben-David", "Kovács", "Szabó"),
    ),
}

# Words that look like names to a model but are roles, products or form labels.
JOB_TITLES = (
    "Charge Nurse", "Product Owner", "Scrum Master", "Site Reliability Engineer",
    "Account Executive", "Head of People", "Staff Engineer", "Data Protection Officer",
    "Customer Success Manager", "Release Manager", "Principal Architect", "Office Manager",
)
PRODUCTS = (
    "MacBook Pro", "Docker Desktop", "Jenkins", "Grafana", "Ansible", "Kubernetes",
    "Terraform", "Jira", "Confluence", "Salesforce", "Outlook", "Zoom", "Excel", "Alexa",
    "Siri", "Cortana", "Sierra", "Victoria Metrics", "Redis", "Postgres", "Kafka",
    "Sentry", "Datadog", "PagerDuty", "Bamboo", "Hudson", "Jasper Reports", "Marvin",
)
TEAMS = (
    "Platform Team", "Billing Ops", "Support Tier 2", "Security Desk", "Data Engineering",
    "the on-call engineer", "Facilities", "Legal Ops", "Payments Squad", "Release Crew",
)


@dataclass(frozen=True, slots=True)
class Person:
    given: str
    family: str
    culture: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def ascii_given(self) -> str:
        return _ascii(self.given)

    @property
    def ascii_family(self) -> str:
        return _ascii(self.family)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c in "-")


def random_person(rng: random.Random) -> Person:
    culture = rng.choice(list(NAMES))
    given, family = NAMES[culture]
    if rng.random() < 0.15:  # mixed heritage
        family = NAMES[rng.choice(list(NAMES))][1]
    return Person(rng.choice(given), rng.choice(family), culture)
