"""The cue lexicon: which words introduce attributed speech or thought, and what stance they carry.

Verbs are matched by lemma. A cue alone is not an attribution: the rules in `attribute.rules`
also need content (a complement clause, a quotation, an inverted or parenthetical clause), so broad
verbs such as "add", "show" or "call" only count where they take such content.
"""

from __future__ import annotations

from parallax.records import Stance

SPEECH_VERBS = frozenset({
    "say", "tell", "state", "add", "claim", "argue", "insist", "deny", "reject", "refute", "admit",
    "confess", "acknowledge", "concede", "accuse", "urge", "warn", "explain", "note", "announce",
    "report", "write", "suggest", "declare", "assert", "maintain", "stress", "emphasize", "emphasise",
    "reiterate", "repeat", "continue", "respond", "reply", "answer", "ask", "predict", "estimate",
    "reveal", "indicate", "confirm", "promise", "pledge", "vow", "threaten", "complain", "allege",
    "contend", "charge", "testify", "recall", "tweet", "post", "describe", "mention", "observe",
    "remark", "comment", "point", "affirm", "caution", "demand", "dispute", "dismiss", "counter",
    "retort", "concur", "agree", "disagree", "boast", "brag", "lament", "conclude",
    "disclose", "divulge", "hint", "imply", "inform", "notify", "advise", "propose", "recommend",
    "forecast", "guarantee", "assure", "reassure", "speculate", "specify", "signal",
    "underline", "underscore", "highlight", "joke", "quip", "shout", "scream", "cry", "whisper",
    "express", "voice", "blame", "criticize", "criticise", "condemn", "praise", "welcome", "question",
    "wonder", "contradict", "rebut", "downplay", "rule", "protest", "plead", "order",
    "instruct", "direct", "command", "request", "invite", "show", "find", "calculate", "project", "accept",
})

THOUGHT_VERBS = frozenset({
    "believe", "think", "know", "feel", "expect", "hope", "fear", "worry", "doubt", "suspect", "assume",
    "consider", "reckon", "realize", "realise", "understand", "want", "wish", "prefer", "intend",
    "plan", "seem", "appear", "learn", "hear", "see", "recognize", "recognise", "insist",
})

CUE_VERBS = SPEECH_VERBS | THOUGHT_VERBS

# Verbs that only count when their complement is a clause or quotation, never with a bare object.
CLAUSE_ONLY = frozenset({"add", "continue", "show", "find", "point", "rule", "see", "hear", "learn",
                         "know", "feel", "consider", "understand", "seem", "appear", "want", "wish",
                         "plan", "intend", "prefer", "order", "direct", "accept", "project", "calculate"})

# Verbs whose prepositional or infinitival complement is the content: "admitted to sending",
# "accused Iran of supplying", "warned of shortages", "urged Iran to stop", "called for a ceasefire".
PREPOSITIONS = {
    "admit": ("to",), "confess": ("to",), "accuse": ("of",), "warn": ("of", "about", "against", "that"),
    "complain": ("about", "of"), "boast": ("about", "of"), "call": ("for", "on"), "testify": ("about", "to"),
    "insist": ("on",),
    "blame": ("for",), "criticize": ("for",), "criticise": ("for",), "condemn": ("for",),
    "praise": ("for",), "plead": ("for",), "threaten": ("with",), "hint": ("at",), "express": ("about",),
    "deny": ("to",), "refer": ("to",),
}

INFINITIVE_CUES = frozenset({"urge", "promise", "pledge", "vow", "threaten", "ask", "demand", "tell",
                             "order", "call", "warn", "advise", "instruct", "request", "invite", "refuse",
                             "decline", "want", "plan", "intend", "expect", "hope", "agree", "deny", "claim"})

# Verbs of stated opinion whose direct object is what is attributed: "attacked the plan", "cited a poll".
OBJECT_CUES = frozenset({"attack", "support", "criticize", "criticise", "praise", "oppose", "endorse", "back",
                         "propose", "cite", "defend", "question", "mention", "discuss", "promote", "blast",
                         "slam", "mock", "welcome", "condemn", "describe", "dispute", "reject", "deny", "admit",
                         "acknowledge", "demand", "predict", "reveal", "disclose", "recommend",
                         "dismiss", "denounce", "decry", "applaud", "hail", "lament", "warn", "urge", "favor",
                         "favour", "advocate", "champion", "tout", "highlight", "stress", "emphasize",
                         "emphasise", "blame", "accuse", "ridicule", "deride", "allege"})

