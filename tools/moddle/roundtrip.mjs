// Import each BPMN file into bpmn-moddle (the model bpmn.io and Camunda Modeler edit), save it
// again, lint it with bpmnlint, and print one JSON report: what a modeler would warn about or drop.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver.js');

const linter = new Linter({
  config: { extends: 'bpmnlint:recommended' },
  resolver: new NodeResolver({ require })
});

async function check(file) {
  const xml = await readFile(file, 'utf8');
  const moddle = new BpmnModdle();
  const imported = await moddle.fromXML(xml, 'bpmn:Definitions');
  const saved = await moddle.toXML(imported.rootElement, { format: true });
  const again = await new BpmnModdle().fromXML(saved.xml, 'bpmn:Definitions');
  const reports = await linter.lint(imported.rootElement);
  const lint = [];
  for (const [rule, items] of Object.entries(reports)) {
    for (const item of items) {
      lint.push({ rule, id: item.id || null, message: item.message, category: item.category });
    }
  }
  return {
    file: path.basename(file),
    warnings: imported.warnings.map(w => w.message),
    reimportWarnings: again.warnings.map(w => w.message),
    lint,
    saved: saved.xml
  };
}

const results = [];
for (const file of process.argv.slice(2)) {
  results.push(await check(file));
}
process.stdout.write(JSON.stringify(results));
