import { networkInterfaces } from 'node:os';
import type { DetectedResource, ResourceDetector } from '@opentelemetry/resources';

/**
 * Jaeger's name for the address of the host a span came from. Its UI loads traces from the legacy
 * `GET /api/traces/{id}`, whose clock-skew adjuster (Jaeger 2.12,
 * `cmd/query/app/querysvc/internal/adjuster/clockskew.go`, `hostKey`) tells hosts apart by this
 * process tag alone; OTLP resource attributes become process tags unchanged. Without it every span
 * counts as "another host": a child that outlives its parent by a fraction of a millisecond (a
 * callee's SERVER span ends when its response is flushed, the caller's CLIENT span when the
 * headers arrive) is then a clock skew Jaeger declines to correct, shown as "Warnings (1)".
 * Spans from one machine share its clock, so they must carry the same `ip`.
 */
export const JAEGER_HOST_IP = 'ip';

/**
 * The host's first external IPv4 address (then IPv6, then loopback), never a list of them. On
 * Kubernetes it is the pod's, unless OTEL_RESOURCE_ATTRIBUTES names the node's (`ip=$(HOST_IP)`).
 */
export const hostIpDetector: ResourceDetector = {
  detect(): DetectedResource {
    const ip = hostIp();
    return { attributes: ip ? { [JAEGER_HOST_IP]: ip } : {} };
  },
};

export function hostIp(interfaces = networkInterfaces()): string | undefined {
  const addresses = Object.values(interfaces).flatMap((list) => list ?? []);
  const pick = (family: string, internal: boolean) => addresses.find((a) => a.family === family && a.internal === internal)?.address;
  return pick('IPv4', false) ?? pick('IPv6', false) ?? pick('IPv4', true) ?? pick('IPv6', true);
}
