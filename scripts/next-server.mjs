// One server process of `npm start` (scripts/server-processes.ts runs one or several): Next's
// request handler behind a Node.js HTTP server of our own, which answers the live event stream and
// the hottest JSON endpoints itself (app/api/direct.ts) and hands every other request to Next, as
// `next start` would. Through Next, each open stream kept Next's request pipeline suspended for as
// long as it stayed open (bench:delivery: 1 000 streams on one process peaked above 300 MB), and
// each poll paid about 1 ms of CPU for the pipeline alone.
//
// Those handlers are app code, bundled by Next: instrumentation.ts puts them on globalThis once
// Next's instrumentation hook has readied the database (which `prepare()` starts but does not wait
// for), so this file stays plain JavaScript with nothing of the app's own. Until then Next's own
// route handlers answer. PORT and HOSTNAME as `next start`
// reads them (no HOSTNAME: every interface).
import http from "node:http";
import next from "next";

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || undefined;

try {
  const app = next({ dev: false, dir: process.cwd(), port, hostname });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    if (!globalThis.__carebridgeServeBeforeNext?.(req, res)) void handle(req, res);
  });
  server.on("error", (error) => {
    const reason = error.code === "EADDRINUSE" ? `port ${port} is already in use.` : error.message;
    console.error(`\nCarebridge cannot start: ${reason}\n`);
    process.exit(1);
  });
  server.listen(port, hostname, () =>
    console.log(`Carebridge is serving on http://${hostname ?? "localhost"}:${port}`),
  );
} catch (error) {
  console.error(`\nCarebridge cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
