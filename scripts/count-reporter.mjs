// A node:test reporter that emits one JSON object: how many tests passed, failed and were skipped,
// and for each skip, the test (or suite) and its reason, for scripts/test-all.mjs to list.
import { relative } from 'node:path';

const SUITE = 'suite';

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, skips: [] };
  // The names of the open suites (for "suite > test"), per nesting level how many failures were
  // counted beneath the suite or test open there, and whether that test has subtests (t.test()).
  // One state for the whole run, not one per file: scripts/run-tests.mjs runs one file at a time, and
  // an event's `file` is where its describe() or test() was called, so a suite made by a helper
  // module (tests/jaeger's jaegerSuite) carries the helper's file while its tests carry the test
  // file's: kept apart, the suite's failure was counted again beside its failed test.
  const state = { names: [], failedBeneath: [], hasSubtests: [] };
  const countFailure = (nesting) => {
    counts.failed++;
    for (let i = 0; i < nesting; i++) state.failedBeneath[i] = (state.failedBeneath[i] ?? 0) + 1;
  };

  for await (const event of source) {
    const data = event.data;
    if (!data || (event.type !== 'test:start' && event.type !== 'test:pass' && event.type !== 'test:fail')) continue;
    if (event.type === 'test:start') {
      state.names.length = data.nesting;
      state.names[data.nesting] = data.name;
      state.hasSubtests.length = data.nesting;
      if (data.nesting > 0) state.hasSubtests[data.nesting - 1] = true;
      continue;
    }
    // A test with subtests is a container, like a suite: its subtests are what is counted.
    const isSuite = data.details?.type === SUITE || state.hasSubtests[data.nesting] === true;
    const skipped = event.type === 'test:pass' && (data.skip !== undefined || data.todo !== undefined);
    if (skipped) {
      // A skipped suite is one skip: its tests never run and report nothing.
      counts.skipped++;
      const reason = data.skip !== undefined ? data.skip : `todo${typeof data.todo === 'string' ? `: ${data.todo}` : ''}`;
      counts.skips.push({
        file: data.file ? relative(process.cwd(), data.file) : '',
        test: [...state.names.slice(0, data.nesting), data.name].join(' > '),
        reason: typeof reason === 'string' && reason.trim() ? reason.trim() : '(no reason given)',
      });
    } else if (isSuite) {
      // A suite passes or fails through its tests, which are counted; it counts itself only when it
      // failed with no failed test beneath it (a hook, the describe() body or the test body threw).
      if (event.type === 'test:fail' && !state.failedBeneath[data.nesting]) countFailure(data.nesting);
    } else if (event.type === 'test:pass') {
      counts.passed++;
    } else {
      countFailure(data.nesting);
    }
    if (isSuite || skipped) state.failedBeneath[data.nesting] = 0;
  }
  yield `${JSON.stringify(counts)}\n`;
}
