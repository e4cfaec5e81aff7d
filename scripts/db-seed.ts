import "./load-env";
import { closeDatabase, databaseHandle } from "@/db";
import { seedDemoData } from "@/db/seed";
import { fail } from "./fail";

async function main() {
  const handle = databaseHandle();
  const wrote = await seedDemoData(handle.db);
  console.log(wrote ? "Demo data loaded." : "Demo data is already there; nothing changed.");
  await closeDatabase();
}

main().catch(fail);
