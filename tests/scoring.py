"""hit@5 and MRR@10 of a list of gold questions, for tests and benchmarks that compare two set-ups
(accented against accent-free questions, a document against its accent-stripped copy)."""
from __future__ import annotations

import numpy as np

from qa.accents.restorer import AccentRestorer
from qa.evaluation import GoldItem


def retrieval_scores(assistant, items: list[GoldItem], restorer: AccentRestorer | None, *,
                     dense_only: bool = False) -> tuple[float, float]:
    """hit@5 and MRR@10 of the hybrid search (or of the dense leg alone) over the assistant's index, the
    questions understood with `restorer` (None: never restored), judged on the raw spans."""
    from qa.answers.answer import Answer, Passage
    from qa.evaluation import judge
    from qa.search.query import understand
    from qa.search.retrieval import Hit, Retriever
    index = assistant.index
    retriever = Retriever(index, assistant.embedder, assistant.config)
    hits5 = mrr = 0.0
    for item in items:
        query = understand(item.question, restorer)
        if dense_only:
            qvec = assistant.embedder.embed_queries([query.restored or query.text])[0]
            scores = index.dense_scores(qvec)
            hits = [Hit(index.chunks[j], float(scores[j]), float(scores[j]), 0.0)
                    for j in np.argsort(-scores)[:10]]
        else:
            hits = retriever.search(query, 10)
        answer = Answer(item.question, False, "", [Passage(n + 1, h) for n, h in enumerate(hits)], "", query)
        first = judge(item, answer, index.raw_text).first_rank()
        hits5 += first is not None and first <= 5
        mrr += 1 / first if first else 0.0
    return hits5 / len(items), mrr / len(items)
