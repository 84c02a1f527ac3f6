#!/usr/bin/env python3
"""A deterministic corpus of N realistic project records in our format.

    python bench/corpus.py --records 1000 --out /some/folder

writes `site.yaml` (three themes) and `content/projects/<slug>.md`, one file a
record: front matter with every kind of field the City of Hämeenlinna's
records use, at mixed date precisions, and a Finnish Markdown body of about
4 KB with a heading, lists, links and ä/ö. Hugo reads the same files
(see `bench/hugo/`), so both generators build from identical bytes.

Everything comes from seeded random generators and the fixed `AS_OF` date,
never from the clock: the same arguments always give the same bytes, and
record number i is the same in every corpus size, so the 1,000-record corpus
is a prefix of the 10,000-record one.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import os
import random
import re
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

# The date every benchmark build is made for; a third of the records end before it.
AS_OF = date(2025, 6, 15)
# An absolute address with a path, as a real site is published under: with a host the build
# makes the sitemap and absolute links, as every production site's build does.
BASE_URL = "https://www.example.fi/hankkeet/"
DEFAULT_SEED = "hankkeet-bench-1"

Precision = Literal["year", "month", "day"]
Category = Literal["ended", "ongoing", "upcoming", "standing"]

THEMES: tuple[tuple[str, str], ...] = (
    ("elinvoimainen-asumiskaupunki", "Elinvoimainen asumiskaupunki"),
    ("hyvinvointi", "Hyvinvointia edistävä kaupunki"),
    ("resurssiviisaus", "Resurssiviisaus"),
)

_ADJECTIVES = (
    "Kestävän", "Älykkään", "Yhteisöllisen", "Vähähiilisen", "Osallistavan", "Monikulttuurisen",
    "Elinvoimaisen", "Turvallisen", "Esteettömän", "Digitaalisen", "Vihreän", "Yhteisen",
    "Paikallisen", "Hyvinvoivan", "Avoimen", "Lähiöiden", "Kyläkeskusten", "Seudullisen",
)
_SUBJECTS = (
    "liikkumisen", "asumisen", "oppimisen", "keskustan", "lähiluonnon", "energiankäytön",
    "nuorisotyön", "työllisyyden", "kiertotalouden", "kulttuuritoiminnan", "ikääntymisen",
    "yrittäjyyden", "vesihuollon", "ruokapalvelujen", "liikunnan", "matkailun", "hulevesien",
)
_HEADS = (
    "kehittämishanke", "kokeilu", "ohjelma", "verkosto", "pilotti", "yhteishanke",
    "selvitys", "toimintamalli", "hanke", "edistämishanke",
)
_PLACES = (
    "Ojoisissa", "Jukolassa", "Hauholla", "Lammilla", "Kalvolassa", "Rengossa", "Tuuloksessa",
    "Iittalassa", "Katumajärvellä", "Hätilässä", "Myllymäessä", "Tuomelassa", "Kaurialassa",
    "Idänpäässä", "Pullerilla", "Lahdenpohjassa", "Voutilassa", "Ahvenistolla",
)
_ORGANISATIONS = (
    "Hämeenlinnan kaupunki", "Hämeen ammattikorkeakoulu", "Hämeen liitto", "Linnan Kehitys Oy",
    "Kanta-Hämeen hyvinvointialue", "Hämeenlinnan Seudun Vesi Oy", "Koulutuskeskus Tavastia",
    "Hämeen ELY-keskus", "Suomen ympäristökeskus", "Tampereen yliopisto", "Hämeenlinnan Asunnot Oy",
    "Vanajaveden Opisto", "Häme-Opisto", "Kiertokapula Oy", "Hämeenlinnan Liikenne Oy",
)
_FUNDERS = (
    # No EU fund: an EU-funded record must name its programme and aims (README, "EU funding"), which the
    # Hugo twin the benchmark compares with does not show.
    "Hämeen ELY-keskus", "Maa- ja metsätalousministeriö", "Opetushallitus",
    "Valtiovarainministeriö", "Ympäristöministeriö", "Sosiaali- ja terveysministeriö",
    "Business Finland", "Hämeen liitto", "Suomen Kulttuurirahasto", "Työ- ja elinkeinoministeriö",
)
_FUNDING_NOTES = (
    "kansallinen vastinrahoitus", "omarahoitusosuus", "kaupungin oma osuus", "toinen hakukierros",
    "hankkeen jatkorahoitus",
)
_FIRST_NAMES = (
    "Jari", "Anna", "Mikko", "Päivi", "Sanna", "Jukka", "Tiina", "Ville", "Kaisa", "Väinö",
    "Heikki", "Sari", "Jönne", "Eeva", "Timo", "Riikka", "Pekka", "Hanna", "Olli", "Minna",
)
_LAST_NAMES = (
    "Heikkilä", "Virtanen", "Mäkelä", "Nieminen", "Hämäläinen", "Järvinen", "Lehtonen",
    "Koskinen", "Söderström", "Lönnqvist", "Räsänen", "Kärkkäinen", "Laaksonen", "Pöllänen",
)
_ROLES = (
    "projektipäällikkö", "hankekoordinaattori", "kehittämispäällikkö", "suunnittelija",
    "asiantuntija", "palvelupäällikkö", "projektisuunnittelija", "luokanopettaja",
)
_DOCUMENTS = (
    "Loppuraportti", "Väliraportti", "Hankesuunnitelma", "Toimintasuunnitelma", "Selvitys",
    "Esitys ohjausryhmälle", "Tiedote", "Kyselyn tulokset",
)
_KEYWORDS = (
    "osallisuus", "ilmasto", "digitalisaatio", "työllisyys", "nuoret", "ikäihmiset", "liikenne",
    "kiertotalous", "koulutus", "kulttuuri", "asuminen", "luonto", "yrittäjyys", "hyvinvointi",
)
# Sentences with slots: {place}, {org}, {subject}, {year}. Plain Finnish prose of the kind
# the city's own records hold, long enough that Markdown conversion does real work.
_SENTENCES = (
    "Hankkeen tavoitteena on parantaa {subject} edellytyksiä {place} yhdessä asukkaiden kanssa.",
    "Toiminta vahvistaa osallisuutta, taitoa ja hyvinvointia tarjoamalla monipuolisia palveluja "
    "alueen erityispiirteet huomioiden.",
    "Hanketta hallinnoi {org}, ja se toteutetaan tiiviissä yhteistyössä alueen yritysten ja yhdistysten kanssa.",
    "Vuonna {year} käynnistetyssä kokeilussa selvitetään, miten {subject} palveluja voidaan kehittää "
    "käyttäjälähtöisesti.",
    "Kokeilun tuloksista kootaan käsikirja, jota muut kunnat voivat hyödyntää omassa työssään.",
    "Asukkaille järjestetään työpajoja, joissa kerätään ideoita ja palautetta suunnitelmista.",
    "Hankkeessa kehitetään uusia toimintamalleja, jotka jäävät pysyväksi osaksi kaupungin palveluja.",
    "Erityistä huomiota kiinnitetään siihen, että palvelut ovat saavutettavia ja helposti löydettäviä.",
    "Päätökset perustuvat avoimeen tietoon, ja mittaustulokset julkaistaan säännöllisesti kaupungin verkkosivuilla.",
    "Yhteistyökumppani {org} tuo hankkeeseen tutkimusosaamista ja opiskelijoiden näkökulman.",
    "Toimenpiteet kohdistetaan erityisesti niihin asukasryhmiin, joiden on vaikea löytää tarvitsemiaan palveluja.",
    "Hankkeen aikana mitataan energiankulutusta, liikkumista ja asukastyytyväisyyttä ennen ja jälkeen muutosten.",
    "Kerhot ja tapahtumat järjestetään pääsääntöisesti lähellä koteja, jotta osallistuminen on mahdollisimman helppoa.",
    "Kokemuksia jaetaan valtakunnallisessa verkostossa, jossa on mukana yli kaksikymmentä kuntaa.",
    "Hankkeen ohjausryhmä kokoontuu neljä kertaa vuodessa ja seuraa tavoitteiden toteutumista.",
    "Tulokset arvioidaan ulkopuolisen arvioijan toimesta hankkeen päättyessä.",
    "Työllisyyttä tuetaan tarjoamalla harjoittelupaikkoja ja ohjausta niille, jotka ovat vailla työtä.",
    "Kaupunkilaiset voivat seurata hankkeen etenemistä ja antaa palautetta koko hankkeen ajan.",
    "Pyöräilyn ja kävelyn olosuhteita parannetaan {place}, ja joukkoliikenteen vuoroja tihennetään "
    "kokeiluluontoisesti.",
    "Kierrätystä ja jakamistaloutta edistetään avaamalla lainaamo, josta voi lainata työkaluja ja retkeilyvälineitä.",
    "Koulujen ja päiväkotien pihoja kunnostetaan niin, että ne soveltuvat paremmin oppimiseen ja leikkiin.",
    "Ikäihmisten digitaitoja vahvistetaan vertaisohjaajien avulla kirjastoissa ja palvelukeskuksissa.",
)
_LIST_ITEMS = (
    "asukastyöpajat {place}", "kyselyt ja haastattelut", "kokeilujen suunnittelu ja toteutus",
    "viestintä ja tiedottaminen", "tulosten arviointi", "yhteistyö kumppaneiden kanssa",
    "toimintamallin vakiinnuttaminen", "henkilöstön koulutus", "vertaisoppiminen muiden kuntien kanssa",
    "avoimen datan julkaiseminen", "tapahtumien järjestäminen", "pysyvien palvelujen suunnittelu",
)
_HEADINGS = ("Tavoitteet", "Toimenpiteet", "Hankkeen tulokset", "Miten voin osallistua?", "Aikataulu ja vaiheet")
_LINK_TEXTS = (
    ("hankkeen kotisivulla", "https://www.esimerkkikunta.fi/hankkeet/{slug}/"),
    ("rahoittajan sivuilla", "https://www.rahoittaja.example/ohjelmat/{year}/"),
    ("palautekanavassa", "https://palaute.esimerkkikunta.fi/?aihe={slug}"),
)
_TRANSLATE = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})


def slugify(text: str) -> str:
    """Our slug rule (a-z, digits, single hyphens) with ä/ö/å folded as Finns write URLs."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(_TRANSLATE)).strip("-")


