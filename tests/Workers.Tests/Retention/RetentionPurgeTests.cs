using Amazon.SQS.Model;
using BookingAws.Shared.Data.Retention;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Tests.Retention;

public class RetentionPurgeTests
{
    /// <summary>Each table's rows, one just past its default period and one just inside it (days ago).</summary>
    private static readonly (string Table, int OldDays, int YoungDays)[] Periods =
    [
        ("idempotency_keys", 8, 6),
        ("inbox_messages", 15, 13),
        ("outbox_messages", 15, 13),
        ("stripe_events", 31, 29),
        ("email_deliveries", 91, 89),
        ("webhook_deliveries", 31, 29),
    ];

    [Fact]
    public async Task The_scheduled_tick_purges_rows_older_than_each_period_and_keeps_younger_ones_and_unsent_outbox_rows()
    {
        var seed = await Platform.SeedAsync();
        var now = SystemClock.Instance.GetCurrentInstant();
        var rows = new Dictionary<string, (string Old, string Young)>();
        foreach (var (table, oldDays, youngDays) in Periods)
        {
            rows[table] = (await InsertAsync(table, seed.Tenant.Id, now - Duration.FromDays(oldDays)), await InsertAsync(table, seed.Tenant.Id, now - Duration.FromDays(youngDays)));
        }

        var unsent = await InsertAsync("outbox_messages", seed.Tenant.Id, now - Duration.FromDays(60), sent: false);

        // The tick as EventBridge Scheduler (or the local timer) sends it, on the queue the topology names.
        var queues = await Platform.CreateQueuesAsync();
        var settings = WorkerHost.Settings(queues, Guid.NewGuid());
        settings["Workers:Relay:Enabled"] = "false";
        await using var workers = await WorkerHost.StartAsync(settings);
        var queue = MessageTopology.Schedules.Single(s => s.MessageType == RetentionPurgeDue.WireName).Queue;
        Assert.Equal(MessageTopology.Analytics, queue);
        await Platform.Sqs.SendMessageAsync(new SendMessageRequest(
            await Platform.QueueUrlAsync(queues.Analytics), $$"""{"type":"{{RetentionPurgeDue.WireName}}","at":"{{DateTimeOffset.UtcNow:O}}"}"""));

        await Eventually.TrueAsync(
            async () =>
            {
                foreach (var (table, (old, _)) in rows)
                {
                    if (await ExistsAsync(table, old))
                    {
                        return false;
                    }
                }

                return true;
            },
            "every row older than its table's period purged");

        foreach (var (table, (_, young)) in rows)
        {
            Assert.True(await ExistsAsync(table, young), $"{table}: a row younger than the period was purged");
        }

        Assert.True(await ExistsAsync("outbox_messages", unsent), "an unsent outbox row was purged");
    }

    [Fact]
    public async Task A_purge_deletes_in_batches_and_skips_a_row_another_transaction_holds_instead_of_waiting()
    {
        var seed = await Platform.SeedAsync();
        var old = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(10);
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add(await InsertAsync("idempotency_keys", seed.Tenant.Id, old));
        }

        // This test's rows only, so rows of tests running alongside cannot change the counts.
        var table = new RetentionTable("test", "idempotency_keys", $"created_at < @cutoff AND tenant_id = '{seed.Tenant.Id}'", p => p.IdempotencyKeys);
        var purge = new RetentionPurge(Platform.Db);

        await using var other = await Platform.Db.OpenConnectionAsync();
        await using var held = await other.BeginTransactionAsync();
        await using (var lockOne = new NpgsqlCommand("SELECT 1 FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 FOR UPDATE", other, held))
        {
            lockOne.Parameters.Add(new NpgsqlParameter { Value = seed.Tenant.Id });
            lockOne.Parameters.Add(new NpgsqlParameter { Value = keys[0] });
            await lockOne.ExecuteNonQueryAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal(4, await purge.PurgeAsync(table, old + Duration.FromMinutes(1), batchSize: 2, timeout.Token));
        Assert.True(await ExistsAsync("idempotency_keys", keys[0]));

        await held.RollbackAsync();
        Assert.Equal(1, await purge.PurgeAsync(table, old + Duration.FromMinutes(1), batchSize: 2, timeout.Token));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM idempotency_keys WHERE tenant_id = $1", seed.Tenant.Id));
    }

    /// <summary>
    /// Each purge finds its batch through an index on the row's age, so a year of rows is not scanned every hour:
    /// with sequential scans priced out, the planner's plan for each table's condition names an index.
    /// </summary>
    [Fact]
    public async Task Every_purged_table_has_an_index_for_its_age_condition()
    {
        await using var connection = await Platform.Db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("SET LOCAL enable_seqscan = off", connection, tx))
        {
            await off.ExecuteNonQueryAsync();
        }

