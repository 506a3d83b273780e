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
  // Prometheus's own tag (its README, "Building Prometheus"): no optional service discovery (AWS,
  // Azure, GCE, Kubernetes…), keeping static, file and HTTP SD. TraceLab scrapes static targets, and
  // the tag leaves out the cloud SDKs and client-go: 1043 packages to compile instead of 1517.
  tags: 'remove_all_sd',
};

/** The binary `npm run prometheus:build` leaves in the user's cache, and its note. */
export const prometheusPaths = (env = process.env) => toolPaths(prometheus.tool, prometheus.version, env);
