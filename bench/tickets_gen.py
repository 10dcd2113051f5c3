#!/usr/bin/env python3
"""Generates a realistic svcmgr database for benchmarks, deterministic for a given seed.

usage: tickets_gen.py SVCMGR DB N [SEED [DAYS [END]]]

svcmgr creates DB first (`svcmgr --db DB config list`), so the schema and migrations are its own;
then one SQL script, piped into the sqlite3 shell, fills it in one transaction with:
  - N/5 customers (at least 1) with names in Swedish, Estonian, Croatian, Indonesian and English
    (Åsa Öberg, Jüri Tamm, Đurđa Šimić, Budi Santoso, Mary O'Neil) and an address per customer;
  - N tickets over one year from 2025-01-01, or over DAYS days, ending at the Unix time END if
    given (ids in creation order), titles in the same five languages, the default categories
    and channels, priorities mostly normal, ~4% active (new, open, in_progress, waiting_*),
    mostly among the last month's; the rest one quarter resolved and
    three quarters closed, with first-response, resolution and close times, satisfaction on 60%
    of the closed ones;
  - 3 ticket_event rows per ticket (created, a reply, the last status change);
  - one audit row per ticket, of the real shape but NOT a valid hash chain (bench data only:
    `svcmgr audit verify` fails on it).
Rows come from generate_series and an integer hash of (row, seed), so no Python loop touches
them: 1M tickets take about 20 s here. Ends with a truncating WAL checkpoint, and no ANALYZE:
svcmgr never runs it, so a real database has no sqlite_stat1 either.
"""
import os
import subprocess
import sys

if len(sys.argv) not in (4, 5, 6, 7):
    sys.exit(__doc__)
svcmgr, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
days = int(sys.argv[5]) if len(sys.argv) > 5 else 365

# One list per language, so that a customer's first and last names go together.
first = [["Åsa", "Björn", "Märta", "Örjan", "Ingrid"], ["Jüri", "Mari", "Tõnu", "Külli", "Mait"],
         ["Đurđa", "Ivan", "Željka", "Mateja", "Krešimir"], ["Budi", "Siti", "Agus", "Dewi", "Rina"],
         ["Mary", "John", "Olivia", "Liam", "Chloé"]]
last = [["Öberg", "Lindqvist", "Åkesson", "Sjöström", "Ekström"], ["Tamm", "Saar", "Kask", "Mägi",
                                                                    "Põld"],
        ["Šimić", "Horvat", "Kovačević", "Babić", "Jurić"], ["Santoso", "Wijaya", "Pratama",
                                                              "Hidayat", "Nugroho"],
        ["O'Neil", "Smith", "Brown", "Taylor", "Nguyen"]]
tld = ["se", "ee", "hr", "id", "com"]
titles = ["Fakturan dras två gånger", "Skärmen är trasig efter uppdatering",
          "Sülearvuti ekraan vilgub", "Arve summa on vale", "Narudžba nije stigla",
          "Zamjena zaslona pod jamstvom", "Pengembalian dana belum diterima",
          "Printer tidak bisa mencetak", "Password reset link expired", "Refund not received",
          "Printer makes a grinding noise", "Kan inte logga in på kundportalen"]
replies = ["Vi tittar på det och återkommer i dag.", "Kontrollime ja anname teada.",
           "Provjeravamo i javljamo se uskoro.", "Kami sedang memeriksanya.",
           "Thanks, we are looking into it."]
