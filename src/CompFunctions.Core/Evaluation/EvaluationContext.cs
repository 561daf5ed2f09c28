using CompFunctions.Core.Meetings;
using CompFunctions.Core.Periods;

namespace CompFunctions.Core.Evaluation;

/// <summary>Company settings every evaluation needs: its calendar and its stage order.</summary>
public sealed record EvaluationContext(CompanyCalendar Calendar, StageOrder Stages)
{
    /// <summary>ISO date of an instant in the company's time zone, as reasons print it.</summary>
    public string LocalDateText(DateTimeOffset instant) => Calendar.LocalDateText(instant);
}
