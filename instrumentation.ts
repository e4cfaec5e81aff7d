export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareDatabaseOrExit } = await import("./scripts/serve-database");
  await prepareDatabaseOrExit();
}
