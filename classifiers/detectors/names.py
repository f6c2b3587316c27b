"""PERSON: people's names, from structural cues first and the offline NER model second.

The small spaCy model finds names at about 50 KB/s (about 1 ms a call plus 20 us a
character) and tags product names, job titles and form labels as PERSON at a flat score,
so it is neither fast nor precise enough to run over whole texts. This detector works in
four steps (docs/detection.md says why):

1. **Cues** (cheap regexes, all linear; RE2 finds the anchors of the rarer ones):
   labelled fields (``Name: Maria Lopez``), e-mail headers and ``Name <addr>`` pairs,
   greetings (``Hi Maria,``, ``Hallo Frau Schäfer``), sign-offs (``Regards,\\nJohn Smith``,
   ``Save it — Bea``), chat speakers (``[10:02] Ana Souza:``), honorifics and forms of
   address (``Dr Patel``, ``Herr Becker``), relations and roles (``his daughter Emily``,
   ``host Mei Chen``, ``talk to Priya``), one-to-one notes (``1:1 Jordan / Casey``),
   self-introductions (``my name is``, ``ik ben``, ``je m'appelle``), a lower-case name
   after a name label (``name on card is jessica tran``), Slack/Teams display names above
   a message (``**dave mitchell** 9:41 AM``), CSV/Markdown
   columns whose header names a person and vertical ``Label<TAB>value`` forms, a
   letterhead in capitals above contact details, a capitalised run whose first word is a
   common given name (a weak cue; data in ``resources/names/given_names.txt``), a lone
   given name before a verb (``Hiroshi is joining``) and a lone common surname after
   by/from/with (``back from Johnson``; ``resources/names/surnames.txt``).
2. **NER on windows**: capitalised runs that no cue explained and that pass the filter of
   step 3 are looked at by the model, only the line around each run (never part of a
   word), all windows in one call inside a spaCy memory zone, within a character budget
   proportional to the text. Most short texts need no call at all.
3. **Precision filter**: every candidate, from a cue or from NER, is dropped when one of
   its words is a job title, product, code or licence word, month, day, form label,
   organisation word (``resources/names/not_names.txt``), when it is an all-caps heading,
   when a street or company word follows (``Ben White Blvd``, ``Navali S.p.A.``), when its
   line holds an address at a domain reserved for examples (mock data), or when it is a
   one-word honorific name in a paragraph about trademarks (``Dr. Pepper``). CamelCase
   words (``NumPy``, ``GObject``) are no name words; a "table" of code lines is no table;
   a hyphen line among bullets is no signature. The model alone is not trusted on a
   Markdown/reST heading, after an article, before a software noun or a state and ZIP,
   on a word ending like an abstract noun (``Binary Authorization``) or at the end of a
   longer capitalised name (``Master Authorized Networks``). Weak cues in a text about a
   story (three words such as novel, chapter, plot, scene) name characters, not people.
4. **Public figures**: a weakly cued name right after a public office or a firm's
   leadership title ("French President Emmanuel Macron", "Apple chief executive Tim
   Cook", "le chancelier allemand Olaf Scholz"), and its other weak mentions, are news,
   not personal data: dropped ("our CEO Dana Whitfield" is a colleague: kept).
5. **Propagation**: once a full name is found, later mentions of it (or of its first or
   last word alone) are names too (``classifiers/name_mentions.py``).

Scores: NER and a cue agree 0.9; strong cue alone (header, label, CSV column, signature,
chat speaker) 0.85; weaker cue (greeting, honorific, given-name pair) 0.75-0.8; NER alone
(two or more words) 0.65; a repeated mention 0.7-0.75.

STREET_ADDRESS is a rule in resources/rules/pii.toml (its shape is regular); the model's
GPE/LOC/FAC labels would only boost it and are not needed for that.
"""

from __future__ import annotations

import bisect
import importlib.resources
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import re2

from classifiers import name_mentions, nlp
from classifiers.detectors.base import Detector, make_finding
from classifiers.detectors.presidio import split_cells, table_cells
from classifiers.detectors.table_columns import COLUMN_TYPES
from classifiers.model import Finding
from classifiers.rules import re2_options as _re2_options

if TYPE_CHECKING:
    from classifiers.build import EngineOptions

NAME = "names"
RECOGNIZER = "names"
MISSING_MODEL_NOTICE = (
    f"names not checked: the offline name model is not installed ({nlp.INSTALL_HINT})"
)

# --- word shapes ------------------------------------------------------------------------

_UP = "A-ZÀ-ÖØ-ÞĀ-ŽȘȚḀ-Ỿ"
_LOW = "a-zß-öø-ÿĀ-žșțḁ-ỿ"
# A capitalised word: an upper-case letter and at least one more letter ('-’ allowed).
_WORD = rf"[{_UP}][{_LOW}{_UP}'’\-]*[{_LOW}]"
_PARTICLE = r"(?:van|von|der|den|de|da|di|del|della|dos|das|du|la|le|bin|ibn|al|ben|ter|ten|Ó|Ní|Nic|Mac|Ua)"
_LOW_PARTICLE = r"van|von|der|den|de|da|di|del|della|dos|das|du|la|le|ter|ten|bin|ibn|al"
_INITIAL = rf"[{_UP}]\."
# 1-4 name words, with particles (Ludwig van Beethoven) and middle initials (John A. Smith).
# Words of one name are separated by spaces (a tab separates table cells); the name ends
# where letters and digits end (OpenAI is not the name "Open").
_NAME = (
    rf"(?:{_INITIAL}[ ])?{_WORD}(?:[ ]{{1,2}}(?:{_PARTICLE}[ ])*(?:{_INITIAL}[ ])?{_WORD}){{0,3}}"
    rf"(?![{_LOW}{_UP}0-9_])"
)
_NAME_RE = re.compile(_NAME)
_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lady|Lord|Rev|Fr)\.?"
# Forms of address of other languages, after a greeting ("Hallo Frau Schäfer", "Dzień dobry
# Pani Katarzyno"): the name is the word after.
_FOREIGN_HONORIFIC = (
    r"(?:Herr|Frau|Pani|Pan|Panie|Señora?|Sra?\.|Monsieur|Madame|Mme|M\.|Signora?|Sig\.(?:ra)?|"
    r"Senhora?|Sr\.?a?|Mevrouw|Meneer|Mevr\.|Dhr\.)"
)

# A run of two to four capitalised words: what NER is asked about.
# The upper-case class comes first (the look-behind after it) so that re can skip ahead
# to candidate letters instead of trying every position: 8x faster on long text.
# Lower-case particles may stand between the words (Sanne de Vries, Ana da Silva).
_PAIR_RE = re.compile(
    rf"[{_UP}](?<![\w.@/\-].)[{_LOW}{_UP}'’\-]*[{_LOW}]"
    rf"(?:[ ](?:(?:{_LOW_PARTICLE})[ ]){{0,2}}{_WORD}){{1,3}}(?![\w@/\-])"
)

_LABELS = (
    r"full[ _]?name|first[ _]?name|last[ _]?name|given[ _]?name|family[ _]?name|surname|"
    r"name|patient(?:[ _]name)?|employee(?:[ _]name)?|customer(?:[ _]name)?|"
    r"client(?:[ _]name)?|contact(?:[ _](?:name|person))?|requester|requestor|"
    r"requested[ _]by|reported[ _]by|reporter|assignee|assigned[ _]to|submitted[ _]by|"
    r"created[ _]by|approved[ _]by|prepared[ _]by|reviewed[ _]by|signed(?:[ _]by)?|owner|"
    r"author|attendee|applicant|account[ _]holder|card[ _]?holder|beneficiary|recipient|"
    r"sender|emergency[ _]contact|next[ _]of[ _]kin|guardian|physician|attending|"
    r"referred[ _]by|referring[ _]physician|gp|doctor|nurse|caller|candidate|tenant|"
    r"landlord|employee|manager|supervisor|witness|driver|passenger|insured|member|"
    r"bill[ _]to|ship[ _]to|sold[ _]to|deliver[ _]to|attn|attention|opened[ _]by|"
    r"borrower|co-borrower|lender|maintainer|maintained[ _]by|contact[ _]person|"
    r"travell?er|guest|lead[ _]guest|"
    r"attendees|participants|present|absent|organi[sz]er|host|speaker|interviewer|"
    r"interviewee|from|to|cc|"
    # other languages' forms: first name and surname
    r"nom|pr[ée]nom|nom[ _]de[ _]famille|vorname|nachname|familienname|nombre|apellidos?|"
    r"nome|sobrenome|cognome|voornaam|achternaam|naam|imi[eę]|nazwisko"
)
# Labels of one part of a name: one capitalised word after them is a name ("Nom :
# Dubois", "Last name: Okafor", "First name: Chidinma"), in the given-name list or not.
_PART_LABEL_RE = re.compile(
    r"(?i:last[ _]?name|family[ _]?name|surname|first[ _]?name|given[ _]?name|nom|"
    r"nom[ _]de[ _]famille|pr[ée]nom|nachname|familienname|vorname|apellidos?|sobrenome|"
    r"cognome|achternaam|voornaam|nazwisko|imi[eę])\b"
)
# Cues with a literal anchor are found in two steps: RE2 (a DFA, linear and fast on long
# text) finds the anchor, then a small re pattern reads the name right after it.
_LABEL_FINDER = re2.compile(
    rf"\b(?:{_LABELS})(?:[ \t]+[0-9]{{1,2}})?[\"']?\]?[ \t]*(?:==|[:=])[ \t]*[\"']?",
    _re2_options(case_insensitive=True),
)
_NAME_AFTER_LABEL = re.compile(
    rf"(?:{_HONORIFIC}[ \t]+)?(?P<name>{_NAME}(?:,[ \t]*{_WORD}(?=[ \t]*(?:$|[\"'|;,\t\n])|"
    rf"[ ]{{2,}}))?)"
)
_SIGNOFF_INLINE_FINDER = re2.compile(
    r"\b(?:thanks|regards|cheers|best|sincerely)[ \t]*,[ \t]*",
    _re2_options(case_insensitive=True),
)
_NAME_TO_LINE_END = re.compile(rf"(?P<name>{_NAME})[ \t]*[.!]?[ \t]*(?:\n|$)")
_HONORIFIC_FINDER = re2.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Herr|Frau|Monsieur|Mme|Señora?|"
    r"Sra|Signora|Pani)\.?[ \t]+",
    _re2_options(),
)
_NAME_HERE = re.compile(rf"(?P<name>{_NAME})")
_ADDR_FINDER = re2.compile(r"[<(\[][ \t]*(?:mailto:)?[A-Za-z0-9.+%_\-]+@[A-Za-z0-9\-]+\.",
                           _re2_options())
