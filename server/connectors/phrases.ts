/**
 * What the simulated audience says and what it is called: Chinese nicknames and the comments a real
 * live-commerce audience types — questions the host should answer, reactions, deal chatter — shaped by
 * what kind of product is on air.
 */
import type { Product } from '../protocol/index.js';
import type { Rng } from './rng.js';

export type ProductKind = 'skincare' | 'makeup' | 'food' | 'home' | 'apparel' | 'general';

/** Guesses the kind of product from its title, so questions fit it (no 尺码 for beef jerky). */
export function kindOf(product: Pick<Product, 'title'>): ProductKind {
  const t = product.title;
  if (/口红|唇|粉底|眼影|腮红|彩妆|气垫|眉笔/.test(t)) return 'makeup';
  if (/面膜|精华|乳液|面霜|防晒霜|洁面|香水|护肤|卸妆|眼霜|爽肤水|身体乳/.test(t)) return 'skincare';
  if (/衣|裤|裙|鞋|袜|外套|T恤|卫衣|内衣|帽|羽绒/.test(t)) return 'apparel';
  if (/坚果|牛肉|茶|咖啡|零食|大米|挂面|牛奶|酸奶|饼|螺蛳粉|水果|蜂蜜|酒|腊肠|燕窝|粽|月饼/.test(t)) return 'food';
  if (/锅|毛巾|浴巾|被|枕|收纳|杯|碗|刀|拖把|纸|床|四件套|地垫|保温/.test(t)) return 'home';
  return 'general';
}

/** A short way viewers refer to a product: the title's first word when it is short, else 这个. */
export function shortName(product: Pick<Product, 'title'>): string {
  const first = product.title.trim().split(/\s+/)[0] ?? '';
  return first.length > 0 && first.length <= 8 ? first : '这个';
}

const GENERAL_QUESTIONS = [
  '多少钱？',
  '这个多少钱',
  '现在什么价？',
  '直播间价格是多少',
  '有没有优惠券？',
  '券在哪里领',
  '能叠加优惠吗？',
  '链接在哪',
  '几号链接？',
  '小黄车里哪个是？',
  '能不能便宜点',
  '再便宜一点呗',
  '还能再送点赠品吗？',
  '包邮吗？',
  '什么时候发货',
  '发什么快递？',
  '新疆偏远地区包邮吗',
  '支持七天无理由吗？',
  '还有库存吗',
  '怎么拍不了？',
  '质量怎么样？',
  '有售后吗',
  '是正品吗？',
  '和旗舰店一样吗？',
];

const KIND_QUESTIONS: Record<ProductKind, string[]> = {
  skincare: ['敏感肌能用吗？', '油皮适合吗', '孕妇可以用吗？', '有没有小样？', '保质期到什么时候', '会不会闷痘？', '干皮冬天用够滋润吗', '学生党能用吗？', '一天用几次？', '有没有酒精？'],
  makeup: ['黄皮选哪个色号？', '有几个色号', '显白吗？', '会不会拔干？', '沾杯吗？', '敏感肌能用吗？', '保质期到什么时候', '学生党适合哪个色？'],
  food: ['好吃吗？', '甜不甜', '保质期多久？', '孕妇能吃吗？', '小孩能吃吗', '一袋多少克？', '是独立包装吗？', '辣不辣', '配料表干净吗？', '是今年的新货吗？', '怎么保存？'],
  home: ['尺寸多大？', '有几个颜色？', '能机洗吗', '会掉毛吗？', '电磁炉能用吗？', '多重啊', '质保多久？', '是什么材质的？', '会不会有味道？'],
  apparel: ['尺码怎么选？', '160 100斤穿什么码？', '偏大还是偏小', '有没有黑色？', '会起球吗？', '透不透？', '能机洗吗？', '男生能穿吗'],
  general: ['怎么用？', '能用多久？', '送人合适吗？'],
};

const TEMPLATE_QUESTIONS = ['{name}多少钱？', '{link}号链接是{name}吗？', '{name}还有货吗？', '{name}和上一个比哪个好？', '{name}有没有赠品？', '{link}号链接怎么拍不了'];

