/**
 * Jest for the interop tests (test/interop): rxzmq against real Python peers
 * (Debian's python3-aiozmq and python3-zmq through /usr/bin/python3). Run by
 * `npm run test:interop`; plain `npm test` does not need Python.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/interop'],
  testMatch: ['**/*.interop.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