categories = ["purchasing", "billing", "troubleshooting", "returns", "repair", "website", "other"]
channels = ["phone", "email", "store", "web", "other"]
priorities = ["low"] * 2 + ["normal"] * 5 + ["high"] * 2 + ["urgent"]
active = ["new", "open", "in_progress", "waiting_customer", "waiting_parts"]
done = ["resolved", "closed", "closed", "closed"]
year = days * 86_400  # the span of the tickets
start = int(sys.argv[6]) - year if len(sys.argv) > 6 else 1_735_689_600  # 2025-01-01 UTC
customers = max(1, n // 5)


def q(s):
    return "'" + s.replace("'", "''") + "'"


def table(name, words):
    return (f"CREATE TEMP TABLE {name} (k INTEGER PRIMARY KEY, v TEXT);\n"
            f"INSERT INTO {name} VALUES " +
            ", ".join(f"({i}, {q(w)})" for i, w in enumerate(words)) + ";\n")


# r(i, k): the k-th pseudo-random number in [0, P) for row i: a linear step, then two squarings
# modulo the prime P = 2^31 - 1 (products stay inside SQLite's 64-bit integers).
P = 2_147_483_647


def r(k):
    x = f"((i * {2_654_435_761 + 2 * k} + {seed * 7919 + k * 104_729}) % {P})"
    y = f"(({x} * {x} + {k + 1}) % {P})"
    return f"(({y} * {y} + {seed}) % {P})"


sql = ["PRAGMA journal_mode = WAL;", "PRAGMA synchronous = OFF;", "PRAGMA cache_size = -262144;",
       "PRAGMA temp_store = MEMORY;", "BEGIN;"]
sql += [table("t_first", [f for lang in first for f in lang]),
        table("t_last", [l for lang in last for l in lang]), table("t_tld", tld),
        table("t_title", titles), table("t_reply", replies), table("t_cat", categories),
        table("t_chan", channels), table("t_prio", priorities), table("t_active", active),
        table("t_done", done)]
# Customers: language g, then a first and a last name of that language.
sql.append(f"""
INSERT INTO customer (id, name, email, created_at)
SELECT i, f.v || ' ' || l.v, 'customer' || i || '@example.' || d.v, {start - year} + i % {year}
FROM (SELECT i, {r(1)} % 5 AS g, {r(2)} % 5 AS a, {r(3)} % 5 AS b
      FROM (SELECT value AS i FROM generate_series(1, {customers})))
JOIN t_first f ON f.k = g * 5 + a JOIN t_last l ON l.k = g * 5 + b JOIN t_tld d ON d.k = g;
""")
# Tickets: x decides active or done; like in a real service desk the active ones are mostly
# recent: 70% of the last week's, 30% of the rest of the month's, 3% up to 90 days, 0.3% older
# (4% overall). Times relative to created.
sql.append(f"""
CREATE TEMP TABLE gen AS
SELECT i, {start} + i * {year} / {max(n, 1)} AS created, 1 + {r(4)} % {customers} AS customer_id,
       {r(5)} % {len(titles)} AS ti, {r(6)} % {len(categories)} AS ci,
       {r(7)} % {len(channels)} AS chi, {r(8)} % {len(priorities)} AS pi,
       {r(9)} % 1000 AS x, ({n} - i) * {days} / {max(n, 1)} AS age,
       {r(10)} % 5 AS si, {r(11)} % 4 AS di,
       600 + {r(12)} % {5 * 86_400} AS to_resolve, 300 + {r(13)} % 14400 AS to_respond,
       {r(14)} % 100 AS sat, {r(15)} % 91 AS minutes
FROM (SELECT value AS i FROM generate_series(1, {n}));
INSERT INTO ticket (id, title, customer_id, category, channel, priority, status, created_at,
                    updated_at, first_response_at, resolved_at, closed_at, satisfaction, minutes)
SELECT i, t.v, customer_id, c.v, ch.v, p.v, s,
       created, coalesce(closed, resolved, created + to_respond), created + to_respond,
       resolved, closed, CASE WHEN closed IS NOT NULL AND sat < 60 THEN 1 + sat % 5 END, minutes
FROM (SELECT g.*, s,
             CASE WHEN s IN ('resolved', 'closed') THEN created + to_resolve END AS resolved,
             CASE WHEN s = 'closed' THEN created + to_resolve + 86400 END AS closed
      FROM (SELECT gen.*, CASE WHEN x < CASE WHEN age < 7 THEN 700 WHEN age < 30 THEN 300
                                          WHEN age < 90 THEN 30 ELSE 3 END
                        THEN a.v ELSE d.v END AS s
            FROM gen JOIN t_active a ON a.k = si JOIN t_done d ON d.k = di) g)
JOIN t_title t ON t.k = ti JOIN t_cat c ON c.k = ci JOIN t_chan ch ON ch.k = chi
JOIN t_prio p ON p.k = pi
ORDER BY i;
INSERT INTO ticket_event (ticket_id, at, actor, kind)
SELECT id, created_at, 'bench', 'created' FROM ticket ORDER BY id;
INSERT INTO ticket_event (ticket_id, at, actor, kind, body, minutes)
SELECT id, first_response_at, 'bench', 'reply', (SELECT v FROM t_reply WHERE k = id % 5), 5
FROM ticket ORDER BY id;
INSERT INTO ticket_event (ticket_id, at, actor, kind, field, old_value, new_value)
SELECT id, coalesce(resolved_at, updated_at), 'bench', 'status', 'status', 'new', status
FROM ticket ORDER BY id;
INSERT INTO audit (seq, at, actor, action, entity, entity_id, change, prev_hash, hash)
SELECT id, created_at, 'bench', 'create', 'ticket', id,
       json_object('after', json_object('id', id, 'title', title, 'customer_id', customer_id,
                   'category', category, 'channel', channel, 'priority', priority,
                   'status', 'new', 'created_at', created_at), 'before', NULL),
       printf('%064d', id - 1), printf('%064d', id)
FROM ticket ORDER BY id;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
""")

for f in (db, db + "-wal", db + "-shm"):
    if os.path.exists(f):
        os.remove(f)
subprocess.run([svcmgr, "--db", db, "config", "list"], check=True, stdout=subprocess.DEVNULL)
subprocess.run(["sqlite3", "-bail", db], input="".join(sql), text=True, check=True,
               stdout=subprocess.DEVNULL)
