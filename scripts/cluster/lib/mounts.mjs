// Mounts a crashed kubelet or containerd can leave behind (pod volume tmpfs, rootfs overlays,
// sandbox shm, network namespace bind mounts): found in /proc/self/mountinfo, deepest first.
import { readFileSync } from 'node:fs';
import { run } from './proc.mjs';

/** Mount points whose path starts with one of `prefixes` (octal escapes decoded). */
export function mountsUnder(prefixes) {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4].replace(/\\(\d{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8))));
  return points.filter((p) => prefixes.some((x) => p === x || p.startsWith(`${x}/`))).sort((a, b) => b.length - a.length);
}

/** Unmounts everything under `prefixes`; lazily when a mount is busy. Returns how many went. */
export function unmountUnder(prefixes) {
  let n = 0;
  for (const p of mountsUnder(prefixes)) {
    if (run('umount', [p], { allowFail: true }).status !== 0) run('umount', ['-l', p], { allowFail: true });
    n++;
  }
  return n;
}
