// Each test runs three Raft members with their own ports: run the classes one after another, so they
// neither take each other's free ports between pick and bind nor starve each other's elections of CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
