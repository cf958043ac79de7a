// Jest transform through esbuild: the same compiler that builds the page and helpers, so tests run
// the code as it ships. Type errors are caught separately by `tsc --noEmit` in `make check`.
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const loader = filename.endsWith(".tsx") ? "tsx" : "ts";
    const result = transformSync(source, {
      loader,
      format: "cjs",
      target: "node18",
      sourcemap: "inline",
      sourcefile: filename,
      jsx: "automatic",
    });
    return { code: result.code };
  },
};
