import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, test } from 'node:test';
import { detectResources } from '@opentelemetry/resources';
import { hostIp } from '../src/host-ip';
import { resourceDetectors } from '../src/resource';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) => ({ address, family, internal }) as NetworkInterfaceInfo;

describe('resource: where a span ran, without personal data', () => {
  test('hostIp: the first external IPv4, then IPv6, then loopback', () => {
    assert.equal(hostIp({ lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('fe80::1', 'IPv6', false), nic('10.1.2.3', 'IPv4', false)] }), '10.1.2.3');
    assert.equal(hostIp({ lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('fd00::7', 'IPv6', false)] }), 'fd00::7');
    assert.equal(hostIp({ lo: [nic('127.0.0.1', 'IPv4', true)] }), '127.0.0.1');
    assert.equal(hostIp({}), undefined);
  });

  test('detected: host, ip, os and process attributes; no command line, paths or login name; OTEL_RESOURCE_ATTRIBUTES wins', async () => {
    const saved = process.env.OTEL_RESOURCE_ATTRIBUTES;
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'k8s.node.name=node-1';
    try {
      const resource = detectResources({ detectors: resourceDetectors });
      await resource.waitForAsyncAttributes?.();
      const a = resource.attributes;
      for (const key of ['host.name', 'host.arch', 'ip', 'os.type', 'process.pid', 'process.runtime.name', 'service.instance.id']) assert.ok(a[key] !== undefined, `${key} detected`);
      assert.equal(a.ip, hostIp());
      for (const key of ['process.command_args', 'process.command_line', 'process.command', 'process.executable.path', 'process.owner']) assert.equal(a[key], undefined, `${key} left out`);
      assert.equal(a['k8s.node.name'], 'node-1');

      process.env.OTEL_RESOURCE_ATTRIBUTES = 'ip=10.9.8.7';
      const overridden = detectResources({ detectors: resourceDetectors });
      assert.equal(overridden.attributes.ip, '10.9.8.7', 'Kubernetes can name the node address instead');
    } finally {
      if (saved === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
      else process.env.OTEL_RESOURCE_ATTRIBUTES = saved;
    }
  });
});
