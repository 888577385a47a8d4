/**
 * Keeps the README's compatibility table honest: every cell that names a test must name a file
 * in test/interop/ holding a test whose name starts with the quoted text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);

describe('README compatibility table', () => {
  it('names only tests that exist', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const section = readme.split('## Compatibility')[1]?.split('\n## ')[0] ?? '';
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| flow'));
    assert.ok(rows.length >= 10, 'the table has its rows');
    let cells = 0;
    for (const row of rows) {
      for (const m of row.matchAll(/`([a-z0-9-]+\.test\.ts)` › "([^"]+)"/g)) {
        const [, file, name] = m;
        const source = readFileSync(new URL(`test/interop/${file ?? ''}`, root), 'utf8');
        // Test names are string literals, some built from a template: compare with ${…} parts dropped.
        const names = [...source.matchAll(/\bit\((['`])((?:\\.|(?!\1).)*)\1/g)].map((t) => (t[2] ?? '').replace(/\\'/g, "'"));
        const expanded = names.flatMap((n) => (n.includes('${') ? [n, ...['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none (public client)'].map((v) => n.replace(/\$\{[^}]+\}/, v))] : [n]));
        assert.ok(expanded.some((n) => n.startsWith(name ?? '')), `${file} has a test named "${name}…"`);
        cells++;
      }
    }
    assert.ok(cells >= 30, `every cell names a test (${cells})`);
  });
});
