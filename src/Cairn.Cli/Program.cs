using System.CommandLine;
using Cairn.Cli.Admin;
using Cairn.Cli.Bench;
using Cairn.Cli.Server;

var root = new RootCommand("Cairn: an S3-compatible object store.")
{
    ServerCommand.Create(),
    AdminCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
