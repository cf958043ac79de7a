// The page's CSP forbids eval. zod decides when a schema is built whether to compile its parser with
// new Function, and its probe for that is itself a CSP violation the browser logs. This module is the
// entry's first import, so every schema (built when core's modules load) is built without it.
import { z } from "zod";

z.config({ jitless: true });
