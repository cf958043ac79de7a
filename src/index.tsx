import "@patternfly/patternfly/patternfly.css";
import "@patternfly/patternfly/patternfly-charts.css";
import "./app.css";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { followShellStyle } from "./lib/theme";

followShellStyle();

document.addEventListener("DOMContentLoaded", () => {
    const container = document.getElementById("app");
    if (container) createRoot(container).render(<App />);
});
