/**
 * How long to wait after a live push before refetching availability. Every page watching a business gets
 * the same push at the same moment; a random spread (0.25-2 s) keeps a popular business's watchers from
 * hitting the API in lockstep, and coalesces bursts of pushes into one refetch per page.
 */
export function refetchDelayMs(random: () => number = Math.random): number {
  return 250 + Math.floor(Math.min(Math.max(random(), 0), 0.999) * 1750);
}