_NAME_BEFORE_ADDR = re.compile(rf"(?P<name>{_NAME})[\"']?[ \t]*$")
_HEADER_RE = re.compile(
    r"^(?:From|To|Cc|CC|Bcc|Reply-To|Sender|Von|An|De|À|Para)[ \t]*:[ \t]*(?P<rest>[^\n]+)$",
    re.MULTILINE,
)
_GREETING_RE = re.compile(
    rf"^[ \t]*(?:Hi|Hello|Hey|Dear|Hiya|Morning|Good[ \t]+(?:morning|afternoon|evening)|"
    rf"Thanks|Thank[ \t]+you|Cheers|Hola|Bonjour|Hallo|Ciao|Ol[áa]|Salut|Coucou|Cher|Ch[èe]re|"
    rf"Liebe|Lieber|Hej|Hei|Buongiorno|Querid[ao]|Estimad[ao]|Prezad[ao]|Car[ao]|Hoi|Moin|"
    rf"Servus|Dzie[ńn][ \t]+dobry|Cze[śs][ćc]|Witam|Szanown[ay])[ \t,]+"
    rf"(?:(?:{_HONORIFIC}|{_FOREIGN_HONORIFIC})[ \t]+)?(?P<name>{_NAME})"
    rf"(?:[ \t]+(?:and|&)[ \t]+(?P<name2>{_NAME}))?[ \t]*(?:[,!:.;\-—–]|$)",
    re.MULTILINE,
)
_SIGNOFF_WORDS = (
    r"--|—|(?i:(?:(?:best|kind|warm|warmest|many|with)[ \t]+)?"
    r"(?:regards|wishes|thanks|cheers|sincerely|best|thank[ \t]+you|"
    r"yours(?:[ \t]+(?:truly|sincerely|faithfully))?|respectfully|cordially|"
    r"talk[ \t]+soon|take[ \t]+care|all[ \t]+the[ \t]+best|mit[ \t]+freundlichen[ \t]+"
    r"gr[üu](?:ß|ss)en|(?:viele|beste|liebe|freundliche)[ \t]+gr[üu](?:ß|ss)e|"
    r"(?:bien[ \t]+|tr[èe]s[ \t]+)?cordialement|bien[ \t]+[àa][ \t]+vous|"
    r"(?:un[ \t]+)?saludos?(?:[ \t]+cordiales)?|atentamente|cumprimentos|"
    r"atenciosamente|abra[çc]os|un[ \t]+saluto|cordiali[ \t]+saluti|distinti[ \t]+saluti|"
    r"met[ \t]+vriendelijke[ \t]+groet(?:en)?|groeten|hälsningar|mvh|bises|bisous|"
    r"amiti[ée]s|[àa][ \t]+bient[ôo]t|(?:un[ \t]+)?abrazos?|besos|"
    # thanks and closings of other languages ("Gracias,\nMarta", "Merci,\nCamille")
    r"(?:muchas[ \t]+|mil[ \t]+)?gracias|merci(?:[ \t]+(?:beaucoup|bien|encore))?|"
    r"(?:muito[ \t]+)?obrigad[oa]|grazie(?:[ \t]+mille)?|saluti|a[ \t]+presto|"
    r"(?:vielen|herzlichen|besten)[ \t]+dank|danke(?:[ \t]+(?:sch[öo]n|sehr))?|"
    r"(?:herzliche|sch[öo]ne)[ \t]+gr[üu](?:ß|ss)e|bis[ \t]+bald|bedankt|"
    r"dank[ \t]+(?:je|u)(?:[ \t]+wel)?|groetjes|hartelijke[ \t]+groet(?:en)?|"
    r"vriendelijke[ \t]+groet(?:en)?|hasta[ \t]+(?:pronto|luego)|beijos?|abra[çc]o|"
    r"pozdrawiam|dzi[ęe]kuj[ęe]|tack|kiitos|"
    r"(?:liebe|viele|beste)?[ \t]*gr[üu](?:ß|ss)e?|lg|vg))"
)
# RE2 finds the sign-off lines (one pass, linear); re reads the name on the next line.
_SIGNOFF_FINDER = re2.compile(rf"(?m)^[ \t]*(?:{_SIGNOFF_WORDS})[ \t]*[,.!]?[ \t]*$",
                              _re2_options())
_SIGNOFF_RE = re.compile(
    rf"[ \t]*(?:{_SIGNOFF_WORDS})[ \t]*[,.!]?[ \t]*\n"
    rf"(?:[ \t]*\n)?[ \t]*(?:{_HONORIFIC}[ \t]+)?(?P<name>{_NAME})[ \t]*(?:$|[,|(\-–])",
    re.MULTILINE,
)
_TIME = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]?[AaPp][Mm])?"
# A date before the time, as in WhatsApp exports ("3/28/2023, 07:42 - Maximilian: ...").
_CHAT_DATE = r"[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}(?:T[0-9:]{5,8}Z?)?,?[ \t]+"
_CHAT_RE = re.compile(
    rf"^[ \t]*(?:\[[^\]\n]{{0,30}}{_TIME}\]|\(?{_TIME}\)?)[ \t]*(?:-[ \t]*)?<?"
    rf"(?P<name>{_NAME})>?[ \t]*:",
    re.MULTILINE,
)
# RE2 finds the date, time and dash at a line start (one linear pass); re reads the name.
_DATED_CHAT_FINDER = re2.compile(rf"(?m)^[ \t]*{_CHAT_DATE}{_TIME}[ \t]*-[ \t]*", _re2_options())
_DATED_CHAT_NAME_RE = re.compile(rf"(?P<name>{_NAME})[ \t]*:[ \t]")
_CHAT_NAME_FIRST_RE = re.compile(
    rf"^[ \t]*(?P<name>{_NAME}),?[ \t]+(?:\[|\()?{_TIME}(?:\]|\))?[ \t]*(?::|$)", re.MULTILINE
)
# "Lorenzo here." / "Hi all, Maria Lopez here": a writer introducing themselves.
_SELF_INTRO_FINDER = re2.compile(r"[ \t]+here[ \t]*[^ \tA-Za-z0-9_]", _re2_options())
_SELF_INTRO_BEFORE = re.compile(rf"(?:^|[,.!:;—–\-][ \t]*)(?P<name>{_NAME})$", re.MULTILINE)
_INTRO_FINDER = re2.compile(
    r"(?i:\bmy[ \t]+name[ \t]+is|\bmy[ \t]+name's|\bI[ \t]+am|\bI'm|\bI’m|\bthis[ \t]+is|"
    r"je[ \t]+m'appelle|je[ \t]+m’appelle|je[ \t]+suis|mon[ \t]+nom[ \t]+est|ich[ \t]+bin|"
    r"ich[ \t]+hei(?:ß|ss)e|mein[ \t]+name[ \t]+ist|me[ \t]+llamo|mi[ \t]+nombre[ \t]+es|"
    r"soy|mi[ \t]+chiamo|il[ \t]+mio[ \t]+nome[ \t]+[èe]|sono|meu[ \t]+nome[ \t]+[ée]|"
    r"chamo-me|eu[ \t]+sou|ik[ \t]+ben|mijn[ \t]+naam[ \t]+is|ik[ \t]+heet|"
    r"nazywam[ \t]+si[ęe]|mam[ \t]+na[ \t]+imi[ęe]|jestem)[ \t]+\p{Lu}",
    _re2_options(),
)
# the introductions after which a lone capitalised word is as often a nationality, a
# trait or a place as a name
_WEAK_INTRO_RE = re.compile(r"(?i)^(?:I|this|je suis|ich bin|soy|sono|eu sou|ik ben|jestem)\b")
_INTRO_NAME_RE = re.compile(rf"(?P<name>{_NAME})(?=[ \t]*(?:$|[,.;:!?()\-—–]|[ \t][a-z]))",
                            re.MULTILINE)
_PNR_FINDER = re2.compile(
    r"/\pL[\pL'\-]*(?: \pL[\pL'\-]*)? +(?:MR|MRS|MS|MX|MISS|MSTR|DR|PROF)\b",
    _re2_options(),
)
_DISCORD_GATE = re2.compile(
    r"[\x{2014}\x{2013}-][ \t]+(?i:today|yesterday|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})",
    _re2_options(),
)
# "his daughter Emily", "my colleague Jenna Whitfield", "host Mei Chen", "par Chloé": a
# person's relation or the person who did something, right before a name.
_RELATION_FINDER = re2.compile(
    r"\b(?:wife|husband|son|daughter|mother|mum|mom|father|dad|colleague|co-?worker|"
    r"manager|boss|partner|friend|brother|sister|aunt|uncle|grandson|granddaughter|nephew|"
    r"niece|fianc[ée]e?|girlfriend|boyfriend|teammate|agent|caregiver|carer|host|"
    r"hosted[ \t]+by|femme|mari|fille|fils|frau|mann|tochter|sohn|esposa|marido|hija|hijo|"
    r"filha|filho)[ \t]+",
    _re2_options(case_insensitive=True),
)
_BY_FINDER = re2.compile(
    r"\b(?:by|par|por|von|da|di|with|ask|cc|ping|(?:talk(?:ed|ing)?|speak(?:ing)?|spoke|"
    r"chat(?:ted)?|reach(?:ed)?[ \t]+out|sync(?:ed)?|check(?:ed)?[ \t]+in)[ \t]+to)[ \t]+",
    _re2_options(),
)
# Given names that are as often places or words ("by Victoria", "with Grace"): not enough
# alone after by/with.
_AMBIGUOUS_GIVEN = frozenset(
    """jordan victoria georgia florence adelaide charlotte austin chelsea sydney lincoln
    orlando paris grace hope joy june april august florida dallas houston denver phoenix
    savannah madison regina alexandria eugene jackson chad israel india china carolina
    virginia lourdes aurora faith summer autumn winter rose ruby jade amber crystal
    dakota sierra london brooklyn""".split()
)
# A lone given name as the subject of a verb ("also Hiroshi is joining", "Maria said"):
# one RE2 pattern holds the capitalised given names themselves (built on first use), so
# that "This is" and "It was" are never matches to look at.
_SUBJECT_VERBS = (
    r"is|was|will|has|had|said|says|asked|told|thinks|thought|wants|wanted|joined|joins|"
    r"left|sent|replied|mentioned|suggested|agreed|called|emailed|confirmed|needs|can't|"
    r"cannot|won't|isn't|wasn't|hasn't|didn't|doesn't"
)


@lru_cache(maxsize=1)
def _subject_finder() -> Any:
    names = sorted({n[:1].upper() + n[1:] for n in given_names()
                    if n not in _AMBIGUOUS_GIVEN and n not in _WORDLIKE_GIVEN
                    and n not in not_names()}, key=len, reverse=True)
    alternation = "|".join(re2.escape(n) for n in names)
    return re2.compile(
        rf"(?:^|[^\pL\pN_'’.@/\-])({alternation})[ \t]+(?:{_SUBJECT_VERBS})\b",
        _re2_options(),
    )


_WROTE_FINDER = re2.compile(r"\b(?:wrote|schrieb|a écrit|escribió|escreveu|ha scritto)\b",
                            _re2_options())
_NAME_BEFORE_WROTE = re.compile(
    rf"(?:^[ \t>]*|[,:][ \t]*)(?P<name>{_NAME})[ \t]*(?:<[^>\n]*>[ \t]*)?$", re.MULTILINE
)
# Airline and booking records: SURNAME/GIVEN TITLE ("SCHULZ/ANNA MS", "Zhou/Zhiwei MX").
_PNR_NAME_RE = re.compile(
    rf"(?<![\w/])(?P<name>[{_UP}][{_UP}{_LOW}'\-]+/[{_UP}][{_UP}{_LOW}'\-]+"
    rf"(?:[ ][{_UP}][{_UP}{_LOW}'\-]+)?)[ ]+(?:MR|MRS|MS|MX|MISS|MSTR|DR|PROF)(?![\w/])"
)
# Discord/Teams copies: "**Jonah Feldstein** — today at 3:41 PM"
_DISCORD_RE = re.compile(
    rf"^[ \t]*\*{{0,2}}(?P<name>{_NAME})\*{{0,2}}[ \t]+[—–\-][ \t]+"
    rf"(?i:today|yesterday|[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{2,4}})(?:[ \t]+at)?[ \t]+{_TIME}",
    re.MULTILINE,
)
_IRC_RE = re.compile(rf"^[ \t]*<(?P<name>{_NAME})>[ \t]", re.MULTILINE)
_LIST_LABEL_RE = re.compile(
    r"^[ \t]*(?i:attendees|participants|present|absent|invitees|cc|panel|team members)"
    r"[ \t]*:[ \t]*(?P<rest>[^\n]+)$",
    re.MULTILINE,
)
_VOCATIVE_RE = re.compile(rf"^(?P<name>{_WORD}),[ \t]", re.MULTILINE)
_SPEAKER_RE = re.compile(rf"^[ \t]*(?:[-*•][ \t]+)?(?P<name>{_NAME})[ \t]*:[ \t]+\S",
                         re.MULTILINE)
# A signature line that is a dash and a name ("— Chris", "-- Maria Lopez").
_DASH_SIGNATURE_RE = re.compile(rf"^[ \t]*(?:--?|—|–)[ \t]*(?P<name>{_NAME})[ \t]*$",
                                re.MULTILINE)
