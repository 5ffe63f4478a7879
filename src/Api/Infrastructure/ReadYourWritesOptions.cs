using System.ComponentModel.DataAnnotations;

namespace BookingAws.Api.Infrastructure;

public enum ReadYourWritesMode
{
    /// <summary>Remember the primary's WAL position after a write; read the replica once it has replayed past it.
    /// Needs <c>pg_current_wal_insert_lsn()</c> and <c>pg_last_wal_replay_lsn()</c>: plain PostgreSQL only.</summary>
    WalPosition,

    /// <summary>After a write, read the primary for a window sized from the measured replica lag. Calls no
    /// WAL function, so it works on Aurora, whose storage-level replication has none.</summary>
    PinWindow,
}

/// <summary>Section <c>Database</c>: how a user who just wrote is kept from reading a lagging replica.</summary>
public sealed class ReadYourWritesOptions
{
    public const string Section = "Database";

    /// <summary>Unset: <see cref="ReadYourWritesMode.WalPosition"/> in Development (the local replica), else
    /// <see cref="ReadYourWritesMode.PinWindow"/> (Aurora).</summary>
    public ReadYourWritesMode? ReadYourWrites { get; set; }

    /// <summary>The window is this many times the largest lag seen lately, so a lag spike between samples is covered.</summary>
    [Range(1.0, 100.0)]
    public double PinWindowLagFactor { get; set; } = 2.0;

    public TimeSpan PinWindowMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Also the window when the lag cannot be read.</summary>
    public TimeSpan PinWindowMax { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LagSampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many recent samples the "largest lag seen lately" spans.</summary>
    [Range(1, 1000)]
    public int LagSamplesKept { get; set; } = 12;
}
