/** Product ids as seeded: upper-case letters, digits and dashes ("SKU-001"). */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
/** Customer and order ids: 1-64 letters, digits, "-" or "_". */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ID_RULE = '1-64 letters, digits, "-" or "_"';
/** Largest quantity of one sku in one order: a sane bound, not a stock limit. */
export const MAX_QUANTITY = 100;
export const MAX_ITEMS = 50;
