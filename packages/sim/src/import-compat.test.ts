/**
 * The simulator feeds Cordon's importer, so its records must pass core's own interchange schemas and
 * validators. This is the one place the simulator touches core: the generator itself stays
 * independent (its ID check character is its own implementation), and this test checks the two agree.
 */
import {
  COMPOUND_SURNAMES as CORE_COMPOUND_SURNAMES,
  isValidResidentId,
  maskName,
  normalizePhone,
  parseCustomer,
  parseOrder,
} from '@cordon/core';
import { describe, expect, it } from 'vitest';
import { COMPOUND_SURNAMES } from './people.data';
import { generateShop } from './shop.generator';

describe('generated records against core', () => {
  const shop = generateShop({ customers: 4_000, seed: 'import-compat', messyFormats: true });

  it('every customer passes core parseCustomer, and every ID number core isValidResidentId', () => {
    for (const customer of shop.customers) {
      expect(() => parseCustomer(customer)).not.toThrow();
      if (customer.idNumber !== undefined) expect(isValidResidentId(customer.idNumber)).toBe(true);
    }
  });

  it('every order passes core parseOrder (schema, two-decimal money, total within the item sum)', () => {
    for (const order of shop.orders) expect(() => parseOrder(order)).not.toThrow();
  });

  it('every phone spelling normalizes to the same mobile number core indexes', () => {
    const plain = generateShop({ customers: 4_000, seed: 'import-compat' });
    shop.customers.forEach((customer, index) => {
      expect(normalizePhone(customer.phone)).toEqual({
        kind: 'mobile',
        digits: plain.customers[index]?.phone,
      });
    });
  });

  it('uses only compound surnames that core masks as compound', () => {
    for (const surname of COMPOUND_SURNAMES) {
      expect(CORE_COMPOUND_SURNAMES.has(surname.text)).toBe(true);
      expect(maskName(`${surname.text}娜娜`)).toBe(`${surname.text}**`);
    }
  });
});