@dataclass(frozen=True)
class Partial:
    """A date written at a precision; `first`/`last` are the days it covers, as our tool reads it."""

    text: str
    first: date
    last: date


def partial(day: date, precision: Precision) -> Partial:
    if precision == "year":
        return Partial(f"{day.year:04d}", date(day.year, 1, 1), date(day.year, 12, 31))
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Partial(f"{day.year:04d}-{day.month:02d}", date(day.year, day.month, 1),
                       date(day.year, day.month, last))
    return Partial(day.isoformat(), day, day)


def _precision(rng: random.Random) -> Precision:
    # Day precision is the most common in the city's records, a bare year the rarest.
    return rng.choices(("day", "month", "year"), weights=(6, 3, 1))[0]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def period(rng: random.Random, category: Category, as_of: date) -> tuple[Partial | None, Partial | None]:
    """Start and end such that our tool's status for `as_of` is exactly `category`.

    Draws until the written precision keeps the intended status: `end: 2025` has not
    ended on 15.6.2025 even if the day drawn was in March.
    """
    if category == "standing":
        return (partial(_day_between(rng, date(2012, 1, 1), date(2020, 12, 31)), "year")
                if rng.random() < 0.5 else None), None
    while True:
        if category == "ended":
            end_day = _day_between(rng, as_of - timedelta(days=10 * 365), as_of - timedelta(days=1))
        elif category == "ongoing":
            end_day = _day_between(rng, as_of, as_of + timedelta(days=4 * 365))
        else:
            end_day = _day_between(rng, as_of + timedelta(days=200), as_of + timedelta(days=5 * 365))
        start_day = end_day - timedelta(days=rng.randint(120, 4 * 365))
        start, end = partial(start_day, _precision(rng)), partial(end_day, _precision(rng))
        if category == "ongoing" and rng.random() < 0.15:
            end = None  # open-ended, still running
        ended = end is not None and end.last < as_of
        upcoming = start.first > as_of
        if category == "ended" and ended:
            return start, end
        if category == "ongoing" and not ended and not upcoming:
            return start, end
        if category == "upcoming" and upcoming and not ended:
            return start, end


