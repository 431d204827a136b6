"""Word lists for finding speakers in English news text.

Kept apart from the grammar in `speech.py` so that a missed form is usually a one-word fix here.
All entries are lower case; capitalised words are looked up lower-cased.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A word list written as one string, split on whitespace."""
    return frozenset(text.split())


PRONOUNS = words("he she they it")

DETERMINERS = words(
    "the a an its his her their one some several many two three four five other these those both most "
    "few various another our certain numerous multiple"
)

# Words that tell whether "he" or "she" can refer to a speaker.
GENDERED = {
    **dict.fromkeys(words("mr sir spokesman chairman congressman businessman councilman statesman"), "m"),
    **dict.fromkeys(
        words(
            "mrs ms miss madam madame dame spokeswoman chairwoman congresswoman businesswoman councilwoman "
            "stateswoman lady"
        ),
        "f",
    ),
}

# Small words allowed inside proper names of organisations ("Ministry of Industry and Information
# Technology", "Office of the U.S. Trade Representative"), only between capitalised words.
CONNECTORS = words("of for and on de del van von der da du la le bin al y & the")

# Titles of courtesy, dropped when a name comes with a real description.
HONORIFICS = words("mr mrs ms dr prof")

# Lower-case words inside personal names: "Ursula von der Leyen".
NAME_PARTICLES = words("von van der den de da di du le la bin ibn al el dos das del")

# Prepositions that tie an unnamed speaker to an organisation: "a spokesperson for the Commission".
AFFILIATING = words("for of at with from in on to")

# Lower-case words that can stand before the head of a speaker's noun phrase.
MODIFIERS = words(
    """senior top chief deputy vice former local foreign industry trade government state unnamed anonymous
    leading prominent independent western domestic international regional economic commerce economy
    finance financial press regular official news market mining mineral minerals metals metal rare earth
    policy security defense defence energy customs relevant key joint new latest written other
    business research academic military export control supply chain technical legal administration
    ministry office department commission agency team think tank chinese american european japanese
    us u.s. eu e.u. white house federal national provincial municipal central top-level high-ranking
    ranking veteran well-known renowned influential respected concerned affected major global overseas
    many some most several few certain numerous strategic public private commercial diplomatic
    spokesperson spokesman spokeswoman bloc member battery magnet automotive auto steel chip
    semiconductor technology tech mines"""
)

INSTITUTION_HEADS = words(
    """ministry ministries office department commission government administration agency bureau council
    embassy consulate authorities authority regulator regulators secretariat mission delegation cabinet
    broadcaster newspaper tabloid
    parliament congress senate committee association federation chamber institute university academy
    side company firm group corporation body organization organisation union bloc court board alliance
    center centre house country countries nation nations agencies governments departments offices sides
    coalition coalitions tank consultancy
    commissions councils bureaus associations institutes universities companies groups bodies
    organizations organisations unions ministries"""
)

DOCUMENT_HEADS = words(
    """release statement announcement notice communique communiqué document readout factsheet circular
    decree proclamation editorial commentary article letter memo filing report website post paper
    outline guideline guidelines"""
)

OFFICIAL_HEADS = words(
    """spokesperson spokesman spokeswoman official minister secretary representative ambassador envoy
    diplomat negotiator director chief head commissioner president premier chairman chairwoman officer
    adviser advisor administrator"""
)

# Groups that speak in market and policy news, but never describe a single speaker: "buyers said".
MARKET_GROUPS = """supporters opponents proponents backers advocates makers manufacturers buyers suppliers
    exporters importers refiners processors automakers carmakers chipmakers users consumers
    recyclers smelters developers fabricators"""

GROUP_HEADS = words(
    """officials spokespeople spokespersons experts expert analysts analyst researchers researcher
    observers observer insiders insider sources source economists economist scholars scholar executives
    executive traders trader lawmakers lawmaker politicians critics people participants delegates
    commentators academics professors professor specialists specialist producers miners companies firms
    investors bankers consultants consultant advisers advisors leaders members diplomats negotiators
    ministers representatives lawyers attorneys economists strategists outlets media buyer seller supplier
    dealer dealers broker brokers customer customers purchaser purchasers banker investor refiner importer
    producer consumer manager engineer employee worker staffer distributor distributors developer explorer
    recycler smelter miner
    person
    exporter"""
) | words(MARKET_GROUPS)

