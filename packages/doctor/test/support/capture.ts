// Writes the lab's traces as OTLP JSON files, for measuring thresholds by hand:
//   node .test-dist/test/support/capture.js <dir> [healthy requests]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthyTraffic, SCENARIOS, spansOf, startLab } from './lab';
import { toOtlpJson } from './otlp-json';

async function main() {
  const dir = process.argv[2] ?? '/tmp/doctor-lab';
  const requests = Number(process.argv[3] ?? 300);
  mkdirSync(dir, { recursive: true });
  const lab = await startLab();
  try {
    await healthyTraffic(lab, 20); // warm-up: plans, connections, JIT
    lab.collector.clear();
    const healthy = await healthyTraffic(lab, requests);
    writeFileSync(join(dir, 'healthy.json'), JSON.stringify(toOtlpJson(await spansOf(lab, healthy))));
    for (const [name, run] of Object.entries(SCENARIOS)) {
      lab.collector.clear();
      const ids = await run(lab);
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(toOtlpJson(await spansOf(lab, ids))));
      console.log(`${name}: ${ids.length} traces`);
    }
  } finally {
    await lab.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
