/**
 * The columns of a run-sheet (排品表) and the header words studios write for them, Chinese and English.
 * Recognition is by whole header, after normalising case, spaces, brackets and unit words, so a title
 * like "双11美妆专场排品表" never passes for a column.
 */

/** Every column LiveDeck reads from or writes to a run-sheet. */
export const runsheetFields = [
  'sku',
  'title',
  'listPrice',
  'livePrice',
  'plannedTime',
  'sellingPoints',
  'script',
  'dealPrice',
  'dealStock',
  'perUserLimit',
  'dealDuration',
  'dealAutoFireAt',
  'couponTitle',
  'couponThreshold',
  'couponDiscount',
  'couponQuantity',
  'couponLimit',
  'couponDuration',
  'floorPrice',
  'note',
  'linkNo',
] as const;
export type RunsheetField = (typeof runsheetFields)[number];

/** Which spreadsheet column (1-based, A = 1) holds each field. */
export type ColumnMapping = Partial<Record<RunsheetField, number>>;

/** The name a person reads for each field: the header LiveDeck writes on export, and the word in error sentences. */
export const fieldLabels: Record<RunsheetField, string> = {
  sku: '商品编码',
  title: '商品名称',
  listPrice: '原价',
  livePrice: '直播价',
  plannedTime: '讲解时长',
  sellingPoints: '卖点',
  script: '话术',
  dealPrice: '秒杀价',
  dealStock: '秒杀库存',
  perUserLimit: '限购',
  dealDuration: '秒杀时长',
  dealAutoFireAt: '开秒时间',
  couponTitle: '优惠券名称',
  couponThreshold: '券门槛',
  couponDiscount: '券面额',
  couponQuantity: '发券张数',
  couponLimit: '每人限领',
  couponDuration: '发券时长',
  floorPrice: '品牌底价',
  note: '备注',
  linkNo: '链接号',
};

/**
 * Header words per field, in normalised form (see {@link normaliseHeader}), best first: when two columns
 * claim one field, the one written with the earlier word wins and the other is left unmapped.
 */
export const headerAliases: Record<RunsheetField, readonly string[]> = {
  sku: [
    '商品编码',
    'sku',
    '货号',
    '商品id',
    '款号',
    'skuid',
    'sku编码',
    'sku编号',
    '商品编号',
    '商品货号',
    '产品编码',
    '产品id',
    '编码',
    'skucode',
    'itemcode',
    'productcode',
    'productid',
    'itemid',
    'itemno',
    'code',
  ],
  title: ['商品名称', '商品', '品名', '标题', '商品标题', '产品名称', '产品', '名称', '商品全称', 'title', 'productname', 'product', 'itemname', 'item', 'name'],
  listPrice: ['原价', '吊牌价', '划线价', '日常价', '零售价', '市场价', '专柜价', '建议零售价', '原价格', '价格', '售价', 'listprice', 'originalprice', 'regularprice', 'retailprice', 'msrp', 'price'],
  livePrice: ['直播价', '到手价', '活动价', '直播到手价', '直播专享价', '直播间价格', '直播价格', '直播间价', '券后价', '福利价', 'liveprice', 'streamprice', 'promoprice', 'saleprice', 'finalprice'],
  plannedTime: [
    '讲解时长',
    '时长',
    '讲解时间',
    '讲解分钟',
    '计划时长',
    '讲品时长',
    '讲解用时',
    '时间段',
    '时间',
    'slotlength',
    'slotduration',
    'slot',
    'duration',
    'plannedtime',
    'length',
    'minutes',
    'time',
  ],
  sellingPoints: ['卖点', '核心卖点', '产品卖点', '商品卖点', '主要卖点', '利益点', 'sellingpoints', 'sellingpoint', 'highlights', 'keypoints', 'features'],
  script: ['话术', '脚本', '讲解话术', '直播话术', '讲解脚本', '主播话术', '讲解内容', 'script', 'pitch', 'talkingpoints'],
  dealPrice: ['秒杀价', '秒杀价格', '秒杀', 'dealprice', 'flashprice', 'flashsaleprice'],
  dealStock: ['秒杀库存', '库存', '秒杀数量', '秒杀件数', '库存数量', 'dealstock', 'flashstock', 'stock'],
  perUserLimit: ['限购', '每人限购', '限购数量', '限购件数', '单人限购', '秒杀限购', 'peruserlimit', 'limitperuser', 'maxperuser', 'perlimit', 'limit'],
  dealDuration: ['秒杀时长', '秒杀时间', '秒杀持续时间', 'dealduration', 'deallength', 'flashduration', 'dealtime'],
  dealAutoFireAt: ['开秒时间', '自动开秒', '开秒', '自动秒杀', '秒杀开始', 'autofireat', 'autofire', 'dealat', 'firesat'],
  couponTitle: ['优惠券名称', '券名称', '券名', '优惠券标题', 'coupontitle', 'couponname'],
  couponThreshold: ['券门槛', '优惠券门槛', '使用门槛', '满减门槛', '门槛', '满', 'couponthreshold', 'couponminimum', 'couponmin', 'couponminspend'],
  couponDiscount: ['券面额', '优惠券面额', '优惠券金额', '券额', '优惠券', '立减', '减', 'coupondiscount', 'couponamount', 'couponvalue', 'coupon'],
  couponQuantity: ['发券张数', '发券数量', '优惠券数量', '券数量', '券张数', '张数', 'couponquantity', 'couponcount', 'coupons'],
  couponLimit: ['每人限领', '限领', '单人限领', '每人限领张数', 'couponlimit', 'couponperuser'],
  couponDuration: ['发券时长', '券时长', '优惠券时长', '领券时长', 'couponduration', 'coupontime'],
  floorPrice: ['品牌底价', '底价', '最低价', '控价', '破价线', '最低成交价', '品牌控价', 'floorprice', 'brandfloor', 'floor', 'minprice', 'minimumprice'],
  note: ['备注', '备注说明', '注意事项', '注意', '说明', 'note', 'notes', 'remark', 'remarks', 'memo'],
  // 序号 in a 排品表 is the order the products are listed in the bag, which is what viewers call 几号链接.
  linkNo: ['链接号', '链接序号', '小黄车序号', '小黄车号', '小黄车', '购物车序号', '购物袋序号', '商品序号', '上架序号', '链接', '序号', 'linkno', 'linknumber', 'link', 'cartno', 'bagno', 'no'],
};

