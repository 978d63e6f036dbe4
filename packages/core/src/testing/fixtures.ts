/** Small hand-written interchange records for tests; every value is fictional. */
export const customerFixtures = [
  {
    id: 'C1',
    name: '张三',
    phone: '13812345678',
    email: 'zhangsan@example.com',
    idNumber: '11010519491231002X',
    createdAt: '2026-01-05T10:00:00+08:00',
  },
  { id: 'C2', name: '欧阳娜娜', phone: '+86 139-8765-4321', createdAt: '2026-01-06T11:00:00+08:00' },
  { id: 'C3', name: '买买提·艾力', phone: '010-62751234', createdAt: '2026-01-07T12:00:00+08:00' },
];

export function orderFixture(id: string, customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    customerId,
    createdAt: '2026-02-01T09:30:00+08:00',
    status: 'paid',
    receiver: {
      name: '李四',
      phone: '13700001111',
      province: '北京市',
      city: '北京市',
      district: '海淀区',
      street: '中关村大街27号院3号楼501室',
    },
    items: [{ sku: 'SKU-1', name: '耳机', price: 199.5, qty: 2 }],
    total: 399,
    channel: 'app',
    ...overrides,
  };
}

/** Plaintext values from the fixtures that must never appear outside an explicit reveal. */
export const fixturePlaintexts = [
  '张三',
  '13812345678',
  'zhangsan@example.com',
  '11010519491231002X',
  '欧阳娜娜',
  '13987654321',
  '买买提',
  '62751234',
  '李四',
  '13700001111',
  '中关村大街',
];
