# ruff: noqa: RUF001, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Which configured actor and side a speaker belongs to, and which rule decided it.

Rules, in order (the first that decides wins, and is recorded as `resolved_by`):

1. alias        a configured actor's name, organisation or alias occurs in the speaker's name or
                description ("the Chinese Foreign Ministry spokesperson" -> alias "Foreign Ministry"),
                unless the name itself places the speaker elsewhere ("the Japanese Foreign Ministry").
2. affiliation  the name or description places the speaker: a Chinese university, academy or ministry,
                "Chinese experts", "Beijing-based", a Chinese province or city ("a Hunan-based
                smelter") -> China; USTR, a US department, the White House, "Washington-based",
                "American", "a Republican from Ohio" -> United States; the European Commission, EU,
                Brussels, an EU member state ("Dutch", "Bavarian"; not its trading ports), Japan, METI,
                Tokyo, Mexico -> Partners (or a side named after that country or bloc). The places and
                public bodies of the gazetteer in briefing/analysis/places.py count the same way
                ("Munich-based", "a smelter in Lengshuijiang", "Under Secretary for Industry and Security").
                Institutions of work ("at Tsinghua University") count before nationality words, and the
                speaker's name before the description. A configured actor of that side whose
                organisation words match is preferred.
   (1 and 2 are then tried on what an unnamed speaker refers back to: "the ministry" after
   "China's Ministry of Commerce".)
3. feed_default the feed's default actor, for unnamed institutional speakers ("the ministry",
                "the press release", "a spokesperson"), and in a government feed's own releases for a
                named person whose title is a public office and places them nowhere else ("Deputy
                Under Secretary Rachel Imbert" in a Commerce release). Never for a named organisation,
                and never for a named person in a feed that is not a government's.
4. unknown      nothing decided: actor and side stay empty. A side is never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from briefing.analysis.lexicon import GEO, HEADS, INSTITUTION_HEADS, ORG_WORDS, public_office, words
from briefing.analysis.phrases import INSTITUTION, OFFICIAL, PERSON, Speaker
from briefing.analysis.places import BASED_ONLY, BODIES, FIRMS, HUBS, PLACES, alternation
from briefing.analysis.text import UPPER
from briefing.config import Actor, Config
from briefing.models import ResolvedBy


@dataclass(frozen=True, slots=True)
class Resolution:
    actor: str | None
    side: str | None
    organization: str | None
    resolved_by: ResolvedBy


# Markers of where a speaker belongs. Strong markers name a place of work or an institution; weak
# markers are nationality words, which also appear in descriptions of someone's subject.
_CJK = re.compile(r"[\u3400-\u9fff]")
_B = r"(?<![\w.-])"
_E = r"(?![\w-])"
_US = r"(?:U\.S\.|US|United\s+States)"
# Member states of the European Union, their adjectives and a few of their cities and regions.
_EU_MEMBERS = (
    r"(?:German(?:y)?|Bavaria(?:n)?|France|French|Paris|Berlin|Netherlands|Dutch|Amsterdam|"
    r"The\s+Hague|Ital(?:y|ian)|Rome|Milan|Spain|Spanish|Madrid|Belgi(?:um|an)|Poland|Polish|Warsaw|"
    r"Swed(?:en|ish)|Stockholm|Fin(?:land|nish)|Helsinki|Den(?:mark|ish)|Danish|Copenhagen|Austria(?:n)?|"
    r"Vienna|Czech|Prague|Portug(?:al|uese)|Lisbon|Ireland|Irish|Dublin|Greece|Greek|Athens|Hungar(?:y|ian)|"
    r"Budapest|Romania(?:n)?|Bulgaria(?:n)?|Slovak(?:ia)?|Slovenia(?:n)?|Croatia(?:n)?|Eston(?:ia|ian)|"
    r"Latvia(?:n)?|Lithuania(?:n)?|Luxembourg|Malt(?:a|ese)|Cyprus|Cypriot)"
)
# Provinces and cities of mainland China: "a Hunan-based smelter", "a university in Changsha".
_CHINA_PLACES = (
    r"(?:Shanghai|Shenzhen|Guangzhou|Tianjin|Chongqing|Wuhan|Changsha|Chengdu|Nanjing|Hangzhou|Xi'an|"
    r"Baotou|Ganzhou|Xiamen|Qingdao|Dalian|Shenyang|Harbin|Kunming|Hefei|Zhengzhou|Jinan|Suzhou|Ningbo|"
    r"Nanchang|Lanzhou|Urumqi|Hohhot|Fuzhou|Anhui|Fujian|Gansu|Guangdong|Guangxi|Guizhou|Hainan|Hebei|"
    r"Heilongjiang|Henan|Hubei|Hunan|Jiangsu|Jiangxi|Jilin|Liaoning|Qinghai|Shaanxi|Shandong|Shanxi|"
    r"Sichuan|Yunnan|Zhejiang|Inner\s+Mongolia|Ningxia|Xinjiang)"
)
_SUFFIXED = (
    r"(?:-(?:based|listed|headquartered|registered)"
    r"|\s+(?:[Pp]refecture|[Pp]rovince|[Ss]tate|[Cc]ounty|[Cc]ity))"
)


def _gazetteer(region: str) -> list[str]:
    """Strong markers from the gazetteer (briefing/analysis/places.py): its bodies and offices, any of
    its places as "X-based" or "X Prefecture", and the ambiguous ones after "in" or "from"."""
    places = PLACES.get(region, ()) + BASED_ONLY.get(region, ()) + HUBS.get(region, ())
    markers = [alternation(BODIES[region])] if region in BODIES else []
    if region in FIRMS:
        markers.append(alternation(FIRMS[region]))
    if places:
        markers.append(alternation(places) + _SUFFIXED)
    if BASED_ONLY.get(region):
        markers.append(r"(?:in|from)\s+" + alternation(BASED_ONLY[region]))
    return markers


_STRONG = {
    "china": [
        *_gazetteer("china"),
        r"Tsinghua",
        r"Peking\s+University",
        r"Renmin",
        r"Fudan",
        r"Zhejiang\s+University",
        r"Nankai",
        r"Wuhan\s+University",
        r"Xiamen\s+University",
        r"Sun\s+Yat-sen",
        r"Jiao\s+Tong",
        r"Tongji",
        r"Chinese\s+Academy\s+of",
        r"China\s+Institutes?\s+of",
        r"China\s+Cent(?:er|re)\s+for",
        r"China\s+(?:Rare\s+Earth|Nonferrous|Iron\s+and\s+Steel|Chamber|Council|Association|Society)",
        r"Cent(?:er|re)\s+for\s+China\s+and\s+Globali[sz]ation",
        r"CICIR",
        r"China\s+Foreign\s+Affairs\s+University",
        r"Chinese\s+(?:experts?|scholars?|analysts?|officials?|researchers?|observers?|authorities|government|side)",
        rf"(?:Beijing|{_CHINA_PLACES})-(?:based|listed|headquartered)",
        r"MOFCOM",
        r"Ministry\s+of\s+Commerce",
        r"[Cc]ommerce\s+[Mm]inistry",
        r"State\s+Council",
        r"MIIT",
        r"Ministry\s+of\s+Industry\s+and\s+Information\s+Technology",
        r"NDRC",
        r"National\s+Development\s+and\s+Reform\s+Commission",
        r"General\s+Administration\s+of\s+Customs",
        r"SASAC",
        r"Xinhua",
        r"Global\s+Times",
        r"People's\s+Daily",
        r"People’s\s+Daily",
        r"CGTN",
        r"China\s+Daily",
        r"CCTV",
        r"Communist\s+Party",
        r"CPC",
        r"PRC",
        r"People's\s+Republic\s+of\s+China",
        r"People’s\s+Republic\s+of\s+China",
        r"中国社会科学院|北京大学|清华大学|中国人民大学|复旦大学|外交部|商务部|国务院|中方|中国(?:专家|学者|官员)",
    ],
    "us": [
        *_gazetteer("us"),
        r"USTR",
        rf"{_US}\s+Trade\s+Representative",
        r"Office\s+of\s+the\s+(?:U\.S\.|US|United\s+States)\s+Trade\s+Representative",
        rf"{_US}\s+(?:Department|Dept\.)\s+of",
        r"Department\s+of\s+(?:Commerce|State|Energy|Defense|War|the\s+Interior|the\s+Treasury|Homeland\s+Security)",
        r"(?:Commerce|State|Energy|Defense|Interior|Treasury)\s+Department",
        # "a Treasury official": the US Treasury, unless the words before place it elsewhere
        r"(?<!HM\s)(?<!British\s)(?<!UK\s)Treasury(?=\s+(?:officials?|spokes\w+|[Ss]ecretary|[Dd]epartment))",
        r"White\s+House",
        r"Washington-(?:based|listed|headquartered)",
        r"Pentagon",
        r"Capitol\s+Hill",
        r"USGS",
        rf"{_US}\s+Geological\s+Survey",
        r"Export-Import\s+Bank",
        r"EXIM",
        r"(?:Trump|Biden)\s+administration",
        r"Secretary\s+of\s+State(?!\s+for)",
        r"(?:Commerce|Energy|Treasury|Interior|Defense|War)\s+Secretary",
        r"(?:Federal|International)\s+Trade\s+Commission",
        r"Georgetown\s+University",
        r"Harvard",
        r"Stanford",
        r"Columbia\s+University",
        r"Johns\s+Hopkins",
        r"MIT",
        r"CSIS",
        r"Cent(?:er|re)\s+for\s+Strategic\s+and\s+International\s+Studies",
        r"Brookings",
        r"Heritage\s+Foundation",
        r"Peterson\s+Institute",
        r"American\s+Enterprise\s+Institute",
        r"RAND\s+Corporation",
        r"Council\s+on\s+Foreign\s+Relations",
        r"Americans?",
        # "a Republican from Ohio", "Democratic senator", "(R-Ohio)"
        r"(?:Republican|Democrat|Democratic)(?=\s+(?:from|of|senator|sen\.|lawmaker|congressman|congresswoman|"
        r"representative|member|leader|chairman|chairwoman|chair|governor|majority|minority))",
        r"\((?:R|D)-[A-Z][a-z]+\.?\)",
        # "an Arizona Democrat", "a Texas Republican"
        alternation(PLACES["us"]) + r"\s+(?:Republican|Democrat)s?",
        # "a senior administration official": the US idiom for an official of the White House
        r"(?:[Ss]enior\s+)?[Aa]dministration\s+officials?",
    ],
    "eu": [
        *_gazetteer("eu"),
        r"European\s+(?:Commission|Union|Parliament|Council)",
        r"Brussels-(?:based|listed|headquartered)",
        r"Commission\s+(?:President|Vice-President|spokesperson|spokesman|spokeswoman)",
    ],
    "japan": [
        *_gazetteer("japan"),
        r"METI",
        r"Ministry\s+of\s+Economy,\s+Trade\s+and\s+Industry",
        r"Tokyo-(?:based|listed|headquartered)",
        r"JOGMEC",
        r"Japan\s+Organization\s+for\s+Metals",
    ],
    "mexico": [
        *_gazetteer("mexico"),
        r"Mexico\s+City-(?:based|listed|headquartered)",
        r"Secretar[ií]a\s+de\s+Econom[ií]a",
        r"C[aá]mara\s+Minera\s+de\s+M[eé]xico",
        r"Camimex",
    ],
    # "a Toronto-based fund manager", "a smelter in Western Australia state"
    **{
        region: _gazetteer(region)
        for region in PLACES
        if region not in ("us", "china", "eu", "japan", "mexico")
    },
}
_WEAK = {
    "china": [
        r"China(?:'s|’s)?",
        r"Chinese",
        r"Beijing",
        _CHINA_PLACES,
        alternation(PLACES["china"]),
        r"中国|北京",
    ],
    "us": [
        r"U\.S\.A?\.?",
        r"USA?",
        r"United\s+States",
        r"America",
        r"Washington",
        alternation(PLACES["us"]),
        r"美国|美方|华盛顿",
    ],
    "eu": [
        r"EU",
        r"E\.U\.",
        r"Europe(?:an)?",
        r"Brussels",
        r"Commission",
        _EU_MEMBERS,
        alternation(PLACES["eu"]),
        "欧盟|欧洲|布鲁塞尔",
    ],
    "japan": [r"Japan(?:ese)?", r"Tokyo", alternation(PLACES["japan"]), r"日本|日方|东京"],
    "mexico": [
        r"Mexic(?:o|an)",
        r"M[eé]xico",
        r"Monterrey",
        r"Guadalajara",
        alternation(PLACES["mexico"]),
        r"墨西哥",
    ],
    # Countries outside the five above: a side has them only when the config lists them in
    # `[[sides]] countries`; otherwise a speaker placed there stays unknown, whatever the feed.
    **{
        region: [*patterns, alternation(PLACES[region])]
        for region, patterns in {
            "uk": [
                r"Brit(?:ain|ish)",
                r"UK",
                r"U\.K\.",
                r"United\s+Kingdom",
                r"England",
                r"Scot(?:land|tish)",
                r"(?:Wales|Welsh)",
            ],
            "canada": [r"Canad(?:a|ian)"],
            "australia": [r"Australia(?:n)?"],
            "korea": [r"(?:South\s+)?Korea(?:n)?"],
            "india": [r"India(?:n)?"],
            "taiwan": [r"Taiwan(?:ese)?"],
            "indonesia": [r"Indonesia(?:n)?"],
            "vietnam": [r"Vietnam(?:ese)?"],
            "russia": [r"Russia(?:n)?"],
            "congo": [r"Congo(?:lese)?", r"DRC"],
            "mongolia": [r"Mongolia(?:n)?"],
            "kazakhstan": [r"Kazakh(?:stan)?"],
            "malaysia": [r"Malaysia(?:n)?"],
            "philippines": [r"Philippines?", r"Filipino"],
            "saudi_arabia": [r"Saudi"],
            "argentina": [r"Argentin(?:a|e|ian)"],
            "south_africa": [r"South\s+Africa(?:n)?"],
            "other": [r"Brazil(?:ian)?", r"Chile(?:an)?", r"Myanmar", r"Peru(?:vian)?"],
        }.items()
    },
}

# Which configured side names each region may go to, first match wins.
_SIDE_NAMES = {
    "china": ["china", "prc", "people's republic of china", "beijing", "chinese"],
    "us": ["united states", "us", "u.s.", "usa", "america", "united states of america", "washington"],
    "eu": ["eu", "european union", "europe", "brussels", "european commission", "partners", "allies"],
    "japan": ["japan", "tokyo", "partners", "allies"],
    "mexico": ["mexico", "partners", "allies"],
}


def _bounded(pattern: str) -> str:
    """Whole words only ("Stockholm-based" too), except in Chinese, which has no spaces between words."""
    suffix = (
        "(?:-(?:based|listed|headquartered|owned|backed|controlled|funded))?"  # "a Chinese-owned smelter"
    )
    return pattern if _CJK.search(pattern) else f"{_B}{pattern}{suffix}{_E}"


_EMPLOYER = re.compile(
    r"\b(?:an?|the)\s+([A-Z][\w-]+)\s+(?:[\w-]+\s+){0,3}?(?:company|supplier|maker|firm|group|manufacturer|producer|"
    r"carmaker|automaker|chipmaker|refiner|miner|consultancy|bank|trading\s+house)\b"
)
_PART_OF = re.compile(
    r"\b(?:subsidiary|unit|branch|arm|affiliate|office|plant|factory)\s+of\s+", re.IGNORECASE
)
_TRAVEL = re.compile(
    r"\b(?:(?:returned|came\s+back|back|flew|travel+ed|arrived)\s+(?:home\s+)?from"
    r"|(?:talks|visit|trip|meetings?|negotiations)\s+(?:in|to|with))(?:\s+[\w'’.-]+){1,3}",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"\b(?:[Oo]n|[Aa]bout|[Rr]egarding|[Tt]owards?)\s+(?:the\s+)?$")
_SUBJECT = re.compile(r"\s+(?:and\s+[A-Z]\w+\s+)?(?i:studies|affairs|history|literature|politics|language)\b")


def _marker_regex(table: dict[str, list[str]]) -> re.Pattern[str]:
    groups = [f"(?P<{region}>{'|'.join(map(_bounded, patterns))})" for region, patterns in table.items()]
    return re.compile("|".join(groups))


_STRONG_RE = _marker_regex(_STRONG)
# The countries and blocs a speaker can be placed in; config.COUNTRIES, which `[[sides]] countries`
# is checked against, must name the same (a test holds them together).
REGIONS: tuple[str, ...] = tuple(sorted((set(_STRONG) | set(_WEAK)) - {"other"}))
_WEAK_RE = _marker_regex(_WEAK)

_KEYWORD_STOP = words(
    """the of and for on in at to de la people's people’s republic china chinese united states us u.s. usa
    america american european europe japan japanese mexico mexican government national state's"""
)
_ORG_KEYWORDS = ORG_WORDS | HEADS
_BODY_HEADS = INSTITUTION_HEADS - {"side", "country", "countries", "nation", "nations"}
_CAP = rf"[{UPPER}][\w'’&.-]*"
_NAMED = rf"{_CAP}(?:\s+(?:(?:of|for|and|on|the)\s+)*{_CAP})*"
_ORG_AFTER = re.compile(
    # "for the Chinese mission to the EU", "at the US embassy in Beijing", "of Fudan University"
    rf"(?:at|of|with|for|from)\s+(?:the\s+)?({_NAMED}(?:\s+(?:mission|embassy|consulate|delegation|office)"
    rf"(?:\s+(?:to|in|at)\s+(?:the\s+)?{_NAMED})?)?)"
)
_ORG_HEADS = (
    r"Ministry|Department|Office|Commission|Council|Agency|Administration|Bureau|Institute|University|Academy|"
    r"Cent(?:er|re)|Association|Federation|Chamber|Group|Corporation|Company|Intelligence|Markets?|Times|House|"
    r"Embassy|Government|Bank|Survey|Fund|Foundation"
)
_ORG_RUN = re.compile(
    rf"((?:{_CAP}\s+(?:(?:of|for|and|on|the)\s+)*)*(?:{_ORG_HEADS})"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAP}(?:\s+(?:and\s+)?{_CAP})*)?)"
)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_WORDS = re.compile(r"[\w'’.-]+")


