"""The genre's vocabulary: words of conflict and event reporting, not names.

Nothing here names a place or group of one article: these are the common nouns,
titles and function words that Wikipedia's war and event articles use around
names, so that :mod:`kg.extract.mentions` and :mod:`kg.extract.casualties` can
tell a place from an actor and a person from a tank in articles never seen.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.countries import COUNTRIES


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NUMBER_WORDS: dict[str, int] = {
    **{w: n for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split())},
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "million": 1_000_000,
}

# Plural nouns for people, the heads of casualty figures ("18 regular soldiers").
PERSON_NOUNS = _words(
    "people person persons civilians residents villagers inhabitants citizens men women children boys girls "
    "soldiers troops fighters rebels militants insurgents jihadists gunmen militiamen guerrillas "
    "terrorists attackers bombers snipers defenders combatants mercenaries recruits conscripts "
    "servicemen personnel members officers commanders leaders officials policemen police guards "
    "marines sailors pilots airmen crew crewmen paratroopers infantrymen cavalrymen volunteers "
    "protesters demonstrators activists journalists reporters workers students prisoners inmates "
    "hostages refugees migrants passengers worshippers pilgrims doctors medics nurses staff "
    "employees tribesmen loyalists supporters opponents islamists others them whom "
    "peacekeepers observers monitors contractors firefighters rescuers tourists monks nuns priests "
    "clerics defectors deserters settlers farmers miners engineers drivers interpreters translators "
    "gendarmes cadets legionnaires partisans commandos separatists sympathisers collaborators"
)
SINGULAR_PERSON_NOUNS = _words(
    "commander general officer soldier fighter rebel militant insurgent civilian journalist "
    "photographer reporter cameraman policeman guard colonel major captain lieutenant sergeant "
    "corporal leader member man woman child boy girl resident worker activist doctor medic nurse "
    "pilot sniper bomber official cleric imam priest student protester demonstrator volunteer "
    "diplomat ambassador consul governor mayor judge minister contractor driver engineer teenager "
    "peacekeeper observer monitor fixer interpreter translator bodyguard aide guide firefighter "
    "tourist monk nun farmer shepherd spokesman gendarme cadet person"
)
# Things counted in the genre that are never casualties.
NON_PERSON_NOUNS = _words(
    "tanks vehicles cars trucks missiles rockets bombs shells mortars aircraft planes jets "
    "helicopters drones boats ships guns weapons rifles checkpoints positions villages towns cities "
    "buildings houses homes shops km kilometres kilometers miles metres meters feet yards "
    "millimetres hours days weeks months years minutes times percent votes seats dollars dinars "
    "euros pounds tonnes tons rounds sorties strikes airstrikes attacks raids cigars battalions "
    "brigades regiments divisions districts neighbourhoods points"
)

# --- actors -------------------------------------------------------------------

# Participant nouns: a plural (or collective) common noun naming who acts. The
# value is the form rule G asks for ("rebel fighters" → "rebels").
PARTICIPANTS = _words(
    "rebels soldiers troops fighters militants insurgents jihadists gunmen militiamen guerrillas "
    "terrorists attackers bombers snipers defenders combatants mercenaries paratroopers marines "
    "policemen police protesters demonstrators volunteers loyalists islamists separatists "
    "partisans commandos peacekeepers servicemen brigades battalions regiments militias armies allies commentators viewers "
    "unionists garrison cavalry infantry paramilitaries warriors army government opposition coalition forces navy "
    "officers pilots commanders leaders advisers prosecutors historians divisions units"
)
# Groups used as modifiers ("rebel troops", "government forces") give the group.
GROUP_MODIFIERS = {"rebel": "rebels", "government": "government", "army": "army",
                   "opposition": "opposition", "coalition": "coalition", "militia": "militia",
                   "terrorist": "terrorists", "insurgent": "insurgents", "jihadist": "jihadists",
                   "police": "police", "regime": "regime", "separatist": "separatists",
                   "loyalist": "loyalists", "islamist": "islamists"}
# Nouns that only say "members of the group before them": "ISIL fighters" → "ISIL",
# "its fighters" → what "its" refers to.
MEMBER_NOUNS = _words("fighters troops soldiers forces units militants men members gunmen personnel "
                      "positions army militiamen brigades battalions officers pilots commanders")
# Never actors (rule G): civilians and their kin.
CIVILIANS = _words("civilians people residents refugees inmates hostages prisoners villagers "
                   "inhabitants citizens children women men families passengers worshippers")
TITLES = _words(
    "col col. gen gen. maj maj. lt lt. cpl cpl. sgt sgt. capt capt. cmdr brig brig. adm adm. dr dr. "
    "mr mr. mrs mrs. sir marshal general colonel major captain lieutenant sergeant corporal admiral "
    "commander president chancellor king queen prince princess emperor empress pope sheikh emir "
    "premier minister-president field lord lady"
)
# The last word of a capitalised name that makes it a group.
ACTOR_HEADS = _words(
    "army armies force forces front brigade brigades battalion battalions division divisions corps "
    "guard guards regiment movement party council committee coalition legion militia units unit "
    "group organization organisation programme program agency ministry watch government "
    "administration police navy command alliance union league bundestag bundesbank parliament "
    "congress senate assembly court cabinet"
)
# Verbs of saying: a subject before one is a source, an actor only where it also acts.
SPEECH_VERBS = _words(
    "said says denied denies deny claimed reported announced announces declared declares stated "
    "called confirmed insisted alleged acknowledged accused warned"
)
PRONOUNS_PLURAL = _words("they them")
PRONOUNS_SINGULAR = _words("it he she him her")

# --- places -------------------------------------------------------------------

# Generic words that belong to a place's name and stay ("Sehyan checkpoint").
PLACE_KEEP = _words(
    "checkpoint checkpoints base bases highway highways camp camps airport airports airbase "
    "bridge bridges mosque mosques church prison prisons hill hills mountain mountains creek "
    "river road roads pike dam palace factory station stadium hospital consulate embassy "
    "island islands coast port crossing junction intersection gate wall souq market lake "
    "governorate province canal valley field airfield refinery barracks temple cathedral museum university "
    "castle citadel theatre theater monastery shrine tomb fortress volcano ridge sea peninsula plain "
    "tunnel library alley street avenue boulevard harbour harbor forest desert oasis"
)
# First words of place names: "Mount Igman", "Lake Chad", "Cape Helles".
PLACE_OPENERS = _words("mount lake cape")
# Generic words dropped from the name (rule F): "Baboulin town" → "Baboulin".
PLACE_DROP = _words("town towns village villages city district districts area neighbourhood "
                    "neighborhood suburb suburbs quarter region")
# Nouns before "of X" that make X a place: "the town of X", "the outskirts of X".
PLACE_OF = PLACE_KEEP | PLACE_DROP | _words(
    "outskirts part parts centre center edge heart most much half rest east west north south "
    "northeast northwest southeast southwest countryside farm farmhouse inn streets siege fall "
    "governor mayor capture outskirt vicinity entrance crossroads areas enclave capital"
)
# The nouns of PLACE_OF that name a settlement or estate: "the inn of La Belle Alliance" is a
# place even though "Alliance" heads group names.
PLACE_OF_STRONG = _words("town towns city village villages district districts suburb suburbs "
                         "outskirts farm farmhouse inn province governorate neighbourhood "
                         "neighborhood governor mayor capital")
# Words that may follow a place name: prepositions, conjunctions, auxiliaries, adverbs.
# Any other lowercase word after a name makes it a modifier ("the Confederate line").
FOLLOW_PLACE = _words(
    "and or but nor as after before during on for with to of by at in into from near since until "
    "while where when which who that than was were is are had has have been be being would could "
    "will later then also again itself instead only still too through towards toward "
    "under over across along around against between beyond inside outside within without via "
    "north south east west"
)
# Prepositions and verbs after which a capitalised name is a place.
PLACE_PREPS = _words(
    "in at near around towards toward into outside across through from inside within along "
    "between via past beyond reached entered captured recaptured seized took retook stormed "
    "overran besieged surrounded encircled shelled bombed liberated occupied crossed crossing "
    "flooded fled evacuated abandoned over down up"
)
COMPASS = _words(
    "north south east west northern southern eastern western northeast northwest southeast "
    "southwest north-east north-west south-east south-west northeastern northwestern "
    "southeastern southwestern north-eastern north-western south-eastern south-western central "
    "upper lower"
)
# Adjectives of nationality or faith: "German troops" gives "troops" (rule G).
NATIONALITY = _words(
    "soviet dutch greek thai swiss french british irish welsh scottish kurdish arab shia shiite "
    "sunni alawite druze yazidi jewish muslim christian catholic western eastern northern southern "
    "islamic turkish polish danish swedish finnish spanish german us u.s uk usa roman ottoman byzantine mongol serb croat bosniak"
)
NATIONALITY_ENDINGS = ("ian", "ean", "can", "yan", "ese", "ani", "qi", "eli", "eni", "udi", "ati", "ali", "ist")
# First parts of compound adjectives: "Anglo-Egyptian", "Franco-Prussian".
_COMBINING = frozenset("anglo franco austro sino russo greco italo indo german afro euro".split())
# Capitalised words that open a sentence but name nothing.
FUNCTION_WORDS = _words(
    "the a an on in at by for from after before during despite also according later two three four "
    "five six seven eight nine ten it they he she this that these those his her its their "
    "meanwhile however then when while as since following until although some many most several "
    "both each all over under with without between among around near heavy later earlier "
    "thousands hundreds dozens tens about nearly approximately only other another first last next "
    "same following previous of and or but if so there here we our"
)
MONTHS = _words("January February March April May June July August September October November December")
MONTHS_LOWER = frozenset(m.lower() for m in MONTHS)
# Capitalised words that head names of documents or operations, not actors or places.
NOT_NAMES = _words("operation order proclamation agreement treaty act resolution accords declaration "
                   "conference plan campaign offensive battle siege war")
# Lowercase words after a name that make it a document's name: "the Minsk II agreement".
NOT_NAMES_AFTER = _words("agreement agreements treaty accord accords declaration resolution protocol ceasefire plan")
# "ISIL-held", "US-led": the group that holds or leads.
HELD = re.compile(r"(.+)-(?:held|led|backed|controlled|occupied|allied|aligned|supported)")
# Aliases of the genre: adjective forms of alliance names.
ACTOR_ALIASES = {"allied": "Allies", "confederate": "Confederates", "axis": "Axis"}


# Both tests are pure and asked of the same capitalised words again and again (some 250
# times per article); the cache is bounded, so it never grows with the build.
@lru_cache(maxsize=1 << 16)
def is_nationality(word: str) -> bool:
    """An adjective of nationality or faith ("Syrian", "Iraqi", "Shia"), by list, by a state's
    name ("Rwandan", "Ugandan", "Cuban") or by ending."""
    low = word.lower()
    if "-" in low and not low.startswith(("al-", "el-")):
        parts = word.split("-")
        return len(parts) > 1 and all(p.lower() in _COMBINING or is_nationality(p) for p in parts if p)
    return is_demonym(word) or (
        len(low) > 3 and not word.isupper() and low.endswith(NATIONALITY_ENDINGS) and "-" not in low
    )


@lru_cache(maxsize=1 << 16)
def is_demonym(word: str) -> bool:
    """A sure adjective of nationality or faith: listed, or a state's name + "n" ("Rwandan")."""
    low = word.lower()
    return low in NATIONALITY or (low.endswith("n") and word[:-1] in COUNTRIES)
