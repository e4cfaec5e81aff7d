"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { UnreadBadge, useUnreadTitle, useUnreadTotal } from "./unread";

export interface NavItem {
  href: string;
  label: string;
  /** Shows the unread message count beside the link. */
  unread?: boolean;
}

/** The role's navigation; the current page is marked for sight and for screen readers. */
export function NavLinks({ items, initialUnread }: { items: NavItem[]; initialUnread: number | null }) {
  const pathname = usePathname();
  const hasUnread = initialUnread !== null;
  return hasUnread ? (
    <WithUnread items={items} pathname={pathname} initialUnread={initialUnread} />
  ) : (
    <Links items={items} pathname={pathname} unread={0} />
  );
}

function WithUnread({ items, pathname, initialUnread }: { items: NavItem[]; pathname: string; initialUnread: number }) {
  const unread = useUnreadTotal(initialUnread);
  useUnreadTitle(unread);
  return <Links items={items} pathname={pathname} unread={unread} />;
}

function Links({ items, pathname, unread }: { items: NavItem[]; pathname: string; unread: number }) {
  return (
    <ul className="flex flex-wrap gap-1">
      {items.map((item) => {
        // The first item is the area's home: current only on itself; the others also on their subpages.
        const current = pathname === item.href || (item !== items[0] && pathname.startsWith(`${item.href}/`));
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`block rounded-md px-3 py-2 text-sm font-medium ${current ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {item.label}
              {item.unread ? <UnreadBadge total={unread} /> : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
