import type { ReactNode } from "react";
import { loadRoom } from "./load-room";

// Checked here, above the page's loading boundary, so a room that is not yours answers a real 404.
export default async function RoomLayout({
  params,
  children,
}: {
  params: Promise<{ roomId: string }>;
  children: ReactNode;
}) {
  await loadRoom((await params).roomId);
  return children;
}
