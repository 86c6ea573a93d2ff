"""The shared-engine bench on a small size: both back ends serve the same passages, the swap is seen, the report
renders. (Figures are printed by `coopguide bench --shared`; nothing here is timed.)"""

from assistant.evaluation.bench_shared import measure_backends
from assistant.evaluation.bench_tables import shared_blocks

QUESTIONS = ["Which rules apply to exporting quantum sensors?", "Wer ist für Exportkontrolle zuständig?"]


def test_sqlite_and_postgres_rows_and_swap(built, postgres_url):
    row = measure_backends(built, QUESTIONS, 700, postgres_url)
    assert row["size"] == 700 and set(row["backends"]) == {"sqlite", "postgres"}
    for backend in row["backends"].values():
        assert backend["search_ms"]["p95"] > 0 and backend["ask_ms"]["p95"] > 0
        swap = backend["swap"]
        # the new generation became visible to the serving handle, after the job had published it
        assert swap["commit_to_visible_ms"] >= swap["publish_ms"] > 0
        assert swap["load_swap_ms"] > 0
    text = "\n\n".join(shared_blocks({"sizes": [row]}))
    assert "| 700 | sqlite |" in text and "| 700 | postgres |" in text and "Generation swap" in text


def test_both_back_ends_return_the_same_passages(built, postgres_url, tmp_path):
    """Same vectors, same chunks: the manifest back end must not change what search finds."""
    from assistant.evaluation.bench_shared import _fill
    from assistant.evaluation.pg import new_database
    from assistant.service import Assistant

    db = new_database(postgres_url, "bench_same")
    indexes, _ = _fill(built, 600, tmp_path, db)
    found = {}
    for name, index in indexes.items():
        index.build_keywords()
        bot = Assistant(settings=built.settings, embedder=built.embedder, index=index)
        found[name] = [[p.chunk.chunk_id for p in bot.search(q)] for q in QUESTIONS]
    assert found["sqlite"] == found["postgres"] and all(found["sqlite"])