# ... and a dash and a given name ending a line of text ("Save it — Bea"): RE2 finds the
# dashes that are followed by one word and the line's end, re reads the word.
_TRAILING_SIGNATURE_FINDER = re2.compile(
    r"(?m)[^\s][ \t]+(?:\x{2014}|\x{2013}|--)[ \t]*\pL[\pL'\x{2019}\-]*[ \t]*$", _re2_options()
)
_TRAILING_SIGNATURE_RE = re.compile(rf"[ \t]*(?P<name>{_WORD})[ \t]*$", re.MULTILINE)
_DASH_RE = re.compile(r"—|–|--")
# One-to-one meeting notes: "1:1 Jordan / Casey", "1-on-1 with Priya". RE2 finds the
# marker as a word of its own (not the "1:1" of "11:15"), re reads the names after it.
_ONE_ON_ONE_FINDER = re2.compile(
    r"(?:^|[^\w:/.\-])(?i:1:1|1-1|1-on-1|1on1|one-on-one|one on one)(?:[^\w:/.\-]|$)",
    _re2_options(),
)
_ONE_ON_ONE_RE = re.compile(
    rf"[ \t:–—\-]*(?i:with[ \t]+)?(?P<name>{_NAME})"
    rf"(?:[ \t]*(?:/|<>|&|\+|,|\bx\b|(?i:and))[ \t]*(?P<name2>{_NAME}))?"
)
# IRC-style speakers are often lower-case nicks ("<kai> lol"): a known given name only.
_IRC_NICK_RE = re.compile(r"^[ \t]*<(?P<name>[a-z][a-z'\-]{1,20})>[ \t]", re.MULTILINE)
_CSV_HEADERS = frozenset(
    """name fullname full_name first_name firstname first given_name givenname last_name
    lastname last surname family_name familyname patient patient_name patientname employee
    employee_name employeename customer customer_name customername contact contact_name
    contactname client client_name person person_name owner assignee requester reporter
    author display_name displayname cardholder card_holder cardholder_name beneficiary
    emergency_contact guardian physician doctor member member_name student student_name
    attendee applicant candidate tenant recipient sender manager account_holder
    account_name holder_name name_on_card next_of_kin vorname nachname familienname
    nom prenom prénom nombre apellido apellidos nome sobrenome cognome voornaam achternaam
    naam imie imię nazwisko""".split()
)


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    score: float
    cue: str


# --- word lists ---------------------------------------------------------------------------


