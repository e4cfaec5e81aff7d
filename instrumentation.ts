export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareDatabaseOrExit } = await import("./scripts/serve-database");
  await prepareDatabaseOrExit();
  // For the server process of `npm start` (scripts/next-server.mjs), which serves the live event
  // stream and the hottest JSON endpoints before Next: the handlers are app code, so Next bundles
  // them here.
  const { serveBeforeNext } = await import("./app/api/direct");
  globalThis.__carebridgeServeBeforeNext = serveBeforeNext;
}
