using CompFunctions.LocalHost;

// dotnet run --project src/CompFunctions.LocalHost              serve the app on http://localhost:7071 against Azurite
// dotnet run --project src/CompFunctions.LocalHost -- demo      run the nightly pipeline once on the bundled sample and print a statement
// dotnet run --project src/CompFunctions.LocalHost -- compare --periods 2026-11 --plans sdr-2026,pay-per-sao [--html PATH]
//                                                               compare plans on the stored meetings and measure the live policy
// dotnet run --project src/CompFunctions.LocalHost -- generate  write a realistic export of any size (and next-night: the night after)
var command = args.Length > 0 ? args[0] : "";
var rest = args.Length > 0 ? args[1..] : args;
try
{
    return command switch
    {
        "demo" => await SampleRun.RunAsync(rest, Console.Out),
        "compare" => await CompareRun.RunAsync(rest, Console.Out),
        "generate" => await GenerateCommand.GenerateAsync(rest, Console.Out),
        "next-night" => await GenerateCommand.NextNightAsync(rest, Console.Out),
        _ => await Serve.RunAsync(args, Console.Out),
    };
}
catch (ArgumentException ex) when (command is "generate" or "next-night")
{
    await Console.Error.WriteLineAsync($"{ex.Message}\nUsage:\n{GenerateCommand.Usage}");
    return 2;
}
