/**
 * A compact gazetteer for synthetic addresses: all 31 mainland provincial-level divisions, their
 * main cities and some urban districts, with the 6-digit administrative division codes of
 * GB/T 2260 (the codes that also open a resident ID number), plus pools of road, residential
 * compound and office-building names for street lines such as `建国路88号院3号楼2单元501室`.
 *
 * Codes follow the published scheme (province `PP0000`, city `PPCC00`, district `PPCCDD`); a test
 * checks that every district code sits under its city and province. Append only: generated data
 * follows the order of these lists.
 */

/** A district (区) and its 6-digit division code. */
export interface District {
  readonly name: string;
  readonly code: string;
}

/** A prefecture-level city (for the four municipalities, the municipality itself). */
export interface City {
  readonly name: string;
  readonly code: string;
  /** Rough share of online orders: big coastal cities order most. */
  readonly weight: number;
  readonly districts: readonly District[];
}

/** A provincial-level division (province, municipality or autonomous region). */
export interface Province {
  readonly name: string;
  readonly code: string;
  readonly cities: readonly City[];
}

/** `city('深圳市', '440300', 9, '440303罗湖区 440304福田区')`: districts as `code+name`, space-separated. */
function city(name: string, code: string, weight: number, districts: string): City {
  return {
    name,
    code,
    weight,
    districts: districts
      .trim()
      .split(/\s+/u)
      .map((entry) => ({ code: entry.slice(0, 6), name: entry.slice(6) })),
  };
}

function province(name: string, code: string, cities: City[]): Province {
  return { name, code, cities };
}

/** The gazetteer: 31 provincial-level divisions, 46 cities, about 150 districts. */
export const PROVINCES: readonly Province[] = [
  province('北京市', '110000', [
    city(
      '北京市',
      '110100',
      10,
      '110101东城区 110102西城区 110105朝阳区 110106丰台区 110107石景山区 110108海淀区 110112通州区 110114昌平区 110115大兴区',
    ),
  ]),
  province('上海市', '310000', [
    city(
      '上海市',
      '310100',
      10,
      '310101黄浦区 310104徐汇区 310105长宁区 310106静安区 310107普陀区 310109虹口区 310110杨浦区 310112闵行区 310113宝山区 310115浦东新区',
    ),
  ]),
  province('天津市', '120000', [
    city(
      '天津市',
      '120100',
      4,
      '120101和平区 120102河东区 120103河西区 120104南开区 120105河北区 120116滨海新区',
    ),
  ]),
  province('重庆市', '500000', [
    city(
      '重庆市',
      '500100',
      5,
      '500103渝中区 500105江北区 500106沙坪坝区 500107九龙坡区 500108南岸区 500112渝北区',
    ),
  ]),
  province('广东省', '440000', [
    city(
      '广州市',
      '440100',
      9,
      '440103荔湾区 440104越秀区 440105海珠区 440106天河区 440111白云区 440113番禺区',
    ),
    city(
      '深圳市',
      '440300',
      9,
      '440303罗湖区 440304福田区 440305南山区 440306宝安区 440307龙岗区 440309龙华区',
    ),
    city('珠海市', '440400', 2, '440402香洲区 440403斗门区 440404金湾区'),
    city('佛山市', '440600', 4, '440604禅城区 440605南海区 440606顺德区'),
  ]),
  province('浙江省', '330000', [
    city(
      '杭州市',
      '330100',
      8,
      '330102上城区 330105拱墅区 330106西湖区 330108滨江区 330109萧山区 330110余杭区',
    ),
    city('宁波市', '330200', 4, '330203海曙区 330205江北区 330212鄞州区'),
    city('温州市', '330300', 3, '330302鹿城区 330303龙湾区 330304瓯海区'),
  ]),
  province('江苏省', '320000', [
    city('南京市', '320100', 6, '320102玄武区 320104秦淮区 320105建邺区 320106鼓楼区 320115江宁区'),
    city('无锡市', '320200', 3, '320211滨湖区 320213梁溪区 320214新吴区'),
    city('苏州市', '320500', 6, '320505虎丘区 320506吴中区 320507相城区 320508姑苏区 320509吴江区'),
  ]),
  province('四川省', '510000', [
    city(
      '成都市',
      '510100',
      7,
      '510104锦江区 510105青羊区 510106金牛区 510107武侯区 510108成华区 510116双流区',
    ),
    city('绵阳市', '510700', 1, '510703涪城区 510704游仙区'),
  ]),
  province('湖北省', '420000', [
    city('武汉市', '420100', 6, '420102江岸区 420103江汉区 420104硚口区 420106武昌区 420111洪山区'),
    city('宜昌市', '420500', 1, '420502西陵区 420503伍家岗区'),
  ]),
  province('湖南省', '430000', [
    city('长沙市', '430100', 5, '430102芙蓉区 430103天心区 430104岳麓区 430105开福区 430111雨花区'),
    city('株洲市', '430200', 1, '430203芦淞区 430211天元区'),
  ]),
  province('山东省', '370000', [
    city('济南市', '370100', 4, '370102历下区 370103市中区 370104槐荫区 370112历城区'),
    city('青岛市', '370200', 4, '370202市南区 370203市北区 370211黄岛区 370212崂山区 370213李沧区'),
  ]),
  province('河南省', '410000', [
    city('郑州市', '410100', 5, '410102中原区 410103二七区 410104管城回族区 410105金水区'),
    city('洛阳市', '410300', 1, '410303西工区 410311洛龙区'),
  ]),
  province('河北省', '130000', [
    city('石家庄市', '130100', 3, '130102长安区 130104桥西区 130105新华区 130108裕华区'),
    city('保定市', '130600', 2, '130602竞秀区 130606莲池区'),
  ]),
  province('福建省', '350000', [
    city('福州市', '350100', 3, '350102鼓楼区 350103台江区 350104仓山区'),
    city('厦门市', '350200', 3, '350203思明区 350206湖里区 350211集美区'),
  ]),
  province('陕西省', '610000', [
    city('西安市', '610100', 5, '610102新城区 610103碑林区 610104莲湖区 610112未央区 610113雁塔区'),
  ]),
  province('辽宁省', '210000', [
    city('沈阳市', '210100', 3, '210102和平区 210103沈河区 210105皇姑区 210106铁西区'),
    city('大连市', '210200', 3, '210202中山区 210203西岗区 210204沙河口区 210211甘井子区'),
  ]),
  province('安徽省', '340000', [
    city('合肥市', '340100', 4, '340102瑶海区 340103庐阳区 340104蜀山区 340111包河区'),
  ]),
  province('江西省', '360000', [city('南昌市', '360100', 3, '360102东湖区 360103西湖区 360111青山湖区')]),
  province('云南省', '530000', [
    city('昆明市', '530100', 3, '530102五华区 530103盘龙区 530111官渡区 530112西山区'),
  ]),
  province('广西壮族自治区', '450000', [
    city('南宁市', '450100', 3, '450102兴宁区 450103青秀区 450105江南区'),
  ]),
  province('新疆维吾尔自治区', '650000', [
    city('乌鲁木齐市', '650100', 2, '650102天山区 650103沙依巴克区 650104新市区'),
  ]),
  province('黑龙江省', '230000', [
    city('哈尔滨市', '230100', 3, '230102道里区 230103南岗区 230104道外区 230110香坊区'),
  ]),
  province('吉林省', '220000', [
    city('长春市', '220100', 2, '220102南关区 220103宽城区 220104朝阳区 220105二道区'),
  ]),
  province('山西省', '140000', [city('太原市', '140100', 2, '140105小店区 140106迎泽区 140107杏花岭区')]),
  province('贵州省', '520000', [city('贵阳市', '520100', 2, '520102南明区 520103云岩区 520115观山湖区')]),
  province('海南省', '460000', [
    city('海口市', '460100', 1, '460105秀英区 460106龙华区 460107琼山区 460108美兰区'),
  ]),
  province('内蒙古自治区', '150000', [
    city('呼和浩特市', '150100', 1, '150102新城区 150103回民区 150104玉泉区 150105赛罕区'),
  ]),
  province('甘肃省', '620000', [
    city('兰州市', '620100', 1, '620102城关区 620103七里河区 620104西固区 620105安宁区'),
  ]),
  province('宁夏回族自治区', '640000', [
    city('银川市', '640100', 1, '640104兴庆区 640105西夏区 640106金凤区'),
  ]),
  province('青海省', '630000', [
    city('西宁市', '630100', 1, '630102城东区 630103城中区 630104城西区 630105城北区'),
  ]),
  province('西藏自治区', '540000', [city('拉萨市', '540100', 1, '540102城关区 540103堆龙德庆区')]),
];