def _read_list(name: str) -> frozenset[str]:
    path = importlib.resources.files("resources") / "names" / name
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#"):
            words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The list, with each name also without its accents (Chloé is also chloe)."""
    names = _read_list("given_names.txt")
    return names | frozenset(_fold(n) for n in names)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_given_name(word: str) -> bool:
    """A common given name, with or without its accents (Étienne, Etienne, Joao)."""
    low = word.lower()
    names = given_names()
    return low in names or (not low.isascii() and _fold(low) in names)


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    return _read_list("not_names.txt")


_TOKEN_SPLIT = re.compile(r"[ \t,]+")
_NAME_TOKEN_RE = re.compile(rf"{_WORD}|{_PARTICLE}|[{_UP}]|[{_LOW}{_UP}]{{2,}}")
_HONORIFIC_WORDS = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame lady lord rev fr".split()
)


def _tokens(name: str) -> list[str]:
    return [t for t in _TOKEN_SPLIT.split(name) if t]


_INNER_CAPITAL_RE = re.compile(r"(?<=[a-zß-öø-ÿ])[A-ZÀ-ÖØ-Þ]")
# What may come before a capital inside a name: McKenzie, MacArthur, DiCaprio, LaToya,
# DeShawn, VanDyke, FitzGerald, JoAnn, MaryAnn, O'Neill has an apostrophe.
_NAME_PREFIXES = frozenset(
    "mc mac fitz de di da la le du van von ten ter st jo mary ann anne lee ray".split()
)


_CAPS_PREFIX_RE = re.compile(r"[A-Z]{2,}[a-z]")


def _is_camel_case(word: str) -> bool:
    """A capital after a lower-case letter, not after a name prefix, or two capitals that
    begin a word: NumPy, DocTest, DrivenData, JavaScript, GObject, IPython are products
    and code, not people."""
    if _CAPS_PREFIX_RE.match(word):
        return True
    for m in _INNER_CAPITAL_RE.finditer(word):
        head = word[:m.start()]
        for sep in "-'’":
            head = head.rpartition(sep)[2]
        if head.lower() not in _NAME_PREFIXES:
            return True
    return False


def looks_like_name(name: str, *, single_ok: bool = False) -> bool:
    """The precision filter: False for job titles, products, tech words, months, days,
    form labels, organisation words, all-caps headings and lone common words."""
    words = [t.strip(".'’") for t in _tokens(name)]
    words = [w for w in words if w.lower() not in _HONORIFIC_WORDS]
    if not words or (len(words) == 1 and not single_ok):
        return False
    if not (words[0][:1].isupper() and words[-1][:1].isupper()):
        return False  # "mi número de": a name starts and ends with a capital
    blocked = not_names()
    letters = 0
    for w in words:
        if not _NAME_TOKEN_RE.fullmatch(w):
            return False
        low = w.lower()
        if low in blocked or any(part in blocked for part in low.split("-") if part):
            return False
        if any(len(part) >= 2 and part.isupper() for part in w.split("-")):
            return False  # "NASA", "README-alpha": an acronym, not a name
        if _is_camel_case(w):
            return False
        letters += sum(ch.isalpha() for ch in w)
    return letters >= 3


# --- the detector -------------------------------------------------------------------------


class NameDetector:
    """PERSON findings from cues, NER on candidate windows, and repeated mentions."""

    name = NAME

    def __init__(self, *, use_model: bool = True, ner_budget_base: int = 160,
                 ner_budget_ratio: float = 0.01) -> None:
        self._use_model = use_model
        self._budget_base = ner_budget_base
        self._budget_ratio = ner_budget_ratio

    def detect(self, text: str) -> Iterable[Finding]:
        pairs = _pairs(text)
        spans = list(_cue_spans(text, pairs))
        if self._use_model:
            spans = self._with_ner(text, spans, pairs)
        spans = _without_samples(text, spans)
        spans = _without_fiction(text, spans)
        spans, public = _without_public_figures(text, spans)
        spans = _propagate(text, spans, public)
        return [
            make_finding("PERSON", text, s.start, s.end, s.score, RECOGNIZER,
                         explanation=s.cue)
            for s in _best_per_span(spans)
        ]

    def _with_ner(self, text: str, spans: list[_Span], pairs: list[_Pair]) -> list[_Span]:
        budget = self._budget_base + int(len(text) * self._budget_ratio)
        covered = _union((s.start, s.end) for s in spans)
        windows: list[tuple[int, int]] = []
        used = 0
        for start, end, given in pairs:
            # A pair that starts with a given name was decided by the given-name cue.
            if given or _overlaps(covered, start, end):
                continue
            if not looks_like_name(text[start:end]):
                continue
            ws, we = _window(text, start, end)
            if windows and ws <= windows[-1][1]:
                ws = windows[-1][0]
                used -= windows[-1][1] - windows[-1][0]
                windows.pop()
            if used + (we - ws) > budget:
                break
            windows.append((ws, we))
            used += we - ws
        if not windows:
            return spans
        model = nlp.load_ner()
        joined, offsets = _join_windows(text, windows)
        # One call at a time (a pipeline is not thread-safe), inside a memory zone: spaCy
        # otherwise keeps every new word it sees, and a long-running tray app would grow
        # by megabytes per thousand clips.
        with _NER_LOCK, model.memory_zone():
            people = [(e.start_char, e.end_char) for e in model(joined).ents
                      if e.label_ == "PERSON"]
        out = list(spans)
        for ent_start, ent_end in people:
            start = _map_offset(offsets, ent_start)
            end = _map_offset(offsets, ent_end)
            if start is None or end is None or end <= start:
                continue
            start, end = _trim_name(text, start, end)
            value = text[start:end]
            if any(ch in "\t\n|;/@" or ch.isdigit() for ch in value):
                continue  # spans table cells or holds an address: not one name
            if _cuts_a_word(text, start, end):
                continue  # part of a longer word: no name
            if not looks_like_name(value) or _street_word_before(text, start):
                continue
            if _street_suffix_follows(text, end) or _company_suffix_near(text, end):
                continue  # "Ben White Blvd": a street; "Cantieri Navali Adriatici S.p.A."
            first = _tokens(value)[0].lower()
            if is_given_name(first):
                out.append(_Span(start, end, 0.9, "NER PERSON + given name"))
            elif not (_in_heading(text, start, end) or _reads_as_a_thing(text, start, end)):
                # the model alone; a Title Case heading ("### Decoding Map") or a product
                # ("a new Assured Workloads environment") is no person
                out.append(_Span(start, end, 0.65, "NER PERSON"))
        return out


_NER_LOCK = threading.Lock()


# A run of capitalised words (trimmed) and whether its first word is a common given name.
_Pair = tuple[int, int, bool]


def _pairs(text: str) -> list[_Pair]:
    """Every run of two to four capitalised words, trimmed of words that are never names:
    found once, read by both the given-name cue and the NER step."""
    out: list[_Pair] = []
    blocked = not_names()
    for m in _PAIR_RE.finditer(text):
        trimmed = _trim_candidate(m.group(), blocked)
        if trimmed is None:
            continue
        first, start, end = trimmed
        if _run_ends_possessive(m.group(), end):
            end -= 2  # "Elizabeth Bennet's": the name without the possessive
        out.append((m.start() + start, m.start() + end, is_given_name(first)))
    return out


def _run_ends_possessive(run: str, end: int) -> bool:
    return run.endswith(("'s", "’s"), 0, end)


def _trim_candidate(run: str, blocked: frozenset[str]) -> tuple[str, int, int] | None:
    """Drop leading and trailing words that are never names ("Yesterday Maria Lopez",
    "Maria Lopez Team"): (first word, start, end) in ``run``, or None when fewer than two
    words remain or the run ends in a street word ("Ben White Blvd" is a street). The words
    of a run are separated by single spaces."""
    words = run.split(" ")
    lo, hi = 0, len(words)
    while lo < hi and words[lo].lower() in blocked:
        lo += 1
    while hi > lo and words[hi - 1].lower() in blocked:
        if words[hi - 1].lower() in _STREET_SUFFIXES:
            return None
        hi -= 1
    if hi - lo < 2:
        return None
    start = sum(len(w) + 1 for w in words[:lo])
    end = start + sum(len(w) + 1 for w in words[lo:hi]) - 1
    return words[lo], start, end


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The context NER reads around a candidate: up to 40 characters before and 30 after,
    within its line, and never a part of a word (the model reads "Incompatible Wit" as
    two words, and as a person)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end == -1:
        line_end = len(text)
    ws, we = max(line_start, start - 40), min(line_end, end + 30)
    while line_start < ws < start and not text[ws - 1].isspace():
        ws += 1
    while end < we < line_end and not text[we].isspace():
        we -= 1
    return ws, we


_UNDERLINE_RE = re.compile(r"[ \t]*([=\-~^*+#])\1{2,}[ \t]*(?:\n|$)")
_HEADING_MARK_RE = re.compile(r"[ \t]*(?:#{1,6}[ \t]+)?(?:[0-9]+(?:\.[0-9]+)*\.?[ \t]+)?")


def _in_heading(text: str, start: int, end: int) -> bool:
    """True when [start, end) is the whole text of a Markdown heading ("## 4. Decoding
    Map") or of a reStructuredText title (the line underlined with =, -, ~...)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    if text[end:line_end].strip(" \t:.") != "":
        return False
    mark = _HEADING_MARK_RE.match(text, line_start, start)
    if mark is None or mark.end() != start:
        return False
    if "#" in mark.group():
        return True
    return _UNDERLINE_RE.match(text, line_end + 1) is not None


_THING_BEFORE_RE = re.compile(
    r"(?:^|[^\w])(?i:a|an|the|this|that|these|those|new|single|each|every|any|your|our|"
    r"their|its|existing|default|custom)[ \t]+$"
)
_THING_AFTER_RE = re.compile(
    r"[ \t]+(?:applications?|apps?|environments?|instances?|resources?|syntax|services?|"
    r"clusters?|projects?|api|apis|files?|formats?|library|libraries|packages?|modules?|"
    r"servers?|databases?|polic(?:y|ies)|templates?|features?|plugins?|plug-ins?|"
    r"extensions?|tools?|versions?|releases?|buckets?|networks?|products?|platforms?|"
    r"engines?|systems?|commands?|jobs?|rules?|tables?|fields?|objects?|types?|classes|"
    r"methods?|functions?|protocols?|devices?|drivers?|images?|models?|endpoints?|"
    r"instructions?|support|licen[cs]e|documentation|specification|standard|framework)\b"
)


# A word that ends like an abstract noun, never like a name ("Binary Authorization",
# "Event Threat Detection", "Asset Management", "Firmware Update"; Clement and Trinity
# are names, so -ment needs eight letters and -ity is not here).
_ABSTRACT_NOUN_RE = re.compile(
    r"\b(?:[A-Za-z]{2,}(?:tion|sion)s?|[A-Za-z]{4,}ments?|[A-Za-z]{2,}wares?)\b"
)
_PLACE_AFTER_RE = re.compile(r",[ ]?[A-Z]{2}[ ]+[0-9]{5}\b")
_PREV_TOKEN_RE = re.compile(r"(\S+)[ ]$")


def _reads_as_a_thing(text: str, start: int, end: int) -> bool:
    """Words the model calls a person that the text treats as a thing: an article or a
    determiner before them ("the Common Expression Language", "a new Assured Workloads
    environment"), a noun of software after them ("List Apigee applications"), a state
    and ZIP code after them ("Redwood Shores, CA 94065"), or the end of a longer
    capitalised name ("Master Authorized Networks", "HTTP(S) Load Balancing")."""
    if (_THING_BEFORE_RE.search(text, max(0, start - 12), start) is not None
            or _ABSTRACT_NOUN_RE.search(text, start, end) is not None
            or _THING_AFTER_RE.match(text, end) is not None
            or _PLACE_AFTER_RE.match(text, end) is not None):
        return True
    prev = _PREV_TOKEN_RE.search(text, max(0, start - 30), start)
    if prev is None:
        return False
    token = prev.group(1).lstrip("([{\"'“‘")
    if not (token[:1].isupper() and any(ch.islower() for ch in token)):
        return False  # a lower-case word, or an all-caps one ("WHEREAS Thảo Trần")
    if token[-1] in ".:;!?,\"'”’":
        return False  # the end of a sentence or a label
    word = token.lower()
    return word not in not_names() and word not in _HONORIFIC_WORDS


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _join_windows(text: str, windows: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []  # (offset in joined, offset in text)
    pos = 0
    for ws, we in windows:
        offsets.append((pos, ws))
        piece = text[ws:we].replace("\n", " ")
        parts.append(piece)
        pos += len(piece) + 2
    return "\n\n".join(parts), offsets


def _map_offset(offsets: list[tuple[int, int]], joined: int) -> int | None:
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid][0] <= joined:
            lo = mid
        else:
            hi = mid - 1
    base_joined, base_text = offsets[lo]
    if joined < base_joined:
        return None
    return base_text + (joined - base_joined)


def _trim_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading honorific and trailing possessive or punctuation."""
    value = text[start:end]
    m = re.match(rf"{_HONORIFIC}[ \t]+", value)
    if m:
        start += m.end()
    while end > start and text[end - 1] in ".,;:'’":
        end -= 1
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint union of spans (so that ``_overlaps`` can bisect)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _overlaps(covered: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) overlaps a span of ``covered`` (sorted and disjoint)."""
    i = bisect.bisect_right(covered, (start, float("inf"))) - 1
    if i >= 0 and covered[i][1] > start:
        return True
    return i + 1 < len(covered) and covered[i + 1][0] < end


# --- cues ---------------------------------------------------------------------------------


def _cue_spans(text: str, pairs: list[_Pair]) -> Iterator[_Span]:
    yield from _label_cue(text)
    yield from _addr_cue(text)
    yield from _header_cue(text)
    yield from _regex_cue(text, _GREETING_RE, 0.8, "greeting", single=0.75, group2=True)
    yield from _anchored_cue(text, _SIGNOFF_FINDER, _SIGNOFF_RE, 0.85,
                             "signature after a sign-off", single=0.8, at_start=True)
    yield from _anchored_cue(text, _SIGNOFF_INLINE_FINDER, _NAME_TO_LINE_END, 0.8, "sign-off",
                             single=0.75)
    yield from _regex_cue(text, _CHAT_RE, 0.85, "chat speaker", single=0.8)
    yield from _chat_name_first_cue(text)
    yield from _dated_chat_cue(text)
    yield from _signature_line_cue(text)
    if _DISCORD_GATE.search(text):
        yield from _regex_cue(text, _DISCORD_RE, 0.85, "chat speaker", single=0.8)
    yield from _speaker_cue(text)
    yield from _regex_cue(text, _IRC_RE, 0.85, "chat speaker", single=0.8)
    yield from _irc_nick_cue(text)
    yield from _dash_signature_cue(text)
    yield from _one_on_one_cue(text)
    yield from _self_intro_cue(text)
    yield from _introduction_cue(text)
    yield from _lower_label_cue(text)
    yield from _relation_cue(text)
    yield from _given_after_cue(text)
    yield from _pnr_cue(text)
    yield from _wrote_cue(text)
    yield from _subject_cue(text)
    yield from _surname_cue(text)
    yield from _list_cue(text)
    yield from _vocative_cue(text)
    yield from _anchored_cue(text, _HONORIFIC_FINDER, _NAME_HERE, 0.85, "honorific",
                             single=0.8)
    yield from _csv_cue(text)
    yield from _heading_name_cue(text)
    yield from _given_name_cue(text, pairs)


def _regex_cue(text: str, pattern: re.Pattern[str], score: float, cue: str, *,
               single: float, group2: bool = False) -> Iterator[_Span]:
    groups = ("name", "name2") if group2 else ("name",)
    for m in pattern.finditer(text):
        for g in groups:
            if m.group(g) is None:
                continue
            span = _name_span(text, m.start(g), m.end(g), score, single, cue)
            if span is not None:
                yield span


def _anchored_cue(text: str, finder: Any, reader: re.Pattern[str], score: float, cue: str, *,
                  single: float, single_given_only: bool = False,
                  at_start: bool = False) -> Iterator[_Span]:
    """A name read right after each anchor. With ``single_given_only`` a one-word value
    counts only when it is a common given name ("Ship to: Warehouse 2" is a place)."""
    for anchor in finder.finditer(text):
        m = reader.match(text, anchor.start() if at_start else anchor.end())
        if m is None:
            continue
        value = m.group("name")
        if single_given_only and " " not in value.strip() and not is_given_name(value):
            continue
        span = _name_span(text, m.start("name"), m.end("name"), score, single, cue)
        if span is not None:
            yield span


def _label_cue(text: str) -> Iterator[_Span]:
    """``Name: Maria Lopez``; one word only when it is a common given name ("Ship to:
    Warehouse 2" is a place) or the label asks for one part of a name ("Nom : Dubois")."""
    for anchor in _LABEL_FINDER.finditer(text):
        m = _NAME_AFTER_LABEL.match(text, anchor.end())
        if m is None:
            continue
        value = m.group("name")
        if " " not in value.strip() and not is_given_name(value):
            if _PART_LABEL_RE.match(text, anchor.start()) is None:
                continue
        span = _name_span(text, m.start("name"), m.end("name"), 0.85, 0.75, "labelled field")
        if span is not None:
            yield span


def _relation_cue(text: str) -> Iterator[_Span]:
    """``his daughter Emily``, ``host Mei Chen``: a relation word, then the name (one word
    only when a given name). A capitalised relation word in the middle of a sentence
    begins a title, not a relation ("a new Partner Assured Workloads")."""
    for anchor in _RELATION_FINDER.finditer(text):
        if text[anchor.start()].isupper() and _mid_sentence(text, anchor.start()):
            continue
        m = _NAME_HERE.match(text, anchor.end())
        if m is None:
            continue
        value = m.group("name")
        if " " not in value.strip() and not is_given_name(value):
            # one word: a name after a family word ("pt's daughter Dimitris"), not after a
            # role ("agent Smith" may be a product, "host Server")
            if _FAMILY_WORD_RE.match(anchor.group().strip()) is None:
                continue
        span = _name_span(text, m.start("name"), m.end("name"), 0.8, 0.75,
                          "relation before a name")
        if span is not None:
            yield span


_FAMILY_WORD_RE = re.compile(
    r"(?i:wife|husband|son|daughter|mother|mum|mom|father|dad|brother|sister|aunt|uncle|"
    r"grandson|granddaughter|nephew|niece|fianc[ée]e?|girlfriend|boyfriend|femme|mari|fille|"
    r"fils|frau|mann|tochter|sohn|esposa|marido|hija|hijo|filha|filho)$"
)


def _mid_sentence(text: str, pos: int) -> bool:
    """True when the word at ``pos`` follows another word of its sentence on its line."""
    before = text[max(0, pos - 3):pos].rstrip(" \t")
    return bool(before) and (before[-1].isalnum() or before[-1] == ",")


def _addr_cue(text: str) -> Iterator[_Span]:
    """``Maria Lopez <maria@x.com>``, ``Maria Lopez (maria@x.com)``."""
    for anchor in _ADDR_FINDER.finditer(text):
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        seg_start = max(line_start, anchor.start() - 80)
        m = _NAME_BEFORE_ADDR.search(text, seg_start, anchor.start())
        if m is None:
            continue
        if " " not in m.group("name") and _names_the_domain(
                text, m.group("name"), anchor.start(), anchor.end()):
            continue  # "Pallets <contact@palletsprojects.com>": the organisation
        span = _name_span(text, m.start("name"), m.end("name"), 0.9, 0.8,
                          "name next to an e-mail address")
        if span is None:
            span = _spelled_in_address(text, m.start("name"), m.end("name"),
                                       text[anchor.start():anchor.end()],
                                       "name next to an e-mail address")
        if span is not None:
            yield span


_LOCAL_PART_RE = re.compile(r"[<(\[ \t]*(?:mailto:)?(?P<local>[A-Za-z0-9.+%_\-]+)@")


def _spelled_in_address(text: str, start: int, end: int, after: str, cue: str) -> _Span | None:
    """A name of two or more words, the first a common given name, whose every word is
    spelled in the address beside it (``Imogen Price <imogen.price@x.co.uk>``, or by its
    last word and first letter, ``Will Page <wpage@x>``): a person even when a word of it
    is also a common word (Price, Page) that the precision filter drops."""
    start, end = _trim_name(text, start, end)
    words = _tokens(text[start:end])
    if len(words) < 2 or len(words) > 4:
        return None
    m = _LOCAL_PART_RE.match(after)
    if m is None:
        return None
    local = m.group("local").lower()
    folded = [_fold(w.lower()).replace("'", "").replace("’", "") for w in words]
    if not all(w[:1].isupper() for w in words) or any(len(w) < 2 for w in folded):
        return None
    spelled = all(w in local for w in folded) or (
        folded[-1] in local and local.startswith(folded[0][0]) and len(folded[-1]) >= 3
    )
    if not spelled or not is_given_name(words[0]) or words[0].lower() in not_names():
        return None  # "Unit Price <unit.price@shop.com>": a mailbox, not a person
    return _Span(start, end, 0.85, cue)


_DOMAIN_AFTER_RE = re.compile(r"[A-Za-z0-9.\-]*")


def _names_the_domain(text: str, word: str, anchor_start: int, anchor_end: int) -> bool:
    """True when one word before an address is part of the address's domain, or is not a
    given name and not in the address at all: an organisation's or a list's name."""
    at = text.find("@", anchor_start, anchor_end)
    if at < 0:
        return False
    m = _DOMAIN_AFTER_RE.match(text, at + 1)
    domain = text[at + 1:m.end() if m else at + 1].lower()
    local = text[anchor_start:at].lower()
    low = _fold(word.lower())
    return low in domain or not (is_given_name(word) or low in local)


def _name_span(text: str, start: int, end: int, score: float, single: float,
               cue: str) -> _Span | None:
    start, end = _trim_name(text, start, end)
    value = text[start:end]
    words = _tokens(value)
    if not words or _company_suffix_follows(text, end) or _street_word_before(text, start):
        return None
    if len(words) == 1:
        if single <= 0 or not (looks_like_name(value, single_ok=True) or _short_given(value)):
            return None
        bonus = 0.05 if is_given_name(words[0]) else 0.0
        return _Span(start, end, min(0.85, single + bonus), cue)
    if not looks_like_name(value):
        return None
    return _Span(start, end, score, cue)


def _short_given(word: str) -> bool:
    """A two-letter given name ("Mo", "Jo"): too short for the shape test alone."""
    return (len(word) == 2 and word[0].isupper() and word[1].islower()
            and is_given_name(word) and word.lower() not in not_names())


_STREET_WORDS = frozenset(
    """rue avenue av boulevard bd allée allee chemin place quai impasse cours via viale piazza
    corso calle avenida av. rua praça praca largo travessa plaza paseo carrer straße strasse
    platz street st road""".split()
)
_PREV_WORDS_RE = re.compile(r"([^\W\d_]+)\.?[ \t]+(?:(?:de|du|des|de la|del|da|do|dos|der)[ \t]+)?$")


def _street_word_before(text: str, start: int) -> bool:
    """True after a street word ("avenue Jean Jaurès", "rue du Général Leclerc", "Calle de
    Alcalá"): the name is the street's."""
    m = _PREV_WORDS_RE.search(text, max(0, start - 24), start)
    return m is not None and m.group(1).lower() in _STREET_WORDS


_NEXT_WORD_RE = re.compile(r"[ \t]*,?[ \t]*([A-Za-z][A-Za-z.&]{1,7})")


# Words that end a street's name ("Franklin St", "Sunset Boulevard", "Elm Close").
_STREET_SUFFIXES = frozenset(
    """street st road rd avenue ave av boulevard blvd lane ln court ct place pl parkway pkwy
    square sq terrace highway hwy crescent close way""".split()
)
_NEXT_NAME_WORD_RE = re.compile(r"[ ]{1,2}([A-Z][A-Za-z]{1,9})\b")


def _street_suffix_follows(text: str, end: int) -> bool:
    m = _NEXT_NAME_WORD_RE.match(text, end, min(len(text), end + 14))
    return m is not None and m.group(1).lower() in _STREET_SUFFIXES


def _company_suffix_follows(text: str, end: int) -> bool:
    """True when a company suffix follows ("Lindqvist Design AB", "Harlow & Pike Ltd"):
    the words before it name a firm, not a person."""
    m = _NEXT_WORD_RE.match(text, end, min(len(text), end + 12))
    return m is not None and m.group(1).lower().replace(".", "") in _COMPANY_SUFFIXES


_NEXT_CAPITALISED_RE = re.compile(rf"[ ]{{1,2}}{_WORD}(?=[ ,])")


def _company_suffix_near(text: str, end: int) -> bool:
    """A company suffix right after the words, or after one more capitalised word (the
    model often leaves the last word of a firm's name out: "Cantieri Navali| Adriatici
    S.p.A.")."""
    if _company_suffix_follows(text, end):
        return True
    m = _NEXT_CAPITALISED_RE.match(text, end, min(len(text), end + 40))
    return m is not None and _company_suffix_follows(text, m.end())


_COMPANY_SUFFIXES = frozenset(
    """ab ag as asa bv gmbh inc kg kgaa llc llp lda ltd ltda nv oy oyj plc pty sa sarl sas
    se sl spa srl corp co""".split()
)


def _header_cue(text: str) -> Iterator[_Span]:
    """From/To/Cc lines: each recipient that carries an address names a person
    (``Maria Lopez <m@x>``, ``"Lopez, Maria" <m@x>``)."""
    for m in _HEADER_RE.finditer(text):
        rest = m.group("rest")
        base = m.start("rest")
        for s, e in split_cells(rest, ","):
            raw = rest[s:e]
            if "@" not in raw:
                bare = re.fullmatch(rf"[ \t]*(?P<name>{_NAME})[ \t]*", raw)
                if bare is not None:  # To: Takumi Inoue (two or more name words)
                    start = base + s + bare.start("name")
                    span = _name_span(text, start, start + len(bare.group("name")), 0.8, 0.0,
                                      "e-mail header")
                    if span is not None:
                        yield span
                continue
            q = re.match(r"[ \t]*\"(?P<q>[^\"]+)\"", raw)
            if q is not None:
                inner = q.group("q").strip()
                if all(_NAME_RE.fullmatch(p.strip()) for p in inner.split(",")) and (
                    looks_like_name(inner.replace(",", " "), single_ok=True)
                ):
                    start = base + s + q.start("q") + q.group("q").index(inner)
                    yield _Span(start, start + len(inner), 0.9, "e-mail header")
                continue
            nm = re.match(rf"[ \t]*(?P<name>{_NAME})", raw)
            if nm is None:
                continue
            start = base + s + nm.start("name")
            span = _name_span(text, start, start + len(nm.group("name")), 0.9, 0.8,
                              "e-mail header")
            if span is None:
                span = _spelled_in_address(text, start, start + len(nm.group("name")),
                                           raw[nm.end():], "e-mail header")
            if span is not None:
                yield span


def _speaker_cue(text: str) -> Iterator[_Span]:
    """``Maria Lopez: ...`` at line starts: a speaker when the same name speaks twice or
    begins with a common given name (meeting transcripts, chat exports); a lone given
    name (``- Dan: on call``) when at least two different given names speak."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in _SPEAKER_RE.finditer(text):
        found.setdefault(m.group("name"), []).append((m.start("name"), m.end("name")))
    given_speakers = sum(
        1 for value in found
        if " " not in value and is_given_name(value) and looks_like_name(value, single_ok=True)
    )
    for value, places in found.items():
        words = _tokens(value)
        if not looks_like_name(value, single_ok=True):
            continue
        given = is_given_name(words[0])
        if len(places) >= 2 and (given or len(words) >= 2):
            score = 0.85
        elif given and (len(words) >= 2 or given_speakers >= 2):
            score = 0.8
        else:
            continue
        for start, end in places:
            yield _Span(start, end, score, "speaker label")



def _named_group_span(text: str, m: re.Match[str], cue: str) -> _Span | None:
    """The span of ``m``'s ``name`` group found by a layout cue (0.85 for two words or
    more, 0.8 for one); one word only counts when it is a given name."""
    value = m.group("name")
    if " " not in value and not is_given_name(value):
        return None
    return _name_span(text, m.start("name"), m.end("name"), 0.85, 0.8, cue)

def _chat_name_first_cue(text: str) -> Iterator[_Span]:
    """``Ana Souza  10:02`` / ``Ingrid 09:12``: one word only when it is a given name."""
    for m in _CHAT_NAME_FIRST_RE.finditer(text):
        span = _named_group_span(text, m, "chat speaker")
        if span is not None:
            yield span
    yield from _display_name_cue(text)


# Slack and Teams copies: a line holding only a display name (often lower case, often in
# bold) and a time, the message on the next line ("**dave mitchell** 9:41 AM", "tom h
# 9:52 AM", "Priya Shah 10:02"). RE2 finds the line starts that may be one; re reads it.
_DISPLAY_NAME_FINDER = re2.compile(
    r"(?m)^[ \t]*(?:\*\*|__)?\pL[\pL'\x{2019}.\-]*(?: \pL[\pL'\x{2019}.\-]*){0,2}"
    r"(?:\*\*|__)?[ \t]+[\[(]?[0-9]{1,2}:[0-9]{2}",
    _re2_options(),
)
_DISPLAY_NAME_RE = re.compile(
    rf"[ \t]*(?P<bold>\*\*|__)?(?P<name>[{_UP}{_LOW}][{_UP}{_LOW}'’\-]*"
    rf"(?:[ ][{_UP}{_LOW}][{_UP}{_LOW}'’\-]*\.?){{0,2}})(?P=bold)?[ \t]+"
    rf"[\[(]?{_TIME}[\])]?[ \t]*\n[ \t]*\S"
)
_LOWER_NAME_WORD_RE = re.compile(rf"[{_LOW}][{_LOW}'’\-]*\.?")


def _display_name_cue(text: str) -> Iterator[_Span]:
    """A display name alone with a time above a message. In lower case ("dave mitchell")
    it counts when its first word is a common given name (not one that is as often a word:
    "mark 10:00" is a note), its other words are no common words (a last name or an
    initial), and it is in bold or another such line is in the text ("standup 9:30" is a
    schedule)."""
    found: list[tuple[int, int, bool]] = []
    for anchor in _DISPLAY_NAME_FINDER.finditer(text):
        m = _DISPLAY_NAME_RE.match(text, anchor.start())
        if m is None:
            continue
        found.append((m.start("name"), m.end("name"), m.group("bold") is not None))
    for start, end, bold in found:
        value = text[start:end]
        words = _tokens(value)
        if value[:1].isupper():
            span = _name_span(text, start, end, 0.85, 0.8, "chat speaker")
            if span is not None and (len(words) >= 2 or is_given_name(words[0])):
                yield span
            continue
        if not all(_LOWER_NAME_WORD_RE.fullmatch(w) for w in words):
            continue
        first = words[0]
        blocked = not_names()
        if (not is_given_name(first) or first in blocked or first in _AMBIGUOUS_GIVEN
                or first in _WORDLIKE_GIVEN
                or any(w.rstrip(".") in blocked for w in words[1:])):
            continue
        if not bold and len(found) < 2:
            continue
        if len(words) == 1 and len(found) < 2:
            continue
        yield _Span(start, end, 0.8, "chat speaker")


_SIGNATURE_LINE_RE = re.compile(rf"_{{3,}}[ \t]*(?P<name>{_NAME})(?=[ \t]*(?:$|_|,|\(|[ ]{{2}}))",
                                re.MULTILINE)


def _signature_line_cue(text: str) -> Iterator[_Span]:
    """``____________ Åsa Lindqvist``: the name printed beside a line to sign on (one word
    only when a given name)."""
    pos = text.find("___")
    while pos >= 0:
        m = _SIGNATURE_LINE_RE.match(text, pos)
        end = pos + 3
        while end < len(text) and text[end] == "_":
            end += 1
        pos = text.find("___", end)
        if m is None:
            continue
        span = _named_group_span(text, m, "signature line")
        if span is not None:
            yield span


_COMPONENT_ENDINGS = ("er", "or", "ice", "ion", "ing", "ers", "ors")


def _dated_chat_cue(text: str) -> Iterator[_Span]:
    """WhatsApp exports, ``3/28/2023, 07:42 - Maximilian: did you get the keys?``. One
    word that is not a given name counts only in WhatsApp's own shape, a comma between
    date and time (a log line reads "2024-01-02 10:00:00 - Scheduler: started")."""
    if " - " not in text:
        return
    for anchor in _DATED_CHAT_FINDER.finditer(text):
        m = _DATED_CHAT_NAME_RE.match(text, anchor.end())
        if m is None:
            continue
        value = m.group("name")
        if " " not in value and not is_given_name(value) and (
            "," not in anchor.group() or value.lower().endswith(_COMPONENT_ENDINGS)
        ):
            continue  # "Scheduler", "Worker", "Service": a program's part, not a person
        span = _name_span(text, m.start("name"), m.end("name"), 0.85, 0.8, "chat speaker")
        if span is not None:
            yield span


def _given_after_cue(text: str) -> Iterator[_Span]:
    """``reported by Hannah``, ``par Chloé``, ``ask Tom``: a lone given name right after a
    word that points at a person."""
    for anchor in _BY_FINDER.finditer(text):
        m = _NAME_HERE.match(text, anchor.end())
        if m is None:
            continue
        words = _tokens(m.group("name"))
        if len(words) != 1 or not is_given_name(words[0]) or words[0].lower() in _AMBIGUOUS_GIVEN:
            continue  # two or more words starting with a given name: the pair cue's
        span = _name_span(text, m.start("name"), m.end("name"), 0.75, 0.7,
                          "given name after by/with/ask")
        if span is not None:
            yield span


def _subject_cue(text: str) -> Iterator[_Span]:
    """``also Hiroshi is joining from Tokyo``: a common given name, alone (no capitalised
    word right before it) and not one that is as often a place or a word, as the subject
    of a verb."""
    for m in _subject_finder().finditer(text):
        start = m.start(1)
        prev = _PREV_WORD_RE.search(text, max(0, start - 30), start)
        if prev is not None and prev.group(1)[:1].isupper():
            continue  # "Dear Maria is", "Santa Maria is": part of a longer name or title
        yield _Span(start, m.end(1), 0.75, "given name before a verb")


_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[ \t]+$")
# Given names that are as often a word, a program or a place before a verb ("Max is
# exceeded", "Julia is a language", "Milan is lovely").
_WORDLIKE_GIVEN = frozenset(
    """mark max frank jack rose ruby holly iris violet penny grace hazel heather lily jade mo
    ken kim lee li jo pascal julia hugo maya jasmine milan santiago sally lynn roman elif
    hana miles poppy bea carol gemma magnus sage jasper oscar victor crystal amber""".split()
)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _read_list("surnames.txt")


@lru_cache(maxsize=1)
def _surname_finder() -> Any:
    """RE2: a word that points at a person, then one of the common surnames, capitalised
    ("back from Johnson", "ask Okafor", "cc Nakamura")."""
    forms = sorted({w[:1].upper() + w[1:] for w in surnames() if " " not in w},
                   key=len, reverse=True)
    alternation = "|".join(re2.escape(w) for w in forms)
    return re2.compile(
        r"\b(?:by|from|with|ask|asked|cc|ping|tell|told|call|called|email|emailed|per|"
        r"thanks|(?:talk(?:ed|ing)?|speak(?:ing)?|spoke|reach(?:ed)?[ \t]+out)[ \t]+to)"
        rf"[ \t]+({alternation})(?:[^\pL\pN_'’@\-]|$)",
        _re2_options(),
    )


def _surname_cue(text: str) -> Iterator[_Span]:
    """``did you get the contract back from Johnson?``: a lone common surname right after
    a word that points at a person, unless another capitalised word, "&" or a company
    suffix follows ("from Johnson Controls", "with Morgan Stanley", "by Smith & Co")."""
    for m in _surname_finder().finditer(text):
        start, end = m.start(1), m.end(1)
        if _NEXT_CAPITAL_OR_AMP_RE.match(text, end) or _company_suffix_follows(text, end):
            continue
        yield _Span(start, end, 0.7, "surname after by/from/with")


# what follows a surname that begins a firm's name or a range ("from Edwards to Montgomery")
_NEXT_CAPITAL_OR_AMP_RE = re.compile(
    rf"[ \t]*(?:&|\+|(?:and|to)[ \t]+[{_UP}]|[{_UP}])"
)


def _wrote_cue(text: str) -> Iterator[_Span]:
    """``Maria Lopez <m@x.com> wrote:``, ``> Marta wrote:``: RE2 finds the verb, the name is
    read right before it on its line."""
    for anchor in _WROTE_FINDER.finditer(text):
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        m = _NAME_BEFORE_WROTE.search(text, max(line_start, anchor.start() - 200),
                                      anchor.start())
        if m is None:
            continue
        span = _name_span(text, m.start("name"), m.end("name"), 0.85, 0.75,
                          "quoted e-mail author")
        if span is not None:
            yield span


def _self_intro_cue(text: str) -> Iterator[_Span]:
    """``Lorenzo here.``: one word only when it is a given name."""
    for anchor in _SELF_INTRO_FINDER.finditer(text):
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        m = _SELF_INTRO_BEFORE.search(text, max(line_start, anchor.start() - 60), anchor.start())
        if m is None:
            continue
        span = _named_group_span(text, m, "self-introduction")
        if span is not None:
            yield span


def _introduction_cue(text: str) -> Iterator[_Span]:
    """``my name is Sanne de Vries``, ``Ik ben Sanne``, ``je m'appelle Élise``: a writer
    giving their name. After "I am", "this is" and their kin the name must start with a
    common given name ("I'm Canadian", "Ich bin Berliner", "This is Visual Studio")."""
    for anchor in _INTRO_FINDER.finditer(text):
        m = _INTRO_NAME_RE.match(text, anchor.end() - 1)  # the finder took the capital
        if m is None:
            continue
        value = m.group("name")
        weak = _WEAK_INTRO_RE.search(anchor.group()) is not None
        if weak and not is_given_name(_tokens(value)[0]):
            continue
        span = _name_span(text, m.start("name"), m.end("name"), 0.85, 0.8, "self-introduction")
        if span is not None:
            yield span


# An explicit name label before a name typed in lower case ("name on card is jessica
# tran", "my name is omar haddad", "cardholder name: li wei", "je m'appelle élodie roux").
# A generic "name" counts at the start of a line or after a word of a person ("full name",
# "customer name"), not after a thing's ("file name is", "host name:").
_LOWER_LABEL_FINDER = re2.compile(
    r"(?i:\bmy[ \t]+(?:full[ \t]+)?name[ \t]+is|\bmy[ \t]+name's|"
    r"\bname[ \t]+on[ \t]+(?:the[ \t]+|my[ \t]+)?(?:card|account)(?:[ \t]+is|[ \t]*[:=])|"
    r"\b(?:card|account)[ \t]?holder(?:'s)?(?:[ \t]+name)?(?:[ \t]+is|[ \t]*[:=])|"
    r"\b(?:full|first|customer|client|patient|guest|passenger|contact|sender|recipient|"
    r"legal)[ \t_]name(?:[ \t]+is|[ \t]*[:=])|(?:^|\n)[ \t]*name[ \t]*[:=]|"
    r"je[ \t]+m['\x{2019}]appelle|mon[ \t]+nom[ \t]+est|me[ \t]+llamo|mi[ \t]+nombre[ \t]+es|"
    r"mi[ \t]+chiamo|mein[ \t]+name[ \t]+ist|ich[ \t]+hei(?:ß|ss)e|mijn[ \t]+naam[ \t]+is|"
    r"ik[ \t]+heet|meu[ \t]+nome[ \t]+[ée]|chamo-me)[ \t]*[\pL]",
    _re2_options(),
)
_LOWER_NAME_RE = re.compile(
    rf"(?P<name>[{_LOW}][{_LOW}'’\-]*(?:[ ](?:(?:{_LOW_PARTICLE})[ ]){{0,2}}"
    rf"[{_LOW}][{_LOW}'’\-]*)?)(?![{_LOW}{_UP}0-9_@])"
)
# Words after a lower-case given name that end the name rather than continue it.
_NOT_SURNAME_WORDS = frozenset(
    """and or but the a an i im i'm is was from at in on of to for with by and so if it
    its this that here there exp expires expiry card number dob born please thanks thx
    not too also just only pls plz thx ty btw fyi lol tho asap again now""".split()
)


def _lower_label_cue(text: str) -> Iterator[_Span]:
    """``name on card is jessica tran``: a name label makes a lower-case given name and
    the word after it a name (one word alone only after "my name is" and its kin)."""
    blocked = not_names()
    for anchor in _LOWER_LABEL_FINDER.finditer(text):
        m = _LOWER_NAME_RE.match(text, anchor.end() - 1)  # the finder took the letter
        if m is None:
            continue
        words = _tokens(m.group("name"))
        first = words[0]
        if not is_given_name(first) or first in blocked:
            continue
        if len(words) > 1 and (words[-1] in _NOT_SURNAME_WORDS or words[-1] in blocked):
            words = words[:1]
        if len(words) == 1:
            intro = anchor.group().lower()
            if first in _AMBIGUOUS_GIVEN or first in _WORDLIKE_GIVEN or not (
                    "my" in intro or "appelle" in intro or "llamo" in intro
                    or "chiamo" in intro or "nom" in intro or "heiß" in intro
                    or "heiss" in intro or "naam" in intro or "heet" in intro):
                continue
        start = m.start("name")
        end = start + len(" ".join(words)) if len(words) > 1 else start + len(first)
        if " ".join(words) != text[start:end]:
            continue
        yield _Span(start, end, 0.8 if len(words) > 1 else 0.75, "lower-case name after a label")


def _pnr_cue(text: str) -> Iterator[_Span]:
    """``SCHULZ/ANNA MS``: a booking record's name with its title (capitals allowed)."""
    blocked = not_names()
    for anchor in _PNR_FINDER.finditer(text):
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        m = _PNR_NAME_RE.search(text, max(line_start, anchor.start() - 40), anchor.end() + 1)
        if m is None:
            continue
        words = re.split(r"[/ ]", m.group("name").lower())
        if any(w in blocked for w in words):
            continue
        yield _Span(m.start("name"), m.end("name"), 0.85, "booking record name")


