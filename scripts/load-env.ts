import { loadEnvConfig } from "@next/env";

// The same .env files Next reads, so scripts and the server agree on the environment.
loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
