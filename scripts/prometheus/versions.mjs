// Which Prometheus TraceLab builds. Prometheus 3.x publishes its Go module as v0.3MM.P (3.16.0 is
// v0.316.0); `cmd/prometheus` builds from the module proxy like Jaeger, without the embedded web UI
// (Jaeger's Monitor tab only calls its HTTP query API).
import { toolPaths } from '../jaeger/go-tool.mjs';

export const prometheus = {
  tool: 'prometheus',
  name: 'Prometheus',
  version: 'v3.16.0',
  module: 'github.com/prometheus/prometheus',
  moduleVersion: 'v0.316.0',
  pkg: 'github.com/prometheus/prometheus/cmd/prometheus',
};

/** The binary `npm run prometheus:build` leaves in the user's cache, and its note. */
export const prometheusPaths = (env = process.env) => toolPaths(prometheus.tool, prometheus.version, env);
