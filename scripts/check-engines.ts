/**
 * Fails when an installed package declares a Node.js range this Node.js is outside of, as
 * `engine-strict=true` would, but with named exceptions: npm has no per-package engine-strict, and
 * one package we rely on declares more than it needs. Run by `npm test` (and so by CI).
 */
import fs from "node:fs";
import path from "node:path";
import semver from "semver";

/** Packages whose declared engines are known to be stricter than what they need, with the proof. */
const EXCEPTIONS: Record<string, string> = {
  "pg-boss":
    "declares Node >= 22.12 but runs on Node 20: every job test (lib/jobs, lib/notify) and npm run bench:notify exercise it here",
};

const lock = JSON.parse(fs.readFileSync(path.join(process.cwd(), "package-lock.json"), "utf8")) as {
  packages: Record<
    string,
    { version?: string; engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }
  >;
};
const problems: string[] = [];
for (const [where, pkg] of Object.entries(lock.packages)) {
  if (!where.startsWith("node_modules/")) continue;
  const name = where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
  const range = !Array.isArray(pkg.engines) ? pkg.engines?.node : undefined;
  if (!range || semver.satisfies(process.version, range, { includePrerelease: true })) continue;
  if (EXCEPTIONS[name]) continue;
  problems.push(`${name}@${pkg.version} wants Node ${range}`);
}
if (problems.length > 0) {
  console.error(`These packages do not support Node ${process.version}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `Engines: every installed package accepts Node ${process.version} (known exception: ${Object.keys(EXCEPTIONS).join(", ")}).`,
);
