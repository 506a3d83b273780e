import type { IncomingMessage } from 'node:http';

/** body-parser error type for a body nested deeper than allowed (see ErrorsFilter). */
export const JSON_TOO_DEEP = 'entity.too.deep';

/**
 * A body-parser `verify` hook that refuses JSON nested deeper than `maxDepth` before it is parsed:
 * validating or copying a 5 000-level document would overflow the stack (a RangeError, i.e. a 500).
 * One pass over the bytes, skipping strings.
 */
export function limitJsonDepth(maxDepth: number) {
  return (_req: IncomingMessage, _res: unknown, buf: Buffer): void => {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (inString) {
        if (c === 0x5c) i++; // backslash: skip the escaped byte
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > maxDepth) throw Object.assign(new Error(`request body nests deeper than ${maxDepth} levels`), { status: 400, type: JSON_TOO_DEEP });
      } else if (c === 0x7d || c === 0x5d) depth--;
    }
  };
}
