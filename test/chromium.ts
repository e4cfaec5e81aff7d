/**
 * The launch options of every Chromium this project starts (Playwright's specs, the benchmarks,
 * the fault test): STACK.md's, and QUIC off, since nothing here speaks it.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
