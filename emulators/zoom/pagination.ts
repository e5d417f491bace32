import { ZoomErrors } from './errors';
import { randomToken } from './store';

/**
 * Zoom's `next_page_token` paging: a token is valid for 15 minutes and only with the same query that produced
 * it; `""` marks the last page. `page_size` defaults to 30 and is capped at 300.
 */

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 300;
export const PAGE_TOKEN_TTL_MS = 15 * 60_000;

export interface Page<T> {
  items: T[];
  pageSize: number;
  totalRecords: number;
  nextPageToken: string;
}

interface IssuedToken {
  /** Identifies the list and its filters, so the token only works with the query it came from. */
  listKey: string;
  offset: number;
  expiresAt: number;
}

/** The effective page size: Zoom falls back to the default when `page_size` is not a number, and caps it. */
export function pageSizeOf(raw: unknown): number {
  const size = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(size) || size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

export class PageTokens {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.issued.clear();
  }

  /** The page of `all` the request asks for; throws Zoom's 300 error for an unknown or expired token. */
  page<T>(all: readonly T[], listKey: string, pageSize: number, token: string | undefined): Page<T> {
    let offset = 0;
    if (token) {
      const issued = this.issued.get(token);
      if (!issued || issued.listKey !== listKey || this.now() >= issued.expiresAt) throw ZoomErrors.invalidPageToken();
      offset = issued.offset;
    }
    const end = offset + pageSize;
    let nextPageToken = '';
    if (end < all.length) {
      nextPageToken = randomToken(24);
      this.issued.set(nextPageToken, { listKey, offset: end, expiresAt: this.now() + PAGE_TOKEN_TTL_MS });
    }
    return { items: all.slice(offset, end), pageSize, totalRecords: all.length, nextPageToken };
  }
}

/** Zoom's envelope around a page; `itemsKey` is `users`, `meetings`, … */
export function pageBody<T>(page: Page<T>, itemsKey: string): Record<string, unknown> {
  return {
    page_count: Math.max(1, Math.ceil(page.totalRecords / page.pageSize)),
    page_number: 1,
    page_size: page.pageSize,
    total_records: page.totalRecords,
    next_page_token: page.nextPageToken,
    [itemsKey]: page.items,
  };
}