/** Stems of road names; the generator adds 路 / 大街 / 大道 / 街 and sometimes a direction (中山东路). */
export const ROAD_STEMS: readonly string[] = `
  中山 人民 解放 建设 和平 新华 胜利 建国 长江 黄河 文化 学府 科技 民主 延安 南京 北京 上海 光明 幸福
  青年 东风 朝阳 滨江 湖滨 振兴 团结 友谊 工业 花园 迎宾 金桥 航天 世纪 海滨 体育 站前 府前 复兴 环城
  永安 太平 兴华 凤凰 梧桐 银杏 春晖 锦绣 长安 星光 金融 创新 高新 育才 红旗 新村 北环 南环 东环 西环
`
  .trim()
  .split(/\s+/u);

/** Road-type suffixes with weights. */
export const ROAD_SUFFIXES: ReadonlyArray<readonly [suffix: string, weight: number]> = [
  ['路', 60],
  ['大街', 14],
  ['大道', 11],
  ['街', 10],
  ['巷', 5],
];

/** Stems of residential compound names (万科城, 翠湖花园 …). */
export const COMPOUND_STEMS: readonly string[] = `
  阳光 翠湖 金色 锦绣 碧水 万科 绿地 世纪 明珠 御景 滨江 名都 香榭 丽都 和谐 幸福 康乐 紫荆 枫林 桃源
  怡景 华庭 东方 银河 春天 水岸 云顶 湖畔 书香 龙湖 华润 保利 金地 中海 招商 时代 天悦 星河 蓝湾 海棠
  玉兰 芙蓉 金域 君悦 富力 恒大 融侨 新城 国贸 望京
`
  .trim()
  .split(/\s+/u);

/** Residential compound suffixes. */
export const COMPOUND_SUFFIXES: readonly string[] = `
  花园 小区 家园 苑 公寓 新村 华府 嘉园 雅居 名苑 新城 里 公馆 府 城 雅苑 山庄 佳苑
`
  .trim()
  .split(/\s+/u);

/** Office building names for deliveries to a workplace. */
export const OFFICE_BUILDINGS: readonly string[] = `
  国贸大厦 环球金融中心 科技大厦 创业大厦 国际中心 软件园 财富中心 世贸中心 时代广场 万达广场 金融大厦
  创新中心 数码大厦 商务中心 总部基地 信息港 高新科技园 国际大厦
`
  .trim()
  .split(/\s+/u);