def _category(index: int, rng: random.Random) -> Category:
    # Exactly every third record has ended, as the corpus asks.
    if index % 3 == 0:
        return "ended"
    roll = rng.random()
    if roll < 0.2:
        return "upcoming"
    if roll < 0.24:
        return "standing"
    return "ongoing"


def _yaml_text(value: str) -> str:
    """A YAML scalar; quoted only when plain style would be read as something else."""
    if re.fullmatch(r"[A-Za-zÅÄÖåäö][\wÅÄÖåäö ,.()\-–/]*", value) and not value.endswith(":") and ": " not in value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fill(template: str, rng: random.Random, slug: str, year: int) -> str:
    return template.format(
        place=rng.choice(_PLACES), org=rng.choice(_ORGANISATIONS), subject=rng.choice(_SUBJECTS).lower(),
        year=year, slug=slug,
    )


def _paragraph(rng: random.Random, slug: str, year: int, sentences: int) -> str:
    parts = [_fill(s, rng, slug, year) for s in rng.sample(_SENTENCES, sentences)]
    if rng.random() < 0.35:
        text, url = rng.choice(_LINK_TEXTS)
        parts.append(f"Lisätietoja löytyy [{text}]({url.format(slug=slug, year=year)}).")
    if rng.random() < 0.25:
        parts[0] = parts[0].replace("Hankkeen", "**Hankkeen**", 1)
    return " ".join(parts)


