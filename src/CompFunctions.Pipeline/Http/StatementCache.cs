using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CompFunctions.Pipeline.Http;

/// <summary>
/// Statements this instance has rendered, keyed by what makes a statement what it is: period, SDR,
/// status and the digest of its lines. A request reads the summary columns of the statement's row
/// (one point read) and the period's lock, and is served from here when the digest still matches; so a copy
/// can never be served after its lines changed, on this instance or any other. Bounded by
/// <see cref="CompensationOptions.StatementCacheLines"/>; concurrent requests for the same
/// statement share one build.
/// </summary>
public sealed class StatementCache : IDisposable
{
    private readonly MemoryCache? _cache;

    public StatementCache(IOptions<CompensationOptions> options)
    {
        var lines = options.Value.StatementCacheLines;
        _cache = lines > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = lines }) : null;
    }

    /// <summary>
    /// The rendered statement for the key, built by <paramref name="build"/> when this instance has
    /// none. The build returns the digest of the lines it actually read: when they changed since the
    /// summary was read, its result is served but not kept under the older digest.
    /// </summary>
    public async Task<RenderedStatement?> GetOrBuildAsync(string key, string digest, int lines, Func<Task<(string Digest, RenderedStatement? Statement)>> build)
    {
        if (_cache is null)
        {
            return (await build().ConfigureAwait(false)).Statement;
        }

        var cacheKey = key + "\n" + digest;
        var pending = _cache.GetOrCreate(cacheKey, entry =>
        {
            entry.Size = lines + 1;
            return new Lazy<Task<(string Digest, RenderedStatement? Statement)>>(build);
        })!;

        try
        {
            var (built, statement) = await pending.Value.ConfigureAwait(false);
            if (built != digest || statement is null)
            {
                _cache.Remove(cacheKey);
            }

            return statement;
        }
        catch
        {
            _cache.Remove(cacheKey);
            throw;
        }
    }

    public void Dispose() => _cache?.Dispose();
}
