import type { ReactNode } from "react";
import { loadDoctor } from "./load-doctor";

// Checked here, above this page's loading boundary, so an unknown doctor answers a real 404.
export default async function DoctorLayout({
  params,
  children,
}: {
  params: Promise<{ doctorId: string }>;
  children: ReactNode;
}) {
  await loadDoctor((await params).doctorId);
  return children;
}
