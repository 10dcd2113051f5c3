#!/usr/bin/env python3
"""Generates a realistic svcmgr database for benchmarks: N tickets with their customers, events
and audit rows, names and text in Swedish, Estonian, Croatian, Indonesian and English, spread over
a year; most tickets closed, a few percent active. Deterministic for a given seed.

usage: tickets_gen.py DB N [SEED]   (DB must carry svcmgr's schema: run `svcmgr --db DB config
list` first). The audit rows have the real shape but are not a valid chain."""
import random
import sqlite3
import sys

db_path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)

first = ["Åsa", "Björn", "Märta", "Jüri", "Mari", "Tõnu", "Đurđa", "Ivan", "Željka", "Budi",
         "Siti", "Agus", "Mary", "John", "Olivia"]
last = ["Öberg", "Lindqvist", "Åkesson", "Tamm", "Saar", "Kask", "Šimić", "Horvat", "Kovačević",
        "Santoso", "Wijaya", "Pratama", "O'Neil", "Smith", "Brown"]
titles = ["Fakturan dras två gånger", "Skärmen är trasig", "Sülearvuti ekraan vilgub",
          "Arve summa on vale", "Narudžba nije stigla", "Zamjena zaslona pod jamstvom",
          "Pengembalian dana belum diterima", "Printer tidak bisa mencetak",
          "Password reset link expired", "Refund not received", "Printer makes grinding noise"]
categories = ["purchasing", "billing", "troubleshooting", "returns", "repair", "website", "other"]
channels = ["phone", "email", "store", "web", "other"]
priorities = ["low"] * 2 + ["normal"] * 5 + ["high"] * 2 + ["urgent"]
active = ["new", "open", "in_progress", "waiting_customer", "waiting_parts"]
start = 1_732_000_000  # late 2024
year = 365 * 86_400

db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("BEGIN")
customers = max(1, n // 5)
db.executemany(
    "INSERT INTO customer (id, name, email, created_at) VALUES (?, ?, ?, ?)",
    ((i, f"{rng.choice(first)} {rng.choice(last)}", f"customer{i}@example.com", start)
     for i in range(1, customers + 1)))


def tickets():
    for i in range(1, n + 1):
        created = start + i * year // max(n, 1)
        status = rng.choice(active) if rng.random() < 0.04 else rng.choice(["resolved", "closed",
                                                                             "closed", "closed"])
        done = status in ("resolved", "closed")
        resolved = created + rng.randint(600, 5 * 86_400) if done else None
        closed = resolved + 86_400 if status == "closed" else None
        yield (i, rng.choice(titles), rng.randint(1, customers), rng.choice(categories),
               rng.choice(channels), rng.choice(priorities), status, created,
               closed or resolved or created, created + 3600, resolved, closed,
               rng.randint(1, 5) if closed and rng.random() < 0.6 else None, rng.randint(0, 90))


db.executemany(
    "INSERT INTO ticket (id, title, customer_id, category, channel, priority, status, created_at,"
    " updated_at, first_response_at, resolved_at, closed_at, satisfaction, minutes)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets())
db.execute("INSERT INTO ticket_event (ticket_id, at, actor, kind) "
           "SELECT id, created_at, 'bench', 'created' FROM ticket")
db.execute("INSERT INTO ticket_event (ticket_id, at, actor, kind, body, minutes) "
           "SELECT id, first_response_at, 'bench', 'reply', 'Vi tittar på det / Kontrollime', 5 "
           "FROM ticket")
db.execute("INSERT INTO ticket_event (ticket_id, at, actor, kind, field, old_value, new_value) "
           "SELECT id, coalesce(resolved_at, updated_at), 'bench', 'status', 'status', 'open', "
           "status FROM ticket")
db.execute("INSERT INTO audit (seq, at, actor, action, entity, entity_id, change, prev_hash, hash) "
           "SELECT id, created_at, 'bench', 'create', 'ticket', id, "
           "json_object('after', json_object('id', id, 'title', title), 'before', NULL), "
           "printf('%064d', id - 1), printf('%064d', id) FROM ticket")
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("ANALYZE")
