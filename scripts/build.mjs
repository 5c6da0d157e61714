// Builds dist/: CommonJS and type declarations with tsc, then thin ES module
// wrappers that re-export the CommonJS build, so `import` and `require` see
// one copy of the library (no dual-package hazard).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entries = { index: '../dist/cjs/index.js' };

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
mkdirSync('dist/esm', { recursive: true });
for (const [name, path] of Object.entries(entries)) {
  const names = Object.keys(require(path)).filter((key) => key !== '__esModule' && key !== 'default');
  const source =
    `import cjs from '../cjs/${name}.js';\n` +
    `export const { ${names.join(', ')} } = cjs;\n` +
    `export default cjs;\n`;
  writeFileSync(`dist/esm/${name}.js`, source);
}
writeFileSync('dist/esm/package.json', '{ "type": "module" }\n');
console.log(`built dist/ (${Object.keys(entries).join(', ')})`);
