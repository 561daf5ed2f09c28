using System.Text.Json;
using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;

namespace CompFunctions.Pipeline.Evaluation;

/// <summary>The queue message asking for one (SDR, period) to be evaluated again.</summary>
public sealed record EvaluationRequest(string SdrId, string Period, string? RunId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and checks a message; a malformed one is reported, not retried.</summary>
    public static bool TryParse(string message, out EvaluationRequest? request, out CompPeriod period, out string? problem)
    {
        request = null;
        period = default;
        try
        {
            request = JsonSerializer.Deserialize<EvaluationRequest>(message, Json);
        }
        catch (JsonException ex)
        {
            problem = $"not JSON: {ex.Message}";
            return false;
        }

        if (request is null || !Identifier.IsValid(request.SdrId) || !CompPeriod.TryParse(request.Period, out period))
        {
            problem = "expected {\"sdrId\": \"<id>\", \"period\": \"YYYY-MM\"}";
            request = null;
            return false;
        }

        problem = null;
        return true;
    }
}
