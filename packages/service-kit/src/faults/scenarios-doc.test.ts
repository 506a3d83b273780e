import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FAULT_NAMES } from './catalog';

const ROOT = join(__dirname, '../../../..');

test('docs/scenarios.md points at the line of each fault switch: an `if` with its one-line reason', () => {
  const doc = readFileSync(join(ROOT, 'docs/scenarios.md'), 'utf8');
  for (const fault of FAULT_NAMES) {
    const section = doc.split(/^## /m).find((s) => s.startsWith(`${fault}\n`));
    assert.ok(section, `docs/scenarios.md has a section ## ${fault}`);
    const links = [...section.matchAll(/\[`([^`:]+):(\d+)`\]/g)];
    assert.ok(links.length > 0, `## ${fault} names the code file and line`);
    for (const [, path, line] of links) {
      const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
      const [above, text] = [lines[Number(line) - 2] ?? '', lines[Number(line) - 1] ?? ''];
      assert.match(text, /^\s*if \(/, `${path}:${line} is an if: "${text.trim()}"`);
      assert.ok(text.includes(`// ${fault}: `) || above.trim().startsWith(`// ${fault}: `), `${path}:${line} gives its reason for ${fault} on the line or just above`);
    }
  }
});
