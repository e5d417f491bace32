/**
 * One config for every suite. Tests run TypeScript through @swc/jest (type checking is `npm run typecheck`).
 * Two workers at most: every Temporal test file starts its own server process and this machine has 2 cores.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  maxWorkers: 2,
  testTimeout: 120_000,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.tools', '<rootDir>/.data'],
};
