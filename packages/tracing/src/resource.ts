import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';
import type { ResolvedConfig } from './config';
import { hostIpDetector } from './host-ip';

/**
 * processDetector's attributes, minus what can carry secrets or name a person: the command line
 * (tokens passed as flags), `process.command` and `process.executable.path` (paths under a home
 * directory) and `process.owner` (a login name).
 */
const PROCESS_ATTRIBUTES = ['process.pid', 'process.executable.name', 'process.runtime.name', 'process.runtime.version', 'process.runtime.description'];
const processWithoutPersonalData: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config).attributes ?? {};
    return { attributes: Object.fromEntries(Object.entries(detected).filter(([key]) => PROCESS_ATTRIBUTES.includes(key))) };
  },
};

/**
 * What a span says of where it ran: host (`host.name`, `host.id` from /etc/machine-id, `host.arch`),
 * `ip` (the host's address, which Jaeger's UI needs to tell hosts apart: host-ip.ts), OS
 * (`os.type`, `os.version`), process (`process.pid`, `process.executable.name`, `process.runtime.*`)
 * and `service.instance.id`. A later detector wins over an earlier one, so envDetector
 * (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) comes last and can set any of them.
 */
export const resourceDetectors: ResourceDetector[] = [
  serviceInstanceIdDetector,
  hostDetector,
  hostIpDetector,
  osDetector,
  processWithoutPersonalData,
  envDetector,
];

/**
 * Lowest-priority attributes: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override them, which is
 * how Kubernetes adds `k8s.pod.name` and friends.
 */
export function baseResource(config: ResolvedConfig): Resource {
  const attributes: Attributes = { 'deployment.environment.name': config.environment };
  if (config.serviceName) attributes['service.name'] = config.serviceName;
  if (config.serviceVersion) attributes['service.version'] = config.serviceVersion;
  return defaultResource().merge(resourceFromAttributes(attributes));
}
