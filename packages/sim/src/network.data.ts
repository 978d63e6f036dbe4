/**
 * Network pools for order metadata. The /16 blocks below are allocated to mainland carriers, so
 * generated addresses look Chinese to geo-IP minded rules; the hosts in them are random and fake.
 * Append only: generated data follows the order of these lists.
 */

/** Fixed-broadband /16 blocks (first two octets), where home networks are drawn from. */
export const BROADBAND_BLOCKS: readonly string[] = `
  58.16 58.20 59.42 60.12 61.48 61.135 101.80 106.120 110.80 111.192 112.64 113.108 114.86 115.192
  116.228 117.136 119.123 120.229 121.35 122.224 123.112 124.64 125.70 171.8 175.0 180.110 182.100
  183.14 218.18 219.142 220.181 221.216 222.90 223.72
`
  .trim()
  .split(/\s+/u);

/** Mobile-network /16 blocks (carrier NAT gateways), used when an order is placed over 4G/5G. */
export const MOBILE_BLOCKS: readonly string[] = `
  223.104 223.88 117.150 39.144 39.156 112.96 111.55 183.192 27.38 36.149 120.244 106.39
`
  .trim()
  .split(/\s+/u);
