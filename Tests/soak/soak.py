"""Soak driver for Latchkey: a bounded mix of reads, writes, refreshes and revocations.

Run by Tests/soak/run.sh (``make soak``), which starts the stack and passes the service URLs and
PIDs. Every connection is one asyncio worker with an account and bearer session of its own, so
the refresh chains are never contended and every answer can be judged:

* reads  - GET /v1/notes, GET /v1/notes/{id}, HEAD /v1/notes/{id}, GET /v1/profile
* writes - POST/PATCH/DELETE /v1/notes, PUT /v1/profile (each confirmed with auth by introspection)
* refresh - POST /v1/sessions/refresh (rotates the worker's refresh token)
* revoke - log in a second session and revoke it (DELETE /v1/sessions/{id}), or log out and in again

Every 10 s it samples each service's resident memory (VmRSS), open file descriptors and sockets,
and the server's connections per database (pg_stat_activity). At the end it prints a summary table,
writes it as Markdown, and exits non-zero on any 5xx, any transport error, an unexpected status, a
connection leak, or memory that keeps growing after warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

# What each operation may answer; anything else counts as unexpected.
EXPECTED = {
    "read": {200},
    "write": {200, 201, 204},
    "refresh": {200},
    "revoke": {201, 204},
}


@dataclass
class Stats:
    by_status: collections.Counter = field(default_factory=collections.Counter)
    by_operation: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    unexpected: list = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    latencies: dict = field(default_factory=lambda: collections.defaultdict(list))

    def record(self, kind: str, status: int, seconds: float, what: str) -> None:
        self.by_status[status] += 1
        self.by_operation[kind][status] += 1
        if len(self.latencies[kind]) < 200_000:
            self.latencies[kind].append(seconds)
        if status not in EXPECTED[kind] and len(self.unexpected) < 50:
            self.unexpected.append(f"{what}: HTTP {status}")


class Worker:
    """One connection's worth of load: its own account, session and notes."""

    def __init__(self, index: int, http: aiohttp.ClientSession, urls: dict, stats: Stats, deadline: float, mix: dict):
        self.index = index
        # Cumulative thresholds of the operation mix, in the order read, write, refresh, revoke.
        total = sum(mix.values())
        self.thresholds = []
        running = 0.0
        for kind in ("read", "write", "refresh"):
            running += mix.get(kind, 0) / total
            self.thresholds.append(running)
        self.http = http
        self.urls = urls
        self.stats = stats
        self.deadline = deadline
        self.email = f"soak-{index}-{uuid.uuid4()}@soak.example"
        self.password = f"soak-password-{uuid.uuid4()}"
        self.access = ""
        self.refresh_token = ""
        self.notes: list[str] = []
        self.random = random.Random(index)

    async def call(self, kind: str, method: str, url: str, *, token: str | None = None, body=None) -> tuple[int, dict | None]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.monotonic()
        try:
            async with self.http.request(method, url, json=body, headers=headers) as response:
                data = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            self.stats.errors[type(error).__name__] += 1
            return 0, None
        self.stats.record(kind, status, time.monotonic() - started, f"{method} {url.split('/', 3)[-1]}")
        parsed = None
        if data and status < 300:
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = None
        return status, parsed

    async def login(self) -> bool:
        status, body = await self.call(
            "revoke", "POST", self.urls["auth"] + "/v1/sessions", body={"email": self.email, "password": self.password}
        )
        if status != 201 or not body:
            return False
        self.access, self.refresh_token = body["access_token"], body["refresh_token"]
        return True

    async def setup(self) -> None:
        async with self.http.post(self.urls["auth"] + "/v1/accounts", json={"email": self.email, "password": self.password}) as response:
            if response.status != 201:
                raise RuntimeError(f"sign-up failed: {response.status} {await response.text()}")
        if not await self.login():
            raise RuntimeError("login failed")
        for number in range(3):
            await self.create_note(number)

    async def create_note(self, number: int) -> None:
        status, body = await self.call(
            "write", "POST", self.urls["notes"] + "/v1/notes", token=self.access, body={"title": f"soak {number}", "body": "x" * 200}
        )
        if status == 201 and body:
            self.notes.append(body["id"])

    async def step(self) -> None:
        roll = self.random.random()
        notes = self.urls["notes"]
        if roll < self.thresholds[0]:
            choice = self.random.random()
            if choice < 0.4 or not self.notes:
                await self.call("read", "GET", notes + "/v1/notes?limit=10", token=self.access)
            elif choice < 0.7:
                await self.call("read", "GET", f"{notes}/v1/notes/{self.random.choice(self.notes)}", token=self.access)
            elif choice < 0.8:
                await self.call("read", "HEAD", f"{notes}/v1/notes/{self.random.choice(self.notes)}", token=self.access)
            else:
                await self.call("read", "GET", self.urls["profile"] + "/v1/profile", token=self.access)
        elif roll < self.thresholds[1]:
            choice = self.random.random()
            if choice < 0.35 or len(self.notes) < 2:
                await self.create_note(self.random.randint(0, 1_000_000))
            elif choice < 0.65:
                note = self.random.choice(self.notes)
                await self.call("write", "PATCH", f"{notes}/v1/notes/{note}", token=self.access, body={"title": f"patched {time.time()}"})
            elif choice < 0.85:
                note = self.notes.pop(self.random.randrange(len(self.notes)))
                await self.call("write", "DELETE", f"{notes}/v1/notes/{note}", token=self.access)
            else:
                await self.call(
                    "write", "PUT", self.urls["profile"] + "/v1/profile", token=self.access,
                    body={"display_name": f"worker {self.index}", "bio": "soaking"},
                )
        elif roll < self.thresholds[2]:
            status, body = await self.call(
                "refresh", "POST", self.urls["auth"] + "/v1/sessions/refresh", body={"refresh_token": self.refresh_token}
            )
            if status == 200 and body:
                self.access, self.refresh_token = body["access_token"], body["refresh_token"]
        else:
            auth = self.urls["auth"]
            if self.random.random() < 0.5:
                status, body = await self.call(
                    "revoke", "POST", auth + "/v1/sessions", body={"email": self.email, "password": self.password}
                )
                if status == 201 and body:
                    await self.call("revoke", "DELETE", f"{auth}/v1/sessions/{body['session']['id']}", token=self.access)
            else:
                await self.call("revoke", "DELETE", auth + "/v1/sessions/current", token=self.access)
                await self.login()

    async def run(self) -> None:
        while time.monotonic() < self.deadline:
            await self.step()


