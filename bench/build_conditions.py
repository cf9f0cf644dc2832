"""Build tracker/data/conditions.txt, the disease and condition names, from the Disease Ontology.

    python bench/build_conditions.py doid.obo [symp.obo ...] --output tracker/data/conditions.txt
        [--origin TEXT ...]

The names come from OBO releases of the Human Disease Ontology (doid.obo) and, optionally, the
Symptom Ontology (symp.obo), both published by the DiseaseOntology GitHub organisation under
CC0 1.0. For every term that is not obsolete (and whose id belongs to the file's own ontology,
so imported classes are left out) the script takes the `name` and the EXACT synonyms; RELATED,
BROAD and NARROW synonyms are not taken, since they are not the same condition.

A name is written in lower case with single spaces. A name or synonym that is an all-capital
abbreviation of 2 to 6 letters ("COPD", "ALS") is kept in its case in a separate list, paired
with the term's name, because in lower case it would be an ordinary word ("als", "ms"). Names
too specific to appear in marketing copy are dropped: those with digits, brackets, commas,
slashes or other punctuation, more than six words, other acronyms (all capitals with hyphens,
or mixed case like "GvHD"), and names starting with "obsolete". Names in EXCLUDED, everyday
words that name a condition only in one sense, are dropped too.

To each name the script adds the variants that marketing copy writes: American and British
spellings (tumor/tumour, anemia/anaemia, edema/oedema, hemorrhage/haemorrhage,
esophagus/oesophagus, diarrhea/diarrhoea, ...), eponyms with and without the possessive
("parkinson's disease", "parkinson disease", "parkinsons disease"), the plural of a countable
head noun ("kidney stones", "urinary tract infections") and the name without accents
("sjögren syndrome", "sjogren syndrome"). SUPPLEMENT and SUPPLEMENT_ABBREVIATIONS add lay names
the ontologies do not hold as a name or EXACT synonym, or that the filters drop ("type 2
diabetes", "covid-19", "spinal cord injury", "MS"), each with the ontology term it stands for.

The output starts with `#` lines that give the sources (ontology, `data-version`, the origin
passed with --origin for each file, and the git blob hash of each file, so the file can be
checked against the repository), the licence, the command and the counts; then one name a
line, sorted; then a line `# abbreviations` and one `ABBR<TAB>full name` pair a line.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import textwrap
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_WORDS = 6
ABBREVIATION = re.compile(r"[A-Z]{2,6}")
# Letters (any script), spaces, hyphens and apostrophes; a full stop only before a space
# ("st. louis encephalitis"). Anything else (digits, brackets, commas, slashes, plus signs,
# semicolons, colons) marks a name too specific or too technical for marketing copy.
PLAIN_NAME = re.compile(r"(?:[^\W\d_]|[ '\-]|\.(?= ))+")
SYNONYM = re.compile(r'^synonym:\s*"((?:[^"\\]|\\.)*)"\s+(EXACT|RELATED|BROAD|NARROW)\b')
OBO_ESCAPE = re.compile(r"\\(.)")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})

# Everyday words and phrases that are a disease or symptom name in the ontologies but, in
# marketing copy, mostly mean something else. Each group says why it is left out.
EXCLUDED: frozenset[str] = frozenset(
    {
        # Category words: a class in the ontology, never a named condition in a claim.
        "disease",
        "syndrome",
        "disorder",
        "symptom",
        "infection",
        "injury",
        # Food, drink and objects named like a condition: protein "shakes", "hops" in beer,
        # "crabs" and "leeches" (pubic lice, hirudiniasis), cooking "gas" (flatulence), bring
        # to the "boil" (furuncle).
        "shakes",
        "crabs",
        "leeches",
        "gas",
        "boil",
        # Ordinary adjectives and nouns that are a symptom only in a medical sense: "faint"
        # lines, "no confusion", "a weakness for", meat "tenderness", "wasting" money, toxin
        # "flushing", "thirst" for knowledge, price "shock", a fire's "crackles", "discharge"
        # from hospital, the "agitation" of a mixture.
        "faint",
        "confusion",
        "weakness",
        "tenderness",
        "wasting",
        "flushing",
        "thirst",
        "shock",
        "crackles",
        "crinkle",
        "discharge",
        "agitation",
        "languid",
        "fecal",
        "hopping",
        "wobble",
        "wheelbarrowing",
        # Said mostly in another sense: "a plague of ads", "the cold" weather (common cold is
        # kept); "abortion" names a procedure more often than the symptom (spontaneous
        # abortion is kept). "stroke" is ambiguous too but kept: copy claims to prevent it.
        "plague",
        "cold",
        "abortion",
        # Life processes, not conditions: claims about them are not disease claims here.
        "aging",
        "ageing",
        "growth",
        "stress",
        "pregnancy",
        # Symptoms named by a measure or a goal of diet and fitness copy, not a condition:
        # "supports healthy blood pressure", "weight loss" shakes.
        "blood pressure",
        "weight loss",
        "weight gain",
        "loss of weight",
        "gain of weight",
        # Figures of speech and animal signs: a "blind spot", a "red eye" flight, "the runs",
        # an "orf" (open reading frame) in gene talk, a bird's "ruffled feather".
        "blind spot",
        "red eye",
        "the runs",
        "orf",
        "ruffled feather",
        "yellow dropping",
    }
)

# All-capital abbreviations that are also English words, names, units or marketing terms: in
# headings written in capitals ("ALL NATURAL", "COLD PRESSED", "GO", "FACE CREAM", "HD") they
# would be found as conditions. The first group is in the ontology's list as written; the
# second guards releases to come.
EXCLUDED_ABBREVIATIONS: frozenset[str] = frozenset(
    # English words
    "ARTS COLD CON DISH DON DOS FACE GO KIN KINS LORD MASH OAT PLAT SENS TAM TARPS THES TOD"
    " WAD WED WHIMS"
    # names, brands, months, units and other common abbreviations
    " ADA AF CM CS EPI FEB HD HHS HL MADD PCA RB SAVI SEGA SNF SOD TOC VT"
    # not in this release as an abbreviation, but English words if they come
    " ADD ALL BAD CAT CHARGE CHILD DIP HIT HOPS MAD MASS MEN PAD PAPA SAD SCAR SHORT SOFT"
    " STAR".split()
)
# Abbreviation pairs that are errors in the ontology: IBD (inflammatory bowel disease) is an
# EXACT synonym of irritable bowel syndrome in the 2024-01-31 release.
WRONG_ABBREVIATIONS: frozenset[tuple[str, str]] = frozenset({("IBD", "irritable bowel syndrome")})

# Heads of names that are counted in the plural in everyday copy ("kidney stones", "urinary
# tract infections"); names ending in "-oma" (tumours) are counted too, except those below.
PLURALS: dict[str, str] = {
    "tumor": "tumors",
    "cancer": "cancers",
    "attack": "attacks",
    "tumour": "tumours",
    "cyst": "cysts",
    "ulcer": "ulcers",
    "polyp": "polyps",
    "wart": "warts",
    "stone": "stones",
    "gallstone": "gallstones",
    "infection": "infections",
    "lesion": "lesions",
    "neoplasm": "neoplasms",
    "fibroid": "fibroids",
    "hernia": "hernias",
    "migraine": "migraines",
    "headache": "headaches",
    "seizure": "seizures",
    "convulsion": "convulsions",
    "cramp": "cramps",
    "spasm": "spasms",
    "allergy": "allergies",
    "cataract": "cataracts",
    "abscess": "abscesses",
    "bunion": "bunions",
    "callus": "calluses",
    "rash": "rashes",
    "blister": "blisters",
    "sore": "sores",
    "hemorrhoid": "hemorrhoids",
    "haemorrhoid": "haemorrhoids",
    "fracture": "fractures",
    "sprain": "sprains",
    "aneurysm": "aneurysms",
    "clot": "clots",
    "nodule": "nodules",
    "keloid": "keloids",
    "stye": "styes",
    "bruise": "bruises",
    "palpitation": "palpitations",
    "hallucination": "hallucinations",
    "nosebleed": "nosebleeds",
    "tic": "tics",
    "papule": "papules",
    "pustule": "pustules",
    "furuncle": "furuncles",
    "carbuncle": "carbuncles",
    "varicose vein": "varicose veins",
}
NOT_PLURAL_OMA = frozenset({"coma", "glaucoma", "trachoma", "stoma", "aroma"})

# American spelling -> British spelling, applied word by word to make the British variant;
# BRITISH_TO_AMERICAN undoes them, so a name in either spelling yields both.
AMERICAN_TO_BRITISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\btumor", "tumour"),
        (r"\bbehavior", "behaviour"),
        (r"\bcolor", "colour"),
        (r"(?<![\w])hem(?=o|at|angi)", "haem"),  # hemorrhage, hematoma, hemangioma; not hemi-
        (r"(?<!a)emia\b", "aemia"),  # anemia, leukemia, septicemia, hypoglycemia
        (r"(?<![adte])emic\b", "aemic"),  # ischemic, anemic; not endemic, systemic
        (r"(?<![oi])edema", "oedema"),  # edema, lymphedema; angioedema is both; not Wiedemann
        (r"(?<!o)esophag", "oesophag"),
        (r"\bestrogen", "oestrogen"),
        (r"rrhe(a|ic)\b", r"rrhoe\1"),  # diarrhea, gonorrhea, seborrheic
        (r"pnea\b", "pnoea"),  # apnea, dyspnea
        (r"\bpediatric", "paediatric"),
        (r"orthopedic", "orthopaedic"),
        (r"gynecolog", "gynaecolog"),
        (r"\bceliac", "coeliac"),
        (r"\bfetal\b", "foetal"),
        (r"\banesthe", "anaesthe"),
        (r"\b(generali|locali|speciali|disorgani)z(ed|ation)\b", r"\1s\2"),
    )
)
BRITISH_TO_AMERICAN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\btumour", "tumor"),
        (r"\bbehaviour", "behavior"),
        (r"\bcolour", "color"),
        (r"(?<![\w])haem(?=o|at|angi)", "hem"),
        (r"aemi(a|c)\b", r"emi\1"),
        (r"(?<!angi)oedema", "edema"),
        (r"oesophag", "esophag"),
        (r"\boestrogen", "estrogen"),
        (r"rrhoe(a|ic)\b", r"rrhe\1"),
        (r"pnoea\b", "pnea"),
        (r"\bpaediatric", "pediatric"),
        (r"orthopaedic", "orthopedic"),
        (r"gynaecolog", "gynecolog"),
        (r"\bcoeliac", "celiac"),
        (r"\bfoetal\b", "fetal"),
        (r"\banaesthe", "anesthe"),
        (r"\b(generali|locali|speciali|disorgani)s(ed|ation)\b", r"\1z\2"),
    )
)
# An eponym without the possessive ("Parkinson disease") gains it before these heads.
EPONYM_HEADS = frozenset({"disease", "syndrome", "palsy", "lymphoma", "sarcoma", "ataxia"})
EPONYM = re.compile(r"([A-Z][a-z]+) (\w+)( .*)?")

# Lay names missing from the ontologies as a name or EXACT synonym, or dropped by the filters
# above, each with the term it stands for (ids of the 2024-01-31 release) or why it is wanted.
SUPPLEMENT: tuple[tuple[str, str], ...] = (
    ("type 1 diabetes", "DOID:9744 type 1 diabetes mellitus (a digit: filtered)"),
    ("type 2 diabetes", "DOID:9352 type 2 diabetes mellitus, EXACT (a digit: filtered)"),
    ("covid-19", "DOID:0080600 COVID-19 (a digit: filtered)"),
    ("covid", "DOID:0080600 COVID-19, as copy writes it"),
    ("coronavirus", "DOID:0080600 COVID-19, as copy writes it"),
    ("spinal cord injury", "no term in DO; DOID:319 spinal cord disease is the nearest"),
    (
        "high cholesterol",
        "DOID:2487 hypercholesterolemia is obsolete; DOID:13810 familial"
        " hypercholesterolemia is the nearest term",
    ),
    ("fatty liver", "DOID:0080546 non-alcoholic fatty liver; lay name"),
    ("cold sore", "DOID:8566 herpes simplex (herpes labialis); lay name"),
    ("tendonitis", "DOID:971 tendinitis; common spelling"),
    ("premenstrual syndrome", "DOID:727 premenstrual tension; usual name"),
    ("tumor", "DOID:14566 disease of cellular proliferation (EXACT: neoplasm); lay name"),
    ("wart", "DOID:11165 common wart; lay name"),
    ("allergy", "DOID:1205 allergic disease; lay name"),
)
SUPPLEMENT_ABBREVIATIONS: tuple[tuple[str, str, str], ...] = (
    ("MS", "multiple sclerosis", "DOID:2377 multiple sclerosis; no EXACT abbreviation"),
    ("HIV", "human immunodeficiency virus infectious disease", "DOID:526; as copy writes it"),
    ("IBS", "irritable bowel syndrome", "DOID:9778; only RELATED 'Psychogenic IBS'"),
    ("PMS", "premenstrual tension", "DOID:727; as copy writes it"),
    ("COVID", "covid-19", "DOID:0080600 COVID-19; as copy writes it"),
)


@dataclass
class Term:
    """One [Term] stanza: its id, name, EXACT synonyms and whether it is obsolete."""

    id: str = ""
    name: str = ""
    exact: list[str] = field(default_factory=list)
    obsolete: bool = False


@dataclass
class Ontology:
    """One OBO file: its header and its terms."""

    path: Path
    ontology: str
    data_version: str
    licence: str
    blob: str
    terms: list[Term]


def unescape(value: str) -> str:
    """Undo OBO backslash escapes (\\" and \\\\)."""
    return OBO_ESCAPE.sub(r"\1", value)


def git_blob_hash(data: bytes) -> str:
    """Return the hash git gives the file's contents, to check it against a repository."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_obo(path: Path) -> Ontology:
    """Read the header and [Term] stanzas of an OBO file."""
    data = path.read_bytes()
    header: dict[str, str] = {}
    terms: list[Term] = []
    term: Term | None = None
    in_header = True
    for raw in data.decode("utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_header = False
            term = Term() if line == "[Term]" else None
            if term is not None:
                terms.append(term)
            continue
        if in_header:
            tag, _, value = line.partition(":")
            if tag == "property_value" and "license" in value:
                header.setdefault("licence", value.split()[-1])
            elif tag == "remark" and "licen" in value.lower():
                header.setdefault("licence", value.strip())
            else:
                header.setdefault(tag, value.strip())
            continue
        if term is not None:
            read_tag(term, line)
    return Ontology(
        path=path,
        ontology=header.get("ontology", path.stem),
        data_version=header.get("data-version", "unknown"),
        licence=header.get("licence", "not stated in the file"),
        blob=git_blob_hash(data),
        terms=terms,
    )


def read_tag(term: Term, line: str) -> None:
    """Record one tag-value line of a [Term] stanza."""
    if line.startswith("id:"):
        term.id = line[3:].strip()
    elif line.startswith("name:"):
        term.name = unescape(line[5:].strip())
    elif line.startswith("is_obsolete:"):
        term.obsolete = line[12:].strip() == "true"
    elif line.startswith("synonym:"):
        match = SYNONYM.match(line)
        if match and match[2] == "EXACT":
            term.exact.append(unescape(match[1]))


def own_terms(ontology: Ontology) -> Iterator[Term]:
    """Yield the terms that are not obsolete and belong to the file's own ontology."""
    prefix = ontology.ontology.split("/")[0].upper() + ":"
    for term in ontology.terms:
        if term.name and not term.obsolete and term.id.upper().startswith(prefix):
            yield term


def tidy(text: str) -> str:
    """Return the text with single spaces and plain apostrophes and hyphens, case kept."""
    text = unicodedata.normalize("NFC", text).translate(APOSTROPHES).translate(DASHES)
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Return the text in lower case with single spaces."""
    return tidy(text).lower()


def is_acronym(text: str) -> bool:
    """Tell whether a one-word name is an acronym: no lower case, or capitals inside a word
    ("GvHD", "CoPAN"), or a capitalised word of four letters or fewer ("Hjmd", "Hts")."""
    if " " in text or not any(char.isupper() for char in text):
        return False
    letters = [char for char in text if char.isalpha()]
    if not any(char.islower() for char in letters):
        return True
    return sum(char.isupper() for char in letters) >= 2 or len(letters) <= 4


def too_specific(text: str) -> str | None:
    """Return why a name (case kept) is dropped as too specific for copy, or None."""
    name = tidy(text)
    if name.lower().startswith("obsolete"):
        return "obsolete"
    if any(char.isdigit() for char in name):
        return "digits"
    if any(char in name for char in "()[]{},"):
        return "brackets or commas"
    if len(name.split()) > MAX_WORDS:
        return "more than six words"
    if not PLAIN_NAME.fullmatch(name):
        return "other punctuation"
    if is_acronym(name):
        return "acronym"
    return None


def spelling_variants(name: str) -> set[str]:
    """Return the name in American and in British spelling (either may equal the name)."""
    variants = set()
    for rules in (AMERICAN_TO_BRITISH, BRITISH_TO_AMERICAN):
        variant = name
        for pattern, replacement in rules:
            variant = pattern.sub(replacement, variant)
        variants.add(variant)
    return variants


def possessive_variants(original: str, is_term_name: bool) -> set[str]:
    """Return the eponym forms of a name (case kept in the argument, lower case out).

    "Parkinson's disease" gives "parkinson disease" and "parkinsons disease"; the term name
    "Cushing syndrome" gives "cushing's syndrome" ("graves' disease" for a name ending in s).
    Only a term's name gains the possessive: the ontology capitalises a name's first word
    only for a proper noun, but capitalises synonyms at will ("Coronary disease")."""
    name = tidy(original)
    variants = set()
    if "'s " in name or name.endswith("'s"):
        variants.add(re.sub(r"'s\b", "", name).lower())
        variants.add(re.sub(r"'s\b", "s", name).lower())
    match = EPONYM.fullmatch(name) if is_term_name else None
    if match and match[2] in EPONYM_HEADS:
        eponym = match[1] + ("'" if match[1].endswith("s") else "'s")
        variants.add(f"{eponym} {match[2]}{match[3] or ''}".lower())
    return variants


def plural(name: str) -> str | None:
    """Return the plural of a name whose head noun is counted, or None."""
    for singular, plural_form in PLURALS.items():
        if name == singular or name.endswith(" " + singular):
            return name[: len(name) - len(singular)] + plural_form
    last = name.rsplit(" ", 1)[-1]
    if last.endswith("oma") and last not in NOT_PLURAL_OMA and "'" not in name:
        return name + "s"
    return None


def accent_free(name: str) -> str:
    """Return the name without diacritics ("sjögren" -> "sjogren")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def variants(original: str, is_term_name: bool = False) -> set[str]:
    """Return the lower-case name and every variant copy may write for it."""
    forms = {normalise(original)} | possessive_variants(original, is_term_name)
    forms |= {spelled for form in list(forms) for spelled in spelling_variants(form)}
    forms |= {plural_form for form in list(forms) if (plural_form := plural(form))}
    forms |= {spelled for form in list(forms) for spelled in spelling_variants(form)}
    forms |= {accent_free(form) for form in list(forms)}
    return forms


@dataclass
class Vocabulary:
    """The names and abbreviations collected, with counts of what was dropped and why."""

    names: set[str] = field(default_factory=set)
    ontology_names: set[str] = field(default_factory=set)
    abbreviations: set[tuple[str, str]] = field(default_factory=set)
    dropped: dict[str, int] = field(default_factory=dict)
    terms: int = 0

    def drop(self, reason: str) -> None:
        """Count one name dropped for a reason."""
        self.dropped[reason] = self.dropped.get(reason, 0) + 1


def collect(ontologies: Iterable[Ontology]) -> Vocabulary:
    """Collect the names, variants and abbreviations of the terms of the ontologies."""
    vocabulary = Vocabulary()
    for ontology in ontologies:
        for term in own_terms(ontology):
            vocabulary.terms += 1
            collect_term(vocabulary, term)
    for name, _ in SUPPLEMENT:
        vocabulary.names |= variants(name)
    for abbreviation, full_name, _ in SUPPLEMENT_ABBREVIATIONS:
        vocabulary.abbreviations.add((abbreviation, full_name))
    excluded = {name for name in vocabulary.names if name in EXCLUDED}
    supplemented = {name for name, _ in SUPPLEMENT}
    vocabulary.names -= excluded - supplemented
    vocabulary.dropped["on the exclusion list"] = len(excluded - supplemented)
    return vocabulary


def collect_term(vocabulary: Vocabulary, term: Term) -> None:
    """Add one term's name and EXACT synonyms, or its abbreviations."""
    full_name = normalise(term.name)
    specific = too_specific(term.name)
    for label in [term.name, *term.exact]:
        label = tidy(label)
        if ABBREVIATION.fullmatch(label):
            if specific or ABBREVIATION.fullmatch(term.name):
                vocabulary.drop("abbreviation of a dropped name")
            elif label in EXCLUDED_ABBREVIATIONS:
                vocabulary.drop("abbreviation that is an English word")
            elif (label, full_name) in WRONG_ABBREVIATIONS:
                vocabulary.drop("abbreviation wrong in the ontology")
            else:
                vocabulary.abbreviations.add((label, full_name))
            continue
        reason = too_specific(label)
        if reason:
            vocabulary.drop(reason)
            continue
        vocabulary.ontology_names.add(normalise(label))
        vocabulary.names |= variants(label, is_term_name=label == tidy(term.name))


def header(
    ontologies: list[Ontology], origins: list[str], vocabulary: Vocabulary, command: str
) -> list[str]:
    """Return the comment lines that open the data file."""
    lines = [
        "# Disease, condition and symptom names, for finding claims that a product treats,",
        "# cures or prevents a named disease. One lower-case name a line, sorted; then, after",
        "# the line '# abbreviations', case-sensitive abbreviations as ABBR<TAB>full name.",
        "# Names are the 'name' and EXACT synonyms of every term that is not obsolete, with",
        "# American/British spellings, possessive and plain eponyms, plurals and names without",
        "# accents added, names too specific for marketing copy dropped, and lay names added",
        "# from the supplementary list in the script.",
        "#",
        "# Sources:",
    ]
    titles = {"doid": "Human Disease Ontology (DOID)", "symp": "Symptom Ontology (SYMP)"}
    for index, ontology in enumerate(ontologies):
        key = ontology.ontology.split("/")[0]
        lines.append(f"#   {titles.get(key, key)}, data-version: {ontology.data_version}")
        if index < len(origins):
            lines += textwrap.wrap(
                origins[index], 96, initial_indent="#     ", subsequent_indent="#       "
            )
        lines.append(f"#     file {ontology.path.name}, git blob {ontology.blob}")
        lines += textwrap.wrap(
            f"licence in the file: {ontology.licence}",
            96,
            initial_indent="#     ",
            subsequent_indent="#       ",
        )
    dropped = "; ".join(f"{reason} {count}" for reason, count in sorted(vocabulary.dropped.items()))
    lines += [
        "# Licence: CC0 1.0 Universal (public domain dedication),",
        "#   https://creativecommons.org/publicdomain/zero/1.0/",
        f"# Generated by: {command}",
        f"# Counts: {len(vocabulary.names)} names ({len(vocabulary.ontology_names)} from the"
        f" ontologies as written, {len(SUPPLEMENT)} supplementary, the rest variants),",
        f"#   {len(vocabulary.abbreviations)} abbreviations, from {vocabulary.terms} terms.",
        *textwrap.wrap(
            f"Dropped: {dropped}.", 96, initial_indent="#   ", subsequent_indent="#     "
        ),
    ]
    return lines


def write(output: Path, lines: list[str], vocabulary: Vocabulary) -> None:
    """Write the header, the names and the abbreviations."""
    body = [*lines, *sorted(vocabulary.names), "# abbreviations"]
    body += [f"{abbr}\t{name}" for abbr, name in sorted(vocabulary.abbreviations)]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(body) + "\n", encoding="utf-8")


def shown_path(path: Path) -> str:
    """Return the path relative to the repository when it is inside it, as given otherwise."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    """Read the OBO files and write the data file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("obo", nargs="+", type=Path, help="OBO files (doid.obo, symp.obo)")
    parser.add_argument("--output", "-o", type=Path, required=True, help="file to write")
    parser.add_argument(
        "--origin",
        action="append",
        default=[],
        help="where an OBO file was taken from (repository, commit, path), one per file in order",
    )
    args = parser.parse_args(argv)
    ontologies = [read_obo(path) for path in args.obo]
    vocabulary = collect(ontologies)
    command = "python bench/build_conditions.py " + " ".join(
        [path.name for path in args.obo]
        + ["--origin ..."] * len(args.origin)
        + ["--output", shown_path(args.output)]
    )
    write(args.output, header(ontologies, args.origin, vocabulary, command), vocabulary)
    print(
        f"{args.output}: {len(vocabulary.names)} names, "
        f"{len(vocabulary.abbreviations)} abbreviations",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
