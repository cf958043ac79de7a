// Two projects: "unit" runs anywhere in seconds; "e2e" needs the real stack from test/host/setup.sh.
const transform = { "^.+\\.tsx?$": "<rootDir>/test/esbuild-jest-transform.js" };

module.exports = {
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
      transform,
      testEnvironment: "node",
      testTimeout: 180000,
    },
  ],
};
