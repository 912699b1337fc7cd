// Each class runs a cluster of several server processes: one cluster at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
