namespace BoostedGrains.Silo.Onboarding;

/// <summary>
/// Draws onboarding progress: a bar redrawn in place on a terminal, or a line per tenth of the work when the output is
/// redirected (logs and CI have no carriage returns).
/// </summary>
public sealed class ProgressBar(TextWriter output, bool interactive) : IProgress<OnboardingProgress>
{
    private const int Width = 30;
    private readonly Lock _lock = new();
    private int _lastTenth = -1;
    private int _lastDone = -1;

    /// <inheritdoc />
    public void Report(OnboardingProgress value)
    {
        lock (_lock)
        {
            // Reports come from concurrent workers and may arrive out of order: never draw the bar backwards.
            if (value.Done < _lastDone)
                return;
            _lastDone = value.Done;
            var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            var text = $"[{new string('#', (int)(fraction * Width)).PadRight(Width, '.')}] {value.Done}/{value.Total} " +
                       $"created {value.Created}, existing {value.Existing}, failed {value.Failed}";
            if (interactive)
            {
                output.Write('\r' + text);
                return;
            }
            var tenth = (int)(fraction * 10);
            if (tenth == _lastTenth)
                return;
            _lastTenth = tenth;
            output.WriteLine(text);
        }
    }
}
