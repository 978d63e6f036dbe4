/**
 * Pools for synthetic people: surnames with rough frequencies, given-name characters, rare name
 * shapes (compound surnames, transliterated Uyghur names with `·`, Latin names), mobile prefixes
 * and e-mail domains. Every value is a common word or pattern, never a real person's data.
 *
 * Pools are written as compact strings and parsed once at load, so they stay readable and the
 * formatter leaves them alone. Each entry carries a pinyin (or ASCII) spelling for e-mail addresses.
 * Change pools only by appending: generated data follows their order, and demo records are known by id.
 */

/** A surname (or given-name part) with the ASCII spelling used in e-mail local parts, and a weight. */
export interface NamePart {
  readonly text: string;
  readonly latin: string;
  readonly weight: number;
}

/** `字:pinyin:weight` entries, space-separated. */
function parseWeighted(table: string): NamePart[] {
  return table
    .trim()
    .split(/\s+/u)
    .map((entry) => {
      const [text = '', latin = '', weight = '1'] = entry.split(':');
      return { text, latin, weight: Number(weight) };
    });
}

/**
 * `字pinyin` entries (one Han character followed by its pinyin), space-separated. The first
 * `commonCount` entries are the most frequent ones and weigh three times as much as the rest.
 */
function parseChars(table: string, commonCount: number): NamePart[] {
  return table
    .trim()
    .split(/\s+/u)
    .map((entry, index) => {
      const [text = '', ...rest] = Array.from(entry);
      return { text, latin: rest.join(''), weight: index < commonCount ? 3 : 1 };
    });
}

/**
 * The 100 most common single-character surnames, weighted by their approximate share of the
 * population in hundredths of a percent (王 ≈ 7.25 %, 李 ≈ 7.19 % …), from the national household
 * registration statistics as widely reported; together about 85 % of people.
 */
export const SURNAMES: readonly NamePart[] = parseWeighted(`
  王:wang:725 李:li:719 张:zhang:683 刘:liu:538 陈:chen:453 杨:yang:308 赵:zhao:229 黄:huang:223 周:zhou:177
  吴:wu:170 徐:xu:136 孙:sun:129 胡:hu:116 朱:zhu:115 高:gao:111 林:lin:100 何:he:99 郭:guo:96 马:ma:94
  罗:luo:82 梁:liang:69 宋:song:66 郑:zheng:65 谢:xie:60 韩:han:58 唐:tang:58 冯:feng:57 于:yu:51 董:dong:50
  肖:xiao:50 程:cheng:48 曹:cao:47 袁:yuan:46 邓:deng:46 许:xu:45 傅:fu:41 沈:shen:40 曾:zeng:40 彭:peng:40
  吕:lv:38 苏:su:37 卢:lu:37 蒋:jiang:37 蔡:cai:36 贾:jia:35 丁:ding:35 魏:wei:34 薛:xue:33 叶:ye:33
  闫:yan:32 余:yu:31 潘:pan:30 杜:du:30 戴:dai:29 夏:xia:28 钟:zhong:28 汪:wang:27 田:tian:27 任:ren:26
  姜:jiang:26 范:fan:25 方:fang:25 石:shi:24 姚:yao:24 谭:tan:23 廖:liao:23 邹:zou:22 熊:xiong:22 金:jin:22
  陆:lu:21 郝:hao:21 孔:kong:20 白:bai:20 崔:cui:20 康:kang:19 毛:mao:19 邱:qiu:19 秦:qin:18 江:jiang:18
  史:shi:18 顾:gu:17 侯:hou:17 邵:shao:17 孟:meng:16 龙:long:16 万:wan:16 段:duan:15 章:zhang:15 钱:qian:15
  汤:tang:15 尹:yin:14 黎:li:14 易:yi:14 常:chang:14 武:wu:14 乔:qiao:13 贺:he:13 赖:lai:13 龚:gong:13
  文:wen:13
`);

/**
 * Compound (two-character) surnames, all attested and all in core's masking list, so masks keep
 * both characters. Rare: the generator uses one for about 0.2 % of people.
 */
export const COMPOUND_SURNAMES: readonly NamePart[] = parseWeighted(`
  欧阳:ouyang:10 司马:sima:4 诸葛:zhuge:3 上官:shangguan:4 东方:dongfang:3 慕容:murong:2 皇甫:huangfu:3
  令狐:linghu:2 尉迟:yuchi:2 公孙:gongsun:2 夏侯:xiahou:3 司徒:situ:4 端木:duanmu:2 长孙:zhangsun:1 宇文:yuwen:2
`);

