-- The hold's transaction as plain SQL, shaped as the API sends it: a first pipeline (BEGIN, lock the
-- item, read overlapping allocations) and, once that answered, a second one (one statement inserting the
-- booking, its allocation and its outbox row, then COMMIT). Ids are time-ordered like the API's
-- Guid.CreateVersion7(). Not included, though the API does them: the idempotency-key lookup and insert,
-- the customer lookup, and the JSON of the response.
\set n random(1, 20)
\set day random(2, 61)
\set slot random(0, 25)
\startpipeline
BEGIN;
SELECT id, quantity FROM inventory_items WHERE id = (SELECT item FROM bench_items WHERE n = :n) ORDER BY id FOR UPDATE;
SELECT inventory_item_id, units, occupied_from, occupied_to FROM booking_allocations
 WHERE inventory_item_id = (SELECT item FROM bench_items WHERE n = :n)
   AND occupied_from < (SELECT base FROM bench_items WHERE n = :n) + make_interval(days => :day, mins => 540 + :slot * 30 + 30)
   AND occupied_to > (SELECT base FROM bench_items WHERE n = :n) + make_interval(days => :day, mins => 540 + :slot * 30)
   AND (held_until IS NULL OR held_until > now());
\endpipeline
\startpipeline
-- As the API's final batch: the outbox trigger stands aside, the relay is woken after COMMIT (src/Shared/Messaging/OutboxWaker.cs).
SET LOCAL bookingaws.outbox_wake = 'after_commit';
WITH ids AS (
  SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid AS booking,
         (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid AS message),
b AS (
  INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, expires_at, amount_minor, currency, created_at, updated_at, policy_snapshot)
  SELECT ids.booking, tenant, package, customer, 'held', 1,
         base + make_interval(days => :day, mins => 540 + :slot * 30),
         base + make_interval(days => :day, mins => 570 + :slot * 30),
         now() + interval '10 minutes', 1000, 'GBP', now(), now(),
         -- the policy snapshot, as the API stores it on every booking
         '{"bufferBeforeMinutes":0,"bufferAfterMinutes":0,"rescheduleWindowHours":24,"cancellationWindowHours":24,"refundRule":"FullBeforeWindow","lateRefundPercent":0}'::jsonb
  FROM bench_items, ids WHERE n = :n
  RETURNING id, tenant_id, package_id, customer_id, starts_at, ends_at, expires_at),
a AS (
  INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to, held_until)
  SELECT b.id, (SELECT item FROM bench_items WHERE n = :n), b.tenant_id, 1, b.starts_at, b.ends_at, b.expires_at FROM b)
-- Unsent, with a payload of the API's shape and size, so the relay's partial index is paid for here too;
-- the bench script marks these sent afterwards so no relay publishes them.
INSERT INTO outbox_messages (id, tenant_id, type, payload, occurred_at, attempts)
SELECT ids.message, b.tenant_id, 'booking.held.v1',
       jsonb_build_object('booking', jsonb_build_object('seats', 1, 'status', 'held', 'currency', 'GBP', 'tenantId', b.tenant_id,
         'bookingId', b.id, 'packageId', b.package_id, 'customerId', b.customer_id, 'amountMinor', 1000,
         'startsAt', b.starts_at, 'endsAt', b.ends_at),
         'tenantId', b.tenant_id, 'bookingId', b.id, 'expiresAt', b.expires_at),
       now(), 0
FROM b, ids;
COMMIT;
\endpipeline
