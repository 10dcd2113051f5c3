-- The whole-history `svcmgr report summary --format tsv` in one query, for bench/report.sh: the
-- same numbers by DESIGN.md's definitions, from the same tables. bench/report.sh replaces
-- :NOW (the clock, Unix seconds), :HOURLY (hourly_cost in cents) and :WINDOW (repeat_window in
-- seconds); the SLA targets are the default settings. Over the whole history a ticket's current
-- cause, preventable flag and rating are the ones of its last resolution and close (a reopen
-- clears only the rating), so those come from the ticket row.
WITH
tgt(priority, fr, res) AS (VALUES ('urgent', 3600, 14400), ('high', 14400, 86400),
                                  ('normal', 28800, 259200), ('low', 86400, 604800)),
st AS (
  SELECT ticket_id, at, new_value AS status,
         lead(at) OVER (PARTITION BY ticket_id ORDER BY at, id) AS next_at,
         row_number() OVER (PARTITION BY ticket_id ORDER BY at, id) AS k
  FROM ticket_event WHERE kind = 'status'),
-- The spells of the running statuses: the first one from creation, then one per status event.
run AS (
  SELECT t.id AS ticket_id, t.created_at AS start, coalesce(s.at, :NOW + 1) AS stop
  FROM ticket t LEFT JOIN st s ON s.ticket_id = t.id AND s.k = 1
  UNION ALL
  SELECT ticket_id, at, coalesce(next_at, :NOW + 1) FROM st
  WHERE status IN ('new', 'open', 'in_progress')),
resolved AS (SELECT ticket_id, max(at) AS x FROM st WHERE status = 'resolved' GROUP BY ticket_id),
elapsed AS (
  SELECT r.ticket_id, sum(min(u.stop, r.x) - u.start) AS e
  FROM resolved r JOIN run u ON u.ticket_id = r.ticket_id AND u.start < r.x
  GROUP BY r.ticket_id),
running_now AS (
  SELECT u.ticket_id, sum(u.stop - u.start) AS e
  FROM ticket t JOIN run u ON u.ticket_id = t.id
  WHERE t.status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts')
  GROUP BY u.ticket_id),
first_stop AS (
  SELECT ticket_id, min(at) AS at FROM ticket_event
  WHERE kind = 'reply' OR (kind = 'status' AND new_value = 'resolved') GROUP BY ticket_id),
closed AS (SELECT DISTINCT ticket_id FROM st WHERE status = 'closed'),
minutes AS (
  SELECT ticket_id, sum(minutes) AS m FROM ticket_event WHERE minutes IS NOT NULL
  GROUP BY ticket_id),
parts AS (
  SELECT ticket_id, -sum(qty * unit_cost) AS c FROM stock_move
  WHERE ticket_id IS NOT NULL AND kind IN ('consume', 'return') GROUP BY ticket_id),
chasers AS (
  SELECT e.ticket_id, count(*) AS n FROM ticket_event e
  WHERE e.kind = 'inbound' AND coalesce((
    SELECT s.new_value FROM ticket_event s
    WHERE s.ticket_id = e.ticket_id AND s.kind = 'status'
      AND (s.at < e.at OR (s.at = e.at AND s.id < e.id))
    ORDER BY s.at DESC, s.id DESC LIMIT 1), 'new') NOT IN ('resolved', 'closed')
  GROUP BY e.ticket_id),
per AS (
  SELECT t.category AS pcat, t.channel AS pch,
    r.ticket_id IS NOT NULL AS is_resolved, c.ticket_id IS NOT NULL AS is_closed,
    t.status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts') AS active,
    f.at - t.created_at AS frt, el.e AS rest,
    f.at IS NOT NULL OR t.created_at + g.fr <= :NOW AS fr_in,
    f.at IS NOT NULL AND f.at - t.created_at <= g.fr AS fr_ok,
    t.status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts')
      AND coalesce(n.e, 0) > g.res AS res_due,
    el.e IS NOT NULL AND el.e <= g.res AS res_met,
    CASE WHEN c.ticket_id IS NULL THEN NULL WHEN t.status = 'closed' THEN t.satisfaction
      ELSE (SELECT CAST(new_value AS INTEGER) FROM ticket_event
            WHERE ticket_id = t.id AND kind = 'field' AND field = 'satisfaction'
            ORDER BY at DESC, id DESC LIMIT 1) END AS rating,
    CASE WHEN r.ticket_id IS NULL THEN NULL ELSE coalesce(t.preventable, -1) END AS prev,
    EXISTS (SELECT 1 FROM ticket p WHERE p.customer_id = t.customer_id
            AND p.created_at >= t.created_at - :WINDOW AND p.created_at < t.created_at) AS rep,
    coalesce(ch.n, 0) AS chasers,
    (coalesce(m.m, 0) * :HOURLY + 30) / 60 + coalesce(pc.c, 0) AS cost
  FROM ticket t JOIN tgt g ON g.priority = t.priority
  LEFT JOIN first_stop f ON f.ticket_id = t.id LEFT JOIN resolved r ON r.ticket_id = t.id
  LEFT JOIN elapsed el ON el.ticket_id = t.id LEFT JOIN running_now n ON n.ticket_id = t.id
  LEFT JOIN closed c ON c.ticket_id = t.id LEFT JOIN minutes m ON m.ticket_id = t.id
  LEFT JOIN parts pc ON pc.ticket_id = t.id LEFT JOIN chasers ch ON ch.ticket_id = t.id
  WHERE t.created_at <= :NOW),
