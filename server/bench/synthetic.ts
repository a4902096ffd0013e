/**
 * A deterministic, realistic-enough help center for benchmarks: English and Chinese FAQ entries
 * whose words follow a Zipf-like distribution (a few words in most entries, most words in few),
 * and queries that paraphrase entries by dropping and adding words.
 */
import type { KnowledgeEntry } from '../src/knowledge/types.js';

/** mulberry32: a small seeded PRNG, so every run generates the same data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN_COMMON = `order refund return shipping delivery warranty battery lamp bulb cable colour size parcel invoice
account password email address payment card discount coupon exchange repair replace damaged missing
tracking courier customs subscription cancel charge price gift store pickup stock voucher receipt`.split(/\s+/);
const SYLLABLES = 'ka lo mi ne ru sa ti vo ze pa do gi hu le mo ni bu ra se to'.split(' ');
const HAN = '退款货发物流保修电池台灯泡票账户密码支付地址尺寸颜色包裹订单取消换修理损坏丢失快递海关会员价格礼品门店库存优惠券收据查询时间多久能否怎样为何哪里号码信用卡积分评价安装说明书充电开关故障维修网页手机应用登录注册'.split('');
const EN_STOP = 'how do i can my the a is what when why where'.split(' ');

export function generateKnowledge(count: number, seed = 42): KnowledgeEntry[] {
  const random = seeded(seed);
  // Zipf-like: index = floor(n^u) concentrates picks on the first items.
  const zipf = <T>(list: readonly T[]) => list[Math.min(list.length - 1, Math.floor(Math.pow(list.length, random())) - 1)]!;
  const rare = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join('');
  const enWords = [...EN_COMMON, ...Array.from({ length: 3000 }, rare)];
  const hanWord = () => Array.from({ length: 2 }, () => zipf(HAN)).join('');
  return Array.from({ length: count }, (_, i) => {
    if (i % 2) {
      const title = `${Array.from({ length: 4 }, hanWord).join('')}${random() < 0.5 ? '吗？' : '怎么办？'}`;
      const body = Array.from({ length: 40 + Math.floor(random() * 80) }, hanWord).join('') + '。';
      return { id: `zh/${i}`, title, body, lang: 'zh' as const, tags: [], document: `文档 ${i % 50}` };
    }
    const words = (n: number) => Array.from({ length: n }, () => zipf(enWords));
    const title = `${EN_STOP[i % EN_STOP.length]} ${words(6).join(' ')}?`;
    const body = `${words(30 + Math.floor(random() * 90)).join(' ')}.`;
    return { id: `en/${i}`, title, body, lang: 'en' as const, tags: [], document: `Guide ${i % 50}` };
  });
}

export function generateQueries(entries: readonly KnowledgeEntry[], count: number, seed = 43): { text: string; lang: 'en' | 'zh' }[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const entry = entries[Math.floor(random() * entries.length)]!;
    const source = `${entry.title} ${entry.body.slice(0, 60)}`;
    if (entry.lang === 'zh') {
      const chars = Array.from(source).filter(() => random() < 0.6);
      return { text: chars.join('').slice(0, 30), lang: 'zh' as const };
    }
    const words = source.split(/\s+/).filter(() => random() < 0.6).slice(0, 12);
    return { text: `hi, ${words.join(' ')} please`, lang: 'en' as const };
  });
}

/**
 * `count` alternate phrasings per entry (issue 14), as a shop owner writes them: the entry's
 * question reworded in the words its customers use, here some of its words dropped and a few taken
 * from its own answer added.
 */
export function withPhrasings(entries: readonly KnowledgeEntry[], count: number, seed = 44): KnowledgeEntry[] {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return entries.map((entry) => {
    const phrasings = Array.from({ length: count }, () => {
      if (entry.lang === 'zh') {
        const kept = Array.from(entry.title.replace(/(吗|怎么办)？$/, '')).filter(() => random() < 0.6).join('');
        const body = Array.from(entry.body);
        const start = Math.floor(random() * Math.max(1, body.length - 4));
        return `${kept}${body.slice(start, start + 4).join('')}${random() < 0.5 ? '吗？' : '呢？'}`;
      }
      const kept = entry.title.replace(/\?$/, '').split(' ').slice(1).filter(() => random() < 0.6);
      const body = entry.body.replace(/\.$/, '').split(' ');
      return `${pick(EN_STOP)} ${[...kept, pick(body), pick(body)].join(' ')}?`;
    });
    return { ...entry, phrasings };
  });
}
