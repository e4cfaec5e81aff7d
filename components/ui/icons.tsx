import type { SVGProps } from "react";

/** The navigation's icons: 24 × 24 strokes, decorative (the link's words name it). */
const PATHS = {
  home: "M3 11.5 12 4l9 7.5M5.5 10v9.5h5v-6h3v6h5V10",
  search: "M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13Zm4.6-1.9L20 20",
  calendar: "M4 6.5h16v13H4zM4 10.5h16M8 4v4M16 4v4",
  chat: "M4 5.5h16v10H9l-5 4v-14Z",
  inbox: "M4 13.5 6.5 5h11l2.5 8.5v5H4v-5Zm0 0h5l1 2h4l1-2h5",
  clock: "M12 20a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm0-12v4.5l3 2",
  users:
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm-6 9c0-3.3 2.7-6 6-6s6 2.7 6 6M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14c2 .7 3 2.9 3 6",
  chart: "M4 20V4m0 16h16M8 16v-5m4 5V8m4 8v-3",
  list: "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01",
  shield: "M12 3.5 5 6v5.5c0 4 3 7.5 7 9 4-1.5 7-5 7-9V6l-7-2.5Z",
  bell: "M6 16.5V11a6 6 0 1 1 12 0v5.5l1.5 1.5h-15L6 16.5Zm4 3.5h4",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, ...props }: { name: IconName } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="24"
      height="24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
