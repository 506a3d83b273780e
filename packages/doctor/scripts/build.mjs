// `npm run build`: a clean dist/ (a stale file from an older build once reached the tarball), built
// beside it and swapped in, so that a process already running from dist/ (a test stack beside
// `npm pack`'s prepack build) never finds it missing or half-written.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';

const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;
rmSync(next, { recursive: true, force: true });
try {
  // `tsc` from the PATH npm gives its scripts (node_modules/.bin), as a plain `tsc -p` would be.
  execFileSync('tsc', ['-p', 'tsconfig.build.json', '--outDir', next], { stdio: 'inherit' });
} catch {
  rmSync(next, { recursive: true, force: true });
  process.exit(1);
}
try {
  renameSync('dist', old);
} catch (error) {
  // overlayfs (an image build) cannot rename a directory that came from a lower layer: EXDEV.
  // Nothing runs from dist/ there, so it is simply replaced.
  if (error.code === 'EXDEV') rmSync('dist', { recursive: true, force: true });
  else if (error.code !== 'ENOENT') throw error;
}
renameSync(next, 'dist');
rmSync(old, { recursive: true, force: true });
