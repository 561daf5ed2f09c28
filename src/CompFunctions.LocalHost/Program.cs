using CompFunctions.LocalHost;

// dotnet run --project src/CompFunctions.LocalHost            serve the app on http://localhost:7071 against Azurite
// dotnet run --project src/CompFunctions.LocalHost -- demo    run the nightly pipeline once on the bundled sample and print a statement
var demo = args.Length > 0 && args[0] == "demo";
var rest = demo ? args[1..] : args;
return demo
    ? await SampleRun.RunAsync(rest, Console.Out)
    : await Serve.RunAsync(rest, Console.Out);
