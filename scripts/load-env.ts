import nextEnv from "@next/env";

// The same .env files Next reads, so scripts and the server agree on the environment.
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
