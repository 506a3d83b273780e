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

/** Command lines can carry secrets (tokens passed as flags), so they never reach a span's resource. */
const processWithoutCommandLine: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config);
    const { 'process.command_args': _args, 'process.command_line': _line, ...attributes } = detected.attributes ?? {};
    return { ...detected, attributes };
  },
};

/** envDetector reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. */
export const resourceDetectors: ResourceDetector[] = [envDetector, serviceInstanceIdDetector, hostDetector, osDetector, processWithoutCommandLine];

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
