import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

// utime and stime in /proc/<pid>/stat count clock ticks of the whole process (every thread: V8
// compiler and GC threads, libuv pool), so the services need no change to be measured.
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time of a running process (or only its main thread), in milliseconds (resolution: one clock tick). */
export function cpuMillis(pid: number, mainThreadOnly = false): number {
  const stat = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds of each named process. */
export function cpuSnapshot(pids: Record<string, number>, mainThreadOnly = false): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMillis(pid, mainThreadOnly)]));
}

/** The machine's 1-minute load average, sampled during a run: how much the numbers were shared. */
export class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer = setInterval(() => this.samples.push(loadavg()[0]), 5000);

  constructor() {
    this.samples.push(loadavg()[0]);
  }

  stop(): { min: number; max: number; mean: number } {
    clearInterval(this.timer);
    this.samples.push(loadavg()[0]);
    return this.snapshot();
  }

  snapshot(): { min: number; max: number; mean: number } {
    const s = this.samples;
    return { min: Math.min(...s), max: Math.max(...s), mean: s.reduce((a, b) => a + b, 0) / s.length };
  }
}