def _capital(text: str) -> str:
    # str.capitalize() would lower-case the proper names inside the item.
    return text[:1].upper() + text[1:]


def body(rng: random.Random, slug: str, year: int, target_bytes: int = 4000) -> str:
    """Paragraphs, one `##` heading, a bullet list and sometimes a numbered list, ~4 KB."""
    blocks = [_paragraph(rng, slug, year, rng.randint(3, 4))]
    blocks.append(f"## {rng.choice(_HEADINGS)}")
    items = rng.sample(_LIST_ITEMS, rng.randint(3, 6))
    blocks.append("\n".join(f"- {_fill(item, rng, slug, year)}" for item in items))
    if rng.random() < 0.4:
        steps = rng.sample(_LIST_ITEMS, 3)
        blocks.append("\n".join(f"{n}. {_capital(_fill(step, rng, slug, year))}" for n, step in enumerate(steps, 1)))
    while sum(len(b.encode()) + 2 for b in blocks) < target_bytes:
        blocks.append(_paragraph(rng, slug, year, rng.randint(3, 5)))
    return "\n\n".join(blocks) + "\n"


def _email(first: str, last: str) -> str:
    return f"{slugify(first).replace('-', '')}.{slugify(last).replace('-', '')}@esimerkkikunta.fi"