def fold(text: str) -> str:
    """Text without accents, for matching names typed either way ("Šefčovič", "Sefcovic")."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _first_region(pattern: re.Pattern[str], text: str) -> tuple[str, int, int] | None:
    if not text:
        return None
    for m in pattern.finditer(text):
        if m.lastgroup is None:
            return None
        # "the Institute of American Studies", "European affairs", "the House Select Committee on the
        # Chinese Communist Party": a subject, not where one works.
        if not _SUBJECT.match(text, m.end()) and not _ABOUT.search(text, 0, m.start()):
            return m.lastgroup, m.start(), m.end()
    return None


def _region(text: str) -> tuple[str, int, int] | None:
    return _first_region(_STRONG_RE, text) or _first_region(_WEAK_RE, text)


def _public_office(speaker: Speaker) -> bool:
    """A named person titled with a public office: "Deputy Under Secretary", "spokesperson", "Minister"."""
    if speaker.kind != PERSON or not speaker.title:
        return False
    return public_office(speaker.title)


class Resolver:
    """Speaker -> actor and side for one config. Build once per run: it compiles the alias matcher."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.sides = config.side_names()
        self._actors = {a.name: a for a in config.actors}
        self._by_alias: dict[str, Actor] = {}
        exact: list[str] = []
        folded: list[str] = []
        for actor in config.actors:
            for alias in [actor.name, actor.organization, *actor.aliases]:
                alias = " ".join(fold(alias).split())
                if not alias:
                    continue
                # Short all-capital aliases ("EU", "USTR") must match as capitals, not as "eu" in a word.
                acronym = alias.replace(".", "").isupper() and len(alias) <= 6
                key = alias if acronym else alias.lower()
                if key in self._by_alias:
                    continue
                self._by_alias[key] = actor
                (exact if acronym else folded).append(alias)
        # "Greer said" for an actor with alias "Jamieson Greer": surnames of people, when unambiguous.
        surnames: dict[str, list[Actor]] = {}
        for actor in config.actors:
            for alias in actor.aliases:
                parts = fold(alias).split()
                person = len(parts) in (2, 3) and all(w[:1].isupper() for w in parts) and len(parts[-1]) >= 4
                if person and not any(w.lower().strip(".") in _ORG_KEYWORDS for w in parts):
                    surnames.setdefault(parts[-1], []).append(actor)
        self._surnames = {
            name: actors[0] for name, actors in surnames.items() if len(set(map(id, actors))) == 1
        }
        self._exact = self._alternation(exact, 0)
        self._folded = self._alternation(folded, re.IGNORECASE)
        self._keywords = {a.name: self._actor_keywords(a) for a in config.actors}
        self._region_sides = self._regions(config)
        self._cache: dict[tuple[Speaker, str], Resolution] = {}

    @staticmethod
    def _alternation(aliases: list[str], flags: int) -> re.Pattern[str] | None:
        if not aliases:
            return None
        body = "|".join(
            _bounded(r"\s+".join(map(re.escape, a.split())))
            for a in sorted(set(aliases), key=lambda a: (-len(a), a))
        )
        return re.compile(body, flags)

    @staticmethod
    def _regions(config: Config) -> dict[str, str]:
        """Region -> side: the sides' `countries` first, then (for sides without) their names."""
        regions = {country: side.name for side in config.sides for country in side.countries}
        by_name = {side.name.lower(): side.name for side in config.sides if not side.countries}
        for region, names in _SIDE_NAMES.items():
            if region not in regions:
                side = next((by_name[n] for n in names if n in by_name), None)
                if side is not None:
                    regions[region] = side
        return regions

    @staticmethod
    def _actor_keywords(actor: Actor) -> frozenset[str]:
        words: set[str] = set()
        for text in [actor.name, actor.organization, *actor.aliases]:
            found = _WORDS.findall(text.lower())
            # Only names of organisations give keywords: not acronyms, not people ("Jamieson Greer").
            if text != actor.organization and (len(found) < 2 or not any(w in _ORG_KEYWORDS for w in found)):
                continue
            for w in found:
                if len(w) >= 3 and w not in _KEYWORD_STOP:
                    words.add(w)
        return frozenset(words)

    # -- rules --

    def _alias(self, text: str) -> tuple[Actor, int, int] | None:
        best: tuple[Actor, int, int] | None = None
        for pattern, lowered in ((self._exact, False), (self._folded, True)):
            if pattern is None:
                continue
            m = pattern.search(text)
            if m is None:
                continue
            key = " ".join(m.group(0).split())
            actor = self._by_alias.get(key.lower() if lowered else key)
            if actor is not None and (best is None or m.start() < best[1]):
                best = (actor, m.start(), m.end())
        return best

    def _by_alias_rule(self, speaker: Speaker, texts: list[str]) -> Actor | None:
        surname = self._surnames.get(fold(speaker.name))
        if surname is not None and texts and texts[0] == speaker.name:
            return surname
        for i, text in enumerate(texts):
            text = fold(text)
            hit = self._alias(text)
            if hit is None:
                continue
            actor, start, end = hit
            if i == 0:
                # "the Japanese Foreign Ministry" is not China's Foreign Ministry, whatever the alias.
                placed = _region(text)
                if placed is not None and not (start <= placed[1] < end):
                    side = self._region_sides.get(placed[0])
                    if side != actor.side:
                        return None
            return actor
        return None

    def _by_affiliation(self, texts: list[str]) -> tuple[str | None, bool]:
        """(side, decided): decided is True also when the speaker is placed outside every side."""
        # "the Shanghai subsidiary of Japan's Kisaragi": the parent's country comes first; "who returned
        # from talks in Beijing": a journey, not a place of work.
        texts = [_TRAVEL.sub(" ", t) for t in texts]
        for text in texts:
            # "purchasing director at the Taicang plant of a German auto parts supplier in Jiangsu": the
            # employer's nationality, before where it works
            employer = _EMPLOYER.search(text)
            if employer:
                found = _first_region(_WEAK_RE, employer.group(1))
                if found is not None:
                    return self._region_sides.get(found[0]), True
        texts = [t[m.end() :] + " " + t[: m.start()] if (m := _PART_OF.search(t)) else t for t in texts]
        for pattern in (_STRONG_RE, _WEAK_RE):
            for text in texts:
                found = _first_region(pattern, text)
                if found is None:
                    continue
                return self._region_sides.get(found[0]), True
        return None, False

    def _keyword_actor(self, side: str, text: str) -> Actor | None:
        words = {w for w in _WORDS.findall(text.lower())}
        best: tuple[int, int, Actor] | None = None
        for order, actor in enumerate(self.config.actors):
            if actor.side != side:
                continue
            keywords = self._keywords[actor.name]
            if not keywords:
                continue
            hits = len(keywords & words)
            # The kind of body must match too: "China Foreign Affairs University" is not the Ministry
            # of Foreign Affairs, "the US trade office" is the Office of the US Trade Representative.
            heads = keywords & _BODY_HEADS
            if heads and not heads & words:
                continue
            if hits >= min(2, len(keywords)) and (best is None or hits > best[0]):
                best = (hits, order, actor)
        return best[2] if best else None

    def _organization(self, speaker: Speaker, actor: Actor | None) -> str | None:
        if actor is not None:
            return actor.organization or actor.name
        if speaker.kind == INSTITUTION and speaker.proper:
            return _DETERMINER.sub("", speaker.name)
        for text in (speaker.title, speaker.name):
            m = _ORG_AFTER.search(text) or _ORG_RUN.search(text)
            if m and m.group(1).strip().lower() not in GEO:  # "at Japanese magnet producers"
                return m.group(1).strip()
        return None

    def _decide(self, speaker: Speaker, texts: list[str]) -> Resolution | None:
        """Rules 1 and 2 on the given texts, or None when neither decides."""
        actor = self._by_alias_rule(speaker, texts)
        if actor is not None:
            return Resolution(actor.name, actor.side, self._organization(speaker, actor), "alias")
        side, decided = self._by_affiliation(texts)
        if not decided:
            return None
        if side is None:
            return Resolution(None, None, self._organization(speaker, None), "unknown")
        actor = self._keyword_actor(side, " ".join(texts))
        return Resolution(
            actor.name if actor else None, side, self._organization(speaker, actor), "affiliation"
        )

    def resolve(self, speaker: Speaker, feed: str) -> Resolution:
        key = (speaker, feed)
        if key not in self._cache:
            self._cache[key] = self._resolve(speaker, feed)
        return self._cache[key]

    def _resolve(self, speaker: Speaker, feed: str) -> Resolution:
        decided = self._decide(speaker, [speaker.name, speaker.title])
        if decided is None and speaker.context:
            decided = self._decide(speaker, [speaker.context])
        if decided is not None:
            return decided
        feed_cfg = self.config.feed(feed)
        actor = self._actors.get(feed_cfg.actor) if feed_cfg and feed_cfg.actor else None
        unnamed = speaker.kind in (INSTITUTION, OFFICIAL) and not speaker.proper
        if actor is not None and (
            unnamed or (feed_cfg is not None and feed_cfg.kind == "government" and _public_office(speaker))
        ):
            return Resolution(actor.name, actor.side, actor.organization or actor.name, "feed_default")
        return Resolution(None, None, self._organization(speaker, None), "unknown")