def _irc_nick_cue(text: str) -> Iterator[_Span]:
    """``<kai> lol``: a lower-case chat nick that is a common given name."""
    for m in _IRC_NICK_RE.finditer(text):
        if is_given_name(m.group("name")) and m.group("name") not in not_names():
            yield _Span(m.start("name"), m.end("name"), 0.75, "chat speaker")


def _dash_signature_cue(text: str) -> Iterator[_Span]:
    """``— Chris`` alone on a line: a signature (one word only when a given name); and a
    given name after a dash at the end of a line of text (``Save it — Bea``)."""
    for m in _DASH_SIGNATURE_RE.finditer(text):
        if _in_bullet_list(text, m.start(), m.end()):
            continue  # "- Connection Timeouts" between other items: a list, not a signature
        span = _named_group_span(text, m, "signature")
        if span is not None:
            yield span
    if "—" not in text and "–" not in text and "--" not in text:
        return
    for anchor in _TRAILING_SIGNATURE_FINDER.finditer(text):
        dash = _DASH_RE.search(text, anchor.start() + 1, anchor.end())
        m = None if dash is None else _TRAILING_SIGNATURE_RE.match(text, dash.end())
        if m is None:
            continue
        value = m.group("name")
        if not is_given_name(value) or value.lower() in _AMBIGUOUS_GIVEN:
            continue
        span = _name_span(text, m.start("name"), m.end("name"), 0.8, 0.8, "signature")
        if span is not None:
            yield span


