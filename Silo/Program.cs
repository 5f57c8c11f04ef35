using BoostedGrains.Silo.Health;
using BoostedGrains.Silo.Hosting;
using BoostedGrains.Silo.Onboarding;

if (args is [ProvisionCommand.Name, .. var rest])
{
    using var interrupt = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        // The first Ctrl+C stops starting new users and prints the summary; a second one kills the process.
        e.Cancel = !interrupt.IsCancellationRequested;
        interrupt.Cancel();
    };
    return await ProvisionCommand.RunAsync(rest, Console.Out, !Console.IsOutputRedirected, interrupt.Token);
}

if (args is [HealthProbe.Name, .. var probeArgs])
    return await HealthProbe.RunAsync(probeArgs, Console.Out);

var app = await SiloApp.CreateAsync(args);
await app.RunAsync();
return 0;
