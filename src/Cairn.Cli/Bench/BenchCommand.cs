using System.CommandLine;

namespace Cairn.Cli.Bench;

// Placeholder while the load generator is written; it refuses to run rather than pretend.
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "S3 load generator (not yet available)");
        command.SetAction(_ => { Console.Error.WriteLine("cairn bench: not implemented yet"); return 2; });
        return command;
    }
}