# Verbs naming what something is: "called the charges unsubstantiated", "labelled him a liar".
NAMING_VERBS = frozenset({"call", "label", "brand", "term", "dub", "deem", "declare", "describe", "consider"})

# Verbs that make a statement noun their object: "issued the following statement: “…”".
STATEMENT_VERBS = frozenset({"issue", "make", "release", "give", "publish", "deliver", "post", "send", "read"})

# Nouns that head the object of "issue/make/give/release" and introduce what follows a colon.
STATEMENT_NOUNS = frozenset({"statement", "remark", "comment", "message", "warning", "announcement",
                             "declaration", "speech", "address", "response", "reply", "tweet", "post",
                             "note", "letter", "appeal", "plea", "words", "interview", "briefing"})

STANCES: dict[str, Stance] = {
    **dict.fromkeys(("deny", "reject", "refute", "dismiss", "dispute", "rebut", "contradict", "counter",
                     "downplay", "refuse", "decline"), "deny"),
    **dict.fromkeys(("admit", "confess", "acknowledge", "concede", "accept"), "admit"),
    **dict.fromkeys(("accuse", "blame", "allege", "charge", "criticize", "criticise", "condemn"), "accuse"),
    **dict.fromkeys(("urge", "demand", "call", "ask", "press", "order", "request", "plead", "appeal"), "demand"),
    **dict.fromkeys(("warn", "threaten", "caution"), "warn"),
}

# Words that pass for a clause subject but never name a source.
NON_SOURCES = frozenset({"there", "this", "that", "what", "which"})

# Objects that make "told reporters", "said in a statement" part of the cue.
AUDIENCE_NOUNS = frozenset({"reporter", "journalist", "press", "audience", "crowd", "lawmaker", "supporter",
                            "interviewer", "viewer", "listener", "reader", "parliament", "congress", "senate",
                            "committee", "conference", "network", "newspaper", "agency", "television", "radio",
                            "station", "channel", "program", "programme", "show"})


def stance_of(lemma: str, negated: bool = False) -> Stance | None:
    """The stance a cue verb gives its content; "did not deny" carries none."""
    stance = STANCES.get(lemma.lower())
    if negated and stance in ("deny", "admit"):
        return None
    return stance

# Common nouns that can be a source without naming a person: groups, institutions, documents and data.
GROUP_SOURCES = frozenset({
    "official", "authority", "government", "administration", "ministry", "department", "agency", "police",
    "army", "military", "navy", "force", "court", "judge", "jury", "panel", "committee", "commission",
    "council", "board", "parliament", "congress", "senate", "house", "cabinet", "office", "regulator",
    "company", "firm", "bank", "group", "party", "campaign", "union", "organization", "organisation",
    "association", "coalition", "alliance", "team", "staff", "side", "camp", "movement", "network",
    "newspaper", "paper", "outlet", "media", "press", "channel", "station", "broadcaster", "magazine",
    "people", "public", "community", "family", "crowd", "majority", "minority", "resident", "voter",
    "citizen", "worker", "employee", "member", "leader", "expert", "analyst", "economist", "scientist",
    "researcher", "critic", "supporter", "opponent", "activist", "observer", "witness", "source",
    "insider", "diplomat", "lawmaker", "legislator", "politician", "prosecutor", "investigator",
    "report", "study", "survey", "poll", "statement", "document", "data", "figure", "record", "analysis",
    "estimate", "letter", "filing", "ruling", "order", "law", "bill", "research", "review", "audit",
    "investigation", "inquiry", "probe", "assessment", "memo", "email", "tweet", "post", "article", "story",
    "editorial", "book", "evidence", "model", "projection", "forecast", "index", "test", "result", "finding",
    "census", "website", "site", "release", "message", "note", "complaint", "lawsuit", "suit", "petition",
    "resolution", "declaration", "communique", "transcript", "footage", "video", "recording", "sign",
    "state", "country", "nation", "world", "everyone", "everybody", "nobody", "someone", "somebody",
    "many", "some", "few", "other", "others", "both", "all", "most", "several", "one", "none",
    "ad", "advertisement", "clip", "spot", "commercial", "broadcast", "publication", "submission", "brief",
    "protocol", "outline", "section", "chapter", "passage", "phrase", "response", "reply", "endorsement",
    "average", "management", "city", "town", "village", "museum", "fund", "corporation", "subsidiary",
    "institute", "university", "school", "hospital", "charity", "foundation", "mate", "sibling", "relative",
    "advocate", "enemy", "ally", "friend", "chorus",
})
