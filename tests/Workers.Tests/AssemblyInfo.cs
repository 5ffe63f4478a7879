// Each test starts real workers against shared servers on a 2-core machine; one at a time keeps timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
