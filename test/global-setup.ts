import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "@/db/client";
import { TEMPLATE_DB, withDatabase } from "./database-url";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * Migrates one template database for the whole run; each test file then gets its own copy
 * (CREATE DATABASE … TEMPLATE on a server, a loaded data folder dump on PGlite).
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = openPostgres(url, { max: 1 });
    await admin.sql!.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.sql!.unsafe(`CREATE DATABASE ${TEMPLATE_DB}`);
    const template = openPostgres(withDatabase(url, TEMPLATE_DB), { max: 1 });
    await template.migrate();
    await template.close();
    project.provide("pgliteTemplate", "");
    return async () => {
      await admin.sql!.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
      await admin.close();
    };
  }
  const handle = openPglite();
  await handle.migrate();
  const dump = await handle.pglite!.dumpDataDir("none");
  await handle.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-test-")), "template.tar");
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplate", file);
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
