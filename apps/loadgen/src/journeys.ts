import type { Journey } from './options';

export interface PlannedRequest {
  journey: Journey;
  method: string;
  path: string;
  body?: string;
}

const SKUS = Array.from({ length: 10 }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
const CUSTOMERS = 50;

type Random = () => number;
const pickOne = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)];
const customer = (random: Random) => `customer-${1 + Math.floor(random() * CUSTOMERS)}`;

/** Ids of orders placed during the run, for the "track" journey (bounded). */
export const placedOrders: string[] = [];

export function rememberOrder(id: string): void {
  placedOrders.push(id);
  if (placedOrders.length > 500) placedOrders.shift();
}

/**
 * One request of a journey. Orders may be refused for stock (409): a business answer, not an error.
 * "track" looks up an order placed earlier in the run (a product list until there is one).
 */
export function plan(journey: Journey, random: Random = Math.random): PlannedRequest {
  switch (journey) {
    case 'track':
      if (placedOrders.length === 0) return { ...plan('browse', random), journey };
      return { journey, method: 'GET', path: `/api/orders/${pickOne(placedOrders, random)}` };
    case 'browse':
      return { journey, method: 'GET', path: '/api/products' };
    case 'view':
      return { journey, method: 'GET', path: `/api/products/${pickOne(SKUS, random)}` };
    case 'history':
      return { journey, method: 'GET', path: `/api/customers/${customer(random)}/orders` };
    case 'order': {
      const count = 1 + Math.floor(random() * 3);
      const skus = [...new Set(Array.from({ length: count }, () => pickOne(SKUS, random)))];
      const items = skus.map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 2) }));
      return { journey, method: 'POST', path: '/api/orders', body: JSON.stringify({ customerId: customer(random), items }) };
    }
    case 'bad': {
      const bodies = ['{"customerId":"c1","items":[{"sku":"SKU-001","quantity":0}]}', '{"customerId":', '{"items":"none"}'];
      return { journey, method: 'POST', path: '/api/orders', body: pickOne(bodies, random) };
    }
  }
}

/** Picks a journey with probability proportional to its weight. */
export function pickJourney(mix: Record<Journey, number>, random: Random = Math.random): Journey {
  const entries = Object.entries(mix).filter(([, w]) => w > 0) as Array<[Journey, number]>;
  let r = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [journey, weight] of entries) {
    if ((r -= weight) < 0) return journey;
  }
  return entries.at(-1)![0];
}
