using System.Text.RegularExpressions;

namespace BookingAws.Cdk.Tests;

/// <summary>On-call meets in AWS the faults the local drill breaks on purpose: each one is named, with what the drill
/// measured, in the runbook section of the alarm that would fire for it.</summary>
public partial class FaultDrillRunbookTests
{
    [Fact]
    public void Every_fault_of_the_drill_is_named_in_the_runbook()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "bench", "faults.sh"));
        var faults = AllFaults().Match(script).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var runbook = File.ReadAllText(Path.Combine(RepoPaths.Root, "RUNBOOK.md"));

        Assert.Equal(8, faults.Length);
        Assert.All(faults, fault => Assert.Contains($"`bench/faults.sh {fault}`", runbook, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^ALL_FAULTS=\(([^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex AllFaults();
}