/** Given-name characters typical of men's names, most common first. */
export const MALE_GIVEN_CHARS: readonly NamePart[] = parseChars(
  `
  伟wei 强qiang 磊lei 军jun 勇yong 杰jie 涛tao 斌bin 超chao 明ming 刚gang 平ping 辉hui 鹏peng 华hua 飞fei
  鑫xin 波bo 宇yu 浩hao 凯kai 健jian 俊jun 帆fan 帅shuai 旭xu 龙long 建jian 国guo 峰feng 亮liang 成cheng
  东dong 志zhi 海hai 雷lei 博bo 轩xuan 泽ze 睿rui 航hang 皓hao 铭ming 哲zhe 宏hong 振zhen 彬bin 毅yi 瑞rui
  锋feng 坤kun 世shi 永yong 光guang 庆qing 德de 荣rong 昊hao 翔xiang 豪hao 良liang 兵bing 山shan 生sheng
  福fu 达da 信xin 远yuan 卫wei 梓zi 逸yi 煜yu 骏jun 源yuan 奕yi 诚cheng 正zheng 晖hui 钧jun 恒heng 瀚han
  彦yan 胜sheng 力li 栋dong 柏bai 森sen 松song 峻jun 岩yan 铮zheng 昆kun 鸿hong 渊yuan 锐rui 承cheng 川chuan
  江jiang 烨ye 炜wei 焱yan 致zhi 武wu 威wei 雄xiong 耀yao 星xing 晟sheng 朗lang 凡fan 克ke 泰tai 硕shuo
  锦jin 宸chen 义yi 贵gui 金jin 斐fei 君jun 琛chen
`,
  24,
);

/** Given-name characters typical of women's names, most common first. */
export const FEMALE_GIVEN_CHARS: readonly NamePart[] = parseChars(
  `
  芳fang 娜na 敏min 静jing 丽li 艳yan 娟juan 霞xia 秀xiu 英ying 玲ling 桂gui 兰lan 燕yan 萍ping 红hong
  梅mei 琳lin 雪xue 婷ting 慧hui 莉li 颖ying 倩qian 洁jie 琴qin 云yun 莹ying 晶jing 欣xin 怡yi 璐lu 瑶yao
  蕾lei 薇wei 婧jing 雯wen 露lu 悦yue 菲fei 茜qian 馨xin 妍yan 琪qi 晴qing 月yue 珊shan 萱xuan 涵han 诗shi
  梦meng 雨yu 紫zi 彤tong 蓉rong 凤feng 翠cui 美mei 淑shu 惠hui 珍zhen 玉yu 芬fen 莎sha 媛yuan 岚lan 丹dan
  蓓bei 舒shu 语yu 沫mo 汐xi 若ruo 依yi 佩pei 素su 荷he 昕xin 晗han 艺yi 嫣yan 姗shan 婉wan 瑾jin 琦qi
  璇xuan 曼man 秋qiu 冰bing 娅ya 婕jie 妮ni 娇jiao 琼qiong 芸yun 苗miao 菁jing 萌meng 黛dai 琬wan 柔rou
  姝shu 妙miao 卉hui 芷zhi 蕊rui 甜tian 桐tong 颜yan 可ke 巧qiao
`,
  24,
);

/** Given-name characters used for both men and women. */
export const NEUTRAL_GIVEN_CHARS: readonly NamePart[] = parseChars(
  `
  文wen 晓xiao 思si 安an 宁ning 林lin 春chun 子zi 嘉jia 佳jia 晨chen 阳yang 新xin 家jia 天tian 一yi
  心xin 清qing 立li 乐le 小xiao 开kai 希xi 益yi 真zhen 洋yang 冬dong 夏xia 雅ya 凌ling 韵yun 书shu
  墨mo 宜yi 溪xi 恩en 和he 悠you 然ran 亦yi
`,
  12,
);

/**
 * Given names of Uyghur (and other Turkic) people, written in the Han transliteration used on ID
 * cards; a full name is `given·father's given name` (买买提·艾力). Used for about 0.5 % of people.
 */
