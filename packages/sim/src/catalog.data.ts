/**
 * The product catalog and coupon book of the synthetic shop. Products are generic (no brands) with
 * realistic list prices in yuan. SKUs are derived from the category prefix and the position in the
 * list (`EL-1001` …), so append new products at the end of a category, never in the middle.
 */

/** Product categories; customers have a preference profile over them. */
export type Category = 'electronics' | 'groceries' | 'clothing' | 'cosmetics';

/** One catalog entry. */
export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: Category;
  /** List price in fen (integer), so that money arithmetic is exact. */
  readonly listPriceFen: number;
}

const SKU_PREFIX: Record<Category, string> = {
  electronics: 'EL',
  groceries: 'GR',
  clothing: 'CL',
  cosmetics: 'CO',
};

/** Lines of `name|price in yuan`. */
function products(category: Category, table: string): Product[] {
  return table
    .trim()
    .split('\n')
    .map((line, index) => {
      const [name = '', price = '0'] = line.trim().split('|');
      return {
        sku: `${SKU_PREFIX[category]}-${1001 + index}`,
        name,
        category,
        listPriceFen: Math.round(Number(price) * 100),
      };
    });
}

/** The catalog by category. */
export const CATALOG: Readonly<Record<Category, readonly Product[]>> = {
  electronics: products(
    'electronics',
    `
    无线蓝牙耳机 主动降噪版|299.00
    65W氮化镓快充充电器|129.00
    Type-C数据线 1米 两条装|29.90
    20000mAh移动电源|159.00
    智能手环 心率血氧监测|229.00
    智能手表 运动版|899.00
    5G智能手机 8GB+256GB|1999.00
    5G智能手机 12GB+512GB|3299.00
    平板电脑 11英寸 128GB|2299.00
    轻薄笔记本电脑 14英寸 16GB+512GB|4999.00
    机械键盘 87键 青轴|259.00
    无线鼠标 静音版|69.90
    27英寸4K显示器|1699.00
    便携蓝牙音箱 防水|199.00
    手机壳 磨砂防摔|39.90
    钢化膜 两片装|19.90
    声波电动牙刷|199.00
    扫地机器人 激光导航|1999.00
    空气炸锅 5.5L|349.00
    电热水壶 1.7L|89.00
    高速吹风机 负离子|399.00
    移动固态硬盘 1TB|499.00
    WiFi 6路由器 千兆|249.00
    行车记录仪 4K|399.00
    `,
  ),
  groceries: products(
    'groceries',
    `
    东北大米 5kg|39.90
    五常稻花香大米 10kg|129.00
    非转基因大豆油 5L|69.90
    纯牛奶 250ml×24盒|59.90
    鲜鸡蛋 30枚|29.90
    每日坚果 30袋|99.00
    鸡蛋挂面 1kg×3|19.90
    生抽酱油 1.9L|15.90
    山西陈醋 500ml×2|17.80
    螺蛳粉 5袋装|39.90
    方便面 5连包|14.90
    饮用天然水 550ml×24瓶|29.90
    可乐 330ml×24罐|49.90
    明前绿茶 250g|88.00
    挂耳咖啡 50包|79.00
    车厘子 JJ级 2斤装|129.00
    赣南脐橙 5kg|49.90
    冷冻虾仁 500g|59.90
    原切牛排 10片装|99.00
    卷纸 4层 27卷|49.90
    抽纸 24包|45.90
    洗衣凝珠 52颗|59.90
    `,
  ),
  clothing: products(
    'clothing',
    `
    男士纯棉短袖T恤|59.00
    女士雪纺连衣裙|169.00
    男士直筒牛仔裤|129.00
    女士白鸭绒羽绒服|599.00
    男士连帽羽绒服|699.00
    加绒连帽卫衣|119.00
    男士跑步鞋|329.00
    女士帆布鞋|89.00
    保暖内衣套装|79.00
    纯棉袜子 10双装|29.90
    三合一冲锋衣|459.00
    女士针织开衫|139.00
    男士修身西装外套|399.00
    儿童棉服|159.00
    纯棉睡衣套装|99.00
    羊毛围巾|129.00
    通勤双肩背包|149.00
    棒球帽|39.00
    `,
  ),
  cosmetics: products(
    'cosmetics',
    `
    保湿面霜 50g|189.00
    修护精华液 30ml|399.00
    补水面膜 10片|79.00
    防晒霜 SPF50+ 50ml|129.00
    丝绒哑光口红|159.00
    持妆粉底液 30ml|269.00
    氨基酸洗面奶 120g|59.00
    温和卸妆水 500ml|69.00
    淡纹眼霜 15g|299.00
    保湿爽肤水 200ml|119.00
    淡香水 50ml|499.00
    防水眉笔|29.90
    纤长睫毛膏|79.00
    护手霜 3支装|39.90
    去屑洗发水 750ml|69.90
    沐浴露 1L|49.90
    男士控油洁面乳|49.00
    滋润身体乳 400ml|89.00
    `,
  ),
};

/** Categories in a fixed order (the order of draws depends on it). */
export const CATEGORIES: readonly Category[] = ['electronics', 'groceries', 'clothing', 'cosmetics'];

/**
 * A "满减" coupon: `discountFen` off an order whose item sum reaches `thresholdFen`. The code
 * spells both (`MJ199-20`: 20 yuan off from 199 yuan) so that a test or a human can check a total.
 */
export interface Coupon {
  readonly code: string;
  readonly thresholdFen: number;
  readonly discountFen: number;
  /** Only for customers in their first 30 days. */
  readonly newCustomersOnly?: boolean;
}

/**
 * The coupon book. `NEW10` (new customers) and `VIP20` have no threshold: their discount is capped
 * at the item sum, so a cheap order can come to 0.00 but never below.
 */
export const COUPONS: readonly Coupon[] = [
  { code: 'MJ99-10', thresholdFen: 9_900, discountFen: 1_000 },
  { code: 'MJ199-20', thresholdFen: 19_900, discountFen: 2_000 },
  { code: 'MJ299-40', thresholdFen: 29_900, discountFen: 4_000 },
  { code: 'MJ599-60', thresholdFen: 59_900, discountFen: 6_000 },
  { code: 'MJ999-100', thresholdFen: 99_900, discountFen: 10_000 },
  { code: 'MJ2999-300', thresholdFen: 299_900, discountFen: 30_000 },
  { code: 'NEW10', thresholdFen: 0, discountFen: 1_000, newCustomersOnly: true },
  { code: 'VIP20', thresholdFen: 0, discountFen: 2_000 },
];
