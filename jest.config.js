/** Jest runs the integration tests (test/) and marble tests (marbles/) with ts-jest. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/marbles'],
  testMatch: ['**/*.spec.ts'],
  // test/interop needs Python peers: `npm run test:interop` (see jest.interop.config.js)
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/interop/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 20000,
};
