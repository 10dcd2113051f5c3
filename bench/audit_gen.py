#!/usr/bin/env python3
"""Fills an svcmgr database with N tickets, each with the audit row svcmgr would have written
('create', full state after), hash-chained exactly as DESIGN.md section 6 says.

usage: audit_gen.py DB N   (DB must already carry svcmgr's schema and no tickets)"""
import hashlib
import json
import random
import sqlite3
import sys

db_path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
names = ["Åsa Öberg", "Jüri Tamm", "Đurđa Šimić", "Budi Santoso", "Mary O'Neil"]
titles = ["Fakturan dras två gånger", "Sülearvuti ekraan vilgub", "Narudžba nije stigla",
          "Pengembalian dana belum diterima", "Password reset link expired"]


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("BEGIN")
prev = "0" * 64
seq = 0
for cid, name in enumerate(names, start=1):
    state = {"id": cid, "ref": None, "name": name, "email": None, "phone": None,
             "created_at": 1700000000}
    db.execute("INSERT INTO customer VALUES (?, NULL, ?, NULL, NULL, 1700000000)", (cid, name))
    seq += 1
    change = canonical({"after": state, "before": None})
    row = {"seq": seq, "at": 1700000000, "actor": "bench", "action": "create",
           "entity": "customer", "entity_id": str(cid), "change": change}
    h = hashlib.sha256((prev + canonical(row)).encode()).hexdigest()
    db.execute("INSERT INTO audit VALUES (?, 1700000000, 'bench', 'create', 'customer', ?, ?, ?, ?)",
               (seq, str(cid), change, prev, h))
    prev = h

for tid in range(1, n + 1):
    at = 1700000000 + tid * 30
    state = {"id": tid, "ref": None, "title": rng.choice(titles), "description": None,
             "customer_id": rng.randint(1, len(names)), "category": "billing",
             "channel": "phone", "priority": "normal", "status": "new", "assignee": None,
             "created_at": at, "updated_at": at, "first_response_at": None,
             "resolved_at": None, "closed_at": None, "cause": None, "preventable": None,
             "satisfaction": None, "minutes": 0}
    db.execute("INSERT INTO ticket VALUES (:id, :ref, :title, :description, :customer_id, "
               ":category, :channel, :priority, :status, :assignee, :created_at, :updated_at, "
               ":first_response_at, :resolved_at, :closed_at, :cause, :preventable, "
               ":satisfaction, :minutes)", state)
    db.execute("INSERT INTO ticket_event (ticket_id, at, actor, kind) VALUES (?, ?, 'bench', "
               "'created')", (tid, at))
    seq += 1
    change = canonical({"after": state, "before": None})
    row = {"seq": seq, "at": at, "actor": "bench", "action": "create", "entity": "ticket",
           "entity_id": str(tid), "change": change}
    h = hashlib.sha256((prev + canonical(row)).encode()).hexdigest()
    db.execute("INSERT INTO audit VALUES (?, ?, 'bench', 'create', 'ticket', ?, ?, ?, ?)",
               (seq, at, str(tid), change, prev, h))
    prev = h
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
