// First: schemas built by the modules below must see it (see the module).
import "./lib/zod-jitless";
import "@patternfly/patternfly/patternfly.css";
import "@patternfly/patternfly/patternfly-charts.css";
import "./lib/cockpit-fonts.css";
import "./app.css";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import cockpit from "./lib/cockpit";
import { followShellStyle } from "./lib/theme";

followShellStyle();

document.addEventListener("DOMContentLoaded", () => {
    // index.html's own strings, the <title> among them; React's go through _() as they render.
    cockpit.translate();
    const container = document.getElementById("app");
    if (container) createRoot(container).render(<App />);
});