export const UYGHUR_MALE_NAMES: readonly NamePart[] = parseWeighted(`
  买买提:maimaiti:3 艾力:aili:3 阿不都:abudu:2 吐尔逊:tuerxun:2 帕尔哈提:paerhati:1 阿迪力:adili:2 艾克拜尔:aikebaier:1
  热合曼:reheman:1 玉素甫:yusufu:1 依明:yiming:1 阿里木:alimu:2 木合塔尔:muhetaer:1 努尔:nuer:1 卡德尔:kadeer:1
  艾合买提:aihemaiti:1 艾尼瓦尔:ainiwaer:1
`);

/** Uyghur women's given names (Han transliteration). */
export const UYGHUR_FEMALE_NAMES: readonly NamePart[] = parseWeighted(`
  古丽:guli:2 阿依古丽:ayiguli:3 热依拉:reyila:2 迪丽努尔:dilinuer:1 米娜:mina:1 祖丽菲亚:zulifeiya:1 帕提古丽:patiguli:1
  努尔古丽:nuerguli:2 阿依努尔:ayinuer:2 热娜:rena:1 萨妮亚:saniya:1 古丽娜尔:gulinaer:1
`);

/** Latin given names (customers who register with a foreign name); about 0.3 % of people. */
export const LATIN_GIVEN_NAMES: readonly string[] = [
  'John',
  'Michael',
  'David',
  'James',
  'Daniel',
  'Thomas',
  'Lucas',
  'Peter',
  'José',
  'Anna',
  'Maria',
  'Emma',
  'Sophie',
  'Olivia',
  'Elena',
  'Laura',
  'Julia',
  'Chloé',
];

/** Latin family names. */
export const LATIN_FAMILY_NAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Brown',
  'Miller',
  'Wilson',
  'Taylor',
  'Anderson',
  'Martin',
  'Garcia',
  'Müller',
  'Schmidt',
  'Dubois',
  'Rossi',
  'Novak',
  'Silva',
  'Jensen',
];

/** A mobile number prefix (the first three digits) and its carrier. */
export interface MobilePrefix {
  readonly prefix: string;
  readonly carrier: 'China Mobile' | 'China Unicom' | 'China Telecom' | 'MVNO';
  /** Rough share: the older number blocks carry most subscribers. */
  readonly weight: number;
}

function prefixes(carrier: MobilePrefix['carrier'], table: string): MobilePrefix[] {
  return table
    .trim()
    .split(/\s+/u)
    .map((entry) => {
      const [prefix = '', weight = '1'] = entry.split(':');
      return { prefix, carrier, weight: Number(weight) };
    });
}

/**
 * Mainland mobile prefixes of the three carriers (plus the 170 virtual-operator block). Every
 * generated number is `prefix + 8 digits`, so it matches `^1[3-9]\d{9}$`.
 */
export const MOBILE_PREFIXES: readonly MobilePrefix[] = [
  ...prefixes(
    'China Mobile',
    '134:3 135:4 136:4 137:4 138:6 139:6 147:1 150:3 151:3 152:3 157:2 158:4 159:4 172:1 178:2 182:3 183:3 184:1 187:3 188:3 195:1 198:2',
  ),
  ...prefixes(
    'China Unicom',
    '130:3 131:3 132:3 145:1 155:2 156:2 166:2 171:1 175:1 176:2 185:3 186:4 196:1',
  ),
  ...prefixes('China Telecom', '133:3 149:1 153:2 173:2 177:2 180:2 181:2 189:3 190:1 191:2 193:1 199:2'),
  ...prefixes('MVNO', '170:1 174:1'),
];

/** E-mail domains common among mainland shoppers, with rough weights; `qq` marks QQ-number mailboxes. */
export const EMAIL_DOMAINS: ReadonlyArray<{
  readonly domain: string;
  readonly weight: number;
  readonly qq: boolean;
}> = [
  { domain: 'qq.com', weight: 40, qq: true },
  { domain: '163.com', weight: 20, qq: false },
  { domain: '126.com', weight: 8, qq: false },
  { domain: 'foxmail.com', weight: 4, qq: true },
  { domain: 'sina.com', weight: 4, qq: false },
  { domain: '139.com', weight: 4, qq: false },
  { domain: 'outlook.com', weight: 6, qq: false },
  { domain: 'gmail.com', weight: 5, qq: false },
  { domain: 'hotmail.com', weight: 3, qq: false },
  { domain: 'aliyun.com', weight: 3, qq: false },
  { domain: 'yeah.net', weight: 3, qq: false },
];
