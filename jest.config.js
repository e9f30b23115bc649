const preset = require('./jest.preset.js');

/**
 * Two Jest projects: `unit` (pure logic, `*.spec.ts`, no services) and `integration`
 * (`*.int-spec.ts`, against the real Kafka, Postgres+pgvector and Jaeger that
 * `deploy/local/up` starts). `npm test` runs both.
 */
module.exports = {
  projects: [
    { ...preset, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench,tools}/**/*.spec.ts'] },
    {
      ...preset,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,bench,test,tools}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/setup-timeout.ts'],
    },
  ],
};
