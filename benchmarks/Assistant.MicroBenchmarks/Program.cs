using BenchmarkDotNet.Running;

// In Release: dotnet run -c Release --project benchmarks/Assistant.MicroBenchmarks -- --filter '*'
// (`--list flat` names them, `--job short` gives a quick look).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
