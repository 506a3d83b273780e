// A step that runs one daemon: start it unless ours already runs, wait until it answers, and on
// `down` stop exactly the process recorded in its pid file.
import { Fault, daemonPid, logFile, startDaemon, stopDaemon, waitFor } from './proc.mjs';

/**
 * { name, ports, bin(ctx), args(ctx), env?(ctx), before?(ctx), ready(ctx), readyTimeoutMs?, where?(ctx), after?(ctx), beforeStop?(ctx), afterStop?(ctx), stopGraceMs? }
 */
export function daemonStep(d) {
  return {
    name: d.name,
    ports: d.ports ?? [],
    async up(ctx) {
      let pid = daemonPid(d.name);
      const already = Boolean(pid);
      if (!pid) {
        await d.before?.(ctx);
        pid = startDaemon(d.name, d.bin(ctx), d.args(ctx), { env: d.env?.(ctx) });
      }
      await waitFor(`${d.name} ready`, () => d.ready(ctx), { timeoutMs: d.readyTimeoutMs ?? 60_000, pidName: d.name });
      const extra = (await d.after?.(ctx)) ?? '';
      return `${d.name} ${already ? 'already running' : 'started'}: pid ${pid}${d.where ? `, ${d.where(ctx)}` : ''}${extra ? `, ${extra}` : ''}, log ${logFile(d.name)}`;
    },
    async down(ctx) {
      if (daemonPid(d.name)) await d.beforeStop?.(ctx);
      const pid = await stopDaemon(d.name, { graceMs: d.stopGraceMs ?? 10_000 });
      const extra = (await d.afterStop?.(ctx)) ?? '';
      if (!pid && !extra) return undefined;
      return `${d.name} ${pid ? `stopped (pid ${pid})` : 'was not running'}${extra ? `; ${extra}` : ''}`;
    },
    status() {
      const pid = daemonPid(d.name);
      return pid ? `${d.name}: running, pid ${pid}` : `${d.name}: not running`;
    },
  };
}

export { Fault };
