namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>Sizes and durations of one run: quick (under 3 minutes on 2 cores) or full.</summary>
public sealed record BenchSettings
{
    public required string Mode { get; init; }
    public required string OutputPath { get; init; }

    /// <summary>Boosted's (the emulator's) answer latency.</summary>
    public int BoostedLatencyMs { get; init; } = 20;

    // Rows 1 and 2: warm fetches, each measured in alternating slices with its baseline so drift hits both alike.
    public required TimeSpan WarmupPerSide { get; init; }
    public required TimeSpan MeasurePerSide { get; init; }
    public int Slices { get; init; } = 4;

    /// <summary>Each paired measurement is repeated this many times (<c>--reps N</c>); its ratio is reported as min / median / max.</summary>
    public int Repetitions { get; init; } = 3;
    public int WarmUsers { get; init; } = 1_000;
    public int[] GrainConcurrency { get; init; } = [1, 64, 512];
    public int[] HttpConcurrency { get; init; } = [64, 512];

    // Row 3: cold storms.
    public int StormCallers { get; init; } = 1_000;
    public int StormUsers { get; init; } = 10_000;

    /// <summary>How long row 3 measures direct exchanges (no cluster) after each many-users storm.</summary>
    public TimeSpan DirectExchangeDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Also storm a silo with the default queue (about 30 s more, so full mode only).</summary>
    public bool StormWithDefaults { get; init; } = true;

    // Row 4: steady state, compressed time.
    public required int SteadyUsers { get; init; }
    public required double SteadyRequestsPerSecond { get; init; }
    public required int SteadyLifetimeSeconds { get; init; }
    public required int SteadyLifetimes { get; init; }

    // Row 5: memory.
    public required int MemoryUsers { get; init; }

    /// <summary>How long row 5 holds its active grains before measuring their release (<c>--hold-memory S</c>), for a heap profile.</summary>
    public TimeSpan HoldMemory { get; init; }

    // Row 6: sessions with idle gaps, compressed time.
    public required int IdleGapUsers { get; init; }
    public required int IdleGapLifetimeSeconds { get; init; }
    public int IdleGapLifetimes { get; init; } = 3;

    /// <summary>Gaps are drawn up to this many token lifetimes: most exceed the collection age (a quarter lifetime), some the lifetime.</summary>
    public double IdleGapMaxFactor { get; init; } = 1.5;

    // Row 7: a rolling restart of 3 silo processes.
    public required int RestartUsers { get; init; }
    public int RestartCallers { get; init; } = 16;

    // Row 8: warm fetches through the token APIs of 1 silo process and of 3, side by side.
    public required int ScaleUsers { get; init; }
    public int[] ScaleCallers { get; init; } = [64, 256];

    public static BenchSettings Parse(string[] args)
    {
        var full = args.Contains("--full");
        if (!full && !args.Contains("--quick"))
            Console.WriteLine("No mode given: running --quick (use --full for the full run).");
        var outIndex = Array.IndexOf(args, "--out");
        var repsIndex = Array.IndexOf(args, "--reps");
        var reps = repsIndex >= 0 && repsIndex + 1 < args.Length ? int.Parse(args[repsIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var holdIndex = Array.IndexOf(args, "--hold-memory");
        var hold = TimeSpan.FromSeconds(holdIndex >= 0 && holdIndex + 1 < args.Length ? double.Parse(args[holdIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 0);
        var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(ProjectDirectory(), "results", "latest.md");
        return full
            ? new BenchSettings
            {
                Mode = "full", OutputPath = output, Repetitions = reps, HoldMemory = hold,
                WarmupPerSide = TimeSpan.FromSeconds(4), MeasurePerSide = TimeSpan.FromSeconds(12), Slices = 6,
                SteadyUsers = 5_000, SteadyRequestsPerSecond = 1_000, SteadyLifetimeSeconds = 20, SteadyLifetimes = 10,
                MemoryUsers = 100_000,
                IdleGapUsers = 2_000, IdleGapLifetimeSeconds = 40, IdleGapLifetimes = 5,
                RestartUsers = 10_000,
                ScaleUsers = 5_000,
            }
            : new BenchSettings
            {
                Mode = "quick", OutputPath = output, Repetitions = reps, HoldMemory = hold,
                // Warm-up long enough for tiered JIT to settle the hot paths; shorter ones measured tier-0 code. Each of
                // the repetitions measures 1 s per side. Quick mode fits 3 minutes on 2 cores with rows 6 and 7 side by side.
                WarmupPerSide = TimeSpan.FromSeconds(1), MeasurePerSide = TimeSpan.FromSeconds(1),
                StormUsers = 5_000, DirectExchangeDuration = TimeSpan.FromSeconds(1),
                SteadyUsers = 1_000, SteadyRequestsPerSecond = 800, SteadyLifetimeSeconds = 3, SteadyLifetimes = 2,
                MemoryUsers = 10_000, StormWithDefaults = false,
                IdleGapUsers = 300, IdleGapLifetimeSeconds = 16, IdleGapLifetimes = 2,
                // 10,000 users took 358-521 s on the shared 2 cores (their first tokens alone 227-261 s): quick mode restarts under fewer.
                RestartUsers = 1_000,
                ScaleUsers = 1_000,
            };
    }

    // results/ sits next to the project file, wherever the command is run from.
    private static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BoostedGrains.Benchmarks.csproj")))
                return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
