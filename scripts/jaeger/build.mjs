// `npm run jaeger:build`: the Jaeger v2 all-in-one binary from its Go module, into the user's cache
// (~/.cache/tracelab/jaeger/<version>/, scripts/jaeger/go-tool.mjs), so a second clone reuses it.
// Then Prometheus, which Jaeger's Monitor tab reads (scripts/prometheus; `-- --no-prometheus` skips it).
// One line on failure (no Go, build error) and a non-zero exit; never a stack trace.
import { buildPrometheus } from '../prometheus/build.mjs';
import { buildGoTool } from './go-tool.mjs';
import { candidates } from './versions.mjs';

/**
 * Builds the first candidate that works. Resolves { bin, jaeger, module, ui, seconds, cached } or
 * rejects with a one-line reason. A candidate already built is reused unless `force`.
 */
export async function buildJaeger({ log = (line) => console.log(line), force = false } = {}) {
  const reasons = [];
  for (const candidate of candidates) {
    const version = 'github.com/jaegertracing/jaeger/internal/version';
    const ldflags = `-X ${version}.latestVersion=${candidate.jaeger} -X ${version}.commitSHA=${candidate.commit ?? candidate.module}`;
    try {
      const built = await buildGoTool({
        tool: 'jaeger',
        name: 'Jaeger',
        version: candidate.jaeger,
        module: 'github.com/jaegertracing/jaeger',
        moduleVersion: candidate.module,
        pkg: 'github.com/jaegertracing/jaeger/cmd/jaeger',
        ldflags,
        extra: { jaeger: candidate.jaeger, ui: candidate.ui, tried: reasons },
        force,
        log,
      });
      return { ...built, module: candidate.module };
    } catch (error) {
      if (/Go is not installed/.test(error.message)) throw new Error(`${error.message}, or set JAEGER_BIN to a Jaeger release binary`);
      const reason = `${candidate.jaeger}: ${error.message}`;
      reasons.push(reason);
      log(`  failed: ${reason}`);
    }
  }
  throw new Error(`no Jaeger candidate built (${reasons.join('; ')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const built = await buildJaeger({ force: process.argv.includes('--force') });
    const how = built.cached ? 'already built (`npm run jaeger:build -- --force` rebuilds it)' : `built in ${built.seconds.toFixed(1)} s`;
    console.log(`Jaeger ${built.jaeger} (module ${built.module}) ${how}: ${built.bin}`);
    if (!process.argv.includes('--no-prometheus')) {
      const prom = await buildPrometheus({ force: process.argv.includes('--force') });
      console.log(`Prometheus ${prom.version} (module ${prom.moduleVersion}) for the Monitor tab ${prom.cached ? 'already built' : `built in ${prom.seconds.toFixed(1)} s`}: ${prom.bin}`);
    }
  } catch (error) {
    console.error(`jaeger:build: ${error.message}`);
    process.exit(1);
  }
}
