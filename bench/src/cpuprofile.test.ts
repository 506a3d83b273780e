import assert from 'node:assert/strict';
import { test } from 'node:test';
import { category, owner, timeByOwner, type CpuProfile } from './cpuprofile';

test('owner: npm packages by their node_modules path, workspaces by folder, Node internals unowned', () => {
  assert.equal(owner('file:///w/node_modules/@opentelemetry/core/build/src/x.js'), '@opentelemetry/core');
  assert.equal(owner('file:///w/node_modules/a/node_modules/pg-pool/index.js'), 'pg-pool');
  assert.equal(owner('file:///w/packages/tracing/dist/context-attributes.js'), '@tracelab/tracing/context-attributes');
  assert.equal(owner('/w/apps/gateway/dist/main.js'), '@tracelab/gateway');
  assert.equal(owner('node:internal/async_local_storage/async_context_frame'), undefined);
  assert.equal(owner(''), undefined);
  assert.equal(category('@opentelemetry/instrumentation-http'), 'instrumentation-http');
  assert.equal(category('@tracelab/tracing/error-policy'), 'ErrorPolicySpanProcessor');
  assert.equal(category('protobufjs'), 'exporter (OTLP protobuf + gRPC)');
});

test('timeByOwner: internal frames count for their nearest owned caller, only samples inside the windows', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', [2, 5, 6]),
      frame(2, 'handler', 'file:///w/node_modules/express/index.js', [3]),
      frame(3, 'with', 'file:///w/node_modules/@opentelemetry/context-async-hooks/x.js', [4]),
      frame(4, 'run', 'node:internal/async_local_storage'),
      frame(5, '(garbage collector)', ''),
      // "constructor" must not be mistaken for a V8 pseudo-frame (an object lookup would find Object.prototype.constructor).
      frame(6, 'constructor', 'node:events'),
    ],
    startTime: 1000,
    samples: [4, 4, 2, 5, 6, 4],
    timeDeltas: [0, 10, 10, 10, 10, 10],
  };
  const all = timeByOwner(profile);
  assert.equal(all.get('@opentelemetry/context-async-hooks'), 20);
  assert.equal(all.get('express'), 10);
  assert.equal(all.get('(garbage collector)'), 10);
  assert.equal(all.get('node (no JS caller)'), 10);
  // Samples at t = 1000, 1010, …, 1050; the window [1020, 1040) holds the express and GC samples.
  assert.deepEqual([...timeByOwner(profile, [[1020, 1040]])].sort(), [['(garbage collector)', 10], ['express', 10]]);
});
