namespace BoostedGrains.Concurrency;

/// <summary>The state a grain may use after its binding was checked; <paramref name="Unbound"/> when it was stored without one.</summary>
internal readonly record struct BindingResult<T>(T State, bool Unbound);
