/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json', diagnostics: false}],
  },
  // ical.js ships ES modules; Jest runs CommonJS, so tests load its UMD build.
  moduleNameMapper: {
    '^ical\\.js$': '<rootDir>/node_modules/ical.js/dist/ical.es5.cjs',
  },
  testTimeout: 120000,
};
