using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Keeps the data-protection keys (they protect antiforgery tokens and one-shot messages) in memory: they need to live
/// no longer than the process's sessions, and nothing about them is written to disk.
/// </summary>
public sealed class MemoryKeyRepository : IXmlRepository
{
    private readonly List<XElement> elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (elements) return elements.Select(e => new XElement(e)).ToArray();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (elements) elements.Add(new XElement(element));
    }
}
