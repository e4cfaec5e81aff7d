export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareDatabaseOrExit } = await import("./scripts/serve-database");
  await prepareDatabaseOrExit();
  // For the server process of `npm start` (scripts/next-server.mjs), which serves the live event
  // stream before Next: the handler is app code, so Next bundles it here.
  const { isLiveEventsRequest, serveLiveEvents } = await import("./lib/live/serve-events");
  globalThis.__carebridgeLiveEvents = { isLiveEventsRequest, serveLiveEvents };
}
