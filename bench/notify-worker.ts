/**
 * One server process's job workers, for `npm run bench:notify`: works on the jobs of the database
 * in DATABASE_URL, sending through SMTP_URL, until stopped. Prints "working" once it takes jobs.
 */
void (async () => {
  const { startJobWorkers } = await import("@/lib/jobs/workers");
  const { stopJobQueue } = await import("@/lib/jobs/queue");
  await startJobWorkers();
  console.log("working");
  process.on("SIGTERM", () => void stopJobQueue().finally(() => process.exit(0)));
})();
