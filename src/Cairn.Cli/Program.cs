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
var exitCode = await parsed.InvokeAsync();

// A usage error exits 2, as getopt-style tools do, so a script can tell it from a command's own failure (1).
return parsed.Errors.Count > 0 ? 2 : exitCode;