HEADS = INSTITUTION_HEADS | DOCUMENT_HEADS | OFFICIAL_HEADS | GROUP_HEADS

# Words that make a title, before a name ("Commerce Minister Wang Wentao") or in a description.
ROLE_WORDS = words(
    """spokesperson spokesman spokeswoman minister secretary representative ambassador envoy director
    director-general president vice vice-president chairman chairwoman chair chairperson commissioner
    premier governor senator sen rep gov mayor chancellor chief head ceo cfo coo cto founder co-founder
    dr prof professor mr ms mrs official officer counselor counsellor adviser advisor administrator
    undersecretary under-secretary deputy analyst researcher economist expert fellow scholar lawmaker
    congressman congresswoman diplomat negotiator strategist consultant lecturer dean editor columnist
    commentator partner manager executive leader coordinator czar tsar attorney judge speaker principal
    associate assistant member trader secretary-general president-elect chief-executive scientist
    engineer geologist lawyer historian author owner professor researcher specialist technologist
    officer staffer aide veteran insider observer watcher
    vice-minister vice-chairman vice-premier senators ministers secretaries commissioners ambassadors
    envoys governors colleague colleagues counterpart counterparts predecessor successor"""
)

# Nouns that show a description of an organisation: "a Beijing-based think tank".
DESC_NOUNS = (HEADS - words(MARKET_GROUPS)) | words(
    "tank think-tank consultancy firm company outlet newspaper agency body organization organisation "
    "producer miner maker group lab laboratory school faculty program programme initiative recycler "
    "refinery refiner smelter processor developer explorer startup start-up supplier manufacturer "
    "operator plant mine subsidiary unit arm affiliate owner republican democrat independent distributor"
)

# Words of organisation names: a capitalised word from this list is not part of a person's name.
ORG_WORDS = words(
    """ministry department office commission council agency administration bureau institute institution
    university academy center centre foundation association federation chamber group corporation corp
    company co inc ltd plc bank fund committee government house congress senate parliament embassy times
    daily news xinhua cgtn network forum alliance union service survey board authority exchange
    partnership coalition secretariat mission state trade commerce industry foreign affairs energy
    treasury defense defence interior economy finance customs reserve security court party post journal
    review press studies sciences research intelligence markets metals minerals mining resources
    materials representative representatives administration republic people's international global
    national federal general earth earths rare policy strategic council trading holdings capital
    partners advisory consulting analytics insights secretaría secretaria ministerio oficina cámara camara
    gobierno comisión comision subsecretaría dirección direccion instituto universidad banco asociación
    consejo unidad"""
)

# Countries, cities and their adjectives: on their own they name a government, not a person.
GEO = words(
    """china beijing shanghai shenzhen guangzhou hong kong us u.s. usa u.s.a. america united states
    washington japan tokyo mexico eu e.u. europe brussels india russia korea canada australia uk u.k.
    britain germany france taiwan prc kingdom chinese american japanese mexican european indian russian
    korean canadian australian british german french moscow ottawa canberra london berlin paris seoul
    delhi new york g7 g20 asia africa"""
)

# Capitalised words that never belong to a speaker's name (sentence openers, dates, function words).
CAP_STOP = words(
    """this that these those it its in on at but and however meanwhile if when while as after before since
    although though because despite under with without for from by to asked speaking according there
    here what which who whom whose where why how also then now today yesterday tomorrow monday tuesday
    wednesday thursday friday saturday sunday january february march april june july august
    september october november december last next
    earlier later such both each every all any no not so yet still instead i we you my your photo file
    her his their our
    meanwhile separately overall despite amid during following responding commenting addressing
    referring pressed questioned quizzed challenged interviewed reached contacted"""
)

