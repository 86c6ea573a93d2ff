"""The tables of bench.md: latency by size, ingest, concurrent clients, and the shared-engine rows."""

from __future__ import annotations

from typing import Any


def size_table(result: dict[str, Any]) -> str:
    lines = [
        "| chunks | embed p50/p95 | Chroma p50/p95 | floor p95 | search p50/p95/p99 | ask p50/p95/p99 "
        "| ask p95 / floor | LangChain p95 | ask p95 / LangChain p95 | serving peak RSS MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["sizes"]:
        e, c, s, a, lc = r["embed_ms"], r["chroma_ms"], r["search_ms"], r["ask_ms"], r["langchain_ms"]
        lines.append(f"| {r['size']:,} | {e['p50']}/{e['p95']} | {c['p50']}/{c['p95']} | {r['floor_p95_ms']} | "
                     f"{s['p50']}/{s['p95']}/{s['p99']} | {a['p50']}/{a['p95']}/{a['p99']} | "
                     f"{r['ask_p95_over_floor']} | {lc['p95']} | {r['ask_p95_over_langchain_p95']} | "
                     f"{r['serving_rss_mb']} |")  # fmt: skip
    return "\n".join(lines)


def ingest_line(ing: dict[str, Any]) -> str:
    return (f"{ing['files']} notes, {ing['sections']} sections, {ing['chunks']} chunks in {ing['seconds']} s = "
            f"{ing['chunks_per_s']} chunks/s, {ing['sections_per_s']} sections (pages)/s; the embedder alone: "
            f"{ing['embedder_raw_chunks_per_s']} chunks/s. Re-index of the unchanged notes: "
            f"{ing['reindex_unchanged_s']} s = {ing['reindex_share'] * 100:.2f} % of the full build "
            "(target ≤ 5 %).")  # fmt: skip


def clients_table(rows: list[dict[str, Any]]) -> str:
    table = [
        "| instances | query batching | clients | requests | errors | p50 ms | p95 ms | throughput req/s "
        "| × 1 client |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in rows:
        batching = {True: "on", False: "off"}.get(c.get("batching"), "on")
        cells = [c.get("instances", 1), batching, c["clients"], c["requests"], c["errors"], c["p50_ms"], c["p95_ms"],
                 c["throughput_rps"], c.get("x_single") or "—"]  # fmt: skip
        table.append("| " + " | ".join(str(x) for x in cells) + " |")
    return "\n".join(table)


def backend_table(sizes: list[dict[str, Any]]) -> str:
    lines = [
        "| chunks | back end | search p50/p95 | ask p50/p95 | PostgreSQL adds at p95 (search / ask) "
        "| manifest commit chunks/s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in sizes:
        added = r["postgres_adds_p95_ms"]
        for name, row in r["backends"].items():
            s, a = row["search_ms"], row["ask_ms"]
            extra = f"{added['search']} / {added['ask']} ms" if name == "postgres" else "—"
            lines.append(f"| {r['size']:,} | {name} | {s['p50']}/{s['p95']} | {a['p50']}/{a['p95']} | {extra} | "
                         f"{row['manifest_commit_chunks_per_s']:,} |")  # fmt: skip
    return "\n".join(lines)


def swap_table(sizes: list[dict[str, Any]]) -> str:
    lines = [
        "| chunks | back end | cold load ms | publish (job) ms | load + swap (instance) ms | commit → visible ms "
        "| slowest lookup meanwhile ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in sizes:
        for name, row in r["backends"].items():
            w = row["swap"]
            lines.append(f"| {r['size']:,} | {name} | {w['cold_load_ms']} | {w['publish_ms']} | {w['load_swap_ms']} | "
                         f"{w['commit_to_visible_ms']} | {w['slowest_lookup_during_swap_ms']} |")  # fmt: skip
    return "\n".join(lines)


def shared_blocks(shared: dict[str, Any]) -> list[str]:
    blocks = ["## Shared engines: SQLite vs PostgreSQL in the same run",
              "Same vectors (one embedded Chroma collection), same questions, interleaved; the PostgreSQL server "
              "runs on this machine (loopback). Target: the shared store adds at most 10 ms at p95."]  # fmt: skip
    if shared.get("sizes"):
        blocks += [backend_table(shared["sizes"]), "### Generation swap", swap_table(shared["sizes"]),
                   "The job publishes the keyword sets; a warm instance loads the new set in the background and swaps "
                   "the reference; requests meanwhile use the previous set (slowest lookup column)."]  # fmt: skip
    if shared.get("ingest"):
        blocks += ["### Ingest throughput"]
        blocks += [f"- {name}: {ingest_line(row)}" for name, row in shared["ingest"].items()]
    if shared.get("instances"):
        blocks += ["### One vs two `coopguide serve` processes on PostgreSQL + `chroma run`",
                   clients_table(shared["instances"]),
                   "On one 2-core machine both processes share the same two cores, so this shows the overhead of a "
                   "second instance, not a speed-up; a second machine adds its cores."]  # fmt: skip
    return blocks


def memory_table(result: dict[str, Any]) -> str:
    """RSS of a fresh serving process after each start-up stage, per index size (MiB)."""
    rows = [r for r in result["sizes"] if r.get("memory")]
    if not rows:
        return ""
    names = [name for name, _ in rows[0]["memory"]["stages"]]
    lines = ["| stage | " + " | ".join(f"{r['size']:,} chunks" for r in rows) + " |",
             "| --- |" + " --- |" * len(rows)]  # fmt: skip
    for i, name in enumerate(names):
        lines.append(f"| {name} | " + " | ".join(str(r["memory"]["stages"][i][1]) for r in rows) + " |")
    lines.append("| **peak** | " + " | ".join(f"**{r['memory']['peak_mb']}**" for r in rows) + " |")
    lines.append("| on disk: Chroma / keyword / manifest | " + " | ".join(
        f"{r['memory']['disk_mb']['chroma']} / {r['memory']['disk_mb']['keyword']} / "
        f"{r['memory']['disk_mb']['manifest.sqlite']}" for r in rows) + " |")  # fmt: skip
    return "\n".join(lines)
