import "./load-env";
import { closeDatabase, databaseHandle } from "@/db";
import { readEnv } from "@/lib/env";
import { fail } from "./fail";

async function main() {
  const env = readEnv();
  const handle = databaseHandle();
  await handle.migrate();
  console.log(
    `Migrations applied to ${env.DATABASE_URL ? "the PostgreSQL server in DATABASE_URL" : "the embedded database"}.`,
  );
  await closeDatabase();
}

main().catch(fail);
