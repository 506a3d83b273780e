import { parseArgs } from 'node:util';
import { analyse } from './analyse';
import { InputError } from './errors';
import { readFiles } from './input/files';
import { getJaegerTrace, searchJaeger } from './input/jaeger';
import { FINDING_KINDS, type FindingKind, type Span } from './model';
import { jsonReport } from './report/json';
import { textReport } from './report/text';

export const USAGE = `tracelab-doctor: names the bottleneck and the error's origin in OpenTelemetry traces

  tracelab-doctor --file traces.json [--file more.json]       OTLP JSON (Jaeger API v3 answer, export request, or an array of them)
  tracelab-doctor --jaeger URL --service NAME [--since 15m] [--limit 200]
  tracelab-doctor --jaeger URL --service NAME --start ISO --end ISO
  tracelab-doctor --jaeger URL --trace TRACE_ID

  --json              findings as JSON, ranked by total cost
  --fail-on KINDS     exit 1 when one of these kinds is found (comma-separated, or "any")
  --operation NAME    with --service: only this operation
  --top N             text report: the N costliest findings (default all)
  --timeout MS        give up on Jaeger after MS milliseconds (default 30000)

kinds: ${FINDING_KINDS.join(', ')}
exit: 0 done, 1 a --fail-on kind was found, 2 bad input (one line on stderr)`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
}

/** Runs the doctor on a command line; resolves with the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const options = parse(argv, io.now?.() ?? Date.now());
    if (options.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const spans = await load(options);
    const analysis = analyse(spans);
    io.stdout(`${options.json ? jsonReport(analysis) : textReport(analysis, { jaegerUi: options.jaeger, limit: options.top })}\n`);
    const failing = analysis.findings.filter((f) => options.failOn.includes(f.kind));
    if (failing.length) {
      io.stderr(`tracelab-doctor: found ${[...new Set(failing.map((f) => f.kind))].join(', ')} (--fail-on)\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    const message = error instanceof InputError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? (error as Error).message : `unexpected error: ${(error as Error).message}`;
    io.stderr(`tracelab-doctor: ${message}\n`);
    return 2;
  }
}

interface Options {
  help: boolean;
  files: string[];
  jaeger?: string;
  service?: string;
  operation?: string;
  trace?: string;
  startMs: number;
  endMs: number;
  limit: number;
  json: boolean;
  failOn: FindingKind[];
  top?: number;
  timeoutMs: number;
}

function parse(argv: string[], now: number): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      file: { type: 'string', multiple: true },
      jaeger: { type: 'string' },
      service: { type: 'string' },
      operation: { type: 'string' },
      trace: { type: 'string' },
      since: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on': { type: 'string' },
      top: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const files = values.file ?? [];
  if (values.help) return { help: true, files, startMs: 0, endMs: 0, limit: 0, json: false, failOn: [], timeoutMs: 0 };
  if (!files.length && !values.jaeger) throw new InputError('give --file <path> or --jaeger <url> (--help for usage)');
  if (files.length && values.jaeger) throw new InputError('--file and --jaeger are exclusive');
  if (values.jaeger) {
    try {
      const url = new URL(values.jaeger);
      if (!/^https?:$/.test(url.protocol)) throw new Error();
    } catch {
      throw new InputError(`--jaeger must be an http(s) URL, got "${values.jaeger}"`);
    }
    if (!values.trace && !values.service) throw new InputError('--jaeger needs --service <name> (or --trace <id>)');
  }
  const endMs = values.end ? time('--end', values.end) : now;
  const startMs = values.start ? time('--start', values.start) : endMs - duration(values.since ?? '15m');
  if (startMs >= endMs) throw new InputError('the window is empty: --start must be before --end');
  const failOn = (values['fail-on'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = failOn.filter((k) => k !== 'any' && !(FINDING_KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new InputError(`--fail-on: unknown kind ${unknown.join(', ')} (kinds: ${FINDING_KINDS.join(', ')}, or any)`);
  return {
    help: false,
    files,
    jaeger: values.jaeger?.replace(/\/+$/, ''),
    service: values.service,
    operation: values.operation,
    trace: values.trace,
    startMs,
    endMs,
    limit: integer('--limit', values.limit, 200, 1, 10_000),
    json: values.json ?? false,
    failOn: failOn.includes('any') ? [...FINDING_KINDS] : (failOn as FindingKind[]),
    top: values.top === undefined ? undefined : integer('--top', values.top, 0, 1, 10_000),
    timeoutMs: integer('--timeout', values.timeout, 30_000, 1, 600_000),
  };
}

async function load(o: Options): Promise<Span[]> {
  if (o.files.length) return readFiles(o.files);
  if (o.trace) return getJaegerTrace(o.jaeger!, o.trace, o.timeoutMs);
  return searchJaeger({ url: o.jaeger!, service: o.service, operation: o.operation, startMs: o.startMs, endMs: o.endMs, limit: o.limit, timeoutMs: o.timeoutMs });
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function duration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw.trim());
  if (!m || Number(m[1]) <= 0) throw new InputError(`--since must look like 90s, 15m, 2h or 1d, got "${raw}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms']!;
}

function time(flag: string, raw: string): number {
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new InputError(`${flag} must be a date and time (ISO 8601), got "${raw}"`);
  return t;
}
