// Sums the <Counters> of the TRX files (and the <testsuites> totals of JUnit files, from the portal's
// Vitest run) given on the command line and prints "passed failed skipped".
// Errors, timeouts and aborts count as failures; tests that did not run count as skipped.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".xml")) {
    const suites = text.match(/<testsuites\b[^>]*>/);
    if (!suites) {
      console.error(`no <testsuites> in ${file}`);
      failed += 1;
      continue;
    }
    const attr = (name) => Number(suites[0].match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
    const cases = [...text.matchAll(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g)].map((m) => m[0]);
    const caseSkipped = cases.filter((c) => /<skipped/.test(c)).length;
    // Count from the test cases: Vitest's file-level errors are in "errors" but not in "tests".
    const caseFailed = cases.filter((c) => /<(failure|error)\b/.test(c)).length;
    failed += Math.max(caseFailed, attr("failures") + attr("errors"));
    skipped += caseSkipped;
    passed += cases.length - caseFailed - caseSkipped;
    continue;
  }
  const match = text.match(/<Counters\b[^>]*>/);
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
