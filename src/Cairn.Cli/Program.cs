using System.CommandLine;
using Cairn.Cli.Admin;
using Cairn.Cli.Bench;
using Cairn.Cli.Check;
using Cairn.Cli.Cluster;
using Cairn.Cli.Server;
using Cairn.Cli.Simulate;

var root = new RootCommand("Cairn: an S3-compatible object store.")
{
    ServerCommand.Create(),
    LocalClusterCommand.Create(),
    AdminCommand.Create(),
    BenchCommand.Create(),
    CheckCommand.Create(),
    SimulateCommand.Create(),
};
var parsed = root.Parse(args);
// SIGTERM or Ctrl+C cancels the command's token; System.CommandLine then ends the process with 143 after 2 s unless told
// otherwise. A server's orderly stop, or `cluster local` stopping its nodes (10 s grace), can take longer on a busy machine.
var exitCode = await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });

// A usage error exits 2, as getopt-style tools do, so a script can tell it from a command's own failure (1).
return parsed.Errors.Count > 0 ? 2 : exitCode;
