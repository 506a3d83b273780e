import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables every service reads: logging and the body limit. */
export const baseConfigSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Request bodies above this many bytes get 413. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
});

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const url = () => z.url({ protocol: /^https?$/ });
export const millis = (fallback: number) => z.coerce.number().int().min(1).max(600_000).default(fallback);

/**
 * Parses the environment once at start-up. The first problem found stops the service with one
 * message naming the variable, e.g. `ORDERS_URL: Invalid URL`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue.path.join('.') || '(environment)';
  const problem = issue.code === 'invalid_type' && cleaned[variable] === undefined ? 'is required' : issue.message;
  throw new ConfigError(`invalid configuration: ${variable} ${problem}`);
}
