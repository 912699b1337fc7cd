using System.Reflection;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Navigation;

/// <summary>The navigation bar's entries: every page model of this assembly with a <see cref="NavigationAttribute"/>, in order.</summary>
public sealed class ConsoleNavigation
{
    public IReadOnlyList<NavigationAttribute> Entries { get; } = typeof(ConsoleNavigation).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(PageModel)))
        .Select(t => t.GetCustomAttribute<NavigationAttribute>())
        .OfType<NavigationAttribute>()
        .OrderBy(e => e.Order).ThenBy(e => e.Title, StringComparer.Ordinal)
        .ToArray();

    /// <summary>What the signed-in person may open.</summary>
    public IEnumerable<NavigationAttribute> For(bool isRoot) => Entries.Where(e => isRoot || !e.OperatorOnly);
}