_BULLET_RE = re.compile(r"[ \t]*[-*•+][ \t]")


def _in_bullet_list(text: str, start: int, end: int) -> bool:
    """The line [start, end) starts with a hyphen and the line before or after it is a
    bullet too."""
    if text[start:end].lstrip(" \t").startswith(("--", "—", "–")):
        return False
    before = text.rfind("\n", 0, max(0, start - 1)) + 1
    if before < start and _BULLET_RE.match(text, before, start) is not None:
        return True
    return _BULLET_RE.match(text, end + 1) is not None


def _one_on_one_cue(text: str) -> Iterator[_Span]:
    """``1:1 Jordan / Casey``: the people of a one-to-one meeting (any given name)."""
    for anchor in _ONE_ON_ONE_FINDER.finditer(text):
        end = anchor.end()
        if not text[end - 1].isalnum():
            end -= 1  # the finder took the character after the marker (which ends in 1 or e)
        m = _ONE_ON_ONE_RE.match(text, end)
        if m is None:
            continue
        for g in ("name", "name2"):
            if m.group(g) is None:
                continue
            span = _name_span(text, m.start(g), m.end(g), 0.85, 0.8, "one-to-one meeting")
            if span is not None:
                yield span


def _list_cue(text: str) -> Iterator[_Span]:
    """Attendees: Deepika Kulkarni, Hyun-woo Jeong, Chiamaka Mensah"""
    for m in _LIST_LABEL_RE.finditer(text):
        base = m.start("rest")
        rest = m.group("rest")
        for piece in re.finditer(r"[^,;]+", rest):
            nm = re.fullmatch(rf"[ \t]*(?:and[ \t]+)?(?P<name>{_NAME})[ \t]*(?:\([^)]*\))?[ \t]*",
                              piece.group())
            if nm is None:
                continue
            start = base + piece.start() + nm.start("name")
            span = _name_span(text, start, start + len(nm.group("name")), 0.85, 0.8,
                              "list of attendees")
            if span is not None:
                yield span


