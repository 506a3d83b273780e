export interface DevDatabase {
  /** True when DATABASE_URL pointed at a server we did not start. */
  external: boolean;
  /** Connection URL for database `name` on this server. */
  urlFor(name: string): string;
  /** Stops the embedded server (and deletes its data unless persistent). No-op for an external one. */
  stop(): Promise<void>;
}

export interface DevDatabaseOptions {
  /** Databases to create if missing. */
  databases?: string[];
  /**
   * Embedded only: keep data here across runs. By default a fresh temporary directory under
   * TRACELAB_PG_DATA_DIR, else the OS temporary directory.
   */
  dataDir?: string;
  /** Embedded only. @default a free port */
  port?: number;
  /** Server log lines (embedded only). @default dropped */
  onLog?: (line: string) => void;
  /** @default process.env.DATABASE_URL */
  externalUrl?: string;
  /** Embedded only: bound on initdb. @default 60000 */
  initTimeoutMillis?: number;
  /** Embedded only: bound on the server's start-up. @default 30000 */
  startTimeoutMillis?: number;
}
