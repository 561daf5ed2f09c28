namespace CompFunctions.Core.Policies;

/// <summary>Names one version of a policy document (a ruleset or a plan).</summary>
public sealed record DocumentRef(string Id, int Version)
{
    public override string ToString() => $"{Id} v{Version}";
}
