// node .test-dist/test/support/print-margins.js <dir>: margins of each captured file (see margins.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFiles } from '../../src/index';
import { describeMargins, margins } from './margins';

const dir = process.argv[2] ?? '/tmp/doctor-lab';
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) console.log(`${f}: ${describeMargins(margins(readFiles([join(dir, f)])))}`);
