/** Input the doctor cannot use (bad JSON, not OTLP, unreachable Jaeger): one line, exit 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
