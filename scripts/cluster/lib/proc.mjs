// Processes the cluster starts: run-to-completion commands, and daemons with a pid file and a log
// file in the state folder. A daemon is "ours" only while its pid file names a live process whose
// command line still starts with the binary we started, so a recycled pid is never signalled.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DIRS } from '../config.mjs';

export class Fault extends Error {}

/** Runs a command to completion; throws a Fault with the command's last lines when it fails. */
export function run(cmd, args, { input, env, cwd, allowFail = false, timeoutMs = 120_000 } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, cwd, env: env ?? process.env, maxBuffer: 256 << 20, timeout: timeoutMs });
  if (!allowFail && (r.error || r.status !== 0)) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-6).join(' | ');
    throw new Fault(`${cmd} ${args.slice(0, 5).join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${tail.slice(0, 600)}`);
  }
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export const pidFile = (name) => join(DIRS.run, `${name}.pid`);
export const logFile = (name) => join(DIRS.logs, `${name}.log`);

export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The pid of our running daemon `name`, or undefined (a stale pid file is removed). */
export function daemonPid(name) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(pidFile(name), 'utf8'));
  } catch {
    return undefined;
  }
  const argv = cmdline(recorded.pid);
  if (argv && argv[0] === recorded.bin) return recorded.pid;
  rmSync(pidFile(name), { force: true });
  return undefined;
}

/** Starts `bin args` detached (its own session, so a killed `up` leaves it running and `down` finds it). */
export function startDaemon(name, bin, args, { env } = {}) {
  mkdirSync(DIRS.logs, { recursive: true });
  mkdirSync(DIRS.run, { recursive: true });
  const out = openSync(logFile(name), 'a');
  writeFileSync(out, `\n--- ${new Date().toISOString()} ${bin} ${args.join(' ')}\n`);
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', out, out], env: env ?? process.env });
  closeSync(out);
  if (!child.pid) throw new Fault(`${name}: could not start ${bin}`);
  child.unref();
  writeFileSync(pidFile(name), JSON.stringify({ pid: child.pid, bin }));
  return child.pid;
}

export const pidAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopDaemon(name, { graceMs = 10_000 } = {}) {
  const pid = daemonPid(name);
  if (!pid) return undefined;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  while (pidAlive(pid)) await sleep(50);
  rmSync(pidFile(name), { force: true });
  return pid;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (sync or async, truthy = done) until `timeoutMs`; the Fault names what and where to look. */
export async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 250, log, pidName } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // not yet
    }
    if (pidName && !daemonPid(pidName)) throw new Fault(`${what}: ${pidName} exited; see ${logFile(pidName)}: ${lastLines(logFile(pidName))}`);
    if (Date.now() > deadline) throw new Fault(`${what}: not after ${timeoutMs / 1000} s; see ${log ?? (pidName ? logFile(pidName) : 'the logs')}`);
    await sleep(intervalMs);
  }
}

export function lastLines(file, n = 3) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join(' | ').slice(0, 500);
  } catch {
    return '(no log)';
  }
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/** Pids listening on a TCP port (any address), from `ss`. */
export function listeners(port) {
  const out = run('ss', ['-Htlnp', `sport = :${port}`], { allowFail: true }).stdout;
  return [...new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))];
}

export const exists = existsSync;
