"""Medians, ratios, the machine, and the results as Markdown and JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import builds

MIB = 1024 * 1024


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "node": builds.version(["node", "--version"]),
        "hugo": builds.version(["hugo", "version"]),
        "site_gen": builds.version([builds.site_gen_executable(), "--version"]),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def medians(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The median of every numeric field over the runs (non-numeric fields of the first)."""
    if not runs:
        return {}
    result: dict[str, Any] = {}
    for key, value in runs[0].items():
        values = [run[key] for run in runs]
        if isinstance(value, int | float) and not isinstance(value, bool):
            result[key] = statistics.median(values)
        else:
            result[key] = value
    return result


def ratios(mine: dict[str, Any], peer: dict[str, Any]) -> dict[str, float | None]:
    keys = ("wall_s", "cpu_s", "peak_rss_mib", "tree_pss_mib", "pages_per_s", "bytes")
    return {key: (mine[key] / peer[key] if peer.get(key) and mine.get(key) is not None else None) for key in keys}


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _size(count: float | None) -> str:
    if count is None:
        return "–"
    return f"{count / MIB:,.1f} MB" if count >= MIB else f"{count / 1024:,.0f} KB"


def _pair(mine: dict[str, Any], peer: dict[str, Any] | None, key: str, fmt: Any) -> str:
    return f"{fmt(mine.get(key))} / {fmt(peer.get(key)) if peer else '–'}"


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}; "
        f"Python {m['python']}, Node {m['node']}, {m['hugo'].split(' BuildDate')[0]}; "
        f"{m['site_gen']}; {m['date']}. Cold builds, medians of {result['runs']} interleaved "
        "rounds.",
        "",
        "| N | site-gen wall | Hugo wall | site-gen / Hugo | CPU s (site-gen / Hugo) "
        "| peak RSS MiB, one process (site-gen / Hugo) | peak PSS MiB, all processes "
        "| pages/s (site-gen / Hugo) | output (site-gen / Hugo) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in result["sizes"]:
        sg, hugo = size["site_gen"]["median"], (size["hugo"] or {}).get("median")
        lines.append(
            f"| {size['n']:,} | {_num(sg.get('wall_s'))} s | "
            f"{_num(hugo.get('wall_s')) + ' s' if hugo else '–'} | "
            f"{_num(size['ratio'].get('wall_s'))} | {_pair(sg, hugo, 'cpu_s', _num)} | "
            f"{_pair(sg, hugo, 'peak_rss_mib', _mib)} | {_pair(sg, hugo, 'tree_pss_mib', _mib)} | "
            f"{_pair(sg, hugo, 'pages_per_s', lambda v: _num(v, 0))} | "
            f"{_pair(sg, hugo, 'bytes', _size)} |"
        )
    lines += [
        "",
        "| N | search layout | search files (raw / gzip) | first query fetches, gzip (Node / Chromium) "
        "| engine: load / first query / warm query | lunr.js, whole index: read+parse+load / query "
        "| one-paper rebuild |",
        "| ---: | :--- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in result["sizes"]:
        lines.append(_search_row(size))
    lines += ["", "Each round's wall time, in the order run (the fastest round of each, and their ratio):", ""]
    lines += [_rounds_line(size) for size in result["sizes"]]
    loads = ", ".join(f"N={s['n']:,} {s['load_average'][0]:.1f} → {s['load_average'][1]:.1f}" for s in result["sizes"])
    lines += ["", f"1-minute load average before → after each size: {loads}."]
    return "\n".join(lines) + "\n"


def _walls(summary: dict[str, Any] | None) -> list[float]:
    return [run["wall_s"] for run in (summary or {}).get("runs", []) if run.get("status") == 0]


def _rounds_line(size: dict[str, Any]) -> str:
    """A medians table hides a trend across rounds: a file system slowing as the rounds free and
    create tens of thousands of files, for one generator more than the other."""
    mine, peer = _walls(size["site_gen"]), _walls(size["hugo"])
    line = f"- N={size['n']:,}: site-gen {', '.join(f'{w:.2f}' for w in mine)} s"
    if peer:
        line += f"; Hugo {', '.join(f'{w:.2f}' for w in peer)} s"
    if mine and peer:
        line += f"; fastest {min(mine):.2f} / {min(peer):.2f} s = {min(mine) / min(peer):.2f}"
    return line


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _search_row(size: dict[str, Any]) -> str:
    search = size.get("search") or {}
    files, first = search.get("search_files", {}), search.get("first_query", {})
    chromium = search.get("browser", {})
    lunr, engine = search.get("node", {}).get("lunr", {}), search.get("node", {}).get("engine", {})
    wall = size.get("rebuild", {}).get("median", {}).get("wall_s")
    bound = " (upper bound)" if first.get("upper_bound") else ""
    engine_times = " / ".join(_ms(engine.get(k)) for k in ("load_ms", "first_ms", "warm_ms"))
    lunr_times = " / ".join(_ms(lunr.get(k)) for k in ("load_total_ms", "query_ms"))
    return (
        f"| {size['n']:,} | {first.get('layout', '–')} "
        f"| {_size(files.get('raw_bytes'))} / {_size(files.get('gzip_bytes'))} "
        f"| {_size(first.get('gzip_bytes'))}{bound} / {_size(chromium.get('gzip_bytes'))} "
        f"| {engine_times} | {lunr_times} | {_num(wall) + ' s' if wall is not None else '–'} |"
    )


def write(out: Path, result: dict[str, Any]) -> str:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    text = markdown(result)
    (out / "results.md").write_text(text, encoding="utf-8")
    return text
