/** Storage contract, see ../types.ts for its conventions: paging, shared by every list. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; undefined on the last page. */
  next: string | undefined;
}

export interface ListOptions {
  limit?: number;
  cursor?: string;
}