def _vocative_cue(text: str) -> Iterator[_Span]:
    """A line that opens with a common given name and a comma ("Rebecca, the draft is
    below"): the salutation of a short message."""
    for m in _VOCATIVE_RE.finditer(text):
        if is_given_name(m.group("name")):
            yield _Span(m.start("name"), m.end("name"), 0.75, "salutation")


def _given_name_cue(text: str, pairs: list[_Pair]) -> Iterator[_Span]:
    for start, end, given in pairs:
        if not given or not looks_like_name(text[start:end]):
            continue
        if _street_word_before(text, start) or _company_suffix_follows(text, end):
            continue
        yield _Span(start, end, 0.75, "given name + capitalised surname")


_CAPS_WORD_RE = re.compile(rf"[{_UP}][{_UP}'’\-]+")
_CONTACT_RE = re.compile(r"@|\+?[0-9][0-9 ()./\-]{6,}[0-9]")


def _heading_name_cue(text: str) -> Iterator[_Span]:
    """A résumé or letterhead: the first line is a name in capitals ("PRIYA NAIR") whose
    first word is a common given name, and contact details follow within three lines."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    if end < 0 or end - start > 40:
        return
    line = text[start:end].rstrip()
    words = line.split()
    if not 2 <= len(words) <= 3 or not all(_CAPS_WORD_RE.fullmatch(w) for w in words):
        return
    first = words[0].lower()
    if not is_given_name(first) or first in _AMBIGUOUS_GIVEN:
        return
    blocked = not_names()
    if any(w.lower() in blocked for w in words):
        return
    following = text[end:end + 300].split("\n")[1:4]
    if any(_CONTACT_RE.search(f) for f in following):
        yield _Span(start, start + len(line), 0.8, "name heading with contact details")


def _csv_cue(text: str) -> Iterator[_Span]:
    """Cells under a header that names a person (name, first_name, patient, ...), table by
    table: a table whose cells are themselves labels is a vertical form ("Applicant<TAB>
    Hannah" above "E-mail<TAB>h@x.com": the first column holds labels, not names), and a
    "table" of code lines (``_fields_ = [("name", c_char)]``) is no table."""
    if "\n" not in text:
        return
    for table in _tables(table_cells(text, _CSV_HEADERS), text):
        if _is_code_table(text, table):
            continue
        if _is_vertical_form(text, table):
            yield from _form_values(text, table)
            continue
        for key, start, end in table:
            span = _csv_cell_span(text, start, end)
            if span is None:
                continue
            if key in _GENERIC_NAME_COLUMNS and " " not in text[span.start:span.end].strip():
                # plans, products and files have names too ("Starter", "Business")
                if not is_given_name(text[span.start:span.end].strip()):
                    continue
            yield span


_Cell = tuple[str, int, int]


def _tables(cells: Iterable[_Cell], text: str) -> Iterator[list[_Cell]]:
    """The cells of ``table_cells`` grouped by table: rows on consecutive lines."""
    table: list[_Cell] = []
    row_start = row_end = -1
    for cell in cells:
        start = cell[1]
        if not (row_start <= start <= row_end):
            line_start = text.rfind("\n", 0, start) + 1
            if table and line_start != row_end + 1:
                yield table
                table = []
            row_start = line_start
            row_end = text.find("\n", start)
            if row_end < 0:
                row_end = len(text)
        table.append(cell)
    if table:
        yield table


# Labels of a key/value form, normalised like column names: when a "name" column holds
# them, the column is the form's list of labels.
_FORM_LABELS = frozenset(
    """email e_mail mail phone telephone tel mobile address street city zip postcode
    postal_code country dob date_of_birth birth_date ssn sin nino nhs iban account
    account_number employer company occupation job_title title department income
    annual_income salary nationality gender sex age id passport license licence
    signature date""".split()
) | _CSV_HEADERS | frozenset(COLUMN_TYPES)
_CODE_LINE_RE = re.compile(r"\w\(|[=\[\]{}]")


def _is_vertical_form(text: str, table: list[_Cell]) -> bool:
    return any(_label_key(text[s:e]) in _FORM_LABELS for _, s, e in table)


_FORM_ROW_RE = re.compile(r"[ \t]*(?P<label>[^\t,;|\n]{1,40}?)[ \t]*[\t,;|][ \t]*"
                          r"(?P<value>[^\t,;|\n]{1,60}?)[ \t\r]*(?:$|[\t,;|])", re.MULTILINE)


def _form_values(text: str, table: list[_Cell]) -> Iterator[_Span]:
    """The value beside each person label of a vertical form ("Applicant<TAB>Hannah
    Kowalczyk"), the header line's included."""
    first = table[0][1]
    row_start = text.rfind("\n", 0, first) + 1
    header_start = text.rfind("\n", 0, max(0, row_start - 1)) + 1
    for line_start in [header_start] + [text.rfind("\n", 0, s) + 1 for _, s, _e in table]:
        m = _FORM_ROW_RE.match(text, line_start)
        if m is None or _label_key(m.group("label")) not in _CSV_HEADERS:
            continue
        span = _csv_cell_span(text, m.start("value"), m.end("value"))
        if span is not None and (" " in text[span.start:span.end]
                                 or is_given_name(text[span.start:span.end])):
            yield _Span(span.start, span.end, span.score, "form field")


def _label_key(cell: str) -> str:
    return re.sub(r"[ .\-/]+", "_", cell.strip().strip("\"'*`#:").strip().lower()).strip("_")


def _is_code_table(text: str, table: list[_Cell]) -> bool:
    """The header line or the first row reads like code: calls, assignments, brackets."""
    first = table[0][1]
    row_start = text.rfind("\n", 0, first) + 1
    header_start = text.rfind("\n", 0, max(0, row_start - 1)) + 1
    row_end = text.find("\n", first)
    lines = text[header_start:len(text) if row_end < 0 else row_end]
    return _CODE_LINE_RE.search(lines) is not None


_GENERIC_NAME_COLUMNS = frozenset("name display_name displayname nombre nome naam nom".split())


def _csv_cell_span(text: str, start: int, end: int) -> _Span | None:
    while start < end and text[start] in " \t\"'":
        start += 1
    while end > start and text[end - 1] in " \t\"'\r":
        end -= 1
    value = text[start:end]
    if not value or len(value) > 60:
        return None
    if "," in value:  # "Lopez, Maria"
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 2 or not all(_NAME_RE.fullmatch(p) for p in parts):
            return None
    elif not _NAME_RE.fullmatch(value):
        return None
    if not looks_like_name(value.replace(",", " "), single_ok=True):
        return None
    return _Span(start, end, 0.85, "CSV name column")


# --- sample data and brands ------------------------------------------------------------------

# An address at a domain reserved for examples (RFC 2606 / RFC 6761): the record is
# sample data ('{ name: "John Smith", email: "john@example.com" }').
# The domain is read whole (one greedy run, linear) and its ending checked in Python.
_ADDRESS_DOMAIN_RE = re.compile(r"@([A-Za-z0-9.\-]+)")
_EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
_EXAMPLE_SUBDOMAINS = tuple("." + d for d in _EXAMPLE_DOMAINS)
_RESERVED_TLDS = frozenset(("example", "test", "invalid", "localhost"))
_TRADEMARK_RE = re.compile(r"trademark|™|®", re.IGNORECASE)


def _without_samples(text: str, spans: list[_Span]) -> list[_Span]:
    """Drop names on a line that holds an address at an example domain (mock data,
    documentation), and one-word names after an honorific in a paragraph about trademarks
    ("Dr. Pepper and Mr. Clean are trademarks of their respective owners")."""
    if not spans:
        return spans
    sample_lines: list[tuple[int, int]] = []
    if "example" in text or ".test" in text or ".invalid" in text or "localhost" in text:
        sample_lines = _ranges_around(text, _ADDRESS_DOMAIN_RE, "\n", _is_example_domain)
    brand_paragraphs: list[tuple[int, int]] = []
    if any(s.cue == "honorific" and " " not in text[s.start:s.end] for s in spans) and (
        "rademark" in text or "RADEMARK" in text or "™" in text or "®" in text
    ):
        brand_paragraphs = _ranges_around(text, _TRADEMARK_RE, "\n\n")
    if not sample_lines and not brand_paragraphs:
        return spans
    out = []
    for s in spans:
        if sample_lines and _overlaps(sample_lines, s.start, s.end):
            continue
        if (brand_paragraphs and s.cue == "honorific" and " " not in text[s.start:s.end]
                and _overlaps(brand_paragraphs, s.start, s.end)):
            continue
        out.append(s)
    return out


def _is_example_domain(m: re.Match[str]) -> bool:
    domain = m.group(1).rstrip(".-").lower()
    return (domain in _EXAMPLE_DOMAINS or domain.endswith(_EXAMPLE_SUBDOMAINS)
            or ("." in domain and domain.rpartition(".")[2] in _RESERVED_TLDS))


def _ranges_around(text: str, pattern: re.Pattern[str], separator: str,
                   keep: Callable[[re.Match[str]], bool] | None = None,
                   ) -> list[tuple[int, int]]:
    """The lines (``separator`` "\\n") or paragraphs ("\\n\\n") that hold a match (one
    ``keep`` accepts, when given)."""
    ranges: list[tuple[int, int]] = []
    line_start = scanned = 0  # every separator before ``scanned`` has been seen
    for m in pattern.finditer(text):
        if ranges and m.start() < ranges[-1][1]:
            continue  # in the line or paragraph already taken
        if keep is not None and not keep(m):
            continue
        sep = text.rfind(separator, scanned, m.start())
        if sep >= 0:
            line_start = sep + len(separator)
        scanned = m.start()
        end = text.find(separator, m.end())
        ranges.append((line_start, len(text) if end < 0 else end))
    return ranges


# Words of a text about a story: a book club's notes, a review, an essay on a novel.
# RE2: one linear pass over long texts, where matches are rare.
_FICTION_FINDER = re2.compile(
    r"\b(?:novel|novels|chapter|chapters|plot|protagonist|heroine|narrator|scene|scenes|"
    r"sequel|prologue|epilogue|fiction|fictional|book[ ]club|reading[ ]group|"
    r"characters|storyline|roman|romans|personnage|personnages|kapitel|figuren|"
    r"novela|personajes|cap[íi]tulo|romanzo|personaggi|capitolo)\b",
    _re2_options(case_insensitive=True),
)
_FICTION_TEXT = 4000  # characters: up to this, the whole text is one scope
_WEAK_FICTION_SCORE = 0.8


def _without_fiction(text: str, spans: list[_Span]) -> list[_Span]:
    """Drop weakly cued names (a given name and a surname, an honorific, the model alone:
    score <= 0.8) in a short text, or a paragraph of a long one, that talks about a story
    with three or more different words (novel, chapter, plot, scene, protagonist...):
    "Elizabeth Bennet's first impression of Mr. Darcy is the engine of the plot". A
    greeting, a labelled field, a signature or an address beside a name still counts."""
    if not any(_weak_in_fiction(s) for s in spans):
        return spans
    words: dict[tuple[int, int], set[str]] = {}
    for m in _FICTION_FINDER.finditer(text):
        if len(text) <= _FICTION_TEXT:
            scope = (0, len(text))
        else:
            start = text.rfind("\n\n", 0, m.start())
            start = 0 if start < 0 else start + 2
            end = text.find("\n\n", m.end())
            scope = (start, len(text) if end < 0 else end)
        words.setdefault(scope, set()).add(m.group().lower())
    literary = sorted(scope for scope, found in words.items() if len(found) >= 3)
    if not literary:
        return spans
    return [s for s in spans
            if not _weak_in_fiction(s) or not _overlaps(literary, s.start, s.end)]


# Cues that a story's characters meet as well as people do (a greeting, a label or a
# signature speaks to or for a real person).
_FICTION_WEAK_CUES = frozenset((
    "given name + capitalised surname", "honorific", "NER PERSON", "NER PERSON + given name",
    "given name before a verb", "given name after by/with/ask", "relation before a name",
    "surname after by/from/with",
))


def _weak_in_fiction(span: _Span) -> bool:
    return span.cue in _FICTION_WEAK_CUES and span.score <= _WEAK_FICTION_SCORE


# --- public figures ----------------------------------------------------------------------------

# A public office or the head of a firm right before a name, as news writes it: "French
# President Emmanuel Macron", "Apple chief executive Tim Cook", "UK Prime Minister Keir
# Starmer", "le chancelier allemand Olaf Scholz", "Bundeskanzler Olaf Scholz", "el
# presidente del Gobierno, Pedro Sánchez", "Tesla-Chef Elon Musk". A nationality or a
# firm before the title needs no reading (the title ends right before the name); Romance
# languages put the nationality after it ("le président américain"), and an office may
# carry a complement ("Secretary of State", "président de la République", "CEO of X,").
# Private titles (Mr, Dr, Frau, nurse, manager) are not here: their names are reported.
# Titles that are words or surnames too need their own shape: "Secretary" and "Rep." only
# capitalised ("company secretary Jane" is staff), a "-chef" only in a German compound
# ("Konzernchef", not "head chef"), the French "patron" only with its firm ("le patron de
# Renault"; an English "library patron" is a customer).
_PUBLIC_TITLES = (
    r"(?:vice[ \t-]?|deputy[ \t]+|acting[ \t]+|former[ \t]+|ex-)?"
    r"(?:president(?:-elect)?|prime[ \t]+minister|premier|chancellor|"
    r"(?:[a-z]+[ \t]+)?minister|senator|sen\.|congress(?:wo)?man|congressmember|governor|"
    r"gov\.|mayor|king|queen|(?:crown[ \t]+)?prince(?:ss)?|pope|emperor|empress|sultan|"
    r"ambassador|chief[ \t]+executive(?:[ \t]+officer)?|ceo|chairman|chairwoman|"
    r"chairperson|(?:co-?)?founder|billionaire|tycoon|magnate|mogul|"
    # French
    r"pr[ée]sidente?|premi[eè]re?[ \t]+ministre|ministre|chanceli[eè]re?|s[ée]nat(?:eur|rice)|"
    r"d[ée]put[ée]e?|maire|gouverneure?|roi|reine|pape|pdg|p\.-?d\.?g\.?|"
    r"(?:co)?fondat(?:eur|rice)|direct(?:eur|rice)[ \t]+g[ée]n[ée]rale?|"
    # German (compounds: Bundeskanzler, Außenminister, Ministerpräsidentin, Konzernchef)
    r"[a-zäöüß]*pr[äa]sident(?:in)?|[a-zäöüß]*kanzler(?:in)?|[a-zäöüß]*minister(?:in)?|"
    r"[a-zäöüß]*b[üu]rgermeister(?:in)?|k[öo]nig(?:in)?|papst|(?!sous)[a-zäöüß]+-?chef(?:in)?|"
    r"vorstandsvorsitzende[rn]?|(?:mit)?gr[üu]nder(?:in)?|senator(?:in)?|"
    # Spanish, Italian, Portuguese
    r"presidenta|primer[oa]?[ \t-]+ministr[oa]|primo[ \t]+ministro|ministr[oa]|canciller|"
    r"chanceler|cancelliere|senador(?:a)?|senat(?:ore|rice)|diputad[oa]|deputat[oa]|"
    r"gobernador(?:a)?|governat(?:ore|rice)|governador(?:a)?|alcalde(?:sa)?|sindac[oa]|"
    r"prefeit[oa]|rey|reina|rei|rainha|papa|"
    r"consejer[oa][ \t]+delegad[oa]|director[a]?[ \t]+ejecutiv[oa]|"
    r"amministrat(?:ore|rice)[ \t]+delegat[oa]|(?:co)?fundador(?:a)?|(?:co)?fondat(?:ore|rice)|"
    # Dutch
    r"minister-president|(?:bonds)?kanselier|burgemeester|koning(?:in)?|paus|oprichter|"
    r"topman|topvrouw|bestuursvoorzitter)"
)
_CASED_PUBLIC_TITLES = r"(?:Secretary(?:[ \t-]General)?|Rep\.)"
# Nationalities after a Romance title ("le chancelier allemand", "el presidente francés",
# "il premier britannico", "o presidente americano"), every gender and number.
_NATIONALITY_AFTER = (
    r"(?:allemand|fran[çc]ais|am[ée]ricain|britannique|italien|espagnol|russe|chinois|"
    r"ukrainien|japonais|canadien|belge|suisse|portugais|n[ée]erlandais|polonais|turc|"
    r"isra[ée]lien|indien|br[ée]silien|mexicain|argentin|autrichien|grec|su[ée]dois|"
    r"irlandais|europ[ée]en|alem[áa]n|alemana|franc[ée]sa?|estadounidense|brit[áa]nic|"
    r"britannic|american|italian|espa[ñn]ol|rus|russ|chin|ucranian|ucrain|japon[ée]s|"
    r"canadiense|mexican|brasile[ñn]|brasileir|portugu[ée]s|tedesc|francese|inglese|"
    r"spagnol|cinese|giapponese|statunitense|alem[ãa]o|alem[ãa]|franc[êe]s|ingl[ée]s|"
    r"chin[êe]s|europe)(?:e|a|o|i|ne|nne|es|s|as|os|he|a)?"
)
_OFFICE_COMPLEMENT = (
    r"[ \t]+(?:of|de|del|della|dello|des|du|der|van|von|da|do|dos|di)"
    r"(?:[ \t]+(?:the|la|le|el|lo|il|los|las|a|o))?[ \t]*(?:l['’][ \t]*)?"
    r"[\w\-]+(?:[ \t]+[" + _UP + r"][\w\-]+)?"
)
_PUBLIC_TITLE_BEFORE_RE = re.compile(
    rf"(?<![\w\-])(?P<title>(?i:{_PUBLIC_TITLES})|{_CASED_PUBLIC_TITLES}|"
    rf"(?i:patronne?)(?={_OFFICE_COMPLEMENT}))"
    rf"(?:{_OFFICE_COMPLEMENT})?(?:[ \t]+(?i:{_NATIONALITY_AFTER}))?[ \t]*,?[ \t]*$"
)
# "our CEO", "notre président", "unser Gründer", "mi alcalde": the writer's own firm or
# club. An internal e-mail about "our CEO Dana Whitfield" names a colleague, whom an AI
# tool has no more business seeing than any other: reported.
_POSSESSIVE_BEFORE_RE = re.compile(
    r"(?:^|[^\w])(?i:our|my|your|their|his|her|notre|nos|mon|ma|votre|vos|unser\w*|"
    r"mein\w*|euer|eure\w*|nuestr[oa]s?|mis?|tus?|sus?|nostr[oa]|nostri|mio|mia|onze|ons|"
    r"mijn|jullie|noss[oa]s?|meu|minha)[ \t]+(?:[\w\-]+[ \t]+)?$"
)
# Cues that a name in the news meets as well as a private person does; a labelled field,
# an e-mail header, a signature or a chat speaker is someone writing or written to.
_PUBLIC_WEAK_CUES = _FICTION_WEAK_CUES


def _public_title_before(text: str, start: int) -> bool:
    """True when a public office or the head of a firm is written right before ``start``
    on its line, not after a possessive ("our CEO")."""
    line_start = text.rfind("\n", 0, start) + 1
    lo = max(line_start, start - 80)
    m = _PUBLIC_TITLE_BEFORE_RE.search(text, lo, start)
    if m is None:
        return False
    return _POSSESSIVE_BEFORE_RE.search(text, max(line_start, m.start("title") - 40),
                                        m.start("title")) is None


def _leading_title_end(text: str, start: int, end: int) -> int:
    """Where the name begins in a span that starts with an office ("President Joe Biden",
    "Kanzler Olaf Scholz" read whole by the model): ``start`` when it does not."""
    pos = start
    for m in re.finditer(r"\S+", text[start:end]):
        if _PUBLIC_TITLE_BEFORE_RE.search(text, start, start + m.end()) is None:
            break
        pos = start + m.end()
    if pos == start:
        return start
    while pos < end and text[pos] in " \t,":
        pos += 1
    return pos if pos < end else start


def _without_public_figures(text: str, spans: list[_Span],
                            ) -> tuple[list[_Span], list[tuple[int, int]]]:
    """Drop weakly cued names that follow a public office or a firm's leadership title
    (news about public figures, "French President Emmanuel Macron"), and the other weak
    mentions of those names in the text ("Macron said"). Returns the spans kept and the
    places of the public names (never to be found again by propagation)."""
    weak = [s for s in spans if s.cue in _PUBLIC_WEAK_CUES]
    if not weak:
        return spans, []
    public: set[str] = set()
    public_words: set[str] = set()
    places: list[tuple[int, int]] = []
    for s in weak:
        name_start = _leading_title_end(text, s.start, s.end)
        if not _public_title_before(text, name_start):
            continue
        value = text[name_start:s.end]
        public.add(value)
        public_words.update(w for w in _tokens(value) if len(w) >= 3)
        places.append((s.start, s.end))
    if not public:
        return spans, []
    kept = []
    for s in spans:
        value = text[s.start:s.end]
        if s.cue in _PUBLIC_WEAK_CUES and (
            _overlaps(_union(places), s.start, s.end) or value in public
            or value in public_words
            or text[_leading_title_end(text, s.start, s.end):s.end] in public
        ):
            continue
        kept.append(s)
    return kept, _union(places)


# --- merging --------------------------------------------------------------------------------


def _propagate(text: str, spans: list[_Span],
               public: list[tuple[int, int]] | None = None) -> list[_Span]:
    """Later mentions of a name already found (full, or its first/last word alone); never
    inside the name of a public figure (``public``: "Tim" of "Tim Cook")."""
    strong = [s for s in spans if s.score >= 0.75]
    if not strong:
        return spans
    full: set[str] = set()
    parts: set[str] = set()
    for s in strong:
        value = text[s.start:s.end]
        words = [w for w in _tokens(value) if len(w) >= 3]
        if len(_tokens(value)) >= 2:
            full.add(value)
        for w in words:
            # Particles (van, der, bin) are words of a name but no name alone.
            if w[:1].isupper() and w.lower() not in not_names() and not w.isupper():
                parts.add(w)
    targets = name_mentions.ordered(list(full | parts))[:200]
    if not targets:
        return spans
    taken = _union([(s.start, s.end) for s in spans] + list(public or ()))
    out = list(spans)
    for start, end in name_mentions.find_mentions(text, targets):
        if _overlaps(taken, start, end):
            continue
        if text[start:end] not in full and _other_name_follows(text, end, parts):
            continue  # "Hollmann Bau", "Martin Luther": a firm or another person
        score = 0.75 if text[start:end] in full else 0.7
        out.append(_Span(start, end, score, "another mention of a name found here"))
    return out


_FOLLOWING_WORD_RE = re.compile(rf"[ ]({_WORD})(?![{_LOW}{_UP}0-9_])")


def _other_name_follows(text: str, end: int, parts: set[str]) -> bool:
    """One word of a known name followed by a word that is never part of a person's name
    (a firm's, a product's: "Hollmann Bau", "Jensen Consulting"): the two name something
    else. ("Sigrún Sørensen" after "Sigrún" is the same person in full.)"""
    m = _FOLLOWING_WORD_RE.match(text, end)
    return m is not None and m.group(1) not in parts and m.group(1).lower() in not_names()


def _best_per_span(spans: list[_Span]) -> list[_Span]:
    """Overlapping spans merge: the longer span wins, with the higher score of the two
    (agreeing cues raise it to 0.9)."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), -s.score))
    out: list[_Span] = []
    for s in ordered:
        if out and s.start < out[-1].end:
            last = out[-1]
            score = max(last.score, s.score)
            if s.cue != last.cue and min(last.score, s.score) >= 0.65:
                score = max(score, 0.9)
            out[-1] = _Span(last.start, max(last.end, s.end), score, last.cue
                            if last.score >= s.score else s.cue)
            continue
        out.append(s)
    return out


def make_detector(options: EngineOptions) -> tuple[Detector | None, str | None]:
    """The name detector; None when the policy turns names off or the model is missing."""
    if not getattr(options, "names", True):
        return None, None
    if not nlp.model_installed():
        return None, MISSING_MODEL_NOTICE
    return NameDetector(), None

