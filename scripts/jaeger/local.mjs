// Jaeger for `npm run dev -- --jaeger`: found or built, started on the usual ports with a memory
// bound and a UI, or one line saying why not and how to get one; local mode then goes on without it.
import { spawnSync } from 'node:child_process';
import { buildJaeger } from './build.mjs';
import { findJaeger, uiAssets } from './locate.mjs';
import { defaultPorts, servesPlaceholder, startJaeger } from './start.mjs';

export const howToGetJaeger = `  get one with any of:
    docker run --rm -p 16686:16686 -p 4317:4317 -p 4318:4318 jaegertracing/jaeger:2.19.0   (then plain \`npm run dev\`)
    JAEGER_BIN=/path/to/jaeger npm run dev -- --jaeger    (release binary, github.com/jaegertracing/jaeger/releases)
    npm run jaeger:build                                  (builds it from its Go module; needs Go)`;

const envPort = (name, fallback) => Number(process.env[name] ?? fallback);

/** Resolves the running Jaeger, or undefined after printing why and how. Never throws. */
export async function startLocalJaeger({ log = console.log, onLine } = {}) {
  try {
    let found = findJaeger();
    if ('missing' in found && !process.env.JAEGER_BIN && hasGo()) {
      log(`${found.missing}; building it (a few minutes the first time, seconds once Go's caches are warm)…`);
      await buildJaeger({ log: (line) => log(`  ${line}`) });
      found = findJaeger();
    }
    if ('missing' in found) throw new Error(hasGo() ? found.missing : `${found.missing}, and Go is not installed to build one`);
    const options = {
      bin: found.bin,
      ports: {
        otlpGrpc: envPort('JAEGER_OTLP_GRPC_PORT', defaultPorts.otlpGrpc),
        otlpHttp: envPort('JAEGER_OTLP_HTTP_PORT', defaultPorts.otlpHttp),
        query: envPort('JAEGER_UI_PORT', defaultPorts.query),
        queryGrpc: envPort('JAEGER_QUERY_GRPC_PORT', defaultPorts.queryGrpc),
        health: envPort('JAEGER_HEALTH_PORT', defaultPorts.health),
      },
      // Bounded like the chart's (helm-values/jaeger.yaml): the oldest traces go first.
      maxTraces: 20000,
      onLine,
    };
    // Our build serves a placeholder page; a release binary has the UI built in.
    const ui = found.source === 'cache' ? uiAssets(found.ui) : undefined;
    let jaeger = await startJaeger({ ...options, uiAssets: ui });
    let uiNote = ui ? `UI from ${ui}` : 'UI built in';
    if (!ui && (await servesPlaceholder(jaeger.urls.ui).catch(() => false))) {
      const assets = uiAssets();
      if (assets) {
        await jaeger.stop();
        jaeger = await startJaeger({ ...options, uiAssets: assets });
        uiNote = `UI from ${assets}`;
      } else uiNote = 'no UI: this binary has none and ../shared/reference/jaeger-ui is absent';
    }
    log(`Jaeger ${found.version ?? ''} from ${found.source} (${found.bin}) up in ${(jaeger.readyAfterMs / 1000).toFixed(1)} s; ${uiNote}`.replace('  ', ' '));
    return jaeger;
  } catch (error) {
    log(`Jaeger not started: ${error.message}\n${howToGetJaeger}\n  going on without it, exporting to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4317'} as plain \`npm run dev\` does.`);
    return undefined;
  }
}

function hasGo() {
  const go = spawnSync('go', ['version'], { stdio: 'ignore' });
  return !go.error && go.status === 0;
}
