// The jsii runtime behind CDK is one Node process per test run; keep synthesis on one thread at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