        foreach (var table in RetentionPurge.Tables)
        {
            var condition = table.Condition.Replace("@cutoff", "now() - interval '30 days'", StringComparison.Ordinal);
            await using var explain = new NpgsqlCommand($"EXPLAIN SELECT ctid FROM {table.Table} WHERE {condition} LIMIT 500", connection, tx);
            var plan = string.Join("\n", await ReadAllAsync(explain));
            Assert.True(plan.Contains("Index Cond", StringComparison.Ordinal), $"{table.Table}: no index range serves '{table.Condition}':\n{plan}");
        }
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    /// <summary>Inserts one row dated <paramref name="at"/>; returns its key (as text).</summary>
    private static async Task<string> InsertAsync(string table, Guid tenantId, Instant at, bool sent = true)
    {
        var id = Guid.NewGuid();
        var sql = table switch
        {
            "idempotency_keys" => "INSERT INTO idempotency_keys (tenant_id, key, request_hash, status_code, response_body, created_at) VALUES ($1, $2::text, 'h', 201, '{}', $3)",
            "inbox_messages" => "INSERT INTO inbox_messages (message_id, consumer, processed_at) VALUES ($2::uuid, 'retention-test', $3)",
            "outbox_messages" => sent
                ? "INSERT INTO outbox_messages (id, tenant_id, type, payload, occurred_at, sent_at, attempts) VALUES ($2::uuid, $1, 'retention.test.v1', '{}', $3, $3, 1)"
                : "INSERT INTO outbox_messages (id, tenant_id, type, payload, occurred_at, attempts) VALUES ($2::uuid, $1, 'retention.test.v1', '{}', $3, 0)",
            "stripe_events" => "INSERT INTO stripe_events (id, type, received_at, processed_at) VALUES ('evt_' || $2::text, 'payment_intent.succeeded', $3, $3)",
            "email_deliveries" => "INSERT INTO email_deliveries (message_id, template, tenant_id, recipient, subject, sent_at) VALUES ($2::uuid, 'retention-test', $1, 'a@example.test', 's', $3)",
            "webhook_deliveries" => """
                WITH e AS (
                  INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, signing_secret, created_at)
                  VALUES (gen_random_uuid(), $1, 'https://93.184.215.14/retention', '{*}', 'whsec_retention', $3) RETURNING id)
                INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, occurred_at, created_at, state, attempts, next_attempt_at, give_up_at)
                SELECT $2::uuid, $1, e.id, gen_random_uuid(), 'booking.confirmed.v1', '{}', $3, $3, 'delivered', 1, $3, $3 FROM e
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        await using var command = Platform.Db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = id.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        await command.ExecuteNonQueryAsync();
        return id.ToString();
    }

    private static async Task<bool> ExistsAsync(string table, string id)
    {
        var sql = table switch
        {
            "idempotency_keys" => "SELECT count(*) FROM idempotency_keys WHERE key = $1",
            "inbox_messages" => "SELECT count(*) FROM inbox_messages WHERE message_id = $1::uuid",
            "outbox_messages" => "SELECT count(*) FROM outbox_messages WHERE id = $1::uuid",
            "stripe_events" => "SELECT count(*) FROM stripe_events WHERE id = 'evt_' || $1",
            "email_deliveries" => "SELECT count(*) FROM email_deliveries WHERE message_id = $1::uuid",
            "webhook_deliveries" => "SELECT count(*) FROM webhook_deliveries WHERE id = $1::uuid",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        return await Platform.ScalarAsync(sql, id) > 0;
    }
}

public class RetentionOptionsTests
{
    [Fact]
    public void The_defaults_are_the_stated_periods_and_sound()
    {
        var options = new RetentionOptions();
        Assert.Equal(
            (7, 14, 14, 30, 90),
            ((int)options.IdempotencyKeys.TotalDays, (int)options.Inbox.TotalDays, (int)options.Outbox.TotalDays, (int)options.StripeEvents.TotalDays, (int)options.EmailDeliveries.TotalDays));
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void An_inbox_kept_shorter_than_a_queue_keeps_messages_or_a_period_under_a_day_is_refused()
    {
        Assert.NotEmpty(new RetentionOptions { Inbox = TimeSpan.FromDays(2) }.Problems());
        Assert.NotEmpty(new RetentionOptions { IdempotencyKeys = TimeSpan.FromHours(1) }.Problems());
        Assert.NotEmpty(new RetentionOptions { BatchSize = 0 }.Problems());
        Assert.True(new RetentionOptionsValidator().Validate(null, new WorkerOptions { Retention = { Outbox = TimeSpan.Zero } }).Failed);
    }
}
