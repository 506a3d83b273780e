// `npm run prometheus:build`: Prometheus from its Go module into ~/.cache/tracelab/prometheus/<version>.
// One line on failure (no Go, build error) and a non-zero exit; never a stack trace.
import { buildGoTool } from '../jaeger/go-tool.mjs';
import { prometheus } from './versions.mjs';

/** Resolves { bin, version, seconds, cached } or rejects with a one-line reason. */
export function buildPrometheus({ log, force = false } = {}) {
  const stamp = 'github.com/prometheus/common/version';
  // `prometheus --version` and its build_info metric say what this is, as a release binary would.
  const ldflags = `-X ${stamp}.Version=${prometheus.version.slice(1)} -X ${stamp}.Revision=${prometheus.moduleVersion} -X ${stamp}.Branch=module -X ${stamp}.BuildUser=tracelab`;
  return buildGoTool({ ...prometheus, ldflags, log, force });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const built = await buildPrometheus({ force: process.argv.includes('--force') });
    console.log(`Prometheus ${built.version} ${built.cached ? 'already built (`npm run prometheus:build -- --force` rebuilds it)' : `built in ${built.seconds.toFixed(1)} s`}: ${built.bin}`);
  } catch (error) {
    console.error(`prometheus:build: ${error.message}`);
    process.exit(1);
  }
}