def tcp_table() -> dict:
    """inode -> (local port, remote port, state) of every TCP socket on the machine."""
    table = {}
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                    table[fields[9]] = (local_port, remote_port, fields[3])
        except FileNotFoundError:
            pass
    return table


def service_sample(pid: int, ports: dict) -> dict:
    """Memory, descriptors and TCP connections of one service, by peer: clients (inbound on its own
    port), PostgreSQL, auth (introspection and the revocation feed), and anything else."""
    rss_kib = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
    fds = os.listdir(f"/proc/{pid}/fd")
    table = tcp_table()
    sockets = {"clients": 0, "postgres": 0, "auth": 0, "listening": 0, "other": 0}
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if not target.startswith("socket:["):
            continue
        entry = table.get(target[len("socket:["):-1])
        if entry is None:
            sockets["other"] += 1
            continue
        local_port, remote_port, state = entry
        if state == "0A":
            sockets["listening"] += 1
        elif local_port == ports["self"]:
            sockets["clients"] += 1
        elif remote_port == ports["postgres"]:
            sockets["postgres"] += 1
        elif remote_port == ports["auth"]:
            sockets["auth"] += 1
        else:
            sockets["other"] += 1
    return {"rss_mib": rss_kib / 1024, "fds": len(fds), "files": len(fds) - sum(sockets.values()), **{f"tcp_{k}": v for k, v in sockets.items()}}


def postgres_connections(server_url: str) -> dict:
    query = "SELECT datname, count(*) FROM pg_stat_activity WHERE datname IS NOT NULL GROUP BY datname ORDER BY datname"
    output = subprocess.run(
        ["psql", "--no-psqlrc", "-At", "-F", "\t", f"{server_url}/postgres", "-c", query],
        check=True, capture_output=True, text=True, timeout=30,
    ).stdout
    return {name: int(count) for name, count in (line.split("\t") for line in output.splitlines() if line)}


def sample(pids: dict, server_url: str, elapsed: float, ports: dict) -> dict:
    return {
        "t": round(elapsed),
        "services": {name: service_sample(pid, {**ports, "self": ports[name]}) for name, pid in pids.items()},
        "postgres": postgres_connections(server_url),
    }


