/**
 * One config for every suite. Tests run TypeScript through @swc/jest (type checking is `npm run typecheck`).
 * One test file at a time: every Temporal test file starts its own server process, and on 2 cores two time-skipping
 * servers side by side starved each other (workflow tests that skip hours timed out at 120 s in parallel, never
 * alone; the whole suite in band takes about 4 minutes).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  maxWorkers: 1,
  testTimeout: 120_000,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.tools', '<rootDir>/.data'],
};
