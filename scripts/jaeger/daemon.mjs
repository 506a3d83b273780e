// A long-running child (Jaeger, Prometheus) as local mode and tests/jaeger run it: its output kept
// line by line (the last 30 lines, for the one-line reason when it fails to start), and killed if
// the caller exits without stopping it (a failed test file, process.exit).
import { spawn } from 'node:child_process';

/**
 * @param {string} bin
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, onLine?: (line: string) => void }} [options]
 * @returns {{ child: import('node:child_process').ChildProcess, recent: string[],
 *   exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>, spawnError: Promise<Error>,
 *   stop: (graceMs: number) => Promise<void> }}
 */
export function spawnDaemon(bin, args, options = {}) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  const recent = [];
  let buffered = '';
  const onData = (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      options.onLine?.(line);
    }
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('close', () => process.off('exit', killOnExit));
  const spawnError = new Promise((resolve) => child.once('error', resolve));
  /** SIGTERM, then SIGKILL after `graceMs`: a daemon that hangs on shutdown must not hang the caller. */
  const stop = async (graceMs) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
  };
  return { child, recent, exited, spawnError, stop };
}