# Words that may open a phrase that sets the scene before the speaker ("On Monday, ...").
LEADIN_START = words(
    """on in at during last earlier later this speaking asked meanwhile however separately also then today
    yesterday responding commenting addressing referring when after before following according while as
    since under amid amidst despite with without for from by to over through but and so yet still now
    previously recently separately additionally moreover furthermore besides nevertheless nonetheless
    instead likewise similarly accordingly hence thus"""
)

# Words that open a scene-setting phrase inside the speaker's clause: "In a statement the ministry said".
SCENE_SETTERS = words(
    """on in at during last earlier later this speaking asked meanwhile however separately also then today
    yesterday responding commenting addressing referring according previously recently additionally
    moreover furthermore separately likewise similarly"""
)

# A speaker phrase may follow these inside a clause: "..., and analysts said", "while Li argued".
CLAUSE_JOINERS = words(
    "and but while as whereas although though because since after before when where if so yet then "
    "meanwhile however also or nor"
)

# Words that join one clause to another: "..., and the measures, Li said, are legal".
COORDINATORS = words("and but while whereas yet so")

# Words allowed between a reporting verb and "that": "told reporters at a press conference on Monday that".
BRIDGE_WORDS = words(
    """on in at during to with a an the its his her their this last next earlier later late early week
    month year weekend morning afternoon evening night day monday tuesday wednesday thursday friday
    saturday sunday statement interview conference briefing press news regular reporters journalists
    media forum meeting speech hearing written online post event summit sidelines of social released
    issued published posted website account remarks comments call address session panel symposium
    seminar official joint emailed video televised broadcast during audience lawmakers committee
    separate recent previous an also again repeatedly publicly today yesterday ministerial plenary
    roundtable talks visit trip launch signing ceremony dinner webinar podcast opening closing multiple
    several many occasions times numerous fact sheet factsheet regular routine daily weekly however
    though nonetheless nevertheless meanwhile moreover separately instead too"""
)

# Heads of nouns whose "according to" is a data source, not a speaker.
DATA_HEADS = words(
    """data figures statistics estimates estimate calculations numbers survey surveys poll polls index
    forecast forecasts projections records record research analysis study studies tally count prices
    price quotes assessment assessments"""
)

# Words that introduce a name rather than a quotation: "the so-called 'small yard, high fence'".
NAMING_WORDS = words(
    "so-called dubbed called termed named titled entitled nicknamed branded labelled labeled"
)

# Words that show a clause, not a noun phrase.
FUNCTION_WORDS = words(
    """a an the is are was were be been being has have had will would can could should may might must
    shall do does did that which who whom whose not no to of in on at by with for from as than then so if
    but and or nor it its they them their he him his she her we our us you your i me my this these those
    there here when where while because although though after before since until said says say told tells
    also only just very more most less least all any each every some such what how why"""
)

# --- reporting verbs ----------------------------------------------------------------------------------

