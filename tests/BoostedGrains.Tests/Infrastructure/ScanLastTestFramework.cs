using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("BoostedGrains.Tests.Infrastructure.ScanLastTestFramework", "BoostedGrains.Tests")]

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>
/// xunit's own framework, except that the test collection named <see cref="LastCollection"/> starts only after every
/// other collection of the run has finished, so the suite-wide log scan sees every line the suite wrote. Works with
/// parallel and sequential collections alike.
/// </summary>
public sealed class ScanLastTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    public const string LastCollection = "Suite log scan (runs last)";

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName name, ISourceInformationProvider source, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(name, source, diagnostics)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(ITestAssembly assembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnostics, IMessageSink execution, ITestFrameworkExecutionOptions options)
        : XunitTestAssemblyRunner(assembly, testCases, diagnostics, execution, options)
    {
        private readonly TaskCompletionSource _othersDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _others;

        protected override async Task AfterTestAssemblyStartingAsync()
        {
            await base.AfterTestAssemblyStartingAsync();
            TestCollectionOrderer = new LastOrderer(TestCollectionOrderer);
            // Collections are told apart by their unique ID, as the runner groups them (instances may differ).
            _others = TestCases.Select(c => c.TestMethod.TestClass.TestCollection)
                .Where(c => c.DisplayName != LastCollection).Select(c => c.UniqueID).Distinct().Count();
            if (_others == 0)
                _othersDone.TrySetResult();
        }

        protected override async Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource)
        {
            if (testCollection.DisplayName == LastCollection)
            {
                await _othersDone.Task;
                return await base.RunTestCollectionAsync(messageBus, testCollection, testCases, cancellationTokenSource);
            }
            try
            {
                return await base.RunTestCollectionAsync(messageBus, testCollection, testCases, cancellationTokenSource);
            }
            finally
            {
                if (Interlocked.Decrement(ref _others) == 0)
                    _othersDone.TrySetResult();
            }
        }
    }

    private sealed class LastOrderer(ITestCollectionOrderer inner) : ITestCollectionOrderer
    {
        public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
            inner.OrderTestCollections(testCollections).OrderBy(c => c.DisplayName == LastCollection);
    }
}
