// Builds dist/: CommonJS and type declarations with tsc, then thin ES module
// wrappers that re-export the CommonJS build, so `import` and `require` see
// one copy of the library (no dual-package hazard).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Each entry point: its path under dist/cjs (and dist/esm), without `.js`.
const entries = ['index', 'operators/index', 'rpc/index', 'testing/index'];

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
mkdirSync('dist/esm', { recursive: true });
for (const entry of entries) {
  const names = Object.keys(require(`../dist/cjs/${entry}.js`)).filter((key) => key !== '__esModule' && key !== 'default');
  const up = '../'.repeat(entry.split('/').length);
  const source =
    `import cjs from '${up}cjs/${entry}.js';\n` +
    `export const { ${names.join(', ')} } = cjs;\n` +
    `export default cjs;\n`;
  mkdirSync(dirname(`dist/esm/${entry}.js`), { recursive: true });
  writeFileSync(`dist/esm/${entry}.js`, source);
}
writeFileSync('dist/esm/package.json', '{ "type": "module" }\n');
console.log(`built dist/ (${entries.join(', ')})`);
