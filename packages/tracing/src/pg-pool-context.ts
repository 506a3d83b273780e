import { context } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';

type Connect = (this: unknown, callback?: (...args: unknown[]) => void) => unknown;
interface PoolModule {
  prototype: { connect: Connect };
}

/**
 * Keeps `pool.query()` in its caller's trace when `pg-pool.connect` spans are off. pg-pool runs a
 * queued checkout's callback from whichever request released a connection, so the query span would
 * join that request's trace; instrumentation-pg binds the callback only while it makes connect
 * spans. This binds it, and does nothing else. Registered after instrumentation-pg, whose own
 * pg-pool patch unwraps whatever it finds on `connect`.
 */
export class PgPoolContextInstrumentation extends InstrumentationBase {
  constructor() {
    super('@tracelab/tracing/pg-pool-context', '1.0.0', {});
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'pg-pool',
      ['>=2.0.0 <4'],
      (module: PoolModule) => {
        // Wraps instrumentation-pg's wrapper; unwrapping first would take that one off.
        this._wrap(module.prototype, 'connect', bindCallback);
        return module;
      },
      (module: PoolModule) => {
        if (isWrapped(module.prototype.connect)) this._unwrap(module.prototype, 'connect');
      },
    );
  }
}

function bindCallback(original: Connect): Connect {
  return function connect(this: unknown, callback) {
    return original.call(this, typeof callback === 'function' ? context.bind(context.active(), callback) : callback);
  };
}