const REACTIONS = [
  '好看',
  '已拍',
  '已拍已拍',
  '主播好美',
  '主播今天状态真好',
  '冲冲冲',
  '666',
  '想要',
  '上链接',
  '已下单，期待',
  '第二次回购了',
  '回购好几次了',
  '求返场',
  '扣1',
  '1',
  '来了来了',
  '刚来，现在讲的什么？',
  '主播声音好好听',
  '买过，真的好用',
  '家人们冲',
  '支持支持',
  '主播好',
  '晚上好呀',
  '刚下班来看',
  '❤️❤️❤️',
];

const KIND_REACTIONS: Record<ProductKind, string[]> = {
  skincare: ['用过，真的水润', '上脸好服帖', '空瓶好几瓶了', '用完第二天脸好嫩'],
  makeup: ['这个色号好显白', '试色好好看', '已经有两支了还想要', '主播涂着好美'],
  food: ['看饿了', '给孩子买过，爱吃', '办公室囤一箱', '这个配茶绝了'],
  home: ['家里用的就是这个', '搬新家正好需要', '买给我妈的'],
  apparel: ['上身好显瘦', '颜色好好看', '想要同款'],
  general: ['看着不错', '收藏了'],
};

const DEAL_CHATTER = ['抢到了！', '没抢到😭', '手慢了', '再加点库存吧', '还有吗还有吗', '秒没了', '三二一上链接', '拼手速了', '抢到两件', '卡了一下就没了'];
const MISSED = ['没抢到😭', '手慢了', '已经没了？', '再加点库存吧', '能不能返场'];
const COUPON_CHATTER = ['领到券了', '券在哪领？', '券怎么用？', '领了领了', '券能和秒杀一起用吗？'];

/** What a comment is about, chosen by the simulator from the moment of the show. */
export type CommentMood = 'question' | 'reaction' | 'deal' | 'coupon' | 'missed';

/** One comment text for the current product (or none on air) in the given mood. */
export function commentText(rng: Rng, mood: CommentMood, product: Product | null, linkNo: number | null): string {
  const kind = product ? kindOf(product) : 'general';
  switch (mood) {
    case 'deal':
      return rng.pick(DEAL_CHATTER);
    case 'missed':
      return rng.pick(MISSED);
    case 'coupon':
      return rng.pick(COUPON_CHATTER);
    case 'reaction':
      return rng.chance(0.25) ? rng.pick(KIND_REACTIONS[kind]) : rng.pick(REACTIONS);
    case 'question': {
      const r = rng.next();
      if (product && linkNo !== null && r < 0.2) {
        return rng.pick(TEMPLATE_QUESTIONS).replaceAll('{name}', shortName(product)).replaceAll('{link}', String(linkNo));
      }
      return r < 0.55 ? rng.pick(KIND_QUESTIONS[kind]) : rng.pick(GENERAL_QUESTIONS);
    }
  }
}

const ADJ = ['快乐的', '爱笑的', '安静的', '努力的', '元气', '小', '胖', '甜甜的', '不吃香菜的', '早睡的'];
const NOUN = ['小熊', '橘子', '糖糖', '阿花', '大白', '可乐', '月亮', '小鹿', '团子', '布丁', '饭团', '柚子', '汤圆', '番茄'];
const SURNAME = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡'];
const GIVEN = ['小丽', '姐', '哥', '阿姨', '老师', '美美', '静', '婷婷', '伟', '磊', '芳', '敏', '小雨', '晓燕'];
const KID = ['乐乐', '豆豆', '果果', '朵朵', '天天', '阳阳', '多多', '贝贝'];
const FOOD = ['火锅', '甜品', '烧烤', '草莓', '螺蛳粉', '奶茶'];

/** A believable nickname: 快乐的小熊, 王姐, 乐乐妈妈, 爱吃火锅的团子, 用户8312…. */
export function nickname(rng: Rng): string {
  const r = rng.next();
  if (r < 0.25) return rng.pick(ADJ) + rng.pick(NOUN);
  if (r < 0.45) return rng.pick(SURNAME) + rng.pick(GIVEN);
  if (r < 0.6) return rng.pick(KID) + rng.pick(['妈妈', '妈咪', '爸爸', '麻麻']);
  if (r < 0.72) return `爱吃${rng.pick(FOOD)}的${rng.pick(NOUN)}`;
  if (r < 0.88) return `用户${1000 + rng.int(9000)}${rng.int(10)}`;
  return rng.pick(NOUN) + rng.pick(['🌸', '🍀', '✨', '']) + (rng.chance(0.5) ? String(rng.int(100)) : '');
}
