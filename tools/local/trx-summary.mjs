// Sums the <Counters> of the TRX files given on the command line and prints "passed failed skipped".
// Errors, timeouts and aborts count as failures; tests that did not run count as skipped.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const match = readFileSync(file, "utf8").match(/<Counters\b[^>]*>/);
  if (!match) {
    console.error(`no <Counters> in ${file}`);
    failed += 1;
    continue;
  }
  const count = (name) => Number(match[0].match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  const fileFailed = count("failed") + count("error") + count("timeout") + count("aborted");
  passed += count("passed");
  failed += fileFailed;
  // VSTest leaves notExecuted at 0 for skipped xunit facts; they show only as total minus executed.
  skipped += Math.max(count("total") - count("passed") - fileFailed, count("notExecuted"));
}
console.log(`${passed} ${failed} ${skipped}`);