def record(index: int, seed: str = DEFAULT_SEED, as_of: date = AS_OF) -> tuple[str, str]:
    """Record number `index` as (slug, file text); independent of how many records there are."""
    rng = random.Random(f"{seed}:{index}")
    title = f"{rng.choice(_ADJECTIVES)} {rng.choice(_SUBJECTS)} {rng.choice(_HEADS)} {rng.choice(_PLACES)}"
    # The index keeps addresses unique however many titles coincide.
    slug = f"{slugify(title)}-{index + 1}"
    category = _category(index, rng)
    start, end = period(rng, category, as_of)
    year = (start or end).first.year if (start or end) else 2020
    lines = ["---", f"title: {_yaml_text(title)}"]
    if rng.random() < 0.2:
        lines.append(f"short_title: {_yaml_text(title.rsplit(' ', 1)[0])}")
    lines.append(f"theme: {rng.choice(THEMES)[0]}")
    if start:
        lines.append(f"start: {start.text}")
    if end:
        lines.append(f"end: {end.text}")
    if rng.random() < 0.3:
        lines.append(f"summary: {_yaml_text(_fill(rng.choice(_SENTENCES), rng, slug, year))}")
    lines.append(f"lead: {_yaml_text(rng.choice(_ORGANISATIONS))}")
    partners = rng.sample(_ORGANISATIONS, rng.randint(0, 4))
    if partners:
        lines.append("partners:")
        lines += [f"  - {_yaml_text(p)}" for p in partners]
    lines.append("funding:")
    for _ in range(rng.randint(1, 3)):
        lines.append(f"  - funder: {_yaml_text(rng.choice(_FUNDERS))}")
        lines.append(f"    amount_eur: {rng.randrange(5_000, 2_000_000, 50)}")
        if rng.random() < 0.2:
            lines.append("    up_to: true")
        if rng.random() < 0.3:
            lines.append(f"    note: {_yaml_text(rng.choice(_FUNDING_NOTES))}")
    lines.append("contacts:")
    for _ in range(rng.randint(1, 2)):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        lines.append(f"  - name: {_yaml_text(f'{first} {last}')}")
        lines.append(f"    role: {_yaml_text(rng.choice(_ROLES))}")
        lines.append(f"    email: {_email(first, last)}")
        if rng.random() < 0.4:
            lines.append(f'    phone: "03 621 {rng.randint(1000, 9999)}"')
    documents = rng.sample(_DOCUMENTS, rng.choice((0, 0, 1, 2, 3)))
    if documents:
        lines.append("documents:")
        for title_text in documents:
            lines.append(f"  - title: {_yaml_text(title_text)}")
            lines.append(f"    url: https://www.esimerkkikunta.fi/hankkeet/{slug}/{slugify(title_text)}.pdf")
            lines.append(f'    size: "{rng.randint(1, 9)},{rng.randint(0, 9)} Mt"')
            if rng.random() < 0.3:
                lines.append("    accessible: false")
    if rng.random() < 0.5:
        lines.append("keywords:")
        lines += [f"  - {k}" for k in rng.sample(_KEYWORDS, rng.randint(1, 4))]
    lines.append("---")
    return slug, "\n".join(lines) + "\n\n" + body(rng, slug, year)


def site_yaml() -> str:
    themes = "\n".join(f"  - id: {tid}\n    name: {name}" for tid, name in THEMES)
    return (
        "# A synthetic site for the benchmark (bench/corpus.py); every record is generated.\n"
        "title: Hankkeet\n"
        "organisation: Esimerkkikunta\n"
        "language: fi\n"
        "time_zone: Europe/Helsinki\n"
        f"base_url: {BASE_URL}\n"
        "intro: |\n"
        "  Kunta kehittää palveluja erilaisten hankkeiden avulla, joihin saadaan myös ulkopuolista rahoitusta.\n"
        "\n"
        "  Kehittämishankkeet jaotellaan strategian mukaisesti hankkeisiin, jotka edistävät\n"
        "\n"
        "  - elinvoimaista asumiskaupunkia\n"
        "  - hyvinvointia ja\n"
        "  - resurssiviisautta\n"
        f"themes:\n{themes}\n"
        "accessibility:\n"
        "  prepared: 2025-06-15\n"
        "  feedback_email: saavutettavuus@example.fi\n"
    )


