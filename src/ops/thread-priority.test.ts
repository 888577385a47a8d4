import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

/** Runs `lowerHelperThreads` in a process of its own (a thread's priority cannot be raised back) and reports what it did. */
function inChild(calls: number[]): { changed: number[]; main: number; others: number[] } {
  const program = `
    import { lowerHelperThreads } from './src/ops/thread-priority.ts';
    import { threadNice } from './test/helpers/threads.ts';
    const changed = [];
    for (const nice of ${JSON.stringify(calls)}) changed.push(await lowerHelperThreads(nice));
    const nice = threadNice(process.pid);
    const main = nice.get(process.pid);
    nice.delete(process.pid);
    console.log(JSON.stringify({ changed, main, others: [...nice.values()] }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: root, encoding: 'utf8' }));
}

describe('lowerHelperThreads', { skip: process.platform !== 'linux' && 'threads have their own priority only on Linux' }, () => {
  it('lowers every thread but the event loop, and never raises one back', () => {
    const result = inChild([7, 3, 0]);
    // libuv's pool (started by the call itself) and V8's helper threads.
    assert.ok(result.others.length >= 5, `only ${result.others.length} other threads`);
    assert.equal(result.changed[0], result.others.length);
    // A lower value later changes nothing; 0 turns it off.
    assert.deepEqual(result.changed.slice(1), [0, 0]);
    assert.equal(result.main, 0);
    assert.deepEqual(new Set(result.others), new Set([7]));
  });

  it('does nothing with 0', () => {
    const result = inChild([0]);
    assert.deepEqual(result.changed, [0]);
    assert.deepEqual(new Set(result.others), new Set([0]));
  });
});
