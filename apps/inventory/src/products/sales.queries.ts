/**
 * Units of a sku sold in the last 24 hours, from the stock ledger. Both predicates compare the bare
 * indexed columns, so PostgreSQL reads only that day's rows of that sku through
 * stock_movements_sku_created_idx (well under a millisecond).
 */
export const SOLD_LAST_24H = `
  SELECT coalesce(-sum(quantity), 0)::int AS sold
    FROM stock_movements
   WHERE sku = $1 AND created_at > now() - interval '24 hours' AND quantity < 0`;

/**
 * The same number, written the way it often is: a case-insensitive sku and the arithmetic on the
 * column instead of on now(). Expressions over both indexed columns make the index useless, so
 * every lookup scans the whole ledger (slow-query; the fix is SOLD_LAST_24H).
 */
export const SOLD_LAST_24H_UNINDEXED = `
  SELECT coalesce(-sum(quantity), 0)::int AS sold
    FROM stock_movements
   WHERE upper(sku) = upper($1) AND created_at + interval '24 hours' > now() AND quantity < 0`;
