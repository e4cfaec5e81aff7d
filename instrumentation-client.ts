// Runs in the browser before any of the app's code. Zod 4 probes for eval (`new Function`) when a
// page first builds an object schema, to compile faster parsers; the pages' CSP forbids eval, so
// the probe is blocked and reported as a CSP violation (e2e/security.spec.ts fails on it). With
// `jitless` zod skips the probe and parses the same, only without compiled parsers, which forms
// never need. Zod reads its settings from this global, shared by every copy of zod on the page;
// setting it here rather than through `z.config` keeps zod (15 kB) out of pages that never use it.
const zodHost = globalThis as typeof globalThis & { __zod_globalConfig?: { jitless?: boolean } };
(zodHost.__zod_globalConfig ??= {}).jitless = true;
