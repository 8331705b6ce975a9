/** The fault runs' order bodies and stock: seeded, so a run posts the same orders every time. */
import type { OrderBody } from './fault-world';

export const ADDRESS = { name: 'Fault Run', line1: 'Dam 1', city: 'Amsterdam', postalCode: '1012', country: 'NL' };

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function plainOrders(run: string, n: number, skus: string[], seed: number): OrderBody[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const count = 1 + Math.floor(r() * Math.min(3, skus.length));
    const picked = [...skus].sort(() => r() - 0.5).slice(0, count);
    return {
      orderId: `${run}-${String(i).padStart(4, '0')}`,
      channel: 'faults',
      customer: { id: `c-${i % 17}` },
      shippingAddress: ADDRESS,
      lines: picked.map((sku) => ({ sku, quantity: 1 + Math.floor(r() * 3) })),
    };
  });
}

export const plentiful = (skus: string[], units: number) => Object.fromEntries(skus.map((s) => [s, units]));
