/**
 * Synthetic record templates for the generator source and the bundled sample data. Each record is a pure
 * function of (index, seed, timestamp): record N is always the same, so a replay is identical.
 */

export type Template = 'orders' | 'sequence';

export interface GeneratedRecord {
  readonly key: string;
  readonly value: unknown;
}

const PRODUCTS: ReadonlyArray<readonly [sku: string, name: string, price: number]> = [
  ['SKU-1001', 'Espresso beans 1kg', 24.9],
  ['SKU-1002', 'Filter coffee 500g', 11.5],
  ['SKU-1003', 'Green tea 100 bags', 8.75],
  ['SKU-2001', 'Ceramic mug', 9.99],
  ['SKU-2002', 'Travel mug', 19.9],
  ['SKU-2003', 'Glass teapot', 34.0],
  ['SKU-3001', 'Burr grinder', 129.0],
  ['SKU-3002', 'Pour-over kettle', 59.9],
  ['SKU-3003', 'Milk frother', 39.5],
  ['SKU-3004', 'Espresso machine', 449.0],
  ['SKU-4001', 'Paper filters x100', 4.5],
  ['SKU-4002', 'Descaler', 12.0],
  ['SKU-4003', 'Cleaning tablets', 14.25],
  ['SKU-5001', 'Gift card', 50.0],
];

const PLACES: ReadonlyArray<readonly [country: string, city: string, currency: string]> = [
  ['DE', 'Berlin', 'EUR'],
  ['DE', 'Munich', 'EUR'],
  ['FR', 'Paris', 'EUR'],
  ['FR', 'Lyon', 'EUR'],
  ['NL', 'Amsterdam', 'EUR'],
  ['ES', 'Madrid', 'EUR'],
  ['IT', 'Milan', 'EUR'],
  ['GB', 'London', 'GBP'],
  ['GB', 'Manchester', 'GBP'],
  ['US', 'New York', 'USD'],
  ['US', 'Austin', 'USD'],
  ['US', 'Seattle', 'USD'],
  ['CA', 'Toronto', 'CAD'],
  ['PL', 'Warsaw', 'PLN'],
];

const STATUSES = [
  'created',
  'created',
  'paid',
  'paid',
  'paid',
  'shipped',
  'shipped',
  'delivered',
  'cancelled',
];
const CHANNELS = ['web', 'web', 'web', 'ios', 'android', 'store'];
const PAYMENTS = ['card', 'card', 'card', 'paypal', 'invoice', 'voucher'];
const FX: Record<string, number> = { EUR: 1, GBP: 0.86, USD: 1.08, CAD: 1.47, PLN: 4.32 };

/** A small, fast, well-mixed PRNG (mulberry32) seeded by the record index and the seed. */
function random(index: number, seed: number): () => number {
  let state = (Math.imul(index ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(list: readonly T[], r: number): T {
  return list[Math.floor(r * list.length)]!;
}

/** One realistic e-commerce order event; about 1.5% are test orders (`test: true`). */
export function orderEvent(index: number, seed: number, timestamp: number): GeneratedRecord {
  const rnd = random(index, seed);
  const [country, city, currency] = pick(PLACES, rnd());
  const fx = FX[currency] ?? 1;
  const itemCount = 1 + Math.floor(rnd() * rnd() * 4);
  const items = [];
  for (let i = 0; i < itemCount; i++) {
    const [sku, name, price] = pick(PRODUCTS, rnd());
    items.push({ sku, name, quantity: 1 + Math.floor(rnd() * rnd() * 3), unitPrice: round2(price * fx) });
  }
  const orderId = `ord-${String(index + 1).padStart(8, '0')}`;
  return {
    key: orderId,
    value: {
      orderId,
      createdAt: new Date(timestamp).toISOString(),
      customerId: `cus-${String(1 + Math.floor(rnd() * 5000)).padStart(5, '0')}`,
      status: pick(STATUSES, rnd()),
      channel: pick(CHANNELS, rnd()),
      payment: pick(PAYMENTS, rnd()),
      currency,
      shipping: { country, city },
      items,
      test: rnd() < 0.015,
    },
  };
}

/** The smallest record: for benchmarks that measure the engine rather than JSON size. */
function sequenceEvent(index: number, _seed: number, timestamp: number): GeneratedRecord {
  return { key: String(index), value: { seq: index, at: timestamp } };
}

export const templates: Record<Template, typeof orderEvent> = { orders: orderEvent, sequence: sequenceEvent };

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
