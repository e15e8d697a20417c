/** The benchmark's input: N order-like records (~300 bytes of JSON each), the same for every contender. */
import type { PipelineRecord } from '../../src/core/plugin.ts';

export function benchRecords(count: number, topic = 'bench'): PipelineRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    position: { topic, partition: i % 4, offset: Math.floor(i / 4) },
    key: `ord-${i}`,
    value: {
      orderId: `ord-${i}`,
      customerId: `cus-${i % 5000}`,
      status: i % 7 === 0 ? 'cancelled' : 'paid',
      amount: Math.round(i * 1.37 * 100) / 100,
      currency: 'EUR',
      items: [
        { sku: `SKU-${i % 100}`, quantity: 1 + (i % 3), unitPrice: 12.5 },
        { sku: `SKU-${(i + 7) % 100}`, quantity: 1, unitPrice: 3.99 },
      ],
      shipping: { country: 'DE', city: 'Berlin' },
    },
    headers: {},
    timestamp: 1_767_225_600_000 + i,
    sizeBytes: 300,
  }));
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