-- Every ticket twice: in its own group and in (all), which sorts last.
grouped AS (
  SELECT 0 AS o, pcat AS cat, pch AS ch, * FROM per
  UNION ALL SELECT 1, '(all)', '(all)', * FROM per),
sums AS (
  SELECT o, cat, ch, count(*) AS opened, sum(is_resolved) AS resolved, sum(is_closed) AS closed,
    sum(active) AS backlog, sum(fr_in) AS fr_in, sum(fr_ok) AS fr_ok,
    sum(is_resolved OR res_due) AS res_in, sum(res_met AND NOT res_due) AS res_ok,
    sum((frt IS NOT NULL AND NOT fr_ok) OR (frt IS NULL AND fr_in) OR
        (rest IS NOT NULL AND NOT res_met) OR res_due) AS breaches,
    count(rating) AS rated, sum(rating) AS rating_sum, sum(rating >= 4) AS good,
    coalesce(sum(prev = 1), 0) AS p_yes, coalesce(sum(prev = 0), 0) AS p_no,
    coalesce(sum(prev = -1), 0) AS p_unknown,
    sum(rep) AS repeats, sum(chasers) AS chasers, sum(cost) AS cost
  FROM grouped GROUP BY o, cat, ch),
-- PERCENTILE.INC at tenths p: h = (n - 1) p, interpolated, rounded half-up.
ranked_fr AS (
  SELECT o, cat, ch, frt AS v, row_number() OVER (PARTITION BY o, cat, ch ORDER BY frt) AS k,
         count(*) OVER (PARTITION BY o, cat, ch) AS n
  FROM grouped WHERE frt IS NOT NULL),
ranked_res AS (
  SELECT o, cat, ch, rest AS v, row_number() OVER (PARTITION BY o, cat, ch ORDER BY rest) AS k,
         count(*) OVER (PARTITION BY o, cat, ch) AS n
  FROM grouped WHERE rest IS NOT NULL),
pct(p) AS (VALUES (5), (9)),
fr_p AS (
  SELECT a.o, a.cat, a.ch, p.p,
    (a.v * 10 + (coalesce(b.v, a.v) - a.v) * ((a.n - 1) * p.p % 10) + 5) / 10 AS v
  FROM pct p JOIN ranked_fr a ON a.k = (a.n - 1) * p.p / 10 + 1
  LEFT JOIN ranked_fr b ON b.o = a.o AND b.cat = a.cat AND b.ch = a.ch AND b.k = a.k + 1),
res_p AS (
  SELECT a.o, a.cat, a.ch, p.p,
    (a.v * 10 + (coalesce(b.v, a.v) - a.v) * ((a.n - 1) * p.p % 10) + 5) / 10 AS v
  FROM pct p JOIN ranked_res a ON a.k = (a.n - 1) * p.p / 10 + 1
  LEFT JOIN ranked_res b ON b.o = a.o AND b.cat = a.cat AND b.ch = a.ch AND b.k = a.k + 1)
SELECT s.cat, s.ch, opened, resolved, closed, backlog,
  (SELECT v FROM fr_p x WHERE x.o = s.o AND x.cat = s.cat AND x.ch = s.ch AND p = 5),
  (SELECT v FROM fr_p x WHERE x.o = s.o AND x.cat = s.cat AND x.ch = s.ch AND p = 9),
  (SELECT v FROM res_p x WHERE x.o = s.o AND x.cat = s.cat AND x.ch = s.ch AND p = 5),
  (SELECT v FROM res_p x WHERE x.o = s.o AND x.cat = s.cat AND x.ch = s.ch AND p = 9),
  CASE WHEN fr_in > 0 THEN printf('%d.%d', (fr_ok * 2000 + fr_in) / (2 * fr_in) / 10,
                                  (fr_ok * 2000 + fr_in) / (2 * fr_in) % 10) END,
  CASE WHEN res_in > 0 THEN printf('%d.%d', (res_ok * 2000 + res_in) / (2 * res_in) / 10,
                                   (res_ok * 2000 + res_in) / (2 * res_in) % 10) END,
  breaches,
  CASE WHEN rated > 0 THEN printf('%d.%02d', (rating_sum * 200 + rated) / (2 * rated) / 100,
                                  (rating_sum * 200 + rated) / (2 * rated) % 100) END,
  CASE WHEN rated > 0 THEN printf('%d.%d', (good * 2000 + rated) / (2 * rated) / 10,
                                  (good * 2000 + rated) / (2 * rated) % 10) END,
  CASE WHEN closed > 0 THEN printf('%d.%d', (rated * 2000 + closed) / (2 * closed) / 10,
                                   (rated * 2000 + closed) / (2 * closed) % 10) END,
  p_yes, p_no, p_unknown,
  CASE WHEN resolved > 0 THEN printf('%d.%d', (p_yes * 2000 + resolved) / (2 * resolved) / 10,
                                     (p_yes * 2000 + resolved) / (2 * resolved) % 10) END,
  repeats, chasers, printf('%d.%02d', cost / 100, cost % 100)
FROM sums s ORDER BY o, cat, ch;
