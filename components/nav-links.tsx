"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Icon, type IconName } from "./ui/icons";
import { UnreadBadge, useUnreadTitle, useUnreadTotal } from "./unread";

export interface NavItem {
  href: string;
  label: string;
  /** The word under the icon on a phone's bottom bar, where the full label does not fit. */
  short?: string;
  icon: IconName;
  /** Shows the unread message count beside the link. */
  unread?: boolean;
}

/**
 * The role's navigation, one list for every screen: a row under the header from small tablets up,
 * a bottom bar of icons on a phone (as phone portals do), so it never takes two rows and what
 * changed stays within a thumb's reach. The current page is marked for sight and for screen readers.
 */
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
    <ul className="flex justify-around sm:justify-start sm:gap-1">
      {items.map((item) => {
        // The first item is the area's home: current only on itself; the others also on their subpages.
        const current = pathname === item.href || (item !== items[0] && pathname.startsWith(`${item.href}/`));
        return (
          <li key={item.href} className="min-w-0 flex-1 sm:flex-none">
            <Link
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`relative flex h-16 flex-col items-center justify-center gap-0.5 px-1 text-xs font-medium sm:h-auto sm:flex-row sm:rounded-md sm:px-3 sm:py-2 sm:text-sm ${current ? "text-brand-800 sm:bg-brand-50" : "text-slate-700 hover:bg-slate-100"}`}
            >
              <Icon name={item.icon} className="size-6 shrink-0 sm:hidden" />
              <span className="max-w-full truncate sm:hidden">{item.short ?? item.label}</span>
              <span className="hidden sm:inline">{item.label}</span>
              {item.unread ? (
                <span className="absolute top-1 left-1/2 ml-1 sm:static sm:ml-0">
                  <UnreadBadge total={unread} />
                </span>
              ) : null}
              {current ? <span className="absolute inset-x-3 top-0 h-0.5 rounded bg-brand-700 sm:hidden" /> : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
