import { PageLoading } from "@/components/ui/page-loading";

export default function Loading() {
  return (
    <main id="main" className="mx-auto max-w-6xl px-4">
      <PageLoading />
    </main>
  );
}
