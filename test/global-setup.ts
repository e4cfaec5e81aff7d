import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "@/db/client";
import { withDatabase } from "./database-url";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/**
 * Migrates one template database for the whole run; each test file then gets its own copy
 * (CREATE DATABASE … TEMPLATE on a server, a loaded data folder dump on PGlite).
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    // A name of this run's own, so two runs against one server never share a template.
    const templateDb = `carebridge_template_${process.pid}_${Date.now().toString(36)}`;
    const admin = openPostgres(url, { max: 1 });
    await admin.sql!.unsafe(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
    await admin.sql!.unsafe(`CREATE DATABASE ${templateDb}`);
    const template = openPostgres(withDatabase(url, templateDb), { max: 1 });
    await template.migrate();
    await template.close();
    project.provide("pgliteTemplate", "");
    project.provide("postgresTemplate", templateDb);
    return async () => {
      await admin.sql!.unsafe(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
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
  project.provide("postgresTemplate", "");
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
