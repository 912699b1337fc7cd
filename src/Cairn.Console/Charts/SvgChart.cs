using System.Globalization;
using System.Net;
using System.Text;

namespace Cairn.WebConsole.Charts;

/// <summary>One line of a <see cref="LineChart"/>: its name (the legend), a CSS class for its colour, and its points.</summary>
public sealed record ChartSeries(string Name, string CssClass, IReadOnlyList<(DateTimeOffset At, double Value)> Points);

/// <summary>One bar of a <see cref="BarChart"/>.</summary>
public sealed record ChartBar(string Label, double Value, string ValueText);

/// <summary>
/// SVG markup drawn on the server (the CSP allows markup, not inline script): a chart is an image with a title and a
/// description for screen readers; the page shows the same figures in a table beside it.
/// </summary>
internal static class Svg
{
    public const int Width = 760, Height = 240, Left = 56, Right = 16, Top = 16, Bottom = 40;

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string E(string text) => WebUtility.HtmlEncode(text);

    public static StringBuilder Open(string title, string description) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 {Width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\">")
        .Append(CultureInfo.InvariantCulture, $"<title id=\"chart-title\">{E(title)}</title><desc id=\"chart-desc\">{E(description)}</desc>");

    /// <summary>The y axis: 0 and the top value, with a grid line at each.</summary>
    public static void Axis(StringBuilder svg, double max, Func<double, string> text)
    {
        foreach (var (y, value) in new[] { (Height - Bottom, 0.0), (Top, max) })
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4}\" text-anchor=\"end\">{E(text(value))}</text>");
    }
}

/// <summary>Lines over time, sharing one y scale from zero; the axis's values as <paramref name="valueText"/> writes them (plain numbers by default).</summary>
public static class LineChart
{
    public static string Render(string title, string description, IReadOnlyList<ChartSeries> series, Func<double, string>? valueText = null)
    {
        var points = series.SelectMany(s => s.Points).ToArray();
        var svg = Svg.Open(title, description);
        if (points.Length == 0) return svg.Append("</svg>").ToString();
        var (from, to) = (points.Min(p => p.At), points.Max(p => p.At));
        var span = Math.Max(1, (to - from).TotalSeconds);
        var max = Math.Max(1, points.Max(p => p.Value));
        double X(DateTimeOffset at) => Svg.Left + (at - from).TotalSeconds / span * (Svg.Width - Svg.Left - Svg.Right);
        double Y(double value) => Svg.Height - Svg.Bottom - value / max * (Svg.Height - Svg.Top - Svg.Bottom);
        Svg.Axis(svg, max, valueText ?? Svg.N);
        foreach (var (at, anchor) in new[] { (from, "start"), (to, "end") })
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Svg.N(X(at))}\" y=\"{Svg.Height - Svg.Bottom + 16}\" text-anchor=\"{anchor}\">{at.UtcDateTime:HH:mm} UTC</text>");
        var legendX = Svg.Left;
        foreach (var s in series)
        {
            var path = string.Join(' ', s.Points.Select(p => Svg.N(X(p.At)) + "," + Svg.N(Y(p.Value))));
            // A single point is drawn as a dot: a polyline of one point shows nothing.
            svg.Append(s.Points.Count == 1
                ? $"<circle class=\"{s.CssClass}\" cx=\"{Svg.N(X(s.Points[0].At))}\" cy=\"{Svg.N(Y(s.Points[0].Value))}\" r=\"3\"/>"
                : $"<polyline class=\"{s.CssClass}\" fill=\"none\" points=\"{path}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{s.CssClass} key\" x=\"{legendX}\" y=\"{Svg.Height - 14}\" width=\"12\" height=\"4\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{legendX + 16}\" y=\"{Svg.Height - 8}\">{Svg.E(s.Name)}</text>");
            legendX += 24 + s.Name.Length * 8;
        }
        return svg.Append("</svg>").ToString();
    }
}

/// <summary>Horizontal bars, one per label, from zero.</summary>
public static class BarChart
{
    public static string Render(string title, string description, IReadOnlyList<ChartBar> bars)
    {
        const int row = 22, labelWidth = 220;
        var height = Svg.Top + Math.Max(1, bars.Count) * row + 8;
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" aria-labelledby=\"bars-title bars-desc\" viewBox=\"0 0 {Svg.Width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append(CultureInfo.InvariantCulture, $"<title id=\"bars-title\">{Svg.E(title)}</title><desc id=\"bars-desc\">{Svg.E(description)}</desc>");
        var max = bars.Count == 0 ? 1 : Math.Max(1e-9, bars.Max(b => b.Value));
        var room = Svg.Width - labelWidth - Svg.Right - 90;
        for (var i = 0; i < bars.Count; i++)
        {
            var y = Svg.Top + i * row;
            var width = Math.Max(1, bars[i].Value / max * room);
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{labelWidth - 8}\" y=\"{y + 14}\" text-anchor=\"end\">{Svg.E(bars[i].Label)}</text>")
               .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{Svg.N(width)}\" height=\"14\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Svg.N(labelWidth + width + 6)}\" y=\"{y + 14}\">{Svg.E(bars[i].ValueText)}</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
