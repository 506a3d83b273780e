// Step 6d: `skaffold dev --port-forward` as a user lives it, in a scratch clone of the repository:
// wait for the forward lines, order on the forwarded gateway, edit a source file of orders, time
// until the new pod serves the change (twice: the first edit, then a warm one), Ctrl-C cleans up.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MIN, type Flow } from './support/flow';
import { readTrace, SERVER } from './support/jaeger';
import { capture, LOGS, ROOT, waitFor } from './support/run';
import { order } from './support/traffic';

const SOURCE = 'apps/orders/src/orders/orders.controller.ts';
const TAGGED = "this.trace.setTags({ 'customer.id': body.customerId });";

export function devLoopSteps(flow: Flow) {
  flow.step('6d. skaffold dev --port-forward in a scratch clone: an order on the forwarded gateway, an edit of orders served by a new pod (first and warm), Ctrl-C cleans up', 30 * MIN, async (t) => {
    const env = flow.cluster();
    // A clone (so Skaffold tags from git) beside a link to ../shared (the chart copy) and to node_modules (the stand-in builds read it).
    const base = join(ROOT, '.tracelab', 'dev-loop');
    const repo = join(base, 'tracelab');
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    const clone = spawnSync('git', ['clone', '--quiet', ROOT, repo], { encoding: 'utf8' });
    assert.equal(clone.status, 0, clone.stderr);
    // With the checkout's files as they are now (what the steps before deployed), not only its last commit.
    const copy = spawnSync('bash', ['-c', `git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C '${repo}'`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(copy.status, 0, copy.stderr);
    symlinkSync(resolve(ROOT, '..', 'shared'), join(base, 'shared'));
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    const source = join(repo, SOURCE);
    assert.ok(readFileSync(source, 'utf8').includes(TAGGED), `${SOURCE} no longer holds the line this step edits: ${TAGGED}`);

    mkdirSync(LOGS, { recursive: true });
    const log = createWriteStream(join(LOGS, 'skaffold-dev.log'));
    const began = performance.now();
    const dev = spawn('skaffold', ['dev', '--port-forward', '--update-check=false', '--interactive=false'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let exited: number | null | undefined;
    for (const s of [dev.stdout, dev.stderr]) s.on('data', (d: Buffer) => (log.write(d), (output = (output + d.toString()).slice(-400_000))));
    const exit = new Promise<number | null>((r) => dev.on('close', (code) => ((exited = code), r(code))));
    try {
      // "Port forwarding service/gateway in namespace tracelab, remote port 8080 -> http://127.0.0.1:8080"
      const forwarded = (service: string, port: number) => new RegExp(`Port forwarding service/${service} in namespace \\S+, remote port ${port} -> http://127\\.0\\.0\\.1:(\\d+)`).exec(output)?.[1];
      await waitFor('skaffold dev to print the forward lines of gateway and jaeger', 20 * MIN, () => {
        if (exited !== undefined) throw new Error(`skaffold dev exited ${exited}: ${output.trim().split('\n').slice(-15).join('\n')}`);
        return { done: !!forwarded('gateway', 8080) && !!forwarded('jaeger', 16686), state: output.trim().split('\n').at(-1) ?? '' };
      }, 1000);
      const gateway = `http://127.0.0.1:${forwarded('gateway', 8080)}`;
      const jaeger = `http://127.0.0.1:${forwarded('jaeger', 16686)}`;

      /** An order whose orders SERVER span carries tracelab.devloop=<stamp>: when it was sent. */
      const served = async (stamp: string | undefined, what: string, timeoutMs: number) => {
        let sentAt = 0;
        await waitFor(what, timeoutMs, async () => {
          const at = performance.now();
          const a = await order(gateway, 'c-devloop', [['SKU-003', 1]]);
          if (a.status !== 201) return { done: false, state: `order ${a.status} ${JSON.stringify(a.body).slice(0, 150)}` };
          let seen: unknown = 'no orders SERVER span yet';
          for (let i = 0; i < 10; i++) {
            await new Promise((r) => setTimeout(r, 500));
            const span = (await readTrace(jaeger, a.traceId).catch(() => [])).find((s) => s.service === 'orders' && s.kind === SERVER);
            if (span) {
              seen = span.attributes['tracelab.devloop'];
              break;
            }
          }
          if (seen === stamp) sentAt = at;
          return { done: seen === stamp, state: `tracelab.devloop=${String(seen)}` };
        }, 500);
        return sentAt;
      };
      const first = await served(undefined, 'an order through the forwarded gateway, traced in the forwarded Jaeger', 5 * MIN);
      const cold = (first - began) / 1000;

      const edit = async (stamp: string) => {
        const text = readFileSync(source, 'utf8').replace(/this\.trace\.setTags\(\{ 'customer\.id': body\.customerId[^}]*\}\);/, `this.trace.setTags({ 'customer.id': body.customerId, 'tracelab.devloop': '${stamp}' });`);
        const written = performance.now();
        writeFileSync(source, text);
        const at = await served(stamp, `the orders pod to serve tracelab.devloop=${stamp}`, 10 * MIN);
        return (at - written) / 1000;
      };
      const before = output.length;
      // Stamps new to every run: an edit Skaffold has built before (a second run on this machine,
      // its registry kept) is a cache hit, not the rebuild this step times.
      const run = Date.now().toString(36);
      const firstEdit = await edit(`edit-1-${run}`);
      const warmEdit = await edit(`edit-2-${run}`);
      // One Dockerfile and context for the three services: Skaffold rebuilds all three on an edit of one.
      const rebuilt = output.slice(before).match(/^Building \[\w+\]/gm) ?? [];
      const line = `skaffold dev: start to first traced order ${cold.toFixed(0)} s (images ${/Building \[/.test(output.slice(0, before)) ? 'built' : 'cached'}); edit of orders to served ${firstEdit.toFixed(0)} s, warm ${warmEdit.toFixed(0)} s (${rebuilt.length} image builds for the two edits)`;
      flow.timings.push(line);
      t.diagnostic(line);
      assert.ok(rebuilt.filter((b) => b === 'Building [orders]').length >= 2, `skaffold dev rebuilt orders for each edit: ${rebuilt.join(', ')}`);
    } finally {
      // Ctrl-C: skaffold dev deletes what it deployed.
      if (exited === undefined) dev.kill('SIGINT');
      const timer = setTimeout(() => dev.kill('SIGKILL'), 5 * MIN);
      const code = await exit;
      clearTimeout(timer);
      log.end();
      t.diagnostic(`skaffold dev after SIGINT: exit ${code}`);
    }
    await waitFor('namespace tracelab to be gone after Ctrl-C', 3 * MIN, () => {
      const g = capture('kubectl', ['get', 'namespace', 'tracelab', '-o', 'name'], env);
      return { done: g.code !== 0 && /NotFound/.test(g.stderr), state: g.stdout.trim() || g.stderr.trim() };
    });
    const releases = capture('helm', ['list', '--all-namespaces', '-q'], env);
    assert.equal(releases.stdout.trim(), '', 'skaffold dev left a Helm release after Ctrl-C');
    rmSync(base, { recursive: true, force: true });
  });
}
