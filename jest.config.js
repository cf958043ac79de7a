// Two projects: "unit" runs anywhere in seconds; "e2e" needs the real stack from test/host/setup.sh.
const transform = { "^.+\\.tsx?$": "<rootDir>/test/esbuild-jest-transform.js" };

module.exports = {
  // A project-level testTimeout is ignored by jest; end-to-end tests start real VMs and need minutes.
  testTimeout: 180000,
  projects: [
    {
      displayName: "unit",
      testMatch: ["<rootDir>/test/unit/**/*.test.ts"],
      transform,
      testEnvironment: "node",
    },
    {
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
      globalSetup: "<rootDir>/test/e2e/global-setup.ts",
      transform,
      testEnvironment: "node",
    },
  ],
};
