using BenchmarkDotNet.Running;
using CompFunctions.Benchmarks;
using CompFunctions.LocalHost;

// dotnet run -c Release --project bench/CompFunctions.Benchmarks -- core                  BenchmarkDotNet: evaluation per meeting
// dotnet run -c Release --project bench/CompFunctions.Benchmarks -- core-types            the core's bytes per meeting by type (allocation ticks)
// dotnet run -c Release --project bench/CompFunctions.Benchmarks -- month                 BenchmarkDotNet: an SDR month decoded, evaluated, its statement encoded
// dotnet run -c Release --project bench/CompFunctions.Benchmarks -- e2e --rows 100000     three nights through the pipeline on Azurite
// dotnet run -c Release --project bench/CompFunctions.Benchmarks -- statements            one statement under 50 concurrent clients
const string usage = """
    core [BenchmarkDotNet options]
    core-types [--months 2000] [--read-texts yes]
    month [BenchmarkDotNet options]
    e2e [--rows 100000] [--changed 0.01] [--seed 1] [--nights 3] [--storage "<connection string>"] [--gc-events yes]
    statements [--lines 1000] [--clients 50] [--seconds 15] [--encoding gzip|identity] [--storage "<connection string>"]
    """;
var command = args.Length > 0 ? args[0] : "";
var rest = args.Length > 0 ? args[1..] : args;
try
{
    switch (command)
    {
        case "core":
            BenchmarkRunner.Run<CoreEvaluationBenchmark>(args: rest);
            return 0;
        case "core-types":
            return await CoreAllocations.RunAsync(rest, Console.Out);
        case "month":
            BenchmarkRunner.Run<SdrMonthBenchmark>(args: rest);
            return 0;
        case "e2e":
            return await EndToEnd.RunAsync(rest, Console.Out);
        case "statements":
            return await StatementLoad.RunAsync(rest, Console.Out);
        default:
            await Console.Error.WriteLineAsync("Usage:\n" + usage);
            return 2;
    }
}
catch (OperationCanceledException)
{
    await Console.Error.WriteLineAsync("Stopped before the end (Ctrl+C or SIGTERM); the emulator and the benchmark's files are removed.");
    return 130;
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"{ex.Message}\nUsage:\n{usage}");
    return 2;
}
