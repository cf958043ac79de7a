// `make lint` (and `make check`): typescript-eslint's recommended rules everywhere, the React hooks and
// accessibility rules for the page's components, and the right globals for each part of the tree.
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", "test-results/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["src/**/*.{ts,tsx}"],
        languageOptions: { globals: globals.browser },
    },
    {
        files: ["src/**/*.tsx"],
        ...reactHooks.configs.flat.recommended,
        ...jsxA11y.flatConfigs.recommended,
        plugins: { ...reactHooks.configs.flat.recommended.plugins, ...jsxA11y.flatConfigs.recommended.plugins },
        rules: { ...reactHooks.configs.flat.recommended.rules, ...jsxA11y.flatConfigs.recommended.rules },
        languageOptions: { ...jsxA11y.flatConfigs.recommended.languageOptions, globals: globals.browser },
    },
    {
        files: ["helpers/**", "bench/**", "po/**", "build.ts", "*.config.{js,mjs}", "jest.config.js"],
        languageOptions: { globals: globals.node },
    },
    {
        // Jest's own globals for the tests; the e2e tests also run code in the browser (page.evaluate).
        files: ["test/**"],
        languageOptions: { globals: { ...globals.node, ...globals.jest, ...globals.browser } },
    },
    {
        // CommonJS by necessity: jest reads its config and transform with require().
        files: ["jest.config.js", "test/esbuild-jest-transform.js"],
        languageOptions: { sourceType: "commonjs" },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
