namespace Cairn.WebConsole.Navigation;

/// <summary>
/// Puts a page in the console's navigation bar: put it on the page's PageModel. <paramref name="path"/> is the page's
/// route under /console; <see cref="OperatorOnly"/> pages (those that read the admin API) are shown to root alone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NavigationAttribute(string title, string path) : Attribute
{
    public string Title { get; } = title;

    public string Path { get; } = path;

    /// <summary>Left to right, lowest first.</summary>
    public int Order { get; init; }

    public bool OperatorOnly { get; init; }
}