def _write_records(projects: Path, first: int, last: int, seed: str, as_of: date) -> list[str]:
    slugs = []
    for index in range(first, last):
        slug, text = record(index, seed, as_of)
        (projects / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
    return slugs


# Records per task when several processes write a corpus: large enough that a task's
# start-up is nothing beside it, small enough that both cores stay busy to the end.
CHUNK = 2000


def write_corpus(out: Path, records: int, seed: str = DEFAULT_SEED, as_of: date = AS_OF,
                 workers: int = 1) -> list[str]:
    """Write the site folder (replacing any earlier corpus there); returns the slugs in order.

    Record i depends only on (seed, i), so `workers` processes writing ranges of
    records give the same bytes as one."""
    projects = out / "content" / "projects"
    if projects.exists():
        # A smaller corpus written over a larger one must not keep the larger one's records.
        shutil.rmtree(projects)
    projects.mkdir(parents=True)
    (out / "site.yaml").write_text(site_yaml(), encoding="utf-8")
    ranges = [(first, min(first + CHUNK, records)) for first in range(0, records, CHUNK)]
    if workers <= 1 or len(ranges) == 1:
        return _write_records(projects, 0, records, seed, as_of)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        count = len(ranges)
        parts = pool.map(_write_records, [projects] * count, [a for a, _ in ranges], [b for _, b in ranges],
                         [seed] * count, [as_of] * count)
        return [slug for part in parts for slug in part]


def generator_digest() -> str:
    """Changes whenever this generator does, so a cached corpus from an older one is not reused."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def default_cache() -> Path:
    """Where generated corpora are kept between runs: the user's cache folder, not the work folder
    (which a run removes), so a 100,000-record corpus is written once, not once a run."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "projcat-bench"


@dataclass(frozen=True)
class CachedCorpus:
    site: Path  # the site folder: site.yaml and content/projects/; never edited or built in
    slugs: list[str]


def cached_corpus(records: int, cache: Path, seed: str = DEFAULT_SEED, as_of: date = AS_OF,
                  workers: int | None = None) -> CachedCorpus:
    """The corpus of `records` records for `seed`, generated once into `cache` and reused.

    A folder is named by size, seed, as-of date and the generator's digest, and
    appears under its name only when complete (written beside it, then renamed),
    so an interrupted run leaves nothing that looks finished."""
    folder = cache / f"corpus-{records}-{slugify(seed)}-{as_of.isoformat()}-{generator_digest()}"
    slugs_file = folder / "slugs.txt"
    if slugs_file.is_file():
        return CachedCorpus(folder / "site", slugs_file.read_text(encoding="utf-8").split())
    cache.mkdir(parents=True, exist_ok=True)
    partial_folder = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache))
    try:
        slugs = write_corpus(partial_folder / "site", records, seed, as_of, workers or os.cpu_count() or 1)
        (partial_folder / "slugs.txt").write_text("\n".join(slugs) + "\n", encoding="utf-8")
        try:
            partial_folder.rename(folder)
        except OSError:
            if not slugs_file.is_file():  # not another run finishing the same corpus first
                raise
    finally:
        shutil.rmtree(partial_folder, ignore_errors=True)
    return CachedCorpus(folder / "site", slugs)


def materialise(source: Path, site: Path, link: bool = True) -> None:
    """A working copy of a cached site folder at `site`, replacing what was there.

    With `link`, files are hard links (a 100,000-record corpus in seconds, no
    space): whoever edits a record there must replace the file, not write into
    it, or the cached corpus changes too (`RecordEditor` in run.py does)."""
    if site.exists():
        shutil.rmtree(site)

    def copy(src: str, dst: str) -> object:
        if link:
            try:
                os.link(src, dst)
                return dst
            except OSError:
                pass  # another file system: copy instead
        return shutil.copy2(src, dst)

    shutil.copytree(source, site, copy_function=copy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic benchmark corpus in our record format.")
    parser.add_argument("--records", type=int, required=True, help="how many project records")
    parser.add_argument("--out", type=Path, required=True, help="site folder to write (site.yaml, content/projects/)")
    parser.add_argument("--seed", default=DEFAULT_SEED, help="another seed gives another, equally deterministic corpus")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes writing records (default: one per core; the bytes are the same)")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    slugs = write_corpus(args.out, args.records, args.seed, workers=args.workers)
    print(f"{len(slugs)} records written to {args.out} (as-of date for builds: {AS_OF.isoformat()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
