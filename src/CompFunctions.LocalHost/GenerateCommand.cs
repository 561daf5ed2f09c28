using System.Globalization;
using System.Text;

namespace CompFunctions.LocalHost;

/// <summary>
/// <c>generate</c> and <c>next-night</c>: write a realistic export of any size, or the export of the
/// night after a given one, for load tests and benchmarks (see <see cref="ExportGenerator"/>).
/// </summary>
public static class GenerateCommand
{
    public const string Usage = """
        generate --out PATH [--rows 100000] [--sdrs 500] [--days 90] [--as-of 2026-11-26] [--seed 1]
        next-night --from PATH --out PATH [--changed 0.01] [--as-of 2026-11-26] [--seed 2]
        """;

    public static async Task<int> GenerateAsync(string[] args, TextWriter output)
    {
        var options = Options.Parse(args);
        var defaults = new GeneratorOptions();
        var generator = new GeneratorOptions
        {
            Rows = options.Int("rows", defaults.Rows),
            Sdrs = options.Int("sdrs", defaults.Sdrs),
            Days = options.Int("days", defaults.Days),
            AsOf = options.Date("as-of", defaults.AsOf),
            Seed = options.Int("seed", defaults.Seed),
        };
        var path = options.Required("out");
        await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16))
        {
            await ExportGenerator.WriteAsync(writer, generator);
        }

        await output.WriteLineAsync($"Wrote {generator.Rows:N0} meetings of {generator.Sdrs} SDRs over {generator.Days} days up to {generator.AsOf:yyyy-MM-dd} (seed {generator.Seed}) to {path}: {new FileInfo(path).Length / 1e6:0.0} MB.");
        return 0;
    }

    public static async Task<int> NextNightAsync(string[] args, TextWriter output)
    {
        var options = Options.Parse(args);
        var from = options.Required("from");
        var path = options.Required("out");
        var share = options.Double("changed", 0.01);
        int changed;
        using (var reader = new StreamReader(from, Encoding.UTF8))
        await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16))
        {
            changed = await ExportGenerator.NextNightAsync(reader, writer, share, options.Int("seed", 2), options.Date("as-of", new GeneratorOptions().AsOf));
        }

        await output.WriteLineAsync($"Wrote {path}: {from} with {changed:N0} rows changed ({share:P1} asked).");
        return 0;
    }

    /// <summary><c>--name value</c> pairs; a missing or malformed value fails with a message that names the option.</summary>
    public sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"Expected --name value pairs; '{args[i]}' has no value.");
                }

                options._values[args[i][2..]] = args[++i];
            }

            return options;
        }

        public string Required(string name) =>
            _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

        public string? Text(string name) => _values.GetValueOrDefault(name);

        public int Int(string name, int fallback) => Get(name, fallback, text => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));

        public double Double(string name, double fallback) => Get(name, fallback, text => double.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));

        public DateOnly Date(string name, DateOnly fallback) => Get(name, fallback, text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture));

        private T Get<T>(string name, T fallback, Func<string, T> parse)
        {
            if (!_values.TryGetValue(name, out var text))
            {
                return fallback;
            }

            try
            {
                return parse(text);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"--{name} '{text}' is not a valid {typeof(T).Name}.");
            }
        }
    }
}
