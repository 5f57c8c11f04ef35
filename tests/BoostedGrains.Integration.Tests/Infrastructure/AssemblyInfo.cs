// Every test runs a real silo, and meters are process-wide: one at a time keeps metric counts exact and the 2 cores free.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
