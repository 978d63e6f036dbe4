import { describe, expect, it } from 'vitest';
import { CATALOG, CATEGORIES, COUPONS } from './catalog.data';

describe('catalog', () => {
  const products = CATEGORIES.flatMap((category) => CATALOG[category]);

  it('has products in all four categories with unique SKUs and whole-fen prices', () => {
    for (const category of CATEGORIES) expect(CATALOG[category].length).toBeGreaterThanOrEqual(15);
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    for (const product of products) {
      expect(product.sku).toMatch(/^(EL|GR|CL|CO)-\d{4}$/);
      expect(product.name.trim()).toBe(product.name);
      expect(product.name.length).toBeGreaterThan(1);
      expect(Number.isInteger(product.listPriceFen) && product.listPriceFen > 0).toBe(true);
    }
  });

  it('has coupons whose codes are unique and whose discounts are positive', () => {
    expect(new Set(COUPONS.map((c) => c.code)).size).toBe(COUPONS.length);
    for (const coupon of COUPONS) {
      expect(coupon.discountFen).toBeGreaterThan(0);
      expect(coupon.thresholdFen === 0 || coupon.thresholdFen > coupon.discountFen).toBe(true);
    }
  });
});
