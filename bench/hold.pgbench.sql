-- The hold's transaction as plain SQL, one statement per round trip (pgbench -M prepared): lock the item,
-- read overlapping allocations, insert the booking with its allocation, insert the outbox row. Ids are
-- time-ordered like the API's Guid.CreateVersion7(). bench/hold-pipelined.pgbench.sql sends the same work
-- in the API's two round trips. Neither includes what only the API does: the idempotency-key lookup and
-- insert, the customer lookup, and the JSON of the response.
\set n random(1, 20)
\set day random(2, 61)
\set slot random(0, 25)
BEGIN;
-- As the API's hold: the outbox trigger stands aside, the relay is woken after COMMIT (src/Shared/Messaging/OutboxWaker.cs).
SET LOCAL bookingaws.outbox_wake = 'after_commit';
SELECT id, quantity FROM inventory_items WHERE id = (SELECT item FROM bench_items WHERE n = :n) ORDER BY id FOR UPDATE;
SELECT inventory_item_id, units, occupied_from, occupied_to FROM booking_allocations
 WHERE inventory_item_id = (SELECT item FROM bench_items WHERE n = :n)
   AND occupied_from < (SELECT base FROM bench_items WHERE n = :n) + make_interval(days => :day, mins => 540 + :slot * 30 + 30)
   AND occupied_to > (SELECT base FROM bench_items WHERE n = :n) + make_interval(days => :day, mins => 540 + :slot * 30)
   AND (held_until IS NULL OR held_until > now());
WITH b AS (
  INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, expires_at, amount_minor, currency, created_at, updated_at, policy_snapshot)
  SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid,
         tenant, package, customer, 'held', 1,
         base + make_interval(days => :day, mins => 540 + :slot * 30),
         base + make_interval(days => :day, mins => 570 + :slot * 30),
         now() + interval '10 minutes', 1000, 'GBP', now(), now(),
         -- the policy snapshot, as the API stores it on every booking
         '{"bufferBeforeMinutes":0,"bufferAfterMinutes":0,"rescheduleWindowHours":24,"cancellationWindowHours":24,"refundRule":"FullBeforeWindow","lateRefundPercent":0}'::jsonb
  FROM bench_items WHERE n = :n
  RETURNING id, tenant_id, starts_at, ends_at, expires_at)
INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to, held_until)
SELECT b.id, (SELECT item FROM bench_items WHERE n = :n), b.tenant_id, 1, b.starts_at, b.ends_at, b.expires_at FROM b;
-- Unsent, with a payload of the API's shape and size, so the relay's partial index is paid for here too;
-- the bench script marks these sent afterwards so no relay publishes them.
INSERT INTO outbox_messages (id, tenant_id, type, payload, occurred_at, attempts)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid,
       tenant, 'booking.held.v1',
       jsonb_build_object('booking', jsonb_build_object('seats', 1, 'status', 'held', 'currency', 'GBP', 'tenantId', tenant,
         'bookingId', gen_random_uuid(), 'packageId', package, 'customerId', customer, 'amountMinor', 1000,
         'startsAt', base + make_interval(days => :day, mins => 540 + :slot * 30),
         'endsAt', base + make_interval(days => :day, mins => 570 + :slot * 30)),
         'tenantId', tenant, 'bookingId', gen_random_uuid(), 'expiresAt', now() + interval '10 minutes'),
       now(), 0
FROM bench_items WHERE n = :n;
COMMIT;
