using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Cairn.Cli.Simulate;

/// <summary>How the simulations print: Spectre tables (wide enough for a file or a pipe), or JSON.</summary>
internal static class SimulateOutput
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected) console.Profile.Width = 200;
        return console;
    }

    public static void Json(object value) =>
        System.Console.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions
        {
            WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));

    public static Table Table(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }.Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column)));
        return table;
    }

    public static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => new Markup(Markup.Escape(c))).ToArray());

    public static void Line(IAnsiConsole console, string text) => console.MarkupLine(Markup.Escape(text));

    /// <summary>Binary units: 1.5 KiB, 3.2 TiB, 9.9 PiB.</summary>
    public static string Bytes(double b)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        var u = 0;
        while (Math.Abs(b) >= 1024 && u < units.Length - 1) { b /= 1024; u++; }
        return u == 0 ? b.ToString("0", C) + " B" : b.ToString(b >= 100 ? "0" : b >= 10 ? "0.0" : "0.00", C) + " " + units[u];
    }

    /// <summary>A count with thousands separators, or in millions/billions past a million.</summary>
    public static string Count(double n) => Math.Abs(n) switch
    {
        >= 1e9 => (n / 1e9).ToString("0.##", C) + " billion",
        >= 1e6 => (n / 1e6).ToString("0.##", C) + " million",
        >= 100 => n.ToString("N0", C),
        >= 10 => n.ToString("0.#", C),
        _ => n.ToString("0.###", C),
    };

    /// <summary>Seconds, minutes, hours or days, whichever reads best.</summary>
    public static string Duration(TimeSpan t) => t.TotalSeconds switch
    {
        < 120 => t.TotalSeconds.ToString("0.#", C) + " s",
        < 7200 => t.TotalMinutes.ToString("0.#", C) + " min",
        < 172_800 => t.TotalHours.ToString("0.#", C) + " h",
        < 365 * 86_400 => t.TotalDays.ToString("0.#", C) + " days",
        _ => (t.TotalDays / 365.25).ToString("0.#", C) + " years",
    };

    public static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.001 ? "0.####" : "0.##", C) + " %";

    public static string Fixed(double value, string format = "0.0") => value.ToString(format, C);

    public static string Rate(double perSecond) => Count(perSecond) + "/s";
}
