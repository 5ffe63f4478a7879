#!/usr/bin/env node
// Runs cfn-guard with AWS Control Tower's proactive-control rules (npm @cdklabs/cdk-validator-cfnguard, which
// ships both the cfn-guard binary and the rules) over synthesized templates.
// Acknowledgements: a rule named in a resource's Metadata.guard.SuppressedRules (cfn-guard's own convention,
// which the Control Tower rules do not all filter on, so this script applies it) with its reason in
// Metadata.guard.Reasons[rule]; an entry without a reason is itself a failure. Resources CDK adds at
// synthesis (custom-resource providers) are acknowledged by logical-id prefix in the template's
// Metadata.guard.Acknowledgements [{rule, resources, reason}]. Both are written by cdk/Guard.cs.
// Usage: node cdk/scripts/guard.mjs [cdk.out/<stage> ...]   (default: every stage folder under cdk.out)
//        GUARD_SHOW_ACKNOWLEDGED=1 also lists the acknowledged findings.
// Exits 1 on any unacknowledged finding or an acknowledgement without a reason, 2 when it cannot run.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'cdk', 'node_modules', '@cdklabs', 'cdk-validator-cfnguard');
const os = { linux: 'ubuntu', darwin: 'macos' }[process.platform];
const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
const binary = join(pkg, 'bin', os ?? process.platform, arch ?? process.arch, 'cfn-guard');
const rules = join(pkg, 'rules', 'control-tower', 'cfn-guard');
if (!existsSync(binary) || !existsSync(rules)) {
  console.error(`guard: ${binary} or its rules are missing; run npm ci in cdk/ (cdk/scripts/synth.sh does)`);
  process.exit(2);
}

let dirs = process.argv.slice(2).map((d) => resolve(d));
if (dirs.length === 0) {
  const out = join(root, 'cdk.out');
  dirs = existsSync(out) ? readdirSync(out).map((d) => join(out, d)).filter((d) => statSync(d).isDirectory()) : [];
}
const templates = dirs.flatMap((d) =>
  readdirSync(d).filter((f) => f.endsWith('.template.json')).map((f) => join(d, f)));
if (templates.length === 0) {
  console.error('guard: no templates found; run cdk/scripts/synth.sh <stage> first');
  process.exit(2);
}

// cfn-guard prints one JSON document per rule file, back to back.
function documents(text) {
  const docs = [];
  let depth = 0, start = -1, inString = false, escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  return docs;
}

function validate(file) {
  try {
    return execFileSync(binary, ['validate', '-d', file, '-r', rules, '-o', 'json', '--show-summary', 'none'],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    // 19: some rule failed; the report is on stdout all the same.
    if (e.status === 19 && e.stdout) return e.stdout;
    throw e;
  }
}

const reasonOk = (r) => typeof r === 'string' && r.trim().length >= 10;
let findings = 0, acknowledged = 0, problems = 0;
for (const file of templates) {
  const name = file.slice(root.length + 1);
  const template = JSON.parse(readFileSync(file, 'utf8'));
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const guard = resource.Metadata?.guard;
    for (const rule of guard?.SuppressedRules ?? []) {
      if (!reasonOk(guard.Reasons?.[rule])) {
        console.log(`guard: ${name}: ${id}: acknowledgement of ${rule} has no reason`);
        problems++;
      }
    }
  }
  const generated = template.Metadata?.guard?.Acknowledgements ?? [];
  for (const ack of generated) {
    if (!ack.rule || !ack.resources || !reasonOk(ack.reason)) {
      console.log(`guard: ${name}: template-level acknowledgement ${JSON.stringify(ack)} needs rule, resources and a reason`);
      problems++;
    }
  }

  const seen = new Set();
  for (const doc of documents(validate(file))) {
    if (doc.status !== 'FAIL') continue;
    for (const nc of doc.not_compliant ?? []) {
      const rule = nc.Rule?.name ?? 'unknown';
      const text = JSON.stringify(nc);
      const control = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1] ?? '';
      const ids = [...new Set([...text.matchAll(/\/Resources\/([^/"\]]+)/g)].map((m) => m[1]))];
      for (const id of ids.length ? ids : ['(template)']) {
        const key = `${rule} ${id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const own = template.Resources?.[id]?.Metadata?.guard;
        const onResource = (own?.SuppressedRules ?? []).includes(rule) && reasonOk(own?.Reasons?.[rule]);
        const ack = onResource || generated.some((a) => a.rule === rule && id.startsWith(a.resources) && reasonOk(a.reason));
        if (ack) {
          acknowledged++;
          if (process.env.GUARD_SHOW_ACKNOWLEDGED) console.log(`ACK ${rule} ${control} [${name}: ${id}]`);
          continue;
        }
        findings++;
        console.log(`FAIL ${rule} ${control} [${name}: ${id}]`);
      }
    }
  }
}
console.log(`guard: ${templates.length} templates, ${findings} unacknowledged findings, ${acknowledged} acknowledgements`);
process.exit(findings > 0 || problems > 0 ? 1 : 0);
