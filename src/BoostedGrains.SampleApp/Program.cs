using BoostedGrains.SampleApp;

await SampleServer.Create(args).RunAsync();