# Verbs that report speech whatever follows them: "Li said the US ...", "Li warned of shortages".
STRONG_VERBS = words(
    """said says told tells claimed claims warned warns noted notes stressed stresses argued argues insisted
    insists urged urges emphasized emphasised emphasizes emphasises explained explains asserted
    asserts declared declares cautioned cautions reiterated reiterates contended contends complained
    complains countered counters underscored underscores underlined underlines criticized criticised
    criticizes criticises accused accuses denied denies predicted predicts wrote writes commented remarked
    observed believes recalled say warn argue believe insist claim note stress caution predict contend
    alleged alleges"""
)
STRONG_PHRASES = ("pointed out", "points out", "called on", "calls on", "called for", "calls for")
# Verbs that also name actions ("announced export controls"): speech only before "that", a colon or a
# quotation, or at the end of a clause they attribute ("..., the ministry added.").
WEAK_VERBS = words(
    """announced announces added adds maintained maintains confirmed confirms acknowledged acknowledges
    admitted admits revealed reveals disclosed discloses highlighted highlights suggested suggests responded
    responds replied replies asked asks vowed vows pledged pledges promised promises agreed agrees estimated
    estimates expects hopes welcomed welcomes rejected rejects dismissed dismisses continued stated
    reported reports hailed hails praised praises condemned condemns denounced denounces slammed slams
    described describes characterized characterised characterizes characterises"""
)
# Weak verbs that take a stand on something said or done: "welcomed the decision", "rejected the charge".
STANCE_VERBS = words(
    """welcomed welcomes rejected rejects dismissed dismisses hailed hails praised praises condemned
    condemns denounced denounces slammed slams"""
)
# Weak verbs that report a judgement when "as" follows: "described the probe as 'protectionism'".
DESCRIBING_VERBS = words("described describes characterized characterised characterizes characterises")
# What a stance is taken on: the noun after "welcomed the ..." / "rejected Washington's ...".
STANCE_OBJECTS = words(
    """decision decisions move moves agreement agreements deal deals plan plans proposal proposals
    announcement announcements framework claim claims charge charges accusation accusations allegation
    allegations report reports criticism remarks comments statement statements measure measures step
    steps initiative initiatives ruling rulings offer idea extension suspension approach policy policies
    scheme schemes mechanism talks outcome news pact pledge call calls action actions findings request
    invitation suggestion argument"""
)
# Weak verbs that may report a promise: "vowed to retaliate".
TO_VERBS = words("vowed vows pledged pledges promised promises")
# Base forms need a plural subject and no modal before them: "analysts say", not "declined to say".
BASE_FORMS = words("say warn argue believe insist claim note stress caution predict contend")
MODALS = words(
    "to would will can could may might should must did does do not never cannot let make made hear heard"
)
# Verbs that can come before their speaker: "..., said Li."
INVERTIBLE = words(
    """said says added adds noted notes warned warns argued argues explained explains insisted insists
    stressed stresses wrote writes asked asks continued cautioned reported reports"""
)
# Verbs followed by the reported clause itself ("said the US should ..."); after the others the verb
# belongs in the quote ("warned of shortages", "urged Washington to ...").
CLAUSE_VERBS = words(
    """said says told tells claimed claims argued argues insisted insists stated noted notes added adds
    believes wrote writes predicted predicts explained explains asserted asserts declared declares contended
    contends reiterated reiterates maintained maintains confirmed confirms acknowledged acknowledges admitted
    admits suggested suggests estimated estimates expects hopes countered counters complained complains
    remarked commented observed recalled revealed reveals disclosed discloses responded responds replied
    replies asked asks continued say believe argue insist claim note predict contend reported reports
    alleged alleges"""
)
# A word right before a reporting verb that shows it is not one: "the said measures", "as said".
NOT_BEFORE_VERB = words("the a an this that these those as so be is was were are been being to of")
PASSIVE = words("is was were are been be being")
PARTICIPLES = (
    "saying",
    "adding",
    "noting",
    "stressing",
    "warning",
    "arguing",
    "insisting",
    "urging",
    "claiming",
    "emphasizing",
    "emphasising",
    "pointing out",
    "explaining",
    "calling for",
    "calling on",
    "asserting",
    "declaring",
    "cautioning",
    "reiterating",
)

# Titles of public office: a named person so titled in a government's own release speaks for it,
# and "the official" may refer back to them. "Director" or "chief" alone could head a company.
PUBLIC_OFFICES = words(
    """secretary undersecretary under-secretary minister vice-minister spokesperson spokesman spokeswoman
    ambassador envoy commissioner official officials administrator negotiator deputy-secretary
    representative secretary-general counsellor counselor attaché attache consul adviser advisor
    director-general deputy-director-general vice-president"""
)
# A role at a public body named in the title: "Director of the Office of Critical Minerals".
PUBLIC_BODIES = words(
    "ministry bureau department office agency administration commission directorate secretariat division "
    "program programme"
)


def public_office(title: str) -> bool:
    """A title of public office: "Deputy Under Secretary", "Director of the ... Division"."""
    found = re.findall(r"[\w.-]+", title.lower())  # "program's" gives "program"
    return any(w in PUBLIC_OFFICES for w in found) or (
        any(w in ROLE_WORDS for w in found) and any(w in PUBLIC_BODIES for w in found)
    )