const aliasIndex = new Map<string, { field: RunsheetField; rank: number }>();
for (const field of runsheetFields) {
  headerAliases[field].forEach((alias, rank) => {
    if (!aliasIndex.has(alias)) aliasIndex.set(alias, { field, rank });
  });
}

/** A unit written beside a header, e.g. "讲解时长(分钟)", "秒杀时长/秒", "原价(元)". */
export type HeaderUnit = 'sec' | 'min' | 'hour' | 'yuan' | 'fen';

const UNIT_WORDS: [RegExp, HeaderUnit][] = [
  [/^(秒|秒钟|s|sec|secs|second|seconds)$/, 'sec'],
  [/^(分钟|min|mins|minute|minutes|m)$/, 'min'],
  [/^(小时|h|hr|hrs|hour|hours)$/, 'hour'],
  [/^(元|¥|rmb|cny|yuan|人民币)$/, 'yuan'],
  // "分" is minutes beside a length of time and fen beside a price; the field decides.
  [/^(分|fen)$/, 'fen'],
];
const unitOf = (word: string): HeaderUnit | undefined => UNIT_WORDS.find(([re]) => re.test(word))?.[1];

/** What a header says once case, spaces, punctuation, brackets and unit words are set aside. */
export interface NormalisedHeader {
  /** The header's words, e.g. "讲解时长" for "讲解时长（分钟）*". */
  base: string;
  unit?: HeaderUnit;
}

/** Normalises a header cell for matching: NFKC (full-width to half-width), lower case, no spaces or marks. */
export function normaliseHeader(text: string): NormalisedHeader {
  const whole = text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  let unit: HeaderUnit | undefined;
  // Bracketed remarks: units, "必填", "可选", "单位：元". Brackets around the whole header are decoration.
  const bracketed = /^[([{【〔]([^)\]}】〕]*)[)\]}】〕]$/.exec(whole);
  let s = bracketed ? bracketed[1] : whole;
  s = s.replace(/[([{【〔]([^)\]}】〕]*)[)\]}】〕]/g, (_, inner: string) => {
    unit ??= unitOf(inner.replace(/^单位[:：]?/, ''));
    return '';
  });
  s = s.replace(/[*※#:：·・_\-.。'"“”‘’]/g, '');
  const slash = /^(.+)\/([^/]+)$/.exec(s);
  if (slash && unitOf(slash[2])) {
    unit ??= unitOf(slash[2]);
    s = slash[1];
  }
  return { base: s.replace(/\//g, ''), unit };
}

/** The field a header names and how strongly (lower rank is a better word), or null. */
export function recogniseHeader(text: string): { field: RunsheetField; rank: number; unit?: HeaderUnit } | null {
  const { base, unit } = normaliseHeader(text);
  if (!base) return null;
  const hit = aliasIndex.get(base);
  if (hit) return { ...hit, unit };
  // "讲解时长分钟", "原价元", "time(s)" written without brackets: peel one trailing unit word.
  const m = /^(.+?)(分钟|秒钟|小时|元|秒|minutes|minute|mins|min|seconds|sec|secs|yuan|rmb)$/.exec(base);
  if (m) {
    const peeled = aliasIndex.get(m[1]);
    if (peeled) return { ...peeled, unit: unit ?? unitOf(m[2]) };
  }
  return null;
}