async def sampler(pids: dict, server_url: str, started: float, deadline: float, samples: list, interval: float, ports: dict) -> None:
    next_at = started + interval
    while next_at <= deadline + 0.5:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        samples.append(await asyncio.to_thread(sample, pids, server_url, time.monotonic() - started, ports))
        next_at += interval


def percentile(values: list, fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def verdicts(stats: Stats, before: dict, after: dict, samples: list, warmup: float) -> list[tuple[str, bool, str]]:
    checks = []
    server_errors = sum(count for status, count in stats.by_status.items() if status >= 500)
    checks.append(("no 5xx", server_errors == 0, f"{server_errors} answers ≥ 500"))
    transport = sum(stats.errors.values())
    checks.append(("no transport errors", transport == 0, f"{transport} ({dict(stats.errors)})"))
    unexpected = sum(
        count for kind, counter in stats.by_operation.items() for status, count in counter.items() if status not in EXPECTED[kind]
    )
    checks.append(("only expected statuses", unexpected == 0, f"{unexpected} unexpected"))
    for name in before["services"]:
        b, a = before["services"][name], after["services"][name]
        # With the driver gone, the only clients left are auth's: the resource services' pooled connections.
        pooled = sum(after["services"][other]["tcp_auth"] for other in after["services"] if other != "auth") if name == "auth" else 0
        checks.append((f"{name}: client connections closed", a["tcp_clients"] <= pooled,
                       f"{b['tcp_clients']} → {a['tcp_clients']} (driver gone; {pooled} pooled from notes and profile)"))
        checks.append((f"{name}: no stray descriptors", a["files"] <= b["files"] + 2 and a["tcp_other"] <= b["tcp_other"] + 2,
                       f"files {b['files']} → {a['files']}, other sockets {b['tcp_other']} → {a['tcp_other']}"))
        checks.append((f"{name}: PostgreSQL connections within the pool", a["tcp_postgres"] <= 22, f"{b['tcp_postgres']} → {a['tcp_postgres']}"))
        checks.append((f"{name}: connections to auth within the pool", a["tcp_auth"] <= 66, f"{b['tcp_auth']} → {a['tcp_auth']}"))
    for database, count in after["postgres"].items():
        checks.append((f"postgres {database}: connections bounded", count <= 24, f"{before['postgres'].get(database, 0)} → {count}"))
    steady = [s for s in samples if s["t"] >= warmup]
    for name in before["services"]:
        series = [s["services"][name]["rss_mib"] for s in steady]
        if len(series) >= 2:
            growth = max(series) - series[0]
            flat = growth <= max(16.0, 0.15 * series[0])
            checks.append((f"{name}: RSS flat after warm-up", flat, f"{series[0]:.1f} → max {max(series):.1f} MiB (+{growth:.1f})"))
    return checks


def report(args, stats: Stats, before: dict, after: dict, samples: list, checks: list, elapsed: float) -> str:
    total = sum(stats.by_status.values())
    lines = [
        "# Latchkey soak",
        "",
        f"- when: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"- load: {args.connections} connections for {elapsed:.0f} s (release binaries on 127.0.0.1), warm-up {args.warmup:.0f} s, mix {args.mix}",
        f"- requests: {total} ({total / max(elapsed, 1):.0f}/s)",
        "",
        "## Answers by operation and status",
        "",
        "| operation | " + " | ".join(str(s) for s in sorted(stats.by_status)) + " | total | p50 ms | p99 ms |",
        "|---|" + "---|" * (len(stats.by_status) + 3),
    ]
    for kind in ("read", "write", "refresh", "revoke"):
        counter = stats.by_operation.get(kind, collections.Counter())
        latencies = stats.latencies.get(kind, [])
        lines.append(
            f"| {kind} | " + " | ".join(str(counter.get(s, 0)) for s in sorted(stats.by_status))
            + f" | {sum(counter.values())} | {percentile(latencies, 0.5) * 1000:.1f} | {percentile(latencies, 0.99) * 1000:.1f} |"
        )
    lines += ["", f"Transport errors: {dict(stats.errors) or 'none'}", ""]
    lines += [
        "## Services before and after (idle, 5 s after the load)",
        "",
        "Connections by peer: clients (inbound), PostgreSQL (pool + health probe + LISTEN), auth (introspection pool + revocation feed).",
        "",
        "| service | fds | non-socket fds | client conns | PostgreSQL conns | conns to auth | other sockets | RSS MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in before["services"]:
        b, a = before["services"][name], after["services"][name]
        lines.append(
            f"| {name} | {b['fds']} → {a['fds']} | {b['files']} → {a['files']} | {b['tcp_clients']} → {a['tcp_clients']} "
            f"| {b['tcp_postgres']} → {a['tcp_postgres']} | {b['tcp_auth']} → {a['tcp_auth']} | {b['tcp_other']} → {a['tcp_other']} "
            f"| {b['rss_mib']:.1f} → {a['rss_mib']:.1f} |"
        )
    lines += ["", "## PostgreSQL connections (pg_stat_activity)", "", "| database | before | after |", "|---|---|---|"]
    for database in sorted(set(before["postgres"]) | set(after["postgres"])):
        lines.append(f"| {database} | {before['postgres'].get(database, 0)} | {after['postgres'].get(database, 0)} |")
    names = list(before["services"])
    lines += ["", "## Every 10 s (under load)", "", "| t s | " + " | ".join(f"{n} RSS MiB | {n} fds" for n in names) + " | pg conns |", "|---|" + "---|---|" * len(names) + "---|"]
    for row in samples:
        cells = " | ".join(f"{row['services'][n]['rss_mib']:.1f} | {row['services'][n]['fds']}" for n in names)
        lines.append(f"| {row['t']} | {cells} | {sum(row['postgres'].values())} |")
    lines += ["", "## Verdict", "", "| check | ok | detail |", "|---|---|---|"]
    for name, ok, detail in checks:
        lines.append(f"| {name} | {'yes' if ok else '**NO**'} | {detail} |")
    if stats.unexpected:
        lines += ["", "Unexpected answers (first 50):", ""] + [f"- {line}" for line in stats.unexpected]
    return "\n".join(lines) + "\n"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auth", required=True)
    parser.add_argument("--notes", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--pids", required=True, help="auth=PID,notes=PID,profile=PID")
    parser.add_argument("--postgres", required=True, help="postgres://user@host:port (server, no database)")
    parser.add_argument("--ports", required=True, help="auth=PORT,notes=PORT,profile=PORT,postgres=PORT")
    parser.add_argument("--duration", type=float, default=180)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=60)
    parser.add_argument("--interval", type=float, default=10)
    parser.add_argument("--mix", default="read=55,write=30,refresh=12,revoke=3", help="relative weights of the operations")
    parser.add_argument("--report", required=True)
    args = parser.parse_args()
    urls = {"auth": args.auth, "notes": args.notes, "profile": args.profile}
    pids = {name: int(pid) for name, pid in (item.split("=") for item in args.pids.split(","))}
    ports = {name: int(port) for name, port in (item.split("=") for item in args.ports.split(","))}
    mix = {name: float(weight) for name, weight in (item.split("=") for item in args.mix.split(","))}

    stats = Stats()
    connector = aiohttp.TCPConnector(limit=args.connections, limit_per_host=args.connections)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        setup_deadline = time.monotonic() + 10_000
        workers = [Worker(index, http, urls, stats, setup_deadline, mix) for index in range(args.connections)]
        print(f"soak: setting up {len(workers)} accounts", file=sys.stderr)
        for batch in range(0, len(workers), 8):
            await asyncio.gather(*(worker.setup() for worker in workers[batch:batch + 8]))
        await asyncio.sleep(2)
        before = await asyncio.to_thread(sample, pids, args.postgres, 0, ports)
        stats.__init__()
        started = time.monotonic()
        deadline = started + args.duration
        for worker in workers:
            worker.deadline = deadline
        print(f"soak: {args.connections} connections for {args.duration:.0f} s", file=sys.stderr)
        samples: list = []
        await asyncio.gather(sampler(pids, args.postgres, started, deadline, samples, args.interval, ports), *(worker.run() for worker in workers))
        elapsed = time.monotonic() - started
    # The driver's connections are closed now; let the services settle, then take the "after" sample.
    await asyncio.sleep(5)
    after = await asyncio.to_thread(sample, pids, args.postgres, time.monotonic() - started, ports)
    checks = verdicts(stats, before, after, samples, args.warmup)
    text = report(args, stats, before, after, samples, checks, elapsed)
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w") as handle:
        handle.write(text)
    print(text)
    failed = [name for name, ok, _ in checks if not ok]
    if failed:
        print(f"soak: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"soak: passed ({sum(stats.by_status.values())} requests); report in {args.report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
