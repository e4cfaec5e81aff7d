/**
 * npm run admin:create -- --email admin@example.com --name "Ada Admin"
 * The password comes from ADMIN_PASSWORD, or is asked for (hidden) on a terminal.
 */
import "./load-env";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDatabase, databaseHandle } from "@/db";
import { createAdmin } from "@/lib/users/admin";
import { temporaryPasswordSchema } from "@/lib/schemas/admin";
import { emailSchema, nameSchema } from "@/lib/schemas/auth";
import { fail } from "./fail";

const argsSchema = z.object({ email: emailSchema, name: nameSchema, password: temporaryPasswordSchema });

function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(question)) write.call(rl, s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
  });
}

async function main() {
  const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" } } });
  let password = process.env.ADMIN_PASSWORD;
  if (!password) {
    if (!process.stdin.isTTY)
      throw new Error("Set ADMIN_PASSWORD, or run this on a terminal to be asked for the password.");
    password = await askHidden("Password for the new admin: ");
  }
  const parsed = argsSchema.safeParse({ email: values.email, name: values.name, password });
  if (!parsed.success) {
    throw new Error(
      `${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("\n")}\nUsage: npm run admin:create -- --email admin@example.com --name "Ada Admin"`,
    );
  }
  databaseHandle();
  const { id } = await createAdmin(parsed.data);
  console.log(`Admin ${parsed.data.email} created (${id}).`);
  await closeDatabase();
}

main().catch(fail);
