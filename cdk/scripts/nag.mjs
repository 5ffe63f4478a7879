#!/usr/bin/env node
// Runs cdk-nag's AwsSolutions pack over synthesized templates (the C# app's CDK version predates
// cdk-nag 3's Validations API, so the templates are re-loaded here with CfnInclude). Acknowledgements come
// from each resource's `cdk_nag.rules_to_suppress` metadata, written by the C# app with a reason each.
// Usage: node cdk/scripts/nag.mjs [cdk.out/<stage> ...]   (default: every stage folder under cdk.out)
// Exits 1 on any unacknowledged error, or on an acknowledgement without a reason.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ??= '20';
const require = createRequire(import.meta.url);
const { App, Stack, CfnResource, Validations } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks } = require('cdk-nag');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dirs = process.argv.slice(2).map((d) => resolve(d));
if (dirs.length === 0) {
  const out = join(root, 'cdk.out');
  dirs = existsSync(out)
    ? readdirSync(out).map((d) => join(out, d)).filter((d) => statSync(d).isDirectory())
    : [];
}
const templates = dirs.flatMap((d) =>
  readdirSync(d).filter((f) => f.endsWith('.template.json')).map((f) => join(d, f)));
if (templates.length === 0) {
  console.error('nag: no templates found; run cdk/scripts/synth.sh <stage> first');
  process.exit(2);
}

let errors = 0;
let warnings = 0;
let acknowledged = 0;
for (const file of templates) {
  const app = new App();
  const stack = new Stack(app, 'Checked');
  const include = new CfnInclude(stack, 'Template', { templateFile: file });
  // Template-level entries name the CDK-generated resources they cover by logical-id prefix.
  const template = JSON.parse(readFileSync(file, 'utf8'));
  for (const rule of template.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
    if (!rule.resources || !rule.reason || rule.reason.trim().length < 10) {
      console.error(`nag: ${file}: template-level acknowledgement of ${rule.id} needs resources and a reason`);
      errors++;
      continue;
    }
    for (const logicalId of Object.keys(template.Resources ?? {})) {
      if (logicalId.startsWith(rule.resources)) {
        Validations.of(include.getResource(logicalId)).acknowledge({ id: rule.id, reason: rule.reason });
        acknowledged++;
      }
    }
  }
  for (const node of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const rules = node.cfnOptions.metadata?.cdk_nag?.rules_to_suppress ?? [];
    for (const rule of rules) {
      if (!rule.reason || rule.reason.trim().length < 10) {
        console.error(`nag: ${file}: ${node.node.path}: acknowledgement of ${rule.id} has no reason`);
        errors++;
        continue;
      }
      Validations.of(node).acknowledge({ id: rule.id, reason: rule.reason });
      acknowledged++;
    }
  }
  const result = new AwsSolutionsChecks(undefined, { verbose: false }).validateScope(stack);
  const name = file.slice(root.length + 1);
  for (const v of result.violations) {
    const where = v.violatingResources.map((r) => r.constructPath.replace('Checked/Template/', '')).join(', ');
    const line = `${v.severity.toUpperCase()} ${v.ruleName}: ${v.description} [${name}: ${where}]`;
    if (v.severity === 'error') {
      errors += v.violatingResources.length;
      console.log(line);
    } else {
      warnings += v.violatingResources.length;
      if (process.env.NAG_SHOW_WARNINGS) console.log(line);
    }
  }
}
console.log(`nag: ${templates.length} templates, ${errors} unacknowledged errors, ${warnings} warnings, ${acknowledged} acknowledgements`);
process.exit(errors > 0 ? 1 : 0);
