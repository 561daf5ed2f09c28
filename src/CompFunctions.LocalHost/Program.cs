using CompFunctions.LocalHost;

// dotnet run --project src/CompFunctions.LocalHost              serve the app on http://localhost:7071 against Azurite
// dotnet run --project src/CompFunctions.LocalHost -- demo      run the nightly pipeline once on the bundled sample and print a statement
// dotnet run --project src/CompFunctions.LocalHost -- compare --periods 2026-11 --plans sdr-2026,pay-per-sao [--html PATH]
//                                                               compare plans on the stored meetings and measure the live policy
return args.FirstOrDefault() switch
{
    "demo" => await SampleRun.RunAsync(args[1..], Console.Out),
    "compare" => await CompareRun.RunAsync(args[1..], Console.Out),
    _ => await Serve.RunAsync(args, Console.Out),
};
