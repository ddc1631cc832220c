/** Jest runs TypeScript through swc; Nest 12 ships ESM only, so its packages are transformed too. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/per-file-database.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
  // A worker keeps growing from file to file (each file's Nest app, modules and clients are not all given
  // back), to 1.5 GB by the end of the suite, past /health's HEALTH_HEAP_LIMIT_MB: then the health tests
  // that run last saw 503. A worker past 1 GB after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '1GB',
};
